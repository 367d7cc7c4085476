/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gmp.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gio/gio.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>

#include "esim-rsp-crypto.h"
#include "esim-tlv.h"

/* clang-format off */
G_DEFINE_QUARK (esim-rsp-crypto-error-quark, esim_rsp_crypto_error)
/* clang-format on */

#define COORD_SIZE 32

struct _EsimRspKey {
  gnutls_privkey_t priv; /* NULL when public only */
  gnutls_pubkey_t pub;
  guint8 point[ESIM_RSP_POINT_SIZE];
  guint8 scalar[COORD_SIZE]; /* valid when priv != NULL */
};

struct _EsimRspCert {
  gnutls_x509_crt_t crt;
  GBytes *der;
};

/* gnutls hands out big integers with a possible sign byte or shorter than
 * the field; SGP.22 wants exactly 32 bytes, left-padded */
static gboolean
put_fixed (guint8 *out, const gnutls_datum_t *v)
{
  guint size = v->size;
  const guchar *data = v->data;

  while (size > COORD_SIZE && *data == 0) {
    data++;
    size--;
  }
  if (size > COORD_SIZE)
    return FALSE;
  memset (out, 0, COORD_SIZE);
  memcpy (out + (COORD_SIZE - size), data, size);
  return TRUE;
}

static void
set_gnutls_error (GError **error, gint code, gint rc, const gchar *what)
{
  g_set_error (error, ESIM_RSP_CRYPTO_ERROR, code, "%s: %s", what, gnutls_strerror (rc));
}

/* the nettle view of a point; FALSE when it is not on P-256 */
static gboolean
point_to_nettle (const guint8 *point, gsize len, struct ecc_point *out)
{
  mpz_t x, y;
  gboolean ok;

  if (len != ESIM_RSP_POINT_SIZE || point[0] != 0x04)
    return FALSE;
  mpz_init (x);
  mpz_init (y);
  nettle_mpz_set_str_256_u (x, COORD_SIZE, point + 1);
  nettle_mpz_set_str_256_u (y, COORD_SIZE, point + 1 + COORD_SIZE);
  ok = ecc_point_set (out, x, y) == 1;
  mpz_clear (x);
  mpz_clear (y);
  return ok;
}

static EsimRspKey *
key_from_privkey (gnutls_privkey_t priv, GError **error)
{
  g_autoptr (EsimRspKey) self = g_new0 (EsimRspKey, 1);
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
  gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 }, k = { NULL, 0 };
  gboolean ok;
  int rc;

  self->priv = priv;
  if (gnutls_privkey_get_pk_algorithm (priv, NULL) != GNUTLS_PK_ECDSA) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY,
                 "not an elliptic curve key");
    return NULL;
  }
  rc = gnutls_privkey_export_ecc_raw2 (priv, &curve, &x, &y, &k, 0);
  if (rc < 0) {
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_BAD_KEY, rc, "cannot export the key");
    return NULL;
  }
  self->point[0] = 0x04;
  ok = curve == GNUTLS_ECC_CURVE_SECP256R1 && put_fixed (self->point + 1, &x)
       && put_fixed (self->point + 1 + COORD_SIZE, &y) && put_fixed (self->scalar, &k);
  gnutls_free (x.data);
  gnutls_free (y.data);
  gnutls_memset (k.data, 0, k.size);
  gnutls_free (k.data);
  if (!ok) {
    /* brainpoolP256r1 ends here too: neither gnutls nor nettle know it */
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY,
                 "not a NIST P-256 key (curve %s)", gnutls_ecc_curve_get_name (curve));
    return NULL;
  }
  gnutls_pubkey_init (&self->pub);
  rc = gnutls_pubkey_import_privkey (self->pub, priv, 0, 0);
  if (rc < 0) {
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_BAD_KEY, rc, "cannot derive the public key");
    return NULL;
  }
  return g_steal_pointer (&self);
}

EsimRspKey *
esim_rsp_key_load_pem (const gchar *path, GError **error)
{
  g_autofree gchar *contents = NULL;
  gsize len = 0;
  gnutls_privkey_t priv = NULL;
  gnutls_datum_t datum;
  int rc;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  datum.data = (guchar *) contents;
  datum.size = (guint) len;
  gnutls_privkey_init (&priv);
  /* takes "EC PRIVATE KEY" and unencrypted PKCS#8 alike */
  rc = gnutls_privkey_import_x509_raw (priv, &datum, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (rc < 0) {
    gnutls_privkey_deinit (priv);
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY, "cannot load %s: %s",
                 path, gnutls_strerror (rc));
    return NULL;
  }
  return key_from_privkey (priv, error);
}

EsimRspKey *
esim_rsp_key_generate (GError **error)
{
  gnutls_privkey_t priv = NULL;
  int rc;

  gnutls_privkey_init (&priv);
  rc = gnutls_privkey_generate (priv, GNUTLS_PK_ECDSA,
                                GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0);
  if (rc < 0) {
    gnutls_privkey_deinit (priv);
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc, "cannot generate a key");
    return NULL;
  }
  return key_from_privkey (priv, error);
}

static gboolean
check_point (GBytes *point, GError **error)
{
  struct ecc_point p;
  gboolean ok;

  ecc_point_init (&p, nettle_get_secp_256r1 ());
  ok = point_to_nettle (g_bytes_get_data (point, NULL), g_bytes_get_size (point), &p);
  ecc_point_clear (&p);
  if (!ok)
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_POINT,
                 "not an uncompressed point on NIST P-256");
  return ok;
}

static gnutls_pubkey_t
pubkey_from_point (const guint8 *point, GError **error)
{
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t x = { (guchar *) point + 1, COORD_SIZE };
  gnutls_datum_t y = { (guchar *) point + 1 + COORD_SIZE, COORD_SIZE };
  int rc;

  gnutls_pubkey_init (&pub);
  rc = gnutls_pubkey_import_ecc_raw (pub, GNUTLS_ECC_CURVE_SECP256R1, &x, &y);
  if (rc < 0) {
    gnutls_pubkey_deinit (pub);
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_BAD_POINT, rc, "cannot import the point");
    return NULL;
  }
  return pub;
}

EsimRspKey *
esim_rsp_key_new_public (GBytes *point, GError **error)
{
  g_autoptr (EsimRspKey) self = NULL;

  if (!check_point (point, error))
    return NULL;
  self = g_new0 (EsimRspKey, 1);
  memcpy (self->point, g_bytes_get_data (point, NULL), ESIM_RSP_POINT_SIZE);
  self->pub = pubkey_from_point (self->point, error);
  if (self->pub == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

GBytes *
esim_rsp_key_get_public_point (EsimRspKey *self)
{
  return g_bytes_new (self->point, sizeof (self->point));
}

GBytes *
esim_rsp_key_sign (EsimRspKey *self, const guint8 *data, gsize len, GError **error)
{
  gnutls_datum_t in = { (guchar *) data, (guint) len };
  gnutls_datum_t sig = { NULL, 0 }, r = { NULL, 0 }, s = { NULL, 0 };
  guint8 out[ESIM_RSP_SIGNATURE_SIZE];
  gboolean ok;
  int rc;

  if (self->priv == NULL) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY,
                 "a public key cannot sign");
    return NULL;
  }
  rc = gnutls_privkey_sign_data2 (self->priv, GNUTLS_SIGN_ECDSA_SHA256, 0, &in, &sig);
  if (rc >= 0)
    rc = gnutls_decode_rs_value (&sig, &r, &s);
  gnutls_free (sig.data);
  if (rc < 0) {
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc, "ECDSA signing failed");
    return NULL;
  }
  ok = put_fixed (out, &r) && put_fixed (out + COORD_SIZE, &s);
  gnutls_free (r.data);
  gnutls_free (s.data);
  if (!ok) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_FAILED,
                 "ECDSA signature out of range");
    return NULL;
  }
  return g_bytes_new (out, sizeof (out));
}

GBytes *
esim_rsp_key_agree (EsimRspKey *self, GBytes *peer_point, GError **error)
{
  const struct ecc_curve *curve = nettle_get_secp_256r1 ();
  struct ecc_point peer, product;
  struct ecc_scalar d;
  mpz_t k, x;
  guint8 out[COORD_SIZE];
  gboolean ok;

  if (self->priv == NULL) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY,
                 "key agreement needs the private key");
    return NULL;
  }
  ecc_point_init (&peer, curve);
  if (!point_to_nettle (g_bytes_get_data (peer_point, NULL), g_bytes_get_size (peer_point),
                        &peer)) {
    ecc_point_clear (&peer);
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_POINT,
                 "the peer's key is not a point on NIST P-256");
    return NULL;
  }
  ecc_scalar_init (&d, curve);
  ecc_point_init (&product, curve);
  mpz_init (k);
  mpz_init (x);
  nettle_mpz_set_str_256_u (k, COORD_SIZE, self->scalar);
  ok = ecc_scalar_set (&d, k) == 1;
  if (ok) {
    ecc_point_mul (&product, &d, &peer);
    ecc_point_get (&product, x, NULL);
    nettle_mpz_get_str_256 (COORD_SIZE, out, x);
  }
  mpz_clear (k);
  mpz_clear (x);
  ecc_scalar_clear (&d);
  ecc_point_clear (&product);
  ecc_point_clear (&peer);
  if (!ok) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY,
                 "the private scalar is out of range");
    return NULL;
  }
  return g_bytes_new (out, sizeof (out));
}

gnutls_privkey_t
esim_rsp_key_get_gnutls (EsimRspKey *self)
{
  return self->priv;
}

void
esim_rsp_key_free (EsimRspKey *self)
{
  if (self == NULL)
    return;
  if (self->priv != NULL)
    gnutls_privkey_deinit (self->priv);
  if (self->pub != NULL)
    gnutls_pubkey_deinit (self->pub);
  gnutls_memset (self->scalar, 0, sizeof (self->scalar));
  g_free (self);
}

/* certificates */

EsimRspCert *
esim_rsp_cert_new_from_der (GBytes *der, GError **error)
{
  g_autoptr (EsimRspCert) self = g_new0 (EsimRspCert, 1);
  gnutls_datum_t datum
    = { (guchar *) g_bytes_get_data (der, NULL), (guint) g_bytes_get_size (der) };
  int rc;

  gnutls_x509_crt_init (&self->crt);
  rc = gnutls_x509_crt_import (self->crt, &datum, GNUTLS_X509_FMT_DER);
  if (rc < 0) {
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_BAD_CERT, rc, "not a DER certificate");
    return NULL;
  }
  self->der = g_bytes_ref (der);
  return g_steal_pointer (&self);
}

EsimRspCert *
esim_rsp_cert_load (const gchar *path, GError **error)
{
  g_autofree gchar *contents = NULL;
  gsize len = 0;
  gnutls_datum_t pem, der = { NULL, 0 };
  g_autoptr (GBytes) bytes = NULL;
  int rc;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  if (g_strstr_len (contents, (gssize) len, "-----BEGIN CERTIFICATE-----") == NULL) {
    bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
    return esim_rsp_cert_new_from_der (bytes, error);
  }
  pem.data = (guchar *) contents;
  pem.size = (guint) len;
  rc = gnutls_pem_base64_decode2 ("CERTIFICATE", &pem, &der);
  if (rc < 0) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_CERT, "%s: bad PEM: %s",
                 path, gnutls_strerror (rc));
    return NULL;
  }
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return esim_rsp_cert_new_from_der (bytes, error);
}

GBytes *
esim_rsp_cert_get_der (EsimRspCert *self)
{
  return g_bytes_ref (self->der);
}

GBytes *
esim_rsp_cert_get_subject_key_id (EsimRspCert *self)
{
  guint8 buf[64];
  gsize size = sizeof (buf);
  unsigned int critical = 0;

  if (gnutls_x509_crt_get_subject_key_id (self->crt, buf, &size, &critical) < 0)
    return NULL;
  return g_bytes_new (buf, size);
}

GBytes *
esim_rsp_cert_get_authority_key_id (EsimRspCert *self)
{
  guint8 buf[64];
  gsize size = sizeof (buf);
  unsigned int critical = 0;

  if (gnutls_x509_crt_get_authority_key_id (self->crt, buf, &size, &critical) < 0)
    return NULL;
  return g_bytes_new (buf, size);
}

GBytes *
esim_rsp_cert_get_public_point (EsimRspCert *self)
{
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
  gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };
  guint8 point[ESIM_RSP_POINT_SIZE];
  gboolean ok;

  if (gnutls_x509_crt_get_pk_ecc_raw (self->crt, &curve, &x, &y) < 0)
    return NULL;
  point[0] = 0x04;
  ok = curve == GNUTLS_ECC_CURVE_SECP256R1 && put_fixed (point + 1, &x)
       && put_fixed (point + 1 + COORD_SIZE, &y);
  gnutls_free (x.data);
  gnutls_free (y.data);
  return ok ? g_bytes_new (point, sizeof (point)) : NULL;
}

gchar *
esim_rsp_cert_get_serial_number_attr (EsimRspCert *self)
{
  gchar buf[256];
  gsize size = sizeof (buf);

  /* serialNumber, 2.5.4.5 */
  if (gnutls_x509_crt_get_dn_by_oid (self->crt, "2.5.4.5", 0, 0, buf, &size) < 0)
    return NULL;
  return g_strndup (buf, size);
}

gchar *
esim_rsp_cert_get_registered_id (EsimRspCert *self)
{
  for (guint i = 0;; i++) {
    gchar buf[256];
    gsize size = sizeof (buf);
    unsigned int type = 0;
    int rc = gnutls_x509_crt_get_subject_alt_name2 (self->crt, i, buf, &size, &type, NULL);

    if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      return NULL;
    /* gnutls hands the registeredID out in dotted form */
    if (rc >= 0 && type == GNUTLS_SAN_REGISTERED_ID)
      return g_strndup (buf, size);
  }
}

gboolean
esim_rsp_cert_has_role (EsimRspCert *self, const gchar *role_oid)
{
  for (guint i = 0;; i++) {
    struct gnutls_x509_policy_st policy;
    unsigned int critical = 0;
    gboolean found;

    if (gnutls_x509_crt_get_policy (self->crt, i, &policy, &critical) < 0)
      return FALSE;
    found = g_strcmp0 (policy.oid, role_oid) == 0;
    gnutls_x509_policy_release (&policy);
    if (found)
      return TRUE;
  }
}

static gboolean
check_validity (EsimRspCert *cert, gint64 now, const gchar *what, GError **error)
{
  gint64 from = gnutls_x509_crt_get_activation_time (cert->crt);
  gint64 until = gnutls_x509_crt_get_expiration_time (cert->crt);

  if (now == 0)
    return TRUE;
  if (from == -1 || until == -1 || now < from || now > until) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_EXPIRED,
                 "the %s certificate is not valid at %" G_GINT64_FORMAT, what, now);
    return FALSE;
  }
  return TRUE;
}

/* the issuer's signature over the TBSCertificate, checked by hand: gnutls's
 * own chain verification refuses the critical RSP extensions it does not
 * know and the EUM's name constraints, none of which matter to the test peers */
static gboolean
verify_tbs_signature (EsimRspCert *self, EsimRspCert *issuer, GError **error)
{
  EsimTlv cert, tbs, alg, bits;
  EsimTlvIter iter;
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t data, sig;
  int algo;
  int rc;

  if (!esim_tlv_decode_bytes (self->der, &cert, NULL) || cert.tag != 0x30)
    return FALSE;
  esim_tlv_iter_init (&iter, &cert);
  if (!esim_tlv_iter_next (&iter, &tbs) || !esim_tlv_iter_next (&iter, &alg)
      || !esim_tlv_iter_next (&iter, &bits) || tbs.tag != 0x30 || bits.tag != 0x03
      || bits.length < 2 || bits.value[0] != 0) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_CERT,
                 "the certificate is not a SEQUENCE of TBS, algorithm, signature");
    return FALSE;
  }
  algo = gnutls_x509_crt_get_signature_algorithm (self->crt);
  if (algo != GNUTLS_SIGN_ECDSA_SHA256) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_CERT,
                 "unexpected certificate signature algorithm %s",
                 gnutls_sign_get_name ((gnutls_sign_algorithm_t) algo));
    return FALSE;
  }
  gnutls_pubkey_init (&pub);
  rc = gnutls_pubkey_import_x509 (pub, issuer->crt, 0);
  if (rc < 0) {
    gnutls_pubkey_deinit (pub);
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_BAD_CERT, rc, "the issuer key is unusable");
    return FALSE;
  }
  data.data = (guchar *) tbs.raw;
  data.size = (guint) tbs.raw_length;
  sig.data = (guchar *) bits.value + 1;
  sig.size = (guint) bits.length - 1;
  rc = gnutls_pubkey_verify_data2 (pub, GNUTLS_SIGN_ECDSA_SHA256, 0, &data, &sig);
  gnutls_pubkey_deinit (pub);
  if (rc < 0) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_NOT_ISSUED_BY,
                 "the issuer's signature on the certificate does not verify");
    return FALSE;
  }
  return TRUE;
}

gboolean
esim_rsp_cert_verify_issued_by (EsimRspCert *self, EsimRspCert *issuer, gint64 now, GError **error)
{
  g_autoptr (GBytes) aki = esim_rsp_cert_get_authority_key_id (self);
  g_autoptr (GBytes) ski = esim_rsp_cert_get_subject_key_id (issuer);

  /* a self-signed root may leave the authorityKeyIdentifier out */
  if (aki == NULL && g_bytes_equal (self->der, issuer->der))
    aki = g_bytes_ref (ski);
  if (aki == NULL || ski == NULL || !g_bytes_equal (aki, ski)) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_NOT_ISSUED_BY,
                 "the authorityKeyIdentifier does not name the issuer's key");
    return FALSE;
  }
  if (!gnutls_x509_crt_check_issuer (self->crt, issuer->crt)) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_NOT_ISSUED_BY,
                 "the issuer name does not match the issuer's subject");
    return FALSE;
  }
  if (!verify_tbs_signature (self, issuer, error))
    return FALSE;
  return check_validity (self, now, "subject", error)
         && check_validity (issuer, now, "issuer", error);
}

gboolean
esim_rsp_cert_verify_signature (EsimRspCert *self, const guint8 *data, gsize len, GBytes *sig_rs,
                                GError **error)
{
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t in = { (guchar *) data, (guint) len };
  gnutls_datum_t r, s, der = { NULL, 0 };
  const guint8 *rs;
  int rc;

  if (sig_rs == NULL || g_bytes_get_size (sig_rs) != ESIM_RSP_SIGNATURE_SIZE) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE,
                 "an SGP.22 signature is 64 bytes of r||s");
    return FALSE;
  }
  rs = g_bytes_get_data (sig_rs, NULL);
  r.data = (guchar *) rs;
  r.size = COORD_SIZE;
  s.data = (guchar *) rs + COORD_SIZE;
  s.size = COORD_SIZE;
  rc = gnutls_encode_rs_value (&der, &r, &s);
  if (rc < 0) {
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc, "cannot encode the signature");
    return FALSE;
  }
  gnutls_pubkey_init (&pub);
  rc = gnutls_pubkey_import_x509 (pub, self->crt, 0);
  if (rc >= 0)
    rc = gnutls_pubkey_verify_data2 (pub, GNUTLS_SIGN_ECDSA_SHA256, 0, &in, &der);
  gnutls_pubkey_deinit (pub);
  gnutls_free (der.data);
  if (rc < 0) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE,
                 "the signature does not verify: %s", gnutls_strerror (rc));
    return FALSE;
  }
  return TRUE;
}

void
esim_rsp_cert_free (EsimRspCert *self)
{
  if (self == NULL)
    return;
  gnutls_x509_crt_deinit (self->crt);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_free (self);
}

GBytes *
esim_rsp_isc_signed_data (const guint8 *data_objects, gsize len, GBytes *euicc_otpk)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) otpk_tlv = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();

  esim_tlv_builder_add_bytes (b, 0x5F49, euicc_otpk);
  otpk_tlv = esim_tlv_builder_finish (b);
  g_byte_array_append (out, data_objects, (guint) len);
  g_byte_array_append (out, g_bytes_get_data (otpk_tlv, NULL), (guint) g_bytes_get_size (otpk_tlv));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
esim_rsp_oid_encode (const gchar *dotted)
{
  g_auto (GStrv) arcs = g_strsplit (dotted != NULL ? dotted : "", ".", -1);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint64 first = 0, second = 0;

  if (g_strv_length (arcs) < 2 || !g_ascii_string_to_unsigned (arcs[0], 10, 0, 2, &first, NULL)
      || !g_ascii_string_to_unsigned (arcs[1], 10, 0, G_MAXUINT32, &second, NULL))
    return NULL;
  for (guint i = 1; arcs[i] != NULL; i++) {
    guint64 v = 0;
    guint8 tmp[10];
    guint n = 0;

    if (i == 1)
      v = first * 40 + second;
    else if (!g_ascii_string_to_unsigned (arcs[i], 10, 0, G_MAXUINT32, &v, NULL))
      return NULL;
    /* base 128, most significant group first, continuation bit set */
    do {
      tmp[n++] = (guint8) (v & 0x7f);
      v >>= 7;
    } while (v != 0);
    while (n > 0) {
      guint8 b;

      n--;
      b = tmp[n] | (n > 0 ? 0x80 : 0x00);
      g_byte_array_append (out, &b, 1);
    }
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* TLS certificates */

static gboolean
add_host (gnutls_x509_crt_t crt, const gchar *host, GError **error)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (host);
  int rc;

  if (address != NULL) {
    rc = gnutls_x509_crt_set_subject_alt_name (
      crt, GNUTLS_SAN_IPADDRESS, g_inet_address_to_bytes (address),
      (guint) g_inet_address_get_native_size (address), GNUTLS_FSAN_APPEND);
  } else {
    rc = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, host, (guint) strlen (host),
                                               GNUTLS_FSAN_APPEND);
  }
  if (rc < 0) {
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc, "cannot add a subjectAltName");
    return FALSE;
  }
  return TRUE;
}

/* what every issued certificate has: v3, a positive random 16-byte serial,
 * the validity, O=esimd test and the common name */
static int
fill_common (gnutls_x509_crt_t crt, const gchar *common_name, gint64 not_before, gint64 not_after)
{
  guint8 serial[16];
  int rc;

  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof (serial));
  serial[0] = (serial[0] & 0x7f) | 0x01;
  rc = gnutls_x509_crt_set_version (crt, 3);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_serial (crt, serial, sizeof (serial));
  if (rc >= 0)
    rc = gnutls_x509_crt_set_activation_time (crt, (time_t) not_before);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_expiration_time (crt, (time_t) not_after);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "esimd test",
                                        strlen ("esimd test"));
  if (rc >= 0)
    rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, common_name,
                                        (guint) strlen (common_name));
  return rc;
}

static gboolean
fill_tls_cert (gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, EsimRspKey *ca_key,
               EsimRspCert *ca_cert, const gchar *const *hosts, gint64 not_before, gint64 not_after,
               GError **error)
{
  g_autoptr (GBytes) ca_ski = esim_rsp_cert_get_subject_key_id (ca_cert);
  struct gnutls_x509_policy_st policy = { 0 };
  guint8 ski[64];
  gsize ski_len = sizeof (ski);
  int rc;

  policy.oid = (char *) ESIM_RSP_ROLE_DP_TLS;
  rc = fill_common (crt, hosts[0], not_before, not_after);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_key (crt, key);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_basic_constraints (crt, 0, -1);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_policy (crt, &policy, 0);
  if (rc >= 0)
    rc = gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, ski, &ski_len);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_subject_key_id (crt, ski, ski_len);
  if (rc >= 0 && ca_ski != NULL)
    rc = gnutls_x509_crt_set_authority_key_id (crt, g_bytes_get_data (ca_ski, NULL),
                                               g_bytes_get_size (ca_ski));
  if (rc < 0) {
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc, "cannot build the certificate");
    return FALSE;
  }
  for (guint i = 0; hosts[i] != NULL; i++) {
    if (!add_host (crt, hosts[i], error))
      return FALSE;
  }
  rc = gnutls_x509_crt_privkey_sign (crt, ca_cert->crt, ca_key->priv, GNUTLS_DIG_SHA256, 0);
  if (rc < 0) {
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc, "cannot sign the certificate");
    return FALSE;
  }
  return TRUE;
}

gboolean
esim_rsp_issue_tls_cert (EsimRspKey *ca_key, EsimRspCert *ca_cert, const gchar *const *hosts,
                         gint64 not_before, gint64 not_after, gchar **cert_pem, gchar **key_pem,
                         GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t crt_out = { NULL, 0 }, key_out = { NULL, 0 };
  gboolean ok;
  int rc;

  g_return_val_if_fail (hosts != NULL && hosts[0] != NULL, FALSE);
  if (ca_key->priv == NULL) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY,
                 "issuing needs the CA's private key");
    return FALSE;
  }
  gnutls_x509_privkey_init (&key);
  gnutls_x509_crt_init (&crt);
  rc = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                     GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0);
  if (rc < 0)
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc, "cannot generate a key");
  ok = rc >= 0 && fill_tls_cert (crt, key, ca_key, ca_cert, hosts, not_before, not_after, error);
  if (ok) {
    rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_out);
    if (rc >= 0)
      rc = gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &key_out);
    if (rc < 0) {
      set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc, "cannot export PEM");
      ok = FALSE;
    }
  }
  if (ok) {
    *cert_pem = g_strndup ((const gchar *) crt_out.data, crt_out.size);
    *key_pem = g_strndup ((const gchar *) key_out.data, key_out.size);
  }
  gnutls_free (crt_out.data);
  if (key_out.data != NULL)
    gnutls_memset (key_out.data, 0, key_out.size);
  gnutls_free (key_out.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return ok;
}

/* RSP authentication certificates (CERT.XXauth) */

static gboolean
fill_auth_cert (gnutls_x509_crt_t crt, EsimRspKey *key, EsimRspKey *ca_key, EsimRspCert *ca_cert,
                const gchar *role_oid, const gchar *common_name, gint64 not_before,
                gint64 not_after, GError **error)
{
  g_autoptr (GBytes) ca_ski = esim_rsp_cert_get_subject_key_id (ca_cert);
  struct gnutls_x509_policy_st policy = { 0 };
  guint8 ski[64];
  gsize ski_len = sizeof (ski);
  int rc;

  policy.oid = (char *) role_oid;
  rc = fill_common (crt, common_name, not_before, not_after);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_pubkey (crt, key->pub);
  /* SGP.22 4.5.2: an end-entity key for digital signatures, its role in
   * certificatePolicies, SKI and the issuer's SKI as AKI */
  if (rc >= 0)
    rc = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_policy (crt, &policy, 1);
  if (rc >= 0)
    rc = gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, ski, &ski_len);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_subject_key_id (crt, ski, ski_len);
  if (rc >= 0 && ca_ski != NULL)
    rc = gnutls_x509_crt_set_authority_key_id (crt, g_bytes_get_data (ca_ski, NULL),
                                               g_bytes_get_size (ca_ski));
  if (rc >= 0)
    rc = gnutls_x509_crt_privkey_sign (crt, ca_cert->crt, ca_key->priv, GNUTLS_DIG_SHA256, 0);
  if (rc < 0) {
    set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc,
                      "cannot build the authentication certificate");
    return FALSE;
  }
  return TRUE;
}

EsimRspCert *
esim_rsp_issue_auth_cert (EsimRspKey *ca_key, EsimRspCert *ca_cert, const gchar *role_oid,
                          const gchar *common_name, gint64 not_before, gint64 not_after,
                          EsimRspKey **key, GError **error)
{
  g_autoptr (EsimRspKey) own = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t der = { NULL, 0 };
  EsimRspCert *cert = NULL;
  int rc;

  g_return_val_if_fail (role_oid != NULL && common_name != NULL && key != NULL, NULL);
  if (ca_key->priv == NULL) {
    g_set_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY,
                 "issuing needs the CA's private key");
    return NULL;
  }
  own = esim_rsp_key_generate (error);
  if (own == NULL)
    return NULL;
  gnutls_x509_crt_init (&crt);
  if (fill_auth_cert (crt, own, ca_key, ca_cert, role_oid, common_name, not_before, not_after,
                      error)) {
    rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
    if (rc < 0) {
      set_gnutls_error (error, ESIM_RSP_CRYPTO_ERROR_FAILED, rc, "cannot export DER");
    } else {
      g_autoptr (GBytes) bytes = g_bytes_new (der.data, der.size);

      cert = esim_rsp_cert_new_from_der (bytes, error);
    }
  }
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  if (cert != NULL)
    *key = g_steal_pointer (&own);
  return cert;
}
