/*
 * libesim internals shared by its files: the generated proxies behind each
 * wrapper, the client's bookkeeping and the method call helper.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#ifndef LIBESIM_COMPILATION
#define LIBESIM_COMPILATION
#endif

#include "esim.h"
#include "esim-dbus-generated.h"

G_BEGIN_DECLS

#define ESIM_BUS_NAME "org.freedesktop.Esim1"
#define ESIM_ROOT_PATH "/org/freedesktop/Esim1"

/* long enough for a polkit dialog, an SM-DS answer or a modem refresh */
#define ESIM_CALL_TIMEOUT_MS (10 * 60 * 1000)

GError *esim_error_from_call (GError *error);

/* a wrapper property that mirrors a property of its proxy: the same value,
 * and notify when the proxy notifies */
typedef struct {
  const gchar *wrapper_name;
  const gchar *proxy_name;
} EsimPropertyMirror;

gulong esim_mirror_connect (GObject *wrapper, GObject *proxy, const EsimPropertyMirror *mirrors,
                            guint n_mirrors);
gboolean esim_mirror_get (GObject *proxy, const EsimPropertyMirror *mirrors, guint n_mirrors,
                          GParamSpec *pspec, GValue *value);

/* N of .../Profile/N, for a stable order; G_MAXUINT without a number */
guint esim_path_number (const gchar *path);
gint esim_compare_by_path (gconstpointer a, gconstpointer b);

/* a method call on PROXY with the client's flags; the task of SOURCE
 * returns the reply (GVariant, transfer full) */
void esim_call_async (gpointer source, EsimClient *client, GDBusProxy *proxy, const gchar *method,
                      GVariant *parameters, const gchar *reply_type, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data, gpointer tag);
GVariant *esim_call_finish (gpointer source, GAsyncResult *res, GError **error);
gboolean esim_call_finish_void (gpointer source, GAsyncResult *res, GError **error);

/* the client */
GDBusCallFlags esim_client_get_call_flags (EsimClient *self);
/* a job by path: the known one, or a new one from its own proxy */
void esim_client_get_job_async (EsimClient *self, const gchar *path, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
EsimJob *esim_client_get_job_finish (EsimClient *self, GAsyncResult *res, GError **error);
EsimJob *esim_client_add_job (EsimClient *self, EsimDbusJob *proxy);

/* the wrappers; each keeps the client by a weak pointer */
EsimEuicc *esim_euicc_new (EsimClient *client, EsimDbusEuicc *proxy);
void esim_euicc_add_profile (EsimEuicc *self, EsimProfile *profile);
void esim_euicc_remove_profile (EsimEuicc *self, EsimProfile *profile);

EsimProfile *esim_profile_new (EsimClient *client, EsimDbusProfile *proxy);

EsimJob *esim_job_new (EsimClient *client, EsimDbusJob *proxy);
EsimDiscoveredProfile *esim_discovered_profile_new (const gchar *smdp_address,
                                                    const gchar *matching_id,
                                                    const gchar *activation_code);
/* the job object left the bus (lingered out, or the daemon went away) */
void esim_job_set_gone (EsimJob *self);

G_END_DECLS
