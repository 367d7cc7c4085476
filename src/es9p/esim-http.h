/*
 * HTTPS for the RSP servers: libcurl (GnuTLS) driven by the GLib main loop
 * through the multi interface. One EsimHttp keeps its connections open
 * between requests, so a whole download session needs one TLS handshake.
 * TLS is always verified, against the given CA bundle, with the host name.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ESIM_HTTP_ERROR (esim_http_error_quark ())
GQuark esim_http_error_quark (void);

typedef enum {
  ESIM_HTTP_ERROR_FAILED,      /* any other transfer failure */
  ESIM_HTTP_ERROR_RESOLVE,     /* host name not found */
  ESIM_HTTP_ERROR_CONNECT,     /* server unreachable */
  ESIM_HTTP_ERROR_TLS,         /* handshake failed */
  ESIM_HTTP_ERROR_CERTIFICATE, /* server certificate not trusted or wrong host */
  ESIM_HTTP_ERROR_TIMEOUT,     /* connect or total timeout reached */
  ESIM_HTTP_ERROR_TOO_LARGE,   /* response beyond the size limit */
} EsimHttpError;

#define ESIM_TYPE_HTTP (esim_http_get_type ())
G_DECLARE_FINAL_TYPE (EsimHttp, esim_http, ESIM, HTTP, GObject)

/* ca_files: PEM files whose certificates are the only trust anchors */
EsimHttp *esim_http_new (const gchar *const *ca_files, GError **error);

void esim_http_set_timeouts (EsimHttp *self, guint connect_timeout_ms, guint total_timeout_ms);
void esim_http_set_user_agent (EsimHttp *self, const gchar *user_agent);

/* a POST; headers is a NULL-terminated list of "Name: value" lines */
void esim_http_post_async (EsimHttp *self, const gchar *url, const gchar *const *headers,
                           GBytes *body, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
/* the response body (maybe empty); status holds the HTTP status code */
GBytes *esim_http_post_finish (EsimHttp *self, GAsyncResult *result, guint *status, GError **error);

/* counters for benchmarks and tests */
guint esim_http_get_request_count (EsimHttp *self);
guint esim_http_get_connection_count (EsimHttp *self);

G_END_DECLS
