/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-bsp.h"
#include "esim-sim-bpp.h"
#include "esim-sim-upp.h"
#include "esim-tlv.h"

/* clang-format off */
G_DEFINE_QUARK (esim-sim-bpp-error-quark, esim_sim_bpp_error)
/* clang-format on */

/* BppCommandId */
typedef enum {
  CMD_INITIALISE_SECURE_CHANNEL = 0,
  CMD_CONFIGURE_ISDP = 1,
  CMD_STORE_METADATA = 2,
  CMD_REPLACE_SESSION_KEYS = 4,
  CMD_LOAD_PROFILE_ELEMENTS = 5,
} BppCommand;

/* what the next command may be */
typedef enum {
  STAGE_START,           /* BF36 header + BF23 */
  STAGE_CONFIGURE,       /* A0 */
  STAGE_METADATA_HEADER, /* the A1 header */
  STAGE_METADATA,        /* 88s until A1 is full */
  STAGE_KEYS_OR_PROFILE, /* A2, or the A3 header */
  STAGE_PROFILE_HEADER,  /* the A3 header */
  STAGE_PROFILE,         /* 86s until A3 is full */
  STAGE_DONE,
} BppStage;

/* a minimal SIMA EUICCResponse: peStatus { { status ok } } */
static const guint8 sima_ok[] = { 0x30, 0x07, 0xA0, 0x05, 0x30, 0x03, 0x80, 0x01, 0x00 };

struct _EsimSimBpp {
  EsimSimEs10 *es10;
  GBytes *transaction_id;
  EsimRspCert *dppb_cert;
  EsimRspKey *otk;
  gchar *server_address;
  gchar *smdp_oid;

  BppStage stage;
  gsize bpp_left; /* bytes of BF36 not yet received */
  gsize seq_left; /* bytes of A1 or A3 not yet received */
  EsimBsp *bsp;   /* session keys from the key agreement */
  EsimBsp *ppk;   /* after ReplaceSessionKeys */
  GByteArray *metadata;
  GByteArray *upp;
  EsimSimProfile *profile; /* from StoreMetadata */
  gchar *iccid;            /* from StoreMetadata, kept for the result */
  gchar *pir_address;      /* notification address for the install event */
  gboolean installed;
};

/* a header that may announce more bytes than the command carries: the
 * BF36, A1 and A3 headers come alone */
static gboolean
bpp_parse_open_header (const guint8 *buf, gsize len, guint32 *tag, gsize *length, gsize *hlen)
{
  gsize pos = 0;
  guint32 t;

  if (len < 2)
    return FALSE;
  t = buf[pos++];
  if ((t & 0x1f) == 0x1f) {
    do {
      if (pos >= len || pos > 3)
        return FALSE;
      t = (t << 8) | buf[pos];
    } while (buf[pos++] & 0x80);
  }
  if (pos >= len)
    return FALSE;
  if (buf[pos] < 0x80) {
    *length = buf[pos++];
  } else {
    guint n = buf[pos++] & 0x7f;

    if (n == 0 || n > 3 || len - pos < n)
      return FALSE;
    *length = 0;
    for (guint i = 0; i < n; i++)
      *length = (*length << 8) | buf[pos++];
  }
  *tag = t;
  *hlen = pos;
  return TRUE;
}

gboolean
esim_sim_bpp_is_piece (GBytes *command)
{
  gsize len = 0, length = 0, hlen = 0;
  const guint8 *buf = g_bytes_get_data (command, &len);
  guint32 tag = 0;

  if (!bpp_parse_open_header (buf, len, &tag, &length, &hlen))
    return FALSE;
  return tag == 0xBF36 || tag == 0xA0 || tag == 0xA1 || tag == 0x88 || tag == 0xA2 || tag == 0xA3
         || tag == 0x86;
}

EsimSimBpp *
esim_sim_bpp_new (EsimSimEs10 *es10, const EsimSimBppSession *session)
{
  EsimSimBpp *self = g_new0 (EsimSimBpp, 1);

  self->es10 = es10;
  self->transaction_id = g_bytes_ref (session->transaction_id);
  self->dppb_cert = session->dppb_cert;
  self->otk = session->otk;
  self->server_address = g_strdup (session->server_address);
  self->smdp_oid = esim_rsp_cert_get_registered_id (session->dppb_cert);
  self->metadata = g_byte_array_new ();
  self->upp = g_byte_array_new ();
  return self;
}

void
esim_sim_bpp_free (EsimSimBpp *self)
{
  if (self == NULL)
    return;
  g_bytes_unref (self->transaction_id);
  g_free (self->server_address);
  g_free (self->smdp_oid);
  g_clear_pointer (&self->bsp, esim_bsp_free);
  g_clear_pointer (&self->ppk, esim_bsp_free);
  g_byte_array_unref (self->metadata);
  /* no trace of the profile stays in freed memory either */
  if (self->upp->len > 0)
    memset (self->upp->data, 0, self->upp->len);
  g_byte_array_unref (self->upp);
  g_clear_pointer (&self->profile, esim_sim_profile_free);
  g_free (self->iccid);
  g_free (self->pir_address);
  g_free (self);
}

gboolean
esim_sim_bpp_installed (EsimSimBpp *self)
{
  return self->installed;
}

static gboolean
bpp_fail (GError **error, EsimSimBppError reason, const gchar *message)
{
  g_set_error_literal (error, ESIM_SIM_BPP_ERROR, reason, message);
  return FALSE;
}

static BppCommand
bpp_stage_command (BppStage stage)
{
  switch (stage) {
  case STAGE_START:
    return CMD_INITIALISE_SECURE_CHANNEL;
  case STAGE_CONFIGURE:
    return CMD_CONFIGURE_ISDP;
  case STAGE_METADATA_HEADER:
  case STAGE_METADATA:
    return CMD_STORE_METADATA;
  case STAGE_KEYS_OR_PROFILE:
    return CMD_REPLACE_SESSION_KEYS;
  default:
    return CMD_LOAD_PROFILE_ELEMENTS;
  }
}

/* InitialiseSecureChannel: checks, then the key agreement */
static gboolean
bpp_secure_channel (EsimSimBpp *self, const EsimTlv *isc, GError **error)
{
  g_autoptr (GByteArray) signed_data = g_byte_array_new ();
  g_autoptr (GBytes) covered = NULL;
  g_autoptr (GBytes) own_otpk = NULL;
  g_autoptr (GBytes) signature = NULL;
  g_autoptr (GBytes) otpk = NULL;
  g_autoptr (GBytes) shared = NULL;
  g_autoptr (GError) local = NULL;
  EsimTlv field, crt, key_type, key_len, host_id;
  EsimTlvIter iter;
  gint64 op = 0;
  guint8 s_enc[ESIM_BSP_KEY_SIZE], s_mac[ESIM_BSP_KEY_SIZE], mcv[ESIM_BSP_KEY_SIZE];
  GBytes *eid = esim_sim_es10_get_eid (self->es10);

  if (isc->tag != 0xBF23)
    return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "no InitialiseSecureChannel");
  if (!esim_tlv_find (isc, 0x82, &field) || !esim_tlv_get_int (&field, &op, NULL))
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "no remoteOpId");
  if (op != 1)
    return bpp_fail (error, ESIM_SIM_BPP_UNSUPPORTED_REMOTE_OPERATION_TYPE,
                     "remoteOpId is not installBoundProfilePackage");
  if (!esim_tlv_find (isc, 0x80, &field))
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "no transactionId");
  if (field.length != g_bytes_get_size (self->transaction_id)
      || memcmp (field.value, g_bytes_get_data (self->transaction_id, NULL), field.length) != 0)
    return bpp_fail (error, ESIM_SIM_BPP_INVALID_TRANSACTION_ID,
                     "transactionId is not the session's");
  if (!esim_tlv_find (isc, 0xA6, &crt) || !esim_tlv_find (&crt, 0x80, &key_type)
      || !esim_tlv_find (&crt, 0x81, &key_len) || !esim_tlv_find (&crt, 0x84, &host_id))
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "incomplete controlRefTemplate");
  /* AES-128 (key type 88, length 16) is all SGP.22 defines */
  if (key_type.length != 1 || key_type.value[0] != 0x88 || key_len.length != 1
      || key_len.value[0] != 0x10 || host_id.length < 1 || host_id.length > 16)
    return bpp_fail (error, ESIM_SIM_BPP_UNSUPPORTED_CRT_VALUES, "unsupported CRT values");
  if (!esim_tlv_find (isc, 0x5F49, &field))
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "no smdpOtpk");
  otpk = esim_tlv_dup_value (&field);
  if (!esim_tlv_find (isc, 0x5F37, &field))
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "no smdpSign");
  signature = esim_tlv_dup_value (&field);

  /* smdpSign covers the other data objects as received, then our own
   * otPK.EUICC.ECKA as a 5F49 TLV (SGP.22 5.5.1), the key this session's
   * PrepareDownload signed */
  esim_tlv_iter_init (&iter, isc);
  while (esim_tlv_iter_next (&iter, &field)) {
    if (field.tag != 0x5F37)
      g_byte_array_append (signed_data, field.raw, (guint) field.raw_length);
  }
  own_otpk = esim_rsp_key_get_public_point (self->otk);
  covered = esim_rsp_isc_signed_data (signed_data->data, signed_data->len, own_otpk);
  if (!esim_rsp_cert_verify_signature (self->dppb_cert, g_bytes_get_data (covered, NULL),
                                       g_bytes_get_size (covered), signature, &local))
    return bpp_fail (error, ESIM_SIM_BPP_INVALID_SIGNATURE, local->message);

  shared = esim_rsp_key_agree (self->otk, otpk, &local);
  if (shared == NULL)
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, local->message);
  esim_bsp_derive_keys (g_bytes_get_data (shared, NULL), g_bytes_get_size (shared), 0x88, 0x10,
                        host_id.value, host_id.length, g_bytes_get_data (eid, NULL),
                        g_bytes_get_size (eid), s_enc, s_mac, mcv);
  self->bsp = esim_bsp_new (s_enc, s_mac, mcv);
  memset (s_enc, 0, sizeof (s_enc));
  memset (s_mac, 0, sizeof (s_mac));
  return TRUE;
}

/* one protected TLV: a MAC failure is a security error, anything else a
 * structure error */
static gboolean
bpp_unprotect (EsimBsp *bsp, const EsimTlv *seg, gboolean encrypted, GByteArray *out,
               GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) plain = NULL;

  if (encrypted)
    plain = esim_bsp_verify_and_decrypt (bsp, seg->raw, seg->raw_length, &local);
  else
    plain = esim_bsp_verify_mac_only (bsp, seg->raw, seg->raw_length, &local);
  if (plain == NULL) {
    return bpp_fail (error,
                     g_error_matches (local, ESIM_BSP_ERROR, ESIM_BSP_ERROR_MAC)
                       ? ESIM_SIM_BPP_SCP03T_SECURITY_ERROR
                       : ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR,
                     local->message);
  }
  g_byte_array_append (out, g_bytes_get_data (plain, NULL), (guint) g_bytes_get_size (plain));
  return TRUE;
}

/* A0 or A2: a sequence of 87s whose plaintexts make one request TLV */
static gboolean
bpp_unprotect_sequence (EsimSimBpp *self, const EsimTlv *seq, guint32 expected, GByteArray *out,
                        EsimTlv *request, GError **error)
{
  EsimTlvIter iter;
  EsimTlv seg;

  if (esim_tlv_count_children (seq) == 0)
    return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "empty sequence of 87");
  esim_tlv_iter_init (&iter, seq);
  while (esim_tlv_iter_next (&iter, &seg)) {
    if (seg.tag != 0x87)
      return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "not an 87 segment");
    if (!bpp_unprotect (self->bsp, &seg, TRUE, out, error))
      return FALSE;
  }
  if (!esim_tlv_decode (out->data, out->len, request, NULL) || request->tag != expected)
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES,
                     "the protected data is not the expected request");
  return TRUE;
}

static gboolean
bpp_configure_isdp (EsimSimBpp *self, const EsimTlv *a0, GError **error)
{
  g_autoptr (GByteArray) plain = g_byte_array_new ();
  EsimTlv request, field;

  if (!bpp_unprotect_sequence (self, a0, 0xBF24, plain, &request, error))
    return FALSE;
  /* dpProprietaryData, if any, must at least start with the SM-DP+ OID */
  if (esim_tlv_find (&request, 0xB8, &field) && !esim_tlv_find (&field, 0x06, &field))
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "dpProprietaryData without dpOid");
  /* the ISD-P only exists in this session until the profile is complete:
   * its AID is allocated when the profile is stored */
  return TRUE;
}

static gboolean
bpp_read_string (const EsimTlv *parent, guint32 tag, gsize max, gboolean required, gchar **out,
                 GError **error)
{
  EsimTlv field;

  if (!esim_tlv_find (parent, tag, &field)) {
    if (required)
      return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "a metadata string is missing");
    return TRUE;
  }
  *out = esim_tlv_dup_string (&field, NULL);
  if (*out == NULL || strlen (*out) > max)
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "a metadata string is invalid");
  return TRUE;
}

static gboolean
bpp_read_notification_config (EsimSimBpp *self, const EsimTlv *b6, GError **error)
{
  EsimSimProfile *p = self->profile;
  EsimTlvIter iter;
  EsimTlv entry, field;

  esim_tlv_iter_init (&iter, b6);
  while (esim_tlv_iter_next (&iter, &entry)) {
    g_autofree gchar *address = NULL;
    guint32 events = 0;

    if (entry.tag != 0x30 || !esim_tlv_find (&entry, 0x80, &field)
        || !esim_tlv_get_bit_string (&field, &events, NULL)
        || !bpp_read_string (&entry, 0x81, 255, TRUE, &address, error))
      return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES,
                       "bad notificationConfigurationInfo");
    /* the sim keeps one address per profile: the first one given */
    p->notify_events |= events & ESIM_SIM_EVENTS_ALL;
    if (p->notify_address == NULL)
      p->notify_address = g_strdup (address);
    if ((events & (1u << ESIM_SIM_EVENT_INSTALL)) != 0 && self->pir_address == NULL)
      self->pir_address = g_strdup (address);
  }
  return TRUE;
}

static gboolean
bpp_store_metadata (EsimSimBpp *self, GError **error)
{
  EsimSimState *state = esim_sim_es10_get_state (self->es10);
  g_autoptr (EsimSimProfile) p = esim_sim_profile_new ();
  EsimTlv request, field;
  gint64 value = 0;

  if (!esim_tlv_decode (self->metadata->data, self->metadata->len, &request, NULL)
      || request.tag != 0xBF25)
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "not a StoreMetadataRequest");
  if (!esim_tlv_find (&request, 0x5A, &field)
      || (p->iccid = esim_sim_iccid_from_ef (field.value, field.length)) == NULL
      || field.length != 10)
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "bad iccid");
  if (!bpp_read_string (&request, 0x91, 32, TRUE, &p->service_provider, error)
      || !bpp_read_string (&request, 0x92, 64, TRUE, &p->name, error))
    return FALSE;
  if (esim_tlv_find (&request, 0x93, &field)) {
    if (!esim_tlv_get_int (&field, &value, NULL) || value < 0 || value > 1
        || !esim_tlv_find (&request, 0x94, &field) || field.length > 1024)
      return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "bad icon");
    p->icon_type = (gint) value;
    p->icon = esim_tlv_dup_value (&field);
  }
  if (esim_tlv_find (&request, 0x95, &field)) {
    if (!esim_tlv_get_int (&field, &value, NULL))
      return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "bad profileClass");
    if (value < 0 || value > 2)
      return bpp_fail (error, ESIM_SIM_BPP_UNSUPPORTED_PROFILE_CLASS, "unknown profileClass");
    p->profile_class = (EsimSimProfileClass) value;
  }
  self->iccid = g_strdup (p->iccid);
  self->profile = g_steal_pointer (&p);
  if (esim_tlv_find (&request, 0xB6, &field) && !bpp_read_notification_config (self, &field, error))
    return FALSE;
  if (esim_tlv_find (&request, 0xB7, &field)) {
    EsimTlv mcc_mnc;

    if (!esim_tlv_find (&field, 0x80, &mcc_mnc) || mcc_mnc.length != 3)
      return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "bad profileOwner");
    self->profile->owner_mcc_mnc = esim_tlv_dup_value (&mcc_mnc);
  }
  if (esim_tlv_find (&request, 0x99, &field)) {
    if (!esim_tlv_get_bit_string (&field, &self->profile->ppr, NULL))
      return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "bad profilePolicyRules");
    self->profile->ppr &= ESIM_SIM_PPR1 | ESIM_SIM_PPR2;
    if (!esim_sim_es10_ppr_allowed (self->es10, self->profile->ppr, self->profile->owner_mcc_mnc))
      return bpp_fail (error, ESIM_SIM_BPP_PPR_NOT_ALLOWED, "the RAT does not allow the PPRs");
  }
  if (esim_sim_state_find_iccid (state, self->profile->iccid) != NULL)
    return bpp_fail (error, ESIM_SIM_BPP_ICCID_ALREADY_EXISTS, "the ICCID is already installed");
  return TRUE;
}

static gboolean
bpp_replace_session_keys (EsimSimBpp *self, const EsimTlv *a2, GError **error)
{
  g_autoptr (GByteArray) plain = g_byte_array_new ();
  EsimTlv request, mcv, enc, mac;
  gboolean ok;

  if (!bpp_unprotect_sequence (self, a2, 0xBF26, plain, &request, error))
    return FALSE;
  ok = esim_tlv_find (&request, 0x80, &mcv) && esim_tlv_find (&request, 0x81, &enc)
       && esim_tlv_find (&request, 0x82, &mac) && mcv.length == ESIM_BSP_KEY_SIZE
       && enc.length == ESIM_BSP_KEY_SIZE && mac.length == ESIM_BSP_KEY_SIZE;
  if (ok)
    self->ppk = esim_bsp_new (enc.value, mac.value, mcv.value);
  if (plain->len > 0)
    memset (plain->data, 0, plain->len);
  if (!ok)
    return bpp_fail (error, ESIM_SIM_BPP_INCORRECT_INPUT_VALUES, "bad ReplaceSessionKeys");
  return TRUE;
}

static gboolean
bpp_install (EsimSimBpp *self, GError **error)
{
  EsimSimState *state = esim_sim_es10_get_state (self->es10);
  g_autoptr (GBytes) upp = g_bytes_new (self->upp->data, self->upp->len);
  g_autoptr (GError) local = NULL;
  g_autofree gchar *iccid = NULL;
  g_autofree gchar *profile_type = NULL;
  EsimSimProfile *p = self->profile;

  if (self->bpp_left != 0)
    return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR,
                     "the package is longer than its parts");
  if (!esim_sim_upp_parse_header (upp, &iccid, &profile_type, &local))
    return bpp_fail (error, ESIM_SIM_BPP_PE_PROCESSING_ERROR, local->message);
  if (g_strcmp0 (iccid, p->iccid) != 0)
    return bpp_fail (error, ESIM_SIM_BPP_ICCID_MISMATCH,
                     "the package's ICCID is not the metadata's");
  p->size = self->upp->len;
  p->enabled = FALSE;
  /* the state takes the profile, also when it refuses it */
  if (!esim_sim_state_add_profile (state, g_steal_pointer (&self->profile), &local)) {
    return bpp_fail (error,
                     g_error_matches (local, ESIM_SIM_ERROR, ESIM_SIM_ERROR_EXISTS)
                       ? ESIM_SIM_BPP_ICCID_ALREADY_EXISTS
                       : ESIM_SIM_BPP_INSUFFICIENT_MEMORY,
                     local->message);
  }
  self->installed = TRUE;
  esim_sim_es10_commit (self->es10);
  return TRUE;
}

/* a protected piece that stands alone in its command */
static gboolean
bpp_single (const guint8 *buf, gsize len, guint32 tag, EsimTlv *out, GError **error)
{
  if (!esim_tlv_parse_header (buf, len, out, NULL) || out->raw_length != len || out->tag != tag)
    return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "unexpected piece");
  return TRUE;
}

static gboolean
bpp_take_seq (EsimSimBpp *self, gsize len, GError **error)
{
  if (len > self->seq_left)
    return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR,
                     "a segment runs past its sequence");
  self->seq_left -= len;
  return TRUE;
}

static gboolean
bpp_step (EsimSimBpp *self, const guint8 *buf, gsize len, GError **error)
{
  EsimSimState *state = esim_sim_es10_get_state (self->es10);
  gsize length = 0, hlen = 0;
  guint32 tag = 0;
  EsimTlv tlv;

  if (!bpp_parse_open_header (buf, len, &tag, &length, &hlen))
    return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "not a TLV");
  if (self->stage != STAGE_START) {
    if (len > self->bpp_left)
      return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "more than the package");
    self->bpp_left -= len;
  }

  switch (self->stage) {
  case STAGE_START:
    if (tag != 0xBF36 || !esim_tlv_decode (buf + hlen, len - hlen, &tlv, NULL)
        || length < len - hlen)
      return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR,
                       "not a BoundProfilePackage header with InitialiseSecureChannel");
    self->bpp_left = length - (len - hlen);
    if (!bpp_secure_channel (self, &tlv, error))
      return FALSE;
    self->stage = STAGE_CONFIGURE;
    return TRUE;
  case STAGE_CONFIGURE:
    if (tag != 0xA0 || !esim_tlv_decode (buf, len, &tlv, NULL))
      return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "expected firstSequenceOf87");
    if (!bpp_configure_isdp (self, &tlv, error))
      return FALSE;
    self->stage = STAGE_METADATA_HEADER;
    return TRUE;
  case STAGE_METADATA_HEADER:
  case STAGE_PROFILE_HEADER:
  case STAGE_KEYS_OR_PROFILE:
    if (self->stage == STAGE_KEYS_OR_PROFILE && tag == 0xA2) {
      if (!esim_tlv_decode (buf, len, &tlv, NULL))
        return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "bad secondSequenceOf87");
      if (!bpp_replace_session_keys (self, &tlv, error))
        return FALSE;
      self->stage = STAGE_PROFILE_HEADER;
      return TRUE;
    }
    if (tag != (self->stage == STAGE_METADATA_HEADER ? 0xA1u : 0xA3u) || hlen != len || length == 0)
      return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "expected a sequence header");
    self->seq_left = length;
    self->stage = self->stage == STAGE_METADATA_HEADER ? STAGE_METADATA : STAGE_PROFILE;
    return TRUE;
  case STAGE_METADATA:
    if (!bpp_single (buf, len, 0x88, &tlv, error) || !bpp_take_seq (self, len, error)
        || !bpp_unprotect (self->bsp, &tlv, FALSE, self->metadata, error))
      return FALSE;
    if (self->seq_left > 0)
      return TRUE;
    if (!bpp_store_metadata (self, error))
      return FALSE;
    self->stage = STAGE_KEYS_OR_PROFILE;
    return TRUE;
  case STAGE_PROFILE:
    if (!bpp_single (buf, len, 0x86, &tlv, error) || !bpp_take_seq (self, len, error)
        || !bpp_unprotect (self->ppk != NULL ? self->ppk : self->bsp, &tlv, TRUE, self->upp, error))
      return FALSE;
    /* the profile is stored as it arrives: stop as soon as it cannot fit */
    if (self->upp->len > esim_sim_state_get_free_memory (state))
      return bpp_fail (error, ESIM_SIM_BPP_INSUFFICIENT_MEMORY,
                       "the profile does not fit in the free memory");
    if (self->seq_left > 0)
      return TRUE;
    if (!bpp_install (self, error))
      return FALSE;
    self->stage = STAGE_DONE;
    return TRUE;
  default:
    return bpp_fail (error, ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR, "the package is complete");
  }
}

/* ProfileInstallationResult, kept as a pending install notification too */
static GBytes *
bpp_result (EsimSimBpp *self, BppCommand command, EsimSimBppError reason, EsimSimProfile *installed)
{
  EsimSimState *state = esim_sim_es10_get_state (self->es10);
  EsimSimCrypto *crypto = esim_sim_es10_get_crypto (self->es10);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GBytes) signature = NULL;
  g_autoptr (GBytes) oid = esim_rsp_oid_encode (self->smdp_oid);
  g_autoptr (GError) error = NULL;
  const gchar *iccid = self->iccid;
  const gchar *address = self->pir_address != NULL ? self->pir_address : self->server_address;
  EsimSimNotification *n;
  guint64 seq = esim_sim_state_next_seq (state);
  guint8 ef[10];

  esim_tlv_builder_begin (b, 0xBF27);
  esim_tlv_builder_add_bytes (b, 0x80, self->transaction_id);
  esim_tlv_builder_begin (b, 0xBF2F);
  esim_tlv_builder_add_int (b, 0x80, (gint64) seq);
  esim_tlv_builder_add_bit_string (b, 0x81, 1u << ESIM_SIM_EVENT_INSTALL, 4);
  esim_tlv_builder_add_string (b, 0x0C, address);
  if (iccid != NULL && esim_sim_iccid_to_ef (iccid, ef, NULL))
    esim_tlv_builder_add (b, 0x5A, ef, sizeof (ef));
  esim_tlv_builder_end (b);
  if (oid != NULL)
    esim_tlv_builder_add_bytes (b, 0x06, oid);
  esim_tlv_builder_begin (b, 0xA2);
  if (installed != NULL) {
    esim_tlv_builder_begin (b, 0xA0);
    esim_tlv_builder_add (b, 0x4F, installed->aid, sizeof (installed->aid));
    esim_tlv_builder_add (b, 0x04, sima_ok, sizeof (sima_ok));
    esim_tlv_builder_end (b);
  } else {
    esim_tlv_builder_begin (b, 0xA1);
    esim_tlv_builder_add_int (b, 0x80, command);
    esim_tlv_builder_add_int (b, 0x81, reason);
    esim_tlv_builder_end (b);
  }
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  data = esim_tlv_builder_finish (b);

  signature = esim_sim_crypto_sign (crypto, data, &error);
  if (signature == NULL) {
    g_warning ("cannot sign the profile installation result: %s", error->message);
    return NULL;
  }
  esim_tlv_builder_begin (b, 0xBF37);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  esim_tlv_builder_add_bytes (b, 0x5F37, signature);
  esim_tlv_builder_end (b);

  n = g_new0 (EsimSimNotification, 1);
  n->seq = seq;
  n->event = ESIM_SIM_EVENT_INSTALL;
  n->address = g_strdup (address);
  n->iccid = g_strdup (iccid);
  n->pending = esim_tlv_builder_finish (b);
  esim_sim_state_add_notification (state, n);
  esim_sim_es10_commit (self->es10);
  return g_bytes_ref (n->pending);
}

gboolean
esim_sim_bpp_feed (EsimSimBpp *self, GBytes *command, GBytes **result)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (command, &len);
  BppStage stage = self->stage;

  *result = NULL;
  if (bpp_step (self, buf, len, &error)) {
    if (self->stage != STAGE_DONE)
      return FALSE;
    *result = bpp_result (
      self, 0, 0, esim_sim_state_find_iccid (esim_sim_es10_get_state (self->es10), self->iccid));
    return TRUE;
  }
  g_debug ("profile installation failed (command %u, reason %d): %s", bpp_stage_command (stage),
           error->code, error->message);
  self->stage = STAGE_DONE;
  *result = bpp_result (self, bpp_stage_command (stage), (EsimSimBppError) error->code, NULL);
  return TRUE;
}

void
esim_sim_bpp_interrupt (EsimSimBpp *self)
{
  g_autoptr (GBytes) result = NULL;

  if (self->bsp == NULL || self->stage == STAGE_DONE)
    return;
  result = bpp_result (self, bpp_stage_command (self->stage), ESIM_SIM_BPP_INTERRUPTION, NULL);
  self->stage = STAGE_DONE;
}
