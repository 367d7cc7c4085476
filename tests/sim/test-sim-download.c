/*
 * A whole profile download against the simulated eUICC in process, with the
 * test driving the SM-DP+ side for real: SGP.26 DPauth/DPpb keys, a bound
 * profile package built from a TS.48 package, and the card's answers
 * checked with its own certificates. Then each way it can go wrong.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "esim-bpp-builder.h"
#include "esim-rsp-crypto.h"
#include "esim-sim-bpp.h"
#include "esim-sim-card.h"
#include "esim-sim-upp.h"
#include "esim-test-sim.h"
#include "esim-tlv.h"
#include "test-sim-util.h"

#define SGP26 "fixtures/sgp26/"
#define UPP "fixtures/upp/TS48v2_SAIP2.3_BERTLV.der"
#define SERVER "smdp.example.test"
#define EID "89049032123451234512345678901235"

typedef struct {
  EsimSimCard *card;
  TestLink link;
  EsimRspKey *auth_key;
  EsimRspCert *auth_cert;
  EsimRspKey *pb_key;
  EsimRspCert *pb_cert;
  EsimRspCert *ci;
  GBytes *upp;
  gchar *iccid;
  /* the session as the SM-DP+ sees it */
  GBytes *txid;
  GBytes *euicc_signature1; /* 5F37 TLV */
  EsimRspCert *euicc_cert;
  GBytes *euicc_otpk;
  GBytes *smdp_signature2; /* 5F37 TLV of the last PrepareDownload */
} Fixture;

static gpointer
load (const gchar *relative, gboolean key)
{
  g_autofree gchar *path = esim_test_shared_path (relative);
  g_autoptr (GError) error = NULL;
  gpointer out = key ? (gpointer) esim_rsp_key_load_pem (path, &error)
                     : (gpointer) esim_rsp_cert_load (path, &error);

  g_assert_no_error (error);
  return out;
}

static void
fixture_card (Fixture *f, guint64 memory, const gchar *seed)
{
  g_autoptr (EsimSimConfig) config = esim_sim_config_new ();
  g_autoptr (GError) error = NULL;
  g_autofree gchar *upp = esim_test_shared_path (UPP);
  const gchar *profiles[] = { upp, NULL };

  g_clear_object (&f->card);
  config->pki_dir = esim_test_shared_path ("fixtures/sgp26");
  config->memory = memory;
  if (seed != NULL)
    config->profiles = g_strdupv ((gchar **) profiles);
  f->card = esim_sim_card_new (config, &error);
  g_assert_no_error (error);
  test_link_card (&f->link, f->card);
  test_open_isdr (&f->link);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree gchar *path = esim_test_shared_path (UPP);
  g_autoptr (GError) error = NULL;
  gchar *contents = NULL;
  gsize len = 0;

  f->auth_key = load (SGP26 "DPauth/SK_S_SM_DPauth_ECDSA_NIST.pem", TRUE);
  f->auth_cert = load (SGP26 "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der", FALSE);
  f->pb_key = load (SGP26 "DPpb/SK_S_SM_DPpb_ECDSA_NIST.pem", TRUE);
  f->pb_cert = load (SGP26 "DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der", FALSE);
  f->ci = load (SGP26 "CertificateIssuer/CERT_CI_ECDSA_NIST.der", FALSE);
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  f->upp = g_bytes_new_take (contents, len);
  f->iccid = esim_bpp_upp_iccid (f->upp, &error);
  g_assert_no_error (error);
  fixture_card (f, 0, data);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->card);
  esim_rsp_key_free (f->auth_key);
  esim_rsp_cert_free (f->auth_cert);
  esim_rsp_key_free (f->pb_key);
  esim_rsp_cert_free (f->pb_cert);
  esim_rsp_cert_free (f->ci);
  g_bytes_unref (f->upp);
  g_free (f->iccid);
  g_clear_pointer (&f->txid, g_bytes_unref);
  g_clear_pointer (&f->euicc_signature1, g_bytes_unref);
  g_clear_pointer (&f->euicc_cert, esim_rsp_cert_free);
  g_clear_pointer (&f->euicc_otpk, g_bytes_unref);
  g_clear_pointer (&f->smdp_signature2, g_bytes_unref);
}

static void
decode (GBytes *bytes, guint32 tag, EsimTlv *out)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (esim_tlv_decode_expect (bytes, tag, out, &error));
  g_assert_no_error (error);
}

static void
child (const EsimTlv *parent, guint32 tag, EsimTlv *out)
{
  g_assert_true (esim_tlv_find (parent, tag, out));
}

static gint64
child_int (const EsimTlv *parent, guint32 tag)
{
  EsimTlv field;
  gint64 v = -1;

  child (parent, tag, &field);
  g_assert_true (esim_tlv_get_int (&field, &v, NULL));
  return v;
}

static GBytes *
sign_with (EsimRspKey *key, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  GBytes *sig = esim_rsp_key_sign (key, data, len, &error);

  g_assert_no_error (error);
  return sig;
}

static void
assert_signed_by (EsimRspCert *cert, const guint8 *data, gsize len, const EsimTlv *sig_tlv)
{
  g_autoptr (GBytes) sig = esim_tlv_dup_value (sig_tlv);
  g_autoptr (GError) error = NULL;

  g_assert_true (esim_rsp_cert_verify_signature (cert, data, len, sig, &error));
  g_assert_no_error (error);
}

static GBytes *
get_challenge (Fixture *f)
{
  g_autoptr (GBytes) r = test_es10_hex (&f->link, "BF2E00");
  EsimTlv root, c;

  decode (r, 0xBF2E, &root);
  child (&root, 0x80, &c);
  return esim_tlv_dup_value (&c);
}

typedef struct {
  GBytes *challenge;     /* NULL: the card's */
  EsimRspCert *cert;     /* NULL: DPauth */
  const guint8 *ci_pkid; /* NULL: the NIST CI's */
  gboolean bad_signature;
  gboolean no_challenge; /* do not ask the card for one */
} AuthOptions;

/* AuthenticateServer; returns the response */
static GBytes *
authenticate (Fixture *f, const AuthOptions *o)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (GBytes) signed1 = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GBytes) request = NULL;
  g_autoptr (GBytes) cert_der = esim_rsp_cert_get_der (o->cert != NULL ? o->cert : f->auth_cert);
  g_autoptr (GBytes) ci_ski = esim_rsp_cert_get_subject_key_id (f->ci);
  static const guint8 txid[] = { 0x1A, 0x2B, 0x3C, 0x4D, 0x5E, 0x6F, 0x70, 0x81 };
  static const guint8 server_challenge[16] = { 0x55, 0x66 };
  static const guint8 tac[4] = { 0x35, 0x29, 0x06, 0x11 };

  if (o->challenge != NULL)
    challenge = g_bytes_ref (o->challenge);
  else if (o->no_challenge)
    challenge = g_bytes_new_static (server_challenge, 16);
  else
    challenge = get_challenge (f);
  g_clear_pointer (&f->txid, g_bytes_unref);
  f->txid = g_bytes_new_static (txid, sizeof (txid));

  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add_bytes (b, 0x80, f->txid);
  esim_tlv_builder_add_bytes (b, 0x81, challenge);
  esim_tlv_builder_add_string (b, 0x83, SERVER);
  esim_tlv_builder_add (b, 0x84, server_challenge, sizeof (server_challenge));
  esim_tlv_builder_end (b);
  signed1 = esim_tlv_builder_finish (b);
  sig = sign_with (f->auth_key, g_bytes_get_data (signed1, NULL), g_bytes_get_size (signed1));
  if (o->bad_signature) {
    guint8 *copy = g_memdup2 (g_bytes_get_data (sig, NULL), 64);

    copy[10] ^= 0x01;
    g_bytes_unref (sig);
    sig = g_bytes_new_take (copy, 64);
  }
  esim_tlv_builder_begin (b, 0xBF38);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (signed1, NULL), g_bytes_get_size (signed1));
  esim_tlv_builder_add_bytes (b, 0x5F37, sig);
  if (o->ci_pkid != NULL)
    esim_tlv_builder_add (b, 0x04, o->ci_pkid, 20);
  else
    esim_tlv_builder_add_bytes (b, 0x04, ci_ski);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (cert_der, NULL), g_bytes_get_size (cert_der));
  esim_tlv_builder_begin (b, 0xA0);
  esim_tlv_builder_add_string (b, 0x80, "MATCHING-ID-1");
  esim_tlv_builder_begin (b, 0xA1);
  esim_tlv_builder_add (b, 0x80, tac, sizeof (tac));
  esim_tlv_builder_begin (b, 0xA1);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  request = esim_tlv_builder_finish (b);
  return test_es10 (&f->link, request, 0);
}

/* the error code of a CHOICE error alternative A1 { 80 txid, 02 code } */
static gint64
error_code (GBytes *response, guint32 tag)
{
  EsimTlv root, err;

  decode (response, tag, &root);
  child (&root, 0xA1, &err);
  return child_int (&err, 0x02);
}

static void
authenticate_ok (Fixture *f)
{
  g_autoptr (GBytes) r = authenticate (f, &(AuthOptions){ 0 });
  g_autoptr (EsimRspCert) eum = NULL;
  g_autoptr (GBytes) der = NULL;
  g_autoptr (GError) error = NULL;
  EsimTlv root, ok, signed1, sig, field, euicc, eum_tlv;
  EsimTlvIter iter;

  decode (r, 0xBF38, &root);
  child (&root, 0xA0, &ok);
  esim_tlv_iter_init (&iter, &ok);
  g_assert_true (esim_tlv_iter_next (&iter, &signed1));
  g_assert_true (esim_tlv_iter_next (&iter, &sig));
  g_assert_true (esim_tlv_iter_next (&iter, &euicc));
  g_assert_true (esim_tlv_iter_next (&iter, &eum_tlv));
  g_assert_cmphex (signed1.tag, ==, 0x30);
  g_assert_cmphex (sig.tag, ==, 0x5F37);

  der = esim_tlv_dup_raw (&euicc);
  g_clear_pointer (&f->euicc_cert, esim_rsp_cert_free);
  f->euicc_cert = esim_rsp_cert_new_from_der (der, &error);
  g_assert_no_error (error);
  g_bytes_unref (der);
  der = esim_tlv_dup_raw (&eum_tlv);
  eum = esim_rsp_cert_new_from_der (der, &error);
  g_assert_no_error (error);
  g_assert_true (esim_rsp_cert_verify_issued_by (f->euicc_cert, eum, 0, &error));
  g_assert_true (esim_rsp_cert_verify_issued_by (eum, f->ci, 0, &error));
  g_assert_no_error (error);
  assert_signed_by (f->euicc_cert, signed1.raw, signed1.raw_length, &sig);

  child (&signed1, 0x80, &field);
  g_assert_cmpmem (field.value, field.length, g_bytes_get_data (f->txid, NULL),
                   g_bytes_get_size (f->txid));
  child (&signed1, 0x83, &field);
  g_assert_cmpmem (field.value, field.length, SERVER, strlen (SERVER));
  child (&signed1, 0x84, &field);
  g_assert_cmpuint (field.length, ==, 16);
  child (&signed1, 0xBF22, &field);
  child (&signed1, 0xA0, &field);
  child (&field, 0x80, &field);
  g_assert_cmpmem (field.value, field.length, "MATCHING-ID-1", 13);
  g_clear_pointer (&f->euicc_signature1, g_bytes_unref);
  f->euicc_signature1 = esim_tlv_dup_raw (&sig);
}

typedef struct {
  GBytes *txid; /* NULL: the session's */
  gboolean bad_signature;
  gboolean cc_required;
  gboolean with_hash_cc;
  GBytes *bpp_otpk;
} PrepareOptions;

static GBytes *
prepare (Fixture *f, const PrepareOptions *o)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GByteArray) tbs = g_byte_array_new ();
  g_autoptr (GBytes) signed2 = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GBytes) cert_der = esim_rsp_cert_get_der (f->pb_cert);
  g_autoptr (GBytes) request = NULL;
  static const guint8 hash_cc[32] = { 0xCC };

  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add_bytes (b, 0x80, o->txid != NULL ? o->txid : f->txid);
  esim_tlv_builder_add_bool (b, 0x01, o->cc_required);
  if (o->bpp_otpk != NULL)
    esim_tlv_builder_add_bytes (b, 0x5F49, o->bpp_otpk);
  esim_tlv_builder_end (b);
  signed2 = esim_tlv_builder_finish (b);
  g_byte_array_append (tbs, g_bytes_get_data (signed2, NULL), (guint) g_bytes_get_size (signed2));
  if (f->euicc_signature1 != NULL)
    g_byte_array_append (tbs, g_bytes_get_data (f->euicc_signature1, NULL),
                         (guint) g_bytes_get_size (f->euicc_signature1));
  sig = sign_with (f->pb_key, tbs->data, o->bad_signature ? tbs->len - 1 : tbs->len);

  esim_tlv_builder_begin (b, 0xBF21);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (signed2, NULL), g_bytes_get_size (signed2));
  esim_tlv_builder_add_bytes (b, 0x5F37, sig);
  if (o->with_hash_cc)
    esim_tlv_builder_add (b, 0x04, hash_cc, sizeof (hash_cc));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (cert_der, NULL), g_bytes_get_size (cert_der));
  esim_tlv_builder_end (b);
  request = esim_tlv_builder_finish (b);
  g_clear_pointer (&f->smdp_signature2, g_bytes_unref);
  esim_tlv_builder_add_bytes (b, 0x5F37, sig);
  f->smdp_signature2 = esim_tlv_builder_finish (b);
  return test_es10 (&f->link, request, 0);
}

static void
prepare_ok (Fixture *f, const PrepareOptions *o)
{
  g_autoptr (GBytes) r = prepare (f, o);
  g_autoptr (GByteArray) tbs = g_byte_array_new ();
  EsimTlv root, ok, signed2, sig, field;

  decode (r, 0xBF21, &root);
  child (&root, 0xA0, &ok);
  child (&ok, 0x30, &signed2);
  child (&ok, 0x5F37, &sig);
  child (&signed2, 0x80, &field);
  g_assert_cmpmem (field.value, field.length, g_bytes_get_data (f->txid, NULL),
                   g_bytes_get_size (f->txid));
  child (&signed2, 0x5F49, &field);
  g_assert_cmpuint (field.length, ==, 65);
  g_clear_pointer (&f->euicc_otpk, g_bytes_unref);
  f->euicc_otpk = esim_tlv_dup_value (&field);
  g_assert_cmpint (esim_tlv_find (&signed2, 0x04, &field), ==, o->with_hash_cc);

  /* euiccSignature2 covers euiccSigned2 and the request's smdpSignature2 TLV */
  g_byte_array_append (tbs, signed2.raw, (guint) signed2.raw_length);
  g_byte_array_append (tbs, g_bytes_get_data (f->smdp_signature2, NULL),
                       (guint) g_bytes_get_size (f->smdp_signature2));
  assert_signed_by (f->euicc_cert, tbs->data, tbs->len, &sig);
}

static GBytes *
build_bpp (Fixture *f, const EsimBppMetadata *m, gboolean ppk, GBytes *signed_otpk)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) eid = test_hex (EID);
  g_autoptr (GBytes) metadata = NULL;
  EsimBppMetadata dflt = {
    .iccid = f->iccid,
    .service_provider = "GSMA Test",
    .name = "TS.48 Generic",
    .icon_type = -1,
    .profile_class = 2,
    .notify_address = "notify.example.test",
    .notify_events = 0x0f,
  };
  GBytes *bpp;

  metadata = esim_bpp_encode_metadata (m != NULL ? m : &dflt, &error);
  g_assert_no_error (error);
  bpp = esim_bpp_build (
    &(EsimBppParams){
      .transaction_id = f->txid,
      .euicc_otpk = f->euicc_otpk,
      .signed_otpk = signed_otpk,
      .eid = eid,
      .dppb_key = f->pb_key,
      .dp_oid = "2.999.10",
      .metadata = metadata,
      .upp = f->upp,
      .replace_session_keys = ppk,
      .metadata_segment_size = 40,
      .profile_segment_size = 1000,
    },
    &error);
  g_assert_no_error (error);
  return bpp;
}

static GPtrArray *
split (GBytes *bpp)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *pieces = esim_bpp_builder_split (bpp, &error);

  g_assert_no_error (error);
  return pieces;
}

/* sends the pieces; every one but the last answers nothing; returns the
 * ProfileInstallationResult (which may come early, on an error) */
static GBytes *
load_bpp (Fixture *f, GPtrArray *pieces)
{
  for (guint i = 0; i < pieces->len; i++) {
    g_autoptr (GBytes) r = test_es10 (&f->link, g_ptr_array_index (pieces, i), 0);

    if (g_bytes_get_size (r) > 0)
      return g_steal_pointer (&r);
  }
  g_assert_not_reached ();
  return NULL;
}

/* checks the PIR's signature; returns A0 (success) or A1 (error) in *result */
static void
check_pir (Fixture *f, GBytes *pir, EsimTlv *result)
{
  EsimTlv root, data, sig, field, meta, final;

  decode (pir, 0xBF37, &root);
  child (&root, 0xBF27, &data);
  child (&root, 0x5F37, &sig);
  assert_signed_by (f->euicc_cert, data.raw, data.raw_length, &sig);
  child (&data, 0x80, &field);
  g_assert_cmpmem (field.value, field.length, g_bytes_get_data (f->txid, NULL),
                   g_bytes_get_size (f->txid));
  child (&data, 0xBF2F, &meta);
  child (&meta, 0x81, &field);
  g_assert_cmpmem (field.value, field.length, "\x07\x80", 2); /* install */
  child (&data, 0x06, &field);
  g_assert_cmpmem (field.value, field.length, "\x88\x37\x0a", 3); /* 2.999.10 */
  child (&data, 0xA2, &final);
  g_assert_true (
    esim_tlv_iter_next (&(EsimTlvIter){ final.value, final.value + final.length }, result));
}

static void
check_pir_error (Fixture *f, GBytes *pir, gint64 command, gint64 reason)
{
  EsimTlv result;

  check_pir (f, pir, &result);
  g_assert_cmphex (result.tag, ==, 0xA1);
  g_assert_cmpint (child_int (&result, 0x80), ==, command);
  g_assert_cmpint (child_int (&result, 0x81), ==, reason);
}

static guint
count_profiles (Fixture *f)
{
  return esim_sim_state_get_profiles (esim_sim_card_get_state (f->card))->len;
}

/* the install notification holds exactly the PIR */
static void
check_notification (Fixture *f, GBytes *pir)
{
  g_autoptr (GBytes) list = test_es10_hex (&f->link, "BF2800");
  g_autoptr (GBytes) pending = test_es10_hex (&f->link, "BF2B00");
  EsimTlv root, seq, item;
  gboolean found = FALSE;
  EsimTlvIter iter;

  decode (list, 0xBF28, &root);
  child (&root, 0xA0, &seq);
  child (&seq, 0xBF2F, &item);
  child (&item, 0x81, &item);
  g_assert_cmpmem (item.value, item.length, "\x07\x80", 2);
  decode (pending, 0xBF2B, &root);
  child (&root, 0xA0, &seq);
  esim_tlv_iter_init (&iter, &seq);
  while (esim_tlv_iter_next (&iter, &item)) {
    if (item.tag == 0xBF37 && item.raw_length == g_bytes_get_size (pir)
        && memcmp (item.raw, g_bytes_get_data (pir, NULL), item.raw_length) == 0)
      found = TRUE;
  }
  g_assert_true (found);
}

static void
download_to_bpp (Fixture *f)
{
  authenticate_ok (f);
  prepare_ok (f, &(PrepareOptions){ 0 });
}

static void
run_download (Fixture *f, gboolean ppk)
{
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GPtrArray) pieces = NULL;
  g_autoptr (GBytes) pir = NULL;
  EsimSimProfile *p;
  EsimTlv result, field;

  download_to_bpp (f);
  bpp = build_bpp (f, NULL, ppk, NULL);
  pieces = split (bpp);
  /* BF36+BF23, A0, A1 header, 88s, (A2), A3 header, 86s */
  g_assert_cmpuint (pieces->len, >, 10);
  for (guint i = 0; i + 1 < pieces->len; i++) {
    g_autoptr (GBytes) r = test_es10 (&f->link, g_ptr_array_index (pieces, i), 0);

    g_assert_cmpuint (g_bytes_get_size (r), ==, 0);
  }
  pir = test_es10 (&f->link, g_ptr_array_index (pieces, pieces->len - 1), 0);
  check_pir (f, pir, &result);
  g_assert_cmphex (result.tag, ==, 0xA0);
  child (&result, 0x4F, &field);
  g_assert_cmpuint (field.length, ==, 16);

  p = esim_sim_state_find_iccid (esim_sim_card_get_state (f->card), f->iccid);
  g_assert_nonnull (p);
  g_assert_false (p->enabled);
  g_assert_cmpmem (p->aid, 16, field.value, field.length);
  g_assert_cmpstr (p->name, ==, "TS.48 Generic");
  g_assert_cmpstr (p->service_provider, ==, "GSMA Test");
  g_assert_cmpstr (p->notify_address, ==, "notify.example.test");
  g_assert_cmpuint (p->size, ==, g_bytes_get_size (f->upp));
  check_notification (f, pir);

  /* the session is over: a second package is refused */
  g_assert_cmphex (test_es10_sw (&f->link, "BF360A BF2300"), ==, 0x6985);
}

static void
test_download (Fixture *f, gconstpointer data)
{
  run_download (f, FALSE);
}

static void
test_download_ppk (Fixture *f, gconstpointer data)
{
  run_download (f, TRUE);
}

static void
test_auth_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) wrong = g_bytes_new_static ("0123456789abcdef", 16);
  g_autoptr (GBytes) r1 = NULL;
  g_autoptr (GBytes) r2 = NULL;
  g_autoptr (GBytes) r3 = NULL;
  g_autoptr (GBytes) r4 = NULL;
  g_autoptr (GBytes) r5 = NULL;
  g_autoptr (GBytes) r6 = NULL;
  g_autoptr (GBytes) r7 = NULL;
  g_autoptr (GBytes) r8 = NULL;
  g_autoptr (EsimRspCert) forged = NULL;
  g_autoptr (GError) error = NULL;
  static const guint8 unknown_ci[20] = { 0x01, 0x02, 0x03 };

  g_bytes_unref (get_challenge (f));
  r1 = authenticate (f, &(AuthOptions){ .challenge = wrong });
  g_assert_cmpint (error_code (r1, 0xBF38), ==, 6); /* euiccChallengeMismatch */
  r2 = authenticate (f, &(AuthOptions){ .ci_pkid = unknown_ci });
  g_assert_cmpint (error_code (r2, 0xBF38), ==, 7); /* ciPKUnknown */
  r3 = authenticate (f, &(AuthOptions){ .bad_signature = TRUE });
  g_assert_cmpint (error_code (r3, 0xBF38), ==, 2); /* invalidSignature */
  /* DPpb is from the CI but has the wrong role */
  r4 = authenticate (f, &(AuthOptions){ .cert = f->pb_cert });
  g_assert_cmpint (error_code (r4, 0xBF38), ==, 1);
  /* a certificate that names the CI as issuer, signed by another key */
  {
    const gchar *hosts[] = { "smdp.example.test", NULL };
    g_autofree gchar *pem = NULL;
    g_autofree gchar *key = NULL;
    g_autofree gchar *b64 = NULL;
    gsize len = 0;
    gchar *start, *end;

    g_assert_true (
      esim_rsp_issue_tls_cert (f->auth_key, f->ci, hosts, 0, 2000000000, &pem, &key, &error));
    g_assert_no_error (error);
    start = strchr (pem, '\n') + 1;
    end = strstr (start, "-----END");
    b64 = g_strndup (start, (gsize) (end - start));
    {
      g_autofree guchar *der = g_base64_decode (b64, &len);
      g_autoptr (GBytes) bytes = g_bytes_new (der, len);

      forged = esim_rsp_cert_new_from_der (bytes, &error);
      g_assert_no_error (error);
    }
  }
  r5 = authenticate (f, &(AuthOptions){ .cert = forged });
  g_assert_cmpint (error_code (r5, 0xBF38), ==, 1); /* invalidCertificate */
  /* without a challenge, and a challenge only counts once */
  g_bytes_unref (esim_sim_card_reset (f->card));
  test_open_isdr (&f->link);
  r6 = authenticate (f, &(AuthOptions){ .no_challenge = TRUE });
  g_assert_cmpint (error_code (r6, 0xBF38), ==, 4); /* noSessionContext */
  authenticate_ok (f);
  r7 = authenticate (f, &(AuthOptions){ .no_challenge = TRUE });
  g_assert_cmpint (error_code (r7, 0xBF38), ==, 4);
  /* malformed */
  r8 = test_es10_hex (&f->link, "BF3803800101");
  g_assert_cmpint (error_code (r8, 0xBF38), ==, 127);
}

static void
test_prepare_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) other = g_bytes_new_static ("\x99", 1);
  g_autoptr (GBytes) r1 = NULL;
  g_autoptr (GBytes) r2 = NULL;
  g_autoptr (GBytes) r3 = NULL;
  g_autoptr (GBytes) r4 = NULL;
  static const guint8 txid[] = { 0x1A, 0x2B, 0x3C, 0x4D, 0x5E, 0x6F, 0x70, 0x81 };

  /* no session at all */
  f->txid = g_bytes_new_static (txid, sizeof (txid));
  r1 = prepare (f, &(PrepareOptions){ 0 });
  g_assert_cmpint (error_code (r1, 0xBF21), ==, 4);
  authenticate_ok (f);
  r2 = prepare (f, &(PrepareOptions){ .txid = other });
  g_assert_cmpint (error_code (r2, 0xBF21), ==, 5); /* invalidTransactionId */
  r3 = prepare (f, &(PrepareOptions){ .bad_signature = TRUE });
  g_assert_cmpint (error_code (r3, 0xBF21), ==, 2); /* invalidSignature */
  r4 = prepare (f, &(PrepareOptions){ .cc_required = TRUE });
  g_assert_cmpint (error_code (r4, 0xBF21), ==, 127); /* hashCc missing */
  prepare_ok (f, &(PrepareOptions){ .cc_required = TRUE, .with_hash_cc = TRUE });
}

static void
test_retry_same_otpk (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) first = NULL;

  download_to_bpp (f);
  first = g_bytes_ref (f->euicc_otpk);
  /* a new session for the same package: the card binds with the same key */
  authenticate_ok (f);
  prepare_ok (f, &(PrepareOptions){ .bpp_otpk = first });
  g_assert_true (g_bytes_equal (first, f->euicc_otpk));
  authenticate_ok (f);
  prepare_ok (f, &(PrepareOptions){ 0 });
  g_assert_false (g_bytes_equal (first, f->euicc_otpk));
}

static void
expect_failure (Fixture *f, GPtrArray *pieces, gint64 command, gint64 reason)
{
  g_autoptr (GBytes) pir = load_bpp (f, pieces);

  check_pir_error (f, pir, command, reason);
  check_notification (f, pir);
}

static void
test_bad_smdp_sign (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimRspKey) other = esim_rsp_key_generate (&error);
  g_autoptr (GBytes) wrong = NULL;
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GPtrArray) pieces = NULL;
  guint before = count_profiles (f);

  /* a signature over another eUICC one-time key than this session's */
  g_assert_no_error (error);
  wrong = esim_rsp_key_get_public_point (other);
  download_to_bpp (f);
  bpp = build_bpp (f, NULL, FALSE, wrong);
  pieces = split (bpp);
  expect_failure (f, pieces, 0, 2);
  g_assert_cmpuint (count_profiles (f), ==, before);
}

static void
test_tampered_segment (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GPtrArray) pieces = NULL;
  GBytes *seg;
  guint8 *copy;
  gsize len = 0;

  download_to_bpp (f);
  bpp = build_bpp (f, NULL, TRUE, NULL);
  pieces = split (bpp);
  /* the third-last piece is an 86 */
  seg = g_ptr_array_index (pieces, pieces->len - 3);
  len = g_bytes_get_size (seg);
  copy = g_memdup2 (g_bytes_get_data (seg, NULL), len);
  g_assert_cmphex (copy[0], ==, 0x86);
  copy[len / 2] ^= 0x40;
  g_ptr_array_index (pieces, pieces->len - 3) = g_bytes_new_take (copy, len);
  g_bytes_unref (seg);
  expect_failure (f, pieces, 5, 8); /* loadProfileElements, scp03tSecurityError */
  g_assert_cmpuint (count_profiles (f), ==, 0);
  g_assert_null (esim_sim_state_find_iccid (esim_sim_card_get_state (f->card), f->iccid));
}

static void
test_duplicate_iccid (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GPtrArray) pieces = NULL;

  g_assert_cmpuint (count_profiles (f), ==, 1);
  download_to_bpp (f);
  bpp = build_bpp (f, NULL, FALSE, NULL);
  pieces = split (bpp);
  expect_failure (f, pieces, 2, 9); /* storeMetadata, iccidAlreadyExists */
  g_assert_cmpuint (count_profiles (f), ==, 1);
}

static void
test_insufficient_memory (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GPtrArray) pieces = NULL;

  fixture_card (f, 4096, NULL);
  download_to_bpp (f);
  bpp = build_bpp (f, NULL, FALSE, NULL);
  pieces = split (bpp);
  expect_failure (f, pieces, 5, 10);
  g_assert_cmpuint (count_profiles (f), ==, 0);
}

static void
test_ppr_not_allowed (Fixture *f, gconstpointer data)
{
  static const guint8 owner[3] = { 0x00, 0xF1, 0x10 };
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GPtrArray) pieces = NULL;
  EsimBppMetadata m = {
    .iccid = f->iccid,
    .name = "x",
    .icon_type = -1,
    .profile_class = -1,
    .owner_mcc_mnc = owner,
    .ppr = 1u << 2,
  };

  download_to_bpp (f);
  bpp = build_bpp (f, &m, FALSE, NULL);
  pieces = split (bpp);
  expect_failure (f, pieces, 2, 15);
  g_assert_cmpuint (count_profiles (f), ==, 0);
}

static void
test_cancel_session (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GPtrArray) pieces = NULL;
  g_autoptr (GBytes) r = NULL;
  g_autoptr (GBytes) wrong = NULL;
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;
  EsimTlv root, ok, signed_tlv, sig, field;

  download_to_bpp (f);
  bpp = build_bpp (f, NULL, FALSE, NULL);
  pieces = split (bpp);
  for (guint i = 0; i < 4; i++) {
    g_autoptr (GBytes) piece_r = test_es10 (&f->link, g_ptr_array_index (pieces, i), 0);
    g_assert_cmpuint (g_bytes_get_size (piece_r), ==, 0);
  }
  wrong = test_es10_hex (&f->link, "BF4106 800199 810101");
  test_assert_bytes (wrong, "BF4103810105");

  esim_tlv_builder_begin (b, 0xBF41);
  esim_tlv_builder_add_bytes (b, 0x80, f->txid);
  esim_tlv_builder_add_int (b, 0x81, 1); /* postponed */
  esim_tlv_builder_end (b);
  request = esim_tlv_builder_finish (b);
  r = test_es10 (&f->link, request, 0);
  decode (r, 0xBF41, &root);
  child (&root, 0xA0, &ok);
  child (&ok, 0x30, &signed_tlv);
  child (&ok, 0x5F37, &sig);
  assert_signed_by (f->euicc_cert, signed_tlv.raw, signed_tlv.raw_length, &sig);
  child (&signed_tlv, 0x81, &field);
  g_assert_cmpmem (field.value, field.length, "\x88\x37\x0a", 3);
  g_assert_cmpint (child_int (&signed_tlv, 0x82), ==, 1);

  /* the rest of the package has nowhere to go; nothing was kept */
  {
    g_autofree gchar *hex
      = esim_sim_hex_encode (g_bytes_get_data (g_ptr_array_index (pieces, 4), NULL),
                             g_bytes_get_size (g_ptr_array_index (pieces, 4)));
    g_assert_cmphex (test_es10_sw (&f->link, hex), ==, 0x6A88);
  }
  g_clear_pointer (&wrong, g_bytes_unref);
  wrong = test_es10 (&f->link, request, 0);
  test_assert_bytes (wrong, "BF4103810105");
  g_assert_cmpuint (count_profiles (f), ==, 0);
  g_assert_cmpuint (esim_sim_state_get_notifications (esim_sim_card_get_state (f->card))->len, ==,
                    0);
}

static void
test_reset_mid_bpp (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GPtrArray) pieces = NULL;
  GPtrArray *notifications;
  EsimSimNotification *n;
  g_autoptr (GBytes) atr = NULL;

  download_to_bpp (f);
  bpp = build_bpp (f, NULL, FALSE, NULL);
  pieces = split (bpp);
  for (guint i = 0; i < pieces->len - 2; i++) {
    g_autoptr (GBytes) r = test_es10 (&f->link, g_ptr_array_index (pieces, i), 0);
    g_assert_cmpuint (g_bytes_get_size (r), ==, 0);
  }
  atr = esim_sim_card_reset (f->card);
  test_open_isdr (&f->link);
  g_assert_cmpuint (count_profiles (f), ==, 0);
  /* the interrupted installation is reported */
  notifications = esim_sim_state_get_notifications (esim_sim_card_get_state (f->card));
  g_assert_cmpuint (notifications->len, ==, 1);
  n = g_ptr_array_index (notifications, 0);
  g_assert_cmpint (n->event, ==, ESIM_SIM_EVENT_INSTALL);
  check_pir_error (f, n->pending, 5, 11);
  {
    g_autofree gchar *hex
      = esim_sim_hex_encode (g_bytes_get_data (g_ptr_array_index (pieces, pieces->len - 1), NULL),
                             g_bytes_get_size (g_ptr_array_index (pieces, pieces->len - 1)));
    g_assert_cmphex (test_es10_sw (&f->link, hex), ==, 0x6A88);
  }
}

static void
test_bpp_structure (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GPtrArray) pieces = NULL;

  download_to_bpp (f);
  bpp = build_bpp (f, NULL, FALSE, NULL);
  pieces = split (bpp);
  /* the A1 header twice: a structure error at storeMetadata */
  g_ptr_array_insert (pieces, 3, g_bytes_ref (g_ptr_array_index (pieces, 2)));
  expect_failure (f, pieces, 2, 7);
  g_assert_cmpuint (count_profiles (f), ==, 0);
}

/* an InitialiseSecureChannel whose smdpSign OpenSSL computed over the bytes
 * SGP.22 5.5.1 defines (tests/crypto/gen-isc-vector.sh), not this project's
 * code: the card must accept it, so that our test peers can never agree on
 * another definition of what smdpSign covers */
static GBytes *
vector_bf36_head (JsonObject *v, gboolean corrupt)
{
  g_autoptr (GBytes) isc
    = test_hex (json_object_get_string_member (v, "initialise_secure_channel"));
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize len = g_bytes_get_size (isc);
  /* BF36 announces more than the BF23 it carries: the rest would follow */
  guint16 announced = (guint16) (len + 200);
  const guint8 head[] = { 0xBF, 0x36, 0x82, (guint8) (announced >> 8), (guint8) announced };

  g_byte_array_append (out, head, sizeof (head));
  g_byte_array_append (out, g_bytes_get_data (isc, NULL), (guint) len);
  if (corrupt)
    out->data[out->len - 10] ^= 0x01;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_independent_smdp_sign (Fixture *f, gconstpointer data)
{
  g_autofree gchar *path = g_build_filename (ESIM_TEST_VECTORS_DIR, "isc-smdpsign.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimRspKey) otk = NULL;
  g_autoptr (EsimRspCert) pb = NULL;
  g_autoptr (GBytes) otpk = NULL;
  g_autoptr (GBytes) expected_otpk = NULL;
  g_autoptr (GBytes) txid = NULL;
  g_autofree gchar *key_path = NULL;
  JsonObject *v;
  EsimTlv isc, field;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  v = json_node_get_object (json_parser_get_root (parser));
  key_path = g_build_filename (ESIM_TEST_VECTORS_DIR,
                               json_object_get_string_member (v, "euicc_otsk_pem"), NULL);
  otk = esim_rsp_key_load_pem (key_path, &error);
  g_assert_no_error (error);
  otpk = esim_rsp_key_get_public_point (otk);
  expected_otpk = test_hex (json_object_get_string_member (v, "euicc_otpk"));
  g_assert_true (g_bytes_equal (otpk, expected_otpk));
  pb = load (json_object_get_string_member (v, "certificate"), FALSE);

  /* the vector's transactionId is the session's */
  {
    g_autoptr (GBytes) raw
      = test_hex (json_object_get_string_member (v, "initialise_secure_channel"));

    decode (raw, 0xBF23, &isc);
    child (&isc, 0x80, &field);
    txid = g_bytes_new (field.value, field.length);
  }

  for (guint corrupt = 0; corrupt < 2; corrupt++) {
    EsimSimEs10 *es10 = esim_sim_card_get_es10 (f->card);
    g_autoptr (EsimSimBpp) bpp = esim_sim_bpp_new (es10, &(EsimSimBppSession){
                                                           .transaction_id = txid,
                                                           .dppb_cert = pb,
                                                           .otk = otk,
                                                           .server_address = "smdp.example.test",
                                                         });
    g_autoptr (GBytes) head = vector_bf36_head (v, corrupt);
    g_autoptr (GBytes) result = NULL;
    gboolean ended = esim_sim_bpp_feed (bpp, head, &result);

    if (!corrupt) {
      /* accepted: the card waits for ConfigureISDP */
      g_assert_false (ended);
      g_assert_null (result);
    } else {
      /* the same bytes with one bit of the signature flipped are refused:
       * the acceptance above is the signature's doing */
      EsimTlv pir, signed_data, final, err;

      g_assert_true (ended);
      g_assert_nonnull (result);
      decode (result, 0xBF37, &pir);
      child (&pir, 0xBF27, &signed_data);
      child (&signed_data, 0xA2, &final);
      child (&final, 0xA1, &err);
      g_assert_cmpint (child_int (&err, 0x80), ==, 0);
      g_assert_cmpint (child_int (&err, 0x81), ==, ESIM_SIM_BPP_INVALID_SIGNATURE);
    }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func, seeded)                                                                    \
  g_test_add ("/sim/download/" path, Fixture, seeded ? "" : NULL, fixture_setup, func,             \
              fixture_teardown)
  ADD ("complete", test_download, FALSE);
  ADD ("complete-ppk", test_download_ppk, FALSE);
  ADD ("authenticate-errors", test_auth_errors, FALSE);
  ADD ("prepare-errors", test_prepare_errors, FALSE);
  ADD ("retry-same-otpk", test_retry_same_otpk, FALSE);
  ADD ("bad-smdp-sign", test_bad_smdp_sign, FALSE);
  ADD ("independent-smdp-sign", test_independent_smdp_sign, FALSE);
  ADD ("tampered-segment", test_tampered_segment, FALSE);
  ADD ("duplicate-iccid", test_duplicate_iccid, TRUE);
  ADD ("insufficient-memory", test_insufficient_memory, FALSE);
  ADD ("ppr-not-allowed", test_ppr_not_allowed, FALSE);
  ADD ("cancel-session", test_cancel_session, FALSE);
  ADD ("reset-mid-bpp", test_reset_mid_bpp, FALSE);
  ADD ("bpp-structure", test_bpp_structure, FALSE);
  return g_test_run ();
}
