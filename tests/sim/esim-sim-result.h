/*
 * Result faults of the simulated eUICC: an ES10 function answered with a
 * chosen result code (--fault result:FUNCTION:CODE[:N]) instead of running,
 * in the shape rsp.asn gives that function's result or error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "esim-tlv.h"

G_BEGIN_DECLS

/* the request tag of an ES10 function by its SGP.22 name (EnableProfile,
 * ...), 0 for a function that has no result code */
guint32 esim_sim_result_function_tag (const gchar *function);
/* the names, for messages */
gchar *esim_sim_result_function_names (void);

/* the response of the function of request with result code */
GBytes *esim_sim_result_build (const EsimTlv *request, gint64 code);

G_END_DECLS
