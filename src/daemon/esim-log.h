/*
 * Logging rules of the daemon: EIDs, ICCIDs, IMEIs, matching IDs and
 * activation codes are personal data (ModemManager's rule), shown only when
 * the daemon runs with --verbose or G_MESSAGES_DEBUG.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void esim_log_set_verbose (gboolean verbose);
gboolean esim_log_get_verbose (void);

/* the value itself when verbose, else a placeholder; never NULL */
const gchar *esim_log_personal (const gchar *value);

G_END_DECLS
