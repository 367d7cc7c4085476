/*
 * Why a server's TLS chain was refused. curl (GnuTLS) says only that the
 * verification failed; this verifies the chain the server presented once
 * more with GnuTLS and tells the cases apart: a root outside the trusted
 * set (named, with the setting that would trust it when one of the known
 * untrusted sets has it), an expired or not yet valid certificate (named),
 * a certificate for another host. It never accepts anything: the decision
 * was curl's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _EsimHttpTrust EsimHttpTrust;

/* bundle: the PEM file of every trusted root */
EsimHttpTrust *esim_http_trust_new (const gchar *bundle, GError **error);
void esim_http_trust_free (EsimHttpTrust *self);

/* roots that are known but not trusted (the system store while it is off,
 * the test CIs outside test mode): a chain ending in one of them is
 * explained with hint, e.g. "trusted with [tls] SystemRoots=true" */
gboolean esim_http_trust_add_hint (EsimHttpTrust *self, const gchar *const *files,
                                   const gchar *hint, GError **error);
/* the hint for any other unknown root */
void esim_http_trust_set_default_hint (EsimHttpTrust *self, const gchar *hint);

/* chain: the PEM certificates the server sent, leaf first; host: the
 * name or IP literal connected to; peer: "SM-DP+" or "SM-DS". Returns an
 * ESIM_HTTP_ERROR, or NULL when the chain verifies here (then the caller
 * keeps curl's own error) */
GError *esim_http_trust_explain (EsimHttpTrust *self, GPtrArray *chain, const gchar *host,
                                 const gchar *peer);

/* the system's CA bundle (Debian's /etc/ssl/certs/ca-certificates.crt and
 * the places other distributions use, then libcurl's built-in default);
 * NULL when there is none */
gchar *esim_http_trust_find_system_roots (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimHttpTrust, esim_http_trust_free)

G_END_DECLS
