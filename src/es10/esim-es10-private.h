/*
 * Shared by the files that implement the ES10 functions of EsimEs10: one
 * command is "send this request, parse the response with that parser".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-es10.h"
#include "esim-es10-parse.h"
#include "esim-iccid.h"
#include "esim-tlv.h"

G_BEGIN_DECLS

typedef gpointer (*EsimEs10ParseFunc) (GBytes *response, GError **error);
typedef gboolean (*EsimEs10CheckFunc) (GBytes *response, GError **error);

/* request NULL with request_error set fails the call without any APDU
 * (input validation); source_tag names the public _async function */
void esim_es10_command_async (EsimEs10 *self, GBytes *request, GError *request_error,
                              EsimEs10ParseFunc parse, GDestroyNotify free_func,
                              gpointer source_tag, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
gpointer esim_es10_command_finish (EsimEs10 *self, GAsyncResult *result, gpointer source_tag,
                                   GError **error);
void esim_es10_check_command_async (EsimEs10 *self, GBytes *request, GError *request_error,
                                    EsimEs10CheckFunc check, gpointer source_tag,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean esim_es10_check_command_finish (EsimEs10 *self, GAsyncResult *result, gpointer source_tag,
                                         GError **error);

/* adds the profile identifier CHOICE (5A ICCID or 4F AID) to a request
 * being built; exactly one of iccid and isdp_aid */
gboolean esim_es10_add_profile_id (EsimTlvBuilder *builder, const gchar *iccid, GBytes *isdp_aid,
                                   GError **error);

G_END_DECLS
