/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "esim-http-trust.h"
#include "esim-http.h"

/* a TLS chain longer than this is not an RSP server's */
#define ESIM_HTTP_TRUST_MAX_CHAIN 16

typedef struct {
  gnutls_x509_trust_list_t list;
  gchar *hint;
} EsimHttpTrustHint;

struct _EsimHttpTrust {
  gnutls_x509_trust_list_t trusted;
  GPtrArray *hints; /* of EsimHttpTrustHint */
  gchar *default_hint;
};

static void
esim_http_trust_hint_free (EsimHttpTrustHint *hint)
{
  gnutls_x509_trust_list_deinit (hint->list, 1);
  g_free (hint->hint);
  g_free (hint);
}

void
esim_http_trust_free (EsimHttpTrust *self)
{
  if (self->trusted != NULL)
    gnutls_x509_trust_list_deinit (self->trusted, 1);
  g_ptr_array_unref (self->hints);
  g_free (self->default_hint);
  g_free (self);
}

static gboolean
esim_http_trust_load (gnutls_x509_trust_list_t list, const gchar *file, GError **error)
{
  int rc = gnutls_x509_trust_list_add_trust_file (list, file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);

  if (rc <= 0) {
    g_set_error (error, ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_CERTIFICATE, "trust anchors: %s: %s", file,
                 rc < 0 ? gnutls_strerror (rc) : "no certificate");
    return FALSE;
  }
  return TRUE;
}

EsimHttpTrust *
esim_http_trust_new (const gchar *bundle, GError **error)
{
  g_autoptr (EsimHttpTrust) self = g_new0 (EsimHttpTrust, 1);

  self->hints = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_http_trust_hint_free);
  self->default_hint = g_strdup ("add its root certificate to the trust anchors");
  gnutls_x509_trust_list_init (&self->trusted, 0);
  if (!esim_http_trust_load (self->trusted, bundle, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
esim_http_trust_add_hint (EsimHttpTrust *self, const gchar *const *files, const gchar *hint,
                          GError **error)
{
  EsimHttpTrustHint *h = g_new0 (EsimHttpTrustHint, 1);

  h->hint = g_strdup (hint);
  gnutls_x509_trust_list_init (&h->list, 0);
  g_ptr_array_add (self->hints, h);
  for (guint i = 0; files != NULL && files[i] != NULL; i++) {
    if (!esim_http_trust_load (h->list, files[i], error))
      return FALSE;
  }
  return TRUE;
}

void
esim_http_trust_set_default_hint (EsimHttpTrust *self, const gchar *hint)
{
  g_free (self->default_hint);
  self->default_hint = g_strdup (hint);
}

static gchar *
esim_http_trust_dn (gnutls_x509_crt_t crt, gboolean issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  gchar *text;
  int rc
    = issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) : gnutls_x509_crt_get_dn3 (crt, &dn, 0);

  if (rc < 0)
    return g_strdup ("(unreadable name)");
  text = g_strndup ((const gchar *) dn.data, dn.size);
  gnutls_free (dn.data);
  return text;
}

static gchar *
esim_http_trust_date (time_t t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) t);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* NULL when crt is valid now */
static gchar *
esim_http_trust_check_time (gnutls_x509_crt_t crt, time_t now)
{
  time_t not_after = gnutls_x509_crt_get_expiration_time (crt);
  time_t not_before = gnutls_x509_crt_get_activation_time (crt);
  g_autofree gchar *dn = NULL;
  g_autofree gchar *date = NULL;

  if (not_after != (time_t) -1 && not_after < now) {
    dn = esim_http_trust_dn (crt, FALSE);
    date = esim_http_trust_date (not_after);
    return g_strdup_printf ("%s (expired on %s)", dn, date);
  }
  if (not_before != (time_t) -1 && not_before > now) {
    dn = esim_http_trust_dn (crt, FALSE);
    date = esim_http_trust_date (not_before);
    return g_strdup_printf ("%s (not valid before %s)", dn, date);
  }
  return NULL;
}

/* the names in the subjectAltName, for a wrong-host message */
static gchar *
esim_http_trust_names (gnutls_x509_crt_t crt)
{
  g_autoptr (GString) names = g_string_new (NULL);

  for (guint seq = 0; seq < 64; seq++) {
    guint8 buf[256];
    size_t size = sizeof (buf) - 1;
    int type = gnutls_x509_crt_get_subject_alt_name (crt, seq, buf, &size, NULL);

    if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      break;
    if (type == GNUTLS_SAN_DNSNAME) {
      buf[size] = '\0';
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", (const gchar *) buf);
    } else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16)) {
      g_autoptr (GInetAddress) a = g_inet_address_new_from_bytes (
        buf, size == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
      g_autofree gchar *text = g_inet_address_to_string (a);
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", text);
    }
  }
  if (names->len == 0) {
    g_autofree gchar *dn = esim_http_trust_dn (crt, FALSE);
    g_string_append (names, dn);
  }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
esim_http_trust_verifies (gnutls_x509_trust_list_t list, gnutls_x509_crt_t *path, guint n)
{
  unsigned int status = 0;

  if (gnutls_x509_trust_list_verify_crt2 (list, path, n, NULL, 0, 0, &status, NULL) < 0)
    return FALSE;
  return status == 0;
}

static GError *
esim_http_trust_classify (EsimHttpTrust *self, gnutls_x509_crt_t *certs, guint n_certs,
                          const gchar *host, const gchar *peer)
{
  gnutls_x509_crt_t path[ESIM_HTTP_TRUST_MAX_CHAIN];
  gboolean used[ESIM_HTTP_TRUST_MAX_CHAIN] = { FALSE };
  gnutls_x509_crt_t last;
  unsigned int status = 0;
  time_t now = time (NULL);
  guint n_path = 1;

  /* the path from the leaf, whatever order the server sent: each next
   * certificate issued the one before, up to a self-signed one */
  path[0] = certs[0];
  used[0] = TRUE;
  while (n_path < n_certs && !gnutls_x509_crt_check_issuer (path[n_path - 1], path[n_path - 1])) {
    gint found = -1;

    for (guint j = 0; j < n_certs && found < 0; j++) {
      if (!used[j] && gnutls_x509_crt_check_issuer (path[n_path - 1], certs[j]))
        found = (gint) j;
    }
    if (found < 0)
      break;
    used[found] = TRUE;
    path[n_path++] = certs[found];
  }
  last = path[n_path - 1];

  /* an expired certificate the server sent */
  for (guint i = 0; i < n_path; i++) {
    g_autofree gchar *what = esim_http_trust_check_time (path[i], now);

    if (what == NULL)
      continue;
    if (i == 0)
      return g_error_new (ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_EXPIRED,
                          "the %s certificate is not valid now: %s", peer, what);
    return g_error_new (ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_EXPIRED,
                        "a certificate of the %s chain is not valid now: %s", peer, what);
  }

  if (gnutls_x509_trust_list_verify_crt2 (self->trusted, path, n_path, NULL, 0, 0, &status, NULL)
      < 0)
    return NULL;
  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
    g_autofree gchar *issuer = esim_http_trust_dn (last, TRUE);
    const gchar *hint = self->default_hint;

    for (guint i = 0; i < self->hints->len; i++) {
      EsimHttpTrustHint *h = g_ptr_array_index (self->hints, i);

      if (esim_http_trust_verifies (h->list, path, n_path)) {
        hint = h->hint;
        break;
      }
    }
    return g_error_new (ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_UNKNOWN_ROOT,
                        "%s certificate chain ends in an unknown root: %s; %s", peer, issuer, hint);
  }
  if (status & (GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED)) {
    gnutls_x509_crt_t anchor = NULL;
    g_autofree gchar *what = NULL;

    /* the chain is valid up to the root we trust: the root is not */
    if (gnutls_x509_trust_list_get_issuer (self->trusted, last, &anchor, GNUTLS_TL_GET_COPY) >= 0
        && anchor != NULL) {
      what = esim_http_trust_check_time (anchor, now);
      gnutls_x509_crt_deinit (anchor);
    }
    return g_error_new (ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_EXPIRED,
                        "%s certificate chain ends in an expired root: %s", peer,
                        what != NULL ? what : "(validity period)");
  }
  if (!gnutls_x509_crt_check_hostname2 (certs[0], host, 0)) {
    g_autofree gchar *names = esim_http_trust_names (certs[0]);
    return g_error_new (ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_WRONG_HOST,
                        "the %s certificate is for %s, not for %s", peer, names, host);
  }
  if (status != 0) {
    gnutls_datum_t out = { NULL, 0 };
    GError *error;

    gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0);
    error = g_error_new (ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_CERTIFICATE,
                         "the %s certificate chain is not trusted: %.*s", peer, (int) out.size,
                         out.data != NULL ? (const gchar *) out.data : "");
    gnutls_free (out.data);
    return error;
  }
  return NULL;
}

GError *
esim_http_trust_explain (EsimHttpTrust *self, GPtrArray *chain, const gchar *host,
                         const gchar *peer)
{
  gnutls_x509_crt_t certs[ESIM_HTTP_TRUST_MAX_CHAIN];
  g_autofree gchar *bare = NULL;
  guint n = 0;
  GError *error = NULL;

  for (guint i = 0; i < chain->len && n < ESIM_HTTP_TRUST_MAX_CHAIN; i++) {
    const gchar *pem = g_ptr_array_index (chain, i);
    gnutls_datum_t d = { (guchar *) pem, (guint) strlen (pem) };

    gnutls_x509_crt_init (&certs[n]);
    if (gnutls_x509_crt_import (certs[n], &d, GNUTLS_X509_FMT_PEM) < 0) {
      gnutls_x509_crt_deinit (certs[n]);
      continue;
    }
    n++;
  }
  /* "[::1]" in a URL, "::1" in a certificate */
  if (host[0] == '[' && g_str_has_suffix (host, "]"))
    bare = g_strndup (host + 1, strlen (host) - 2);
  else
    bare = g_strdup (host);
  if (n > 0)
    error = esim_http_trust_classify (self, certs, n, bare, peer);
  for (guint i = 0; i < n; i++)
    gnutls_x509_crt_deinit (certs[i]);
  return error;
}

static gboolean
esim_http_trust_is_bundle (const gchar *path)
{
  g_autofree gchar *text = NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  return strstr (text, "-----BEGIN CERTIFICATE-----") != NULL;
}

gchar *
esim_http_trust_find_system_roots (void)
{
  /* where the distributions keep the PEM bundle of the system CA store */
  static const gchar *const candidates[] = {
    "/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Arch, Gentoo */
    "/etc/pki/tls/certs/ca-bundle.crt",                  /* Fedora, RHEL */
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* Fedora, extracted */
    "/etc/ssl/ca-bundle.pem",                            /* openSUSE */
    "/etc/ssl/cert.pem",                                 /* Alpine, the BSDs */
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++) {
    if (esim_http_trust_is_bundle (candidates[i]))
      return g_strdup (candidates[i]);
  }
#if LIBCURL_VERSION_NUM >= 0x075400
  {
    /* the bundle libcurl was built to use, where it names one */
    CURL *easy = curl_easy_init ();
    const gchar *path = NULL;
    gchar *found = NULL;

    if (easy != NULL && curl_easy_getinfo (easy, CURLINFO_CAINFO, &path) == CURLE_OK
        && esim_http_trust_is_bundle (path))
      found = g_strdup (path);
    if (easy != NULL)
      curl_easy_cleanup (easy);
    if (found != NULL)
      return found;
  }
#endif
  return NULL;
}
