/*
 * HTTPS for the RSP servers: libcurl (GnuTLS) driven by the GLib main loop
 * through the multi interface. One EsimHttp keeps its connections open
 * between requests, so a whole download session needs one TLS handshake.
 * TLS is always verified, against the given CA bundle, with the host name;
 * a refused chain is explained (esim-http-trust.h): unknown root, expired,
 * wrong host. Timeouts: one to connect, a total one per request (longer
 * for getBoundProfilePackage, which carries the profile) and a stall limit
 * that ends a transfer receiving nothing, however long it may take in all.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ESIM_HTTP_ERROR (esim_http_error_quark ())
GQuark esim_http_error_quark (void);

typedef enum {
  ESIM_HTTP_ERROR_FAILED,       /* any other transfer failure */
  ESIM_HTTP_ERROR_RESOLVE,      /* host name not found */
  ESIM_HTTP_ERROR_CONNECT,      /* server unreachable */
  ESIM_HTTP_ERROR_TLS,          /* handshake failed */
  ESIM_HTTP_ERROR_CERTIFICATE,  /* server certificate not trusted or wrong host */
  ESIM_HTTP_ERROR_TIMEOUT,      /* connect or total timeout reached */
  ESIM_HTTP_ERROR_TOO_LARGE,    /* response beyond the size limit */
  ESIM_HTTP_ERROR_UNKNOWN_ROOT, /* the chain ends in a root that is not trusted */
  ESIM_HTTP_ERROR_EXPIRED,      /* a certificate of the chain or its root is not valid now */
  ESIM_HTTP_ERROR_WRONG_HOST,   /* the certificate is for another host */
} EsimHttpError;

#define ESIM_TYPE_HTTP (esim_http_get_type ())
G_DECLARE_FINAL_TYPE (EsimHttp, esim_http, ESIM, HTTP, GObject)

/* ca_files: PEM files whose certificates are the only trust anchors */
EsimHttp *esim_http_new (const gchar *const *ca_files, GError **error);

/* roots known but not trusted, only to explain a refused chain that ends in
 * one of them: hint says how to trust them ("accepted with [tls]
 * SystemRoots=true") */
gboolean esim_http_add_untrusted_roots (EsimHttp *self, const gchar *const *files,
                                        const gchar *hint, GError **error);
/* how to trust any other unknown root ("add it to [daemon] TrustAnchors=") */
void esim_http_set_unknown_root_hint (EsimHttp *self, const gchar *hint);

/* connect: up to the TLS session; total: each request (default 15 s, 60 s) */
void esim_http_set_timeouts (EsimHttp *self, guint connect_timeout_ms, guint total_timeout_ms);
/* download: the total of a getBoundProfilePackage request (default 600 s);
 * stall: any transfer that receives nothing for this long ends (30 s) */
void esim_http_set_download_timeouts (EsimHttp *self, guint download_timeout_ms,
                                      guint stall_timeout_ms);
void esim_http_set_user_agent (EsimHttp *self, const gchar *user_agent);

/* a POST; headers is a NULL-terminated list of "Name: value" lines */
void esim_http_post_async (EsimHttp *self, const gchar *url, const gchar *const *headers,
                           GBytes *body, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
/* the response body (maybe empty); status holds the HTTP status code */
GBytes *esim_http_post_finish (EsimHttp *self, GAsyncResult *result, guint *status, GError **error);

/* appends every *.pem file of dir, sorted, to files (of gchar*) */
gboolean esim_http_add_pem_directory (GPtrArray *files, const gchar *dir, GError **error);
/* the system CA bundle (see esim_http_trust_find_system_roots), or NULL */
gchar *esim_http_find_system_roots (void);

/* counters for benchmarks and tests */
guint esim_http_get_request_count (EsimHttp *self);
guint esim_http_get_connection_count (EsimHttp *self);

G_END_DECLS
