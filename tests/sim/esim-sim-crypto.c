/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "esim-sim-crypto.h"
#include "esim-sim-upp.h"

struct _EsimSimCrypto {
  GObject parent_instance;
  gchar *eid;
  GBytes *euicc_cert;
  GBytes *eum_cert;
  GPtrArray *ci_pkids;
  GPtrArray *ci_certs; /* EsimRspCert, in the order of ci_pkids */
  EsimRspKey *key;
};

G_DEFINE_TYPE (EsimSimCrypto, esim_sim_crypto, G_TYPE_OBJECT)

static EsimRspCert *
esim_sim_crypto_load_cert (const gchar *dir, const gchar *relative, GError **error)
{
  g_autofree gchar *path = g_build_filename (dir, relative, NULL);

  return esim_rsp_cert_load (path, error);
}

static gboolean
esim_sim_crypto_load_ci (EsimSimCrypto *self, const gchar *dir, const gchar *name,
                         gboolean required, GError **error)
{
  g_autofree gchar *relative = g_build_filename ("CertificateIssuer", name, NULL);
  g_autofree gchar *path = g_build_filename (dir, relative, NULL);
  g_autoptr (EsimRspCert) cert = NULL;
  GBytes *ski;

  if (!required && !g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  cert = esim_rsp_cert_load (path, error);
  if (cert == NULL)
    return FALSE;
  ski = esim_rsp_cert_get_subject_key_id (cert);
  if (ski == NULL) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "%s has no subjectKeyIdentifier", relative);
    return FALSE;
  }
  g_ptr_array_add (self->ci_pkids, ski);
  g_ptr_array_add (self->ci_certs, g_steal_pointer (&cert));
  return TRUE;
}

static gboolean
esim_sim_crypto_load_euicc (EsimSimCrypto *self, const gchar *dir, GError **error)
{
  g_autoptr (EsimRspCert) euicc
    = esim_sim_crypto_load_cert (dir, "eUICC/CERT_EUICC_ECDSA_NIST.der", error);
  g_autoptr (EsimRspCert) eum = NULL;

  if (euicc == NULL)
    return FALSE;
  eum = esim_sim_crypto_load_cert (dir, "EUM/CERT_EUM_ECDSA_NIST.der", error);
  if (eum == NULL)
    return FALSE;
  self->euicc_cert = esim_rsp_cert_get_der (euicc);
  self->eum_cert = esim_rsp_cert_get_der (eum);
  /* serialNumber, 2.5.4.5, carries the EID in SGP.22 eUICC certificates */
  self->eid = esim_rsp_cert_get_serial_number_attr (euicc);
  if (self->eid == NULL) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "eUICC certificate subject has no serialNumber (EID)");
    return FALSE;
  }
  if (strlen (self->eid) != 32) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "eUICC certificate serialNumber “%s” is not a 32-digit EID", self->eid);
    return FALSE;
  }
  return TRUE;
}

EsimSimCrypto *
esim_sim_crypto_new (const gchar *pki_dir, GError **error)
{
  g_autoptr (EsimSimCrypto) self = g_object_new (ESIM_SIM_TYPE_CRYPTO, NULL);
  g_autofree gchar *key_path = g_build_filename (pki_dir, "eUICC/SK_EUICC_ECDSA_NIST.pem", NULL);

  if (!esim_sim_crypto_load_euicc (self, pki_dir, error))
    return NULL;
  self->key = esim_rsp_key_load_pem (key_path, error);
  if (self->key == NULL
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

EsimRspCert *
esim_sim_crypto_find_ci (EsimSimCrypto *self, const guint8 *pkid, gsize len)
{
  for (guint i = 0; i < self->ci_pkids->len; i++) {
    GBytes *id = g_ptr_array_index (self->ci_pkids, i);

    if (g_bytes_get_size (id) == len && memcmp (g_bytes_get_data (id, NULL), pkid, len) == 0)
      return g_ptr_array_index (self->ci_certs, i);
  }
  return NULL;
}

EsimRspKey *
esim_sim_crypto_get_key (EsimSimCrypto *self)
{
  return self->key;
}

GBytes *
esim_sim_crypto_sign (EsimSimCrypto *self, GBytes *data, GError **error)
{
  return esim_rsp_key_sign (self->key, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                            error);
}

GBytes *
esim_sim_crypto_random (gsize len)
{
  guint8 *buf = g_malloc (len);

  if (gnutls_rnd (GNUTLS_RND_NONCE, buf, len) < 0) {
    /* gnutls_rnd only fails when the library is broken; stay usable */
    for (gsize i = 0; i < len; i++)
      buf[i] = (guint8) g_random_int_range (0, 256);
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
  g_ptr_array_unref (self->ci_certs);
  g_clear_pointer (&self->key, esim_rsp_key_free);
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
  self->ci_pkids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->ci_certs = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_rsp_cert_free);
}
