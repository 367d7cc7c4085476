/*
 * The HTTPS certificate of the test SM-DP+, made fresh at every start under
 * the SGP.26 CI (or deliberately wrong, for the LPA's TLS tests).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  ESIM_SMDP_TLS_GOOD,       /* CI-issued for 127.0.0.1, ::1, localhost */
  ESIM_SMDP_TLS_UNKNOWN_CI, /* issued by a fresh self-signed CA */
  ESIM_SMDP_TLS_EXPIRED,    /* CI-issued, validity in the past */
  ESIM_SMDP_TLS_WRONG_HOST, /* CI-issued, SAN only wrong.example.com */
  /* a throw-away "public web CA": root -> issuing CA -> server, the server
   * sends its certificate and the issuing CA's, as web servers do */
  ESIM_SMDP_TLS_WEB_CA,
  /* issued by a throw-away root whose validity ended a year ago, as a
   * legacy SM-DP+ root past its end would be */
  ESIM_SMDP_TLS_LEGACY_EXPIRED,
} EsimSmdpTlsMode;

gboolean esim_smdp_tls_mode_from_string (const gchar *text, EsimSmdpTlsMode *mode);

/* pki_dir is the SGP.26 folder (CertificateIssuer/ inside); root_pem, if
 * not NULL, gets the PEM of the root the chain ends in (what a client
 * would have to trust) */
GTlsCertificate *esim_smdp_tls_make_certificate (const gchar *pki_dir, EsimSmdpTlsMode mode,
                                                 gchar **root_pem, GError **error);

G_END_DECLS
