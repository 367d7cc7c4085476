/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "esim-sim-crypto.h"
#include "esim-sim-upp.h"

struct _EsimSimCrypto {
  GObject parent_instance;
  gchar *eid;
  GBytes *euicc_cert;
  GBytes *eum_cert;
  GPtrArray *ci_pkids;
  gnutls_privkey_t key;
};

G_DEFINE_TYPE (EsimSimCrypto, esim_sim_crypto, G_TYPE_OBJECT)

static GBytes *
esim_sim_crypto_load (const gchar *dir, const gchar *relative, GError **error)
{
  g_autofree gchar *path = g_build_filename (dir, relative, NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);

  if (file == NULL)
    return NULL;
  return g_mapped_file_get_bytes (file);
}

static gnutls_x509_crt_t
esim_sim_crypto_parse_crt (GBytes *der, const gchar *what, GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum = { (guchar *)g_bytes_get_data (der, NULL), (guint)g_bytes_get_size (der) };
  int rc;

  gnutls_x509_crt_init (&crt);
  rc = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  if (rc < 0) {
    gnutls_x509_crt_deinit (crt);
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "%s is not a DER certificate: %s", what, gnutls_strerror (rc));
    return NULL;
  }
  return crt;
}

static gboolean
esim_sim_crypto_load_ci (EsimSimCrypto *self, const gchar *dir, const gchar *name,
                         gboolean required, GError **error)
{
  g_autofree gchar *relative = g_build_filename ("CertificateIssuer", name, NULL);
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GError) local = NULL;
  gnutls_x509_crt_t crt;
  guint8 ski[64];
  gsize ski_len = sizeof (ski);
  unsigned int critical = 0;
  int rc;

  der = esim_sim_crypto_load (dir, relative, &local);
  if (der == NULL) {
    if (!required)
      return TRUE;
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  crt = esim_sim_crypto_parse_crt (der, relative, error);
  if (crt == NULL)
    return FALSE;
  rc = gnutls_x509_crt_get_subject_key_id (crt, ski, &ski_len, &critical);
  gnutls_x509_crt_deinit (crt);
  if (rc < 0) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "%s has no subjectKeyIdentifier: %s", relative, gnutls_strerror (rc));
    return FALSE;
  }
  g_ptr_array_add (self->ci_pkids, g_bytes_new (ski, ski_len));
  return TRUE;
}

static gboolean
esim_sim_crypto_load_eid (EsimSimCrypto *self, GError **error)
{
  gnutls_x509_crt_t crt = esim_sim_crypto_parse_crt (self->euicc_cert, "eUICC certificate", error);
  gchar buf[128];
  gsize size = sizeof (buf);
  int rc;

  if (crt == NULL)
    return FALSE;
  /* serialNumber, 2.5.4.5, carries the EID in SGP.22 eUICC certificates */
  rc = gnutls_x509_crt_get_dn_by_oid (crt, "2.5.4.5", 0, 0, buf, &size);
  gnutls_x509_crt_deinit (crt);
  if (rc < 0) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "eUICC certificate subject has no serialNumber (EID): %s", gnutls_strerror (rc));
    return FALSE;
  }
  if (size != 32) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "eUICC certificate serialNumber “%s” is not a 32-digit EID", buf);
    return FALSE;
  }
  self->eid = g_strndup (buf, size);
  return TRUE;
}

static gboolean
esim_sim_crypto_load_key (EsimSimCrypto *self, const gchar *dir, GError **error)
{
  g_autoptr(GBytes) pem = esim_sim_crypto_load (dir, "eUICC/SK_EUICC_ECDSA_NIST.pem", error);
  gnutls_datum_t datum;
  int rc;

  if (pem == NULL)
    return FALSE;
  datum.data = (guchar *)g_bytes_get_data (pem, NULL);
  datum.size = (guint)g_bytes_get_size (pem);
  gnutls_privkey_init (&self->key);
  rc = gnutls_privkey_import_x509_raw (self->key, &datum, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (rc < 0) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "cannot load SK_EUICC_ECDSA_NIST.pem: %s", gnutls_strerror (rc));
    return FALSE;
  }
  return TRUE;
}

EsimSimCrypto *
esim_sim_crypto_new (const gchar *pki_dir, GError **error)
{
  g_autoptr(EsimSimCrypto) self = g_object_new (ESIM_SIM_TYPE_CRYPTO, NULL);

  self->euicc_cert = esim_sim_crypto_load (pki_dir, "eUICC/CERT_EUICC_ECDSA_NIST.der", error);
  if (self->euicc_cert == NULL)
    return NULL;
  self->eum_cert = esim_sim_crypto_load (pki_dir, "EUM/CERT_EUM_ECDSA_NIST.der", error);
  if (self->eum_cert == NULL)
    return NULL;
  if (!esim_sim_crypto_load_eid (self, error) || !esim_sim_crypto_load_key (self, pki_dir, error)
      || !esim_sim_crypto_load_ci (self, pki_dir, "CERT_CI_ECDSA_NIST.der", TRUE, error)
      || !esim_sim_crypto_load_ci (self, pki_dir, "CERT_CI_ECDSA_BRP.der", FALSE, error))
    return NULL;
  return g_steal_pointer (&self);
}

const gchar *
esim_sim_crypto_get_eid (EsimSimCrypto *self)
{
  return self->eid;
}

GBytes *
esim_sim_crypto_get_euicc_certificate (EsimSimCrypto *self)
{
  return self->euicc_cert;
}

GBytes *
esim_sim_crypto_get_eum_certificate (EsimSimCrypto *self)
{
  return self->eum_cert;
}

GPtrArray *
esim_sim_crypto_get_ci_pkids (EsimSimCrypto *self)
{
  return self->ci_pkids;
}

static void
esim_sim_crypto_put_scalar (guint8 *out, const gnutls_datum_t *v)
{
  guint size = v->size;
  const guchar *data = v->data;

  /* drop the sign byte gnutls may leave, then left-pad to 32 bytes */
  while (size > 32 && *data == 0) {
    data++;
    size--;
  }
  memset (out, 0, 32);
  memcpy (out + (32 - MIN (size, 32)), data, MIN (size, 32));
}

GBytes *
esim_sim_crypto_sign (EsimSimCrypto *self, GBytes *data, GError **error)
{
  gnutls_datum_t in = { (guchar *)g_bytes_get_data (data, NULL), (guint)g_bytes_get_size (data) };
  gnutls_datum_t sig = { NULL, 0 };
  gnutls_datum_t r = { NULL, 0 };
  gnutls_datum_t s = { NULL, 0 };
  guint8 out[64];
  int rc;

  rc = gnutls_privkey_sign_data2 (self->key, GNUTLS_SIGN_ECDSA_SHA256, 0, &in, &sig);
  if (rc >= 0)
    rc = gnutls_decode_rs_value (&sig, &r, &s);
  gnutls_free (sig.data);
  if (rc < 0) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_FAILED, "ECDSA signing failed: %s",
                 gnutls_strerror (rc));
    return NULL;
  }
  esim_sim_crypto_put_scalar (out, &r);
  esim_sim_crypto_put_scalar (out + 32, &s);
  gnutls_free (r.data);
  gnutls_free (s.data);
  return g_bytes_new (out, sizeof (out));
}

GBytes *
esim_sim_crypto_random (gsize len)
{
  guint8 *buf = g_malloc (len);

  if (gnutls_rnd (GNUTLS_RND_NONCE, buf, len) < 0) {
    /* gnutls_rnd only fails when the library is broken; stay usable */
    for (gsize i = 0; i < len; i++)
      buf[i] = (guint8)g_random_int_range (0, 256);
  }
  return g_bytes_new_take (buf, len);
}

static void
esim_sim_crypto_finalize (GObject *object)
{
  EsimSimCrypto *self = ESIM_SIM_CRYPTO (object);

  g_free (self->eid);
  g_clear_pointer (&self->euicc_cert, g_bytes_unref);
  g_clear_pointer (&self->eum_cert, g_bytes_unref);
  g_ptr_array_unref (self->ci_pkids);
  if (self->key != NULL)
    gnutls_privkey_deinit (self->key);
  G_OBJECT_CLASS (esim_sim_crypto_parent_class)->finalize (object);
}

static void
esim_sim_crypto_class_init (EsimSimCryptoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_sim_crypto_finalize;
}

static void
esim_sim_crypto_init (EsimSimCrypto *self)
{
  self->ci_pkids = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
}
