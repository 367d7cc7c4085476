/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-sim-download.h"
#include "esim-sim-es10.h"
#include "esim-sim-result.h"
#include "esim-sim-upp.h"

/* result codes shared by several functions */
#define RESULT_OK 0
#define RESULT_NOT_FOUND 1
#define RESULT_WRONG_STATE 2
#define RESULT_POLICY 3
#define RESULT_UNDEFINED 127

/* what the card says about itself in EUICCInfo1/2 */
static const guint8 svn[3] = { 0x02, 0x02, 0x02 };
static const guint8 profile_version[3] = { 0x02, 0x03, 0x01 };
static const guint8 firmware_version[3] = { 0x01, 0x00, 0x00 };
static const guint8 javacard_version[3] = { 0x03, 0x00, 0x05 };
static const guint8 gp_version[3] = { 0x02, 0x03, 0x01 };
static const guint8 pp_version[3] = { 0x00, 0x00, 0x01 };
#define FREE_VOLATILE_MEMORY 32768

struct _EsimSimEs10 {
  GObject parent_instance;
  EsimSimState *state;
  EsimSimCrypto *crypto;
  gchar *root_smds;
  GBytes *eid;
  GBytes *rat; /* the encoded RulesAuthorisationTable content */
  GBytes *challenge;
  GHashTable *handlers; /* tag -> EsimSimEs10Handler */
  EsimSimEs10Stream stream;
  EsimSimEs10Reset reset;
  EsimSimQuirks quirks;
  GArray *result_faults; /* ResultFault */
};

typedef struct {
  guint32 tag;
  gint64 code;
  guint nth;   /* 0: every call */
  guint calls; /* of that function so far */
} ResultFault;

G_DEFINE_TYPE (EsimSimEs10, esim_sim_es10, G_TYPE_OBJECT)

/* helpers */

static GBytes *
es10_result (guint32 tag, guint32 result_tag, gint64 code)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();

  esim_tlv_builder_begin (b, tag);
  esim_tlv_builder_add_int (b, result_tag, code);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

static void
es10_add_uint (EsimTlvBuilder *b, guint32 tag, guint64 value)
{
  guint8 tmp[8];
  guint start = 0;

  for (guint i = 0; i < 8; i++)
    tmp[i] = (guint8) (value >> (8 * (7 - i)));
  /* plain unsigned, as TS 102 226 codes memory sizes */
  while (start < 7 && tmp[start] == 0)
    start++;
  esim_tlv_builder_add (b, tag, tmp + start, 8 - start);
}

static void
es10_add_iccid (EsimTlvBuilder *b, const gchar *iccid)
{
  guint8 ef[10];

  /* the state only holds ICCIDs that passed this conversion */
  if (esim_sim_iccid_to_ef (iccid, ef, NULL))
    esim_tlv_builder_add (b, 0x5A, ef, sizeof (ef));
}

static gboolean
es10_iccid_matches (EsimSimProfile *profile, const EsimTlv *iccid)
{
  guint8 ef[10];

  return iccid->length == sizeof (ef) && esim_sim_iccid_to_ef (profile->iccid, ef, NULL)
         && memcmp (ef, iccid->value, sizeof (ef)) == 0;
}

/* a 4F or 5A identifier; FALSE when malformed, else *out is the profile or NULL */
static gboolean
es10_lookup (EsimSimEs10 *self, const EsimTlv *id, EsimSimProfile **out)
{
  GPtrArray *profiles = esim_sim_state_get_profiles (self->state);

  *out = NULL;
  if (id->tag == 0x4F) {
    if (id->length < 1 || id->length > 16)
      return FALSE;
    *out = esim_sim_state_find_aid (self->state, id->value, id->length);
    return TRUE;
  }
  if (id->tag == 0x5A) {
    if (id->length != 10)
      return FALSE;
    for (guint i = 0; i < profiles->len; i++) {
      if (es10_iccid_matches (g_ptr_array_index (profiles, i), id)) {
        *out = g_ptr_array_index (profiles, i);
        break;
      }
    }
    return TRUE;
  }
  return FALSE;
}

void
esim_sim_es10_commit (EsimSimEs10 *self)
{
  g_autoptr (GError) error = NULL;

  if (!esim_sim_state_save (self->state, &error))
    g_warning ("cannot save the eUICC state: %s", error->message);
}

gboolean
esim_sim_es10_notify (EsimSimEs10 *self, EsimSimProfile *profile, EsimSimEvent event,
                      GError **error)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) tbs = NULL;
  g_autoptr (GBytes) signature = NULL;
  EsimSimNotification *n;
  guint64 seq;

  if (profile->notify_address == NULL || (profile->notify_events & (1u << event)) == 0)
    return TRUE;
  seq = esim_sim_state_next_seq (self->state);
  esim_tlv_builder_begin (b, 0xBF2F);
  esim_tlv_builder_add_int (b, 0x80, (gint64) seq);
  esim_sim_quirks_add_event_bits (b, self->quirks, (guint) event);
  esim_tlv_builder_add_string (b, 0x0C, profile->notify_address);
  es10_add_iccid (b, profile->iccid);
  esim_tlv_builder_end (b);
  tbs = esim_tlv_builder_finish (b);

  signature = esim_sim_crypto_sign (self->crypto, tbs, error);
  if (signature == NULL)
    return FALSE;
  /* OtherSignedNotification: a universal SEQUENCE as the CHOICE leaves it */
  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (tbs, NULL), g_bytes_get_size (tbs));
  esim_tlv_builder_add_bytes (b, 0x5F37, signature);
  esim_tlv_builder_add_raw (
    b, g_bytes_get_data (esim_sim_crypto_get_euicc_certificate (self->crypto), NULL),
    g_bytes_get_size (esim_sim_crypto_get_euicc_certificate (self->crypto)));
  esim_tlv_builder_add_raw (
    b, g_bytes_get_data (esim_sim_crypto_get_eum_certificate (self->crypto), NULL),
    g_bytes_get_size (esim_sim_crypto_get_eum_certificate (self->crypto)));
  esim_tlv_builder_end (b);

  n = g_new0 (EsimSimNotification, 1);
  n->seq = seq;
  n->event = event;
  n->address = g_strdup (profile->notify_address);
  n->iccid = g_strdup (profile->iccid);
  n->pending = esim_tlv_builder_finish (b);
  esim_sim_state_add_notification (self->state, n);
  return TRUE;
}

static void
es10_notify (EsimSimEs10 *self, EsimSimProfile *profile, EsimSimEvent event)
{
  g_autoptr (GError) error = NULL;

  if (!esim_sim_es10_notify (self, profile, event, &error))
    g_warning ("cannot create a notification: %s", error->message);
}

/* ES10a */

static GBytes *
es10_get_configured_addresses (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  const gchar *dp = esim_sim_state_get_default_smdp (self->state);

  esim_tlv_builder_begin (b, 0xBF3C);
  if (dp != NULL)
    esim_tlv_builder_add_string (b, 0x80, dp);
  if (!(self->quirks & ESIM_SIM_QUIRK_NO_ROOT_DS))
    esim_tlv_builder_add_string (b, 0x81, self->root_smds);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

static GBytes *
es10_set_default_dp_address (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autofree gchar *address = NULL;
  EsimTlv field;

  if (!esim_tlv_find (request, 0x80, &field)
      || (address = esim_tlv_dup_string (&field, NULL)) == NULL || strlen (address) > 1024)
    return es10_result (0xBF3F, 0x80, RESULT_UNDEFINED);
  esim_sim_state_set_default_smdp (self->state, address);
  esim_sim_es10_commit (self);
  return es10_result (0xBF3F, 0x80, RESULT_OK);
}

/* ES10b */

static GBytes *
es10_get_challenge (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();

  /* a new challenge starts a new session; AuthenticateServer checks it */
  g_clear_pointer (&self->challenge, g_bytes_unref);
  self->challenge = esim_sim_crypto_random (16);
  esim_tlv_builder_begin (b, 0xBF2E);
  esim_tlv_builder_add_bytes (b, 0x80, self->challenge);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

static void
es10_add_pkid_lists (EsimSimEs10 *self, EsimTlvBuilder *b)
{
  GPtrArray *pkids = esim_sim_crypto_get_ci_pkids (self->crypto);

  /* the same CIs for verification and signing */
  for (guint32 tag = 0xA9; tag <= 0xAA; tag++) {
    esim_tlv_builder_begin (b, tag);
    for (guint i = 0; i < pkids->len; i++)
      esim_tlv_builder_add_bytes (b, 0x04, g_ptr_array_index (pkids, i));
    esim_tlv_builder_end (b);
  }
}

static GBytes *
es10_get_info1 (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();

  esim_tlv_builder_begin (b, 0xBF20);
  esim_tlv_builder_add (b, 0x82, svn, sizeof (svn));
  es10_add_pkid_lists (self, b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

static GBytes *
es10_get_info2 (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autoptr (GBytes) full = esim_sim_es10_encode_euicc_info2 (self);

  /* only GetEUICCInfo2 is sparse: AuthenticateServer keeps the full one
   * for the SM-DP+ */
  if (self->quirks & ESIM_SIM_QUIRK_SPARSE_EUICC_INFO2)
    return esim_sim_quirks_sparse_euicc_info2 (full);
  return g_steal_pointer (&full);
}

GBytes *
esim_sim_es10_encode_euicc_info2 (EsimSimEs10 *self)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (EsimTlvBuilder) ecr = esim_tlv_builder_new ();
  g_autoptr (GBytes) resource = NULL;
  guint64 free_memory = esim_sim_state_get_free_memory (self->state);
  guint32 rsp_capability;
  /* usim, isim, milenage, tuak128, gbaAuthenUsim, javacard, multipleUsim */
  guint32 uicc_capability
    = (1u << 1) | (1u << 2) | (1u << 4) | (1u << 6) | (1u << 10) | (1u << 14) | (1u << 16);

  /* ETSI TS 102 226: installed applications, free non-volatile, free volatile */
  es10_add_uint (ecr, 0x81, esim_sim_state_get_profiles (self->state)->len);
  es10_add_uint (ecr, 0x82, free_memory);
  es10_add_uint (ecr, 0x83, FREE_VOLATILE_MEMORY);
  resource = esim_tlv_builder_finish (ecr);

  /* crlSupport and testProfileSupport always; additionalProfile while
   * there is room for a typical package */
  rsp_capability = (1u << 1) | (1u << 3);
  if (free_memory >= 16 * 1024)
    rsp_capability |= 1u << 0;

  esim_tlv_builder_begin (b, 0xBF22);
  esim_tlv_builder_add (b, 0x81, profile_version, sizeof (profile_version));
  esim_tlv_builder_add (b, 0x82, svn, sizeof (svn));
  esim_tlv_builder_add (b, 0x83, firmware_version, sizeof (firmware_version));
  esim_tlv_builder_add_bytes (b, 0x84, resource);
  esim_tlv_builder_add_bit_string (b, 0x85, uicc_capability, 19);
  esim_tlv_builder_add (b, 0x86, javacard_version, sizeof (javacard_version));
  esim_tlv_builder_add (b, 0x87, gp_version, sizeof (gp_version));
  esim_tlv_builder_add_bit_string (b, 0x88, rsp_capability, 4);
  es10_add_pkid_lists (self, b);
  esim_tlv_builder_add_int (b, 0x8B, 2); /* mediumEuicc */
  esim_tlv_builder_add (b, 0x04, pp_version, sizeof (pp_version));
  esim_tlv_builder_add_string (b, 0x0C, "SIM-SAS-TEST-0001");
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

static gboolean
es10_get_event_filter (const EsimTlv *parent, guint32 tag, guint32 *filter, gboolean *ok)
{
  EsimTlv field;

  *ok = TRUE;
  if (!esim_tlv_find (parent, tag, &field))
    return FALSE;
  *ok = esim_tlv_get_bit_string (&field, filter, NULL);
  return TRUE;
}

static GBytes *
es10_list_notification (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  GPtrArray *list = esim_sim_state_get_notifications (self->state);
  guint32 filter = ESIM_SIM_EVENTS_ALL;
  gboolean ok;

  es10_get_event_filter (request, 0x81, &filter, &ok);
  if (!ok)
    return es10_result (0xBF28, 0x81, RESULT_UNDEFINED);
  esim_tlv_builder_begin (b, 0xBF28);
  esim_tlv_builder_begin (b, 0xA0);
  for (guint i = 0; i < list->len; i++) {
    EsimSimNotification *n = g_ptr_array_index (list, i);

    if ((filter & (1u << n->event)) == 0)
      continue;
    esim_tlv_builder_begin (b, 0xBF2F);
    esim_tlv_builder_add_int (b, 0x80, (gint64) n->seq);
    esim_sim_quirks_add_event_bits (b, self->quirks, (guint) n->event);
    esim_tlv_builder_add_string (b, 0x0C, n->address);
    if (n->iccid != NULL)
      es10_add_iccid (b, n->iccid);
    esim_tlv_builder_end (b);
  }
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

static GBytes *
es10_retrieve_notifications (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  GPtrArray *list = esim_sim_state_get_notifications (self->state);
  guint32 filter = ESIM_SIM_EVENTS_ALL;
  guint64 seq = 0;
  gboolean by_seq = FALSE;
  guint matched = 0;
  EsimTlv criteria;

  if (esim_tlv_find (request, 0xA0, &criteria)) {
    EsimTlv field;
    gboolean ok = TRUE;

    if (esim_tlv_find (&criteria, 0x80, &field)) {
      by_seq = TRUE;
      ok = esim_tlv_get_uint (&field, &seq, NULL);
    } else if (!es10_get_event_filter (&criteria, 0x81, &filter, &ok)) {
      ok = FALSE;
    }
    if (!ok)
      return es10_result (0xBF2B, 0x81, RESULT_UNDEFINED);
  }
  esim_tlv_builder_begin (b, 0xBF2B);
  esim_tlv_builder_begin (b, 0xA0);
  for (guint i = 0; i < list->len; i++) {
    EsimSimNotification *n = g_ptr_array_index (list, i);

    if (by_seq ? n->seq != seq : (filter & (1u << n->event)) == 0)
      continue;
    esim_tlv_builder_add_raw (b, g_bytes_get_data (n->pending, NULL),
                              g_bytes_get_size (n->pending));
    matched++;
  }
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  if (by_seq && matched == 0)
    return es10_result (0xBF2B, 0x81, 1); /* noResultAvailable */
  return esim_tlv_builder_finish (b);
}

static GBytes *
es10_remove_notification (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  EsimTlv field;
  guint64 seq = 0;

  if (!esim_tlv_find (request, 0x80, &field) || !esim_tlv_get_uint (&field, &seq, NULL))
    return es10_result (0xBF30, 0x80, RESULT_UNDEFINED);
  if (!esim_sim_state_remove_notification (self->state, seq))
    return es10_result (0xBF30, 0x80, 1); /* nothingToDelete */
  esim_sim_es10_commit (self);
  return es10_result (0xBF30, 0x80, RESULT_OK);
}

static GBytes *
es10_get_rat (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();

  esim_tlv_builder_begin (b, 0xBF43);
  esim_tlv_builder_add_bytes (b, 0xA0, self->rat);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* ES10c */

GBytes *
esim_sim_es10_encode_profile_info (EsimSimEs10 *self, EsimSimProfile *p)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();

  esim_tlv_builder_begin (b, 0xE3);
  es10_add_iccid (b, p->iccid);
  esim_tlv_builder_add (b, 0x4F, p->aid, sizeof (p->aid));
  esim_tlv_builder_add_int (b, 0x9F70, p->enabled ? 1 : 0);
  if (p->nickname != NULL)
    esim_tlv_builder_add_string (b, 0x90, p->nickname);
  esim_tlv_builder_add_string (b, 0x91, p->service_provider != NULL ? p->service_provider : "");
  esim_tlv_builder_add_string (b, 0x92, p->name != NULL ? p->name : "");
  if (p->icon != NULL && p->icon_type >= 0) {
    esim_tlv_builder_add_int (b, 0x93, p->icon_type);
    esim_tlv_builder_add_bytes (b, 0x94, p->icon);
  }
  /* DER leaves out the DEFAULT operational */
  if (p->profile_class != ESIM_SIM_PROFILE_CLASS_OPERATIONAL)
    esim_tlv_builder_add_int (b, 0x95, p->profile_class);
  if (p->notify_address != NULL && p->notify_events != 0) {
    esim_tlv_builder_begin (b, 0xB6);
    esim_tlv_builder_begin (b, 0x30);
    esim_tlv_builder_add_bit_string (b, 0x80, p->notify_events, 4);
    esim_tlv_builder_add_string (b, 0x81, p->notify_address);
    esim_tlv_builder_end (b);
    esim_tlv_builder_end (b);
  }
  if (p->owner_mcc_mnc != NULL) {
    esim_tlv_builder_begin (b, 0xB7);
    esim_tlv_builder_add_bytes (b, 0x80, p->owner_mcc_mnc);
    esim_tlv_builder_end (b);
  }
  if (p->ppr != 0)
    esim_tlv_builder_add_bit_string (b, 0x99, p->ppr, 4);
  if (self->quirks & ESIM_SIM_QUIRK_UNKNOWN_PROFILE_TAGS)
    esim_sim_quirks_add_vendor_tags (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* the tags a tagList asks for; FALSE when it is not a list of tags */
static gboolean
es10_parse_tag_list (const EsimTlv *list, GArray *tags)
{
  gsize pos = 0;

  while (pos < list->length) {
    guint32 tag = list->value[pos++];

    if ((tag & 0x1f) == 0x1f) {
      guint8 b;
      guint n = 0;
      do {
        if (pos >= list->length || ++n > 3)
          return FALSE;
        b = list->value[pos++];
        tag = (tag << 8) | b;
      } while (b & 0x80);
    }
    g_array_append_val (tags, tag);
  }
  return TRUE;
}

static gboolean
es10_tag_wanted (GArray *tags, guint32 tag)
{
  if (tags == NULL)
    return TRUE;
  for (guint i = 0; i < tags->len; i++) {
    if (g_array_index (tags, guint32, i) == tag)
      return TRUE;
  }
  return FALSE;
}

static GBytes *
es10_get_profiles_info (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GArray) tags = NULL;
  GPtrArray *profiles = esim_sim_state_get_profiles (self->state);
  EsimTlv criteria;
  EsimTlv key = { 0 };
  EsimTlv field;
  gint64 wanted_class = -1;
  gboolean by_key = FALSE;

  if (esim_tlv_find (request, 0xA0, &criteria)) {
    EsimSimProfile *unused;

    if (esim_tlv_count_children (&criteria) != 1)
      return es10_result (0xBF2D, 0x81, 1); /* incorrectInputValues */
    if (!esim_tlv_find (&criteria, 0x4F, &key) && !esim_tlv_find (&criteria, 0x5A, &key)
        && !esim_tlv_find (&criteria, 0x95, &key))
      key.tag = 0;
    if (key.tag == 0x95) {
      if (!esim_tlv_get_int (&key, &wanted_class, NULL) || wanted_class < 0 || wanted_class > 2)
        return es10_result (0xBF2D, 0x81, 1);
    } else if (key.tag == 0 || !es10_lookup (self, &key, &unused)) {
      return es10_result (0xBF2D, 0x81, 1);
    } else {
      by_key = TRUE;
    }
  }
  if (esim_tlv_find (request, 0x5C, &field)) {
    tags = g_array_new (FALSE, FALSE, sizeof (guint32));
    if (!es10_parse_tag_list (&field, tags))
      return es10_result (0xBF2D, 0x81, 1);
  }

  esim_tlv_builder_begin (b, 0xBF2D);
  esim_tlv_builder_begin (b, 0xA0);
  /* a vendor's element in the list, before the profiles */
  if (self->quirks & ESIM_SIM_QUIRK_UNKNOWN_PROFILE_TAGS)
    esim_tlv_builder_add (b, 0x9F63, (const guint8 *) "V", 1);
  for (guint i = 0; i < profiles->len; i++) {
    EsimSimProfile *p = g_ptr_array_index (profiles, i);
    g_autoptr (GBytes) info = NULL;
    EsimTlv e3;
    EsimTlvIter iter;
    EsimTlv child;

    if (by_key) {
      EsimSimProfile *match = NULL;
      es10_lookup (self, &key, &match);
      if (match != p)
        continue;
    }
    if (wanted_class >= 0 && p->profile_class != wanted_class)
      continue;
    /* encode everything, then keep the fields asked for, in their order */
    info = esim_sim_es10_encode_profile_info (self, p);
    if (!esim_tlv_decode_bytes (info, &e3, NULL))
      continue;
    esim_tlv_builder_begin (b, 0xE3);
    esim_tlv_iter_init (&iter, &e3);
    while (esim_tlv_iter_next (&iter, &child)) {
      if (es10_tag_wanted (tags, child.tag))
        esim_tlv_builder_add_raw (b, child.raw, child.raw_length);
    }
    esim_tlv_builder_end (b);
  }
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* the profile a BF31/BF32 request names; FALSE when the request is malformed */
static gboolean
es10_profile_request (EsimSimEs10 *self, const EsimTlv *request, EsimSimProfile **out)
{
  EsimTlv choice;
  EsimTlv id;
  EsimTlv flag;
  gboolean refresh;

  if (!esim_tlv_find (request, 0xA0, &choice) || esim_tlv_count_children (&choice) != 1
      || !esim_tlv_find (request, 0x81, &flag) || !esim_tlv_get_bool (&flag, &refresh, NULL))
    return FALSE;
  if (!esim_tlv_find (&choice, 0x4F, &id) && !esim_tlv_find (&choice, 0x5A, &id))
    return FALSE;
  return es10_lookup (self, &id, out);
}

static GBytes *
es10_enable_profile (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  EsimSimProfile *p = NULL;
  EsimSimProfile *current;

  if (!es10_profile_request (self, request, &p))
    return es10_result (0xBF31, 0x80, RESULT_UNDEFINED);
  if (p == NULL)
    return es10_result (0xBF31, 0x80, RESULT_NOT_FOUND);
  if (p->enabled)
    return es10_result (0xBF31, 0x80, RESULT_WRONG_STATE);
  current = esim_sim_state_get_enabled (self->state);
  /* PPR1: the enabled profile may not be disabled, not even implicitly */
  if (current != NULL && (current->ppr & ESIM_SIM_PPR1))
    return es10_result (0xBF31, 0x80, RESULT_POLICY);
  if (current != NULL) {
    current->enabled = FALSE;
    es10_notify (self, current, ESIM_SIM_EVENT_DISABLE);
  }
  p->enabled = TRUE;
  es10_notify (self, p, ESIM_SIM_EVENT_ENABLE);
  esim_sim_es10_commit (self);
  return es10_result (0xBF31, 0x80, RESULT_OK);
}

static GBytes *
es10_disable_profile (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  EsimSimProfile *p = NULL;

  if (!es10_profile_request (self, request, &p))
    return es10_result (0xBF32, 0x80, RESULT_UNDEFINED);
  if (p == NULL)
    return es10_result (0xBF32, 0x80, RESULT_NOT_FOUND);
  if (!p->enabled)
    return es10_result (0xBF32, 0x80, RESULT_WRONG_STATE);
  if (p->ppr & ESIM_SIM_PPR1)
    return es10_result (0xBF32, 0x80, RESULT_POLICY);
  p->enabled = FALSE;
  es10_notify (self, p, ESIM_SIM_EVENT_DISABLE);
  esim_sim_es10_commit (self);
  return es10_result (0xBF32, 0x80, RESULT_OK);
}

static void
es10_delete (EsimSimEs10 *self, EsimSimProfile *p)
{
  es10_notify (self, p, ESIM_SIM_EVENT_DELETE);
  esim_sim_state_remove_profile (self->state, p);
}

static GBytes *
es10_delete_profile (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  EsimSimProfile *p = NULL;
  EsimTlv id;

  /* DeleteProfileRequest is a CHOICE: the identifier sits right in BF33 */
  if (esim_tlv_count_children (request) != 1
      || (!esim_tlv_find (request, 0x4F, &id) && !esim_tlv_find (request, 0x5A, &id))
      || !es10_lookup (self, &id, &p))
    return es10_result (0xBF33, 0x80, RESULT_UNDEFINED);
  if (p == NULL)
    return es10_result (0xBF33, 0x80, RESULT_NOT_FOUND);
  if (p->enabled)
    return es10_result (0xBF33, 0x80, RESULT_WRONG_STATE);
  if (p->ppr & ESIM_SIM_PPR2)
    return es10_result (0xBF33, 0x80, RESULT_POLICY);
  es10_delete (self, p);
  esim_sim_es10_commit (self);
  return es10_result (0xBF33, 0x80, RESULT_OK);
}

static GBytes *
es10_memory_reset (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  GPtrArray *profiles = esim_sim_state_get_profiles (self->state);
  guint32 options = 0;
  gboolean changed = FALSE;
  EsimTlv field;

  if (!esim_tlv_find (request, 0x82, &field) || !esim_tlv_get_bit_string (&field, &options, NULL))
    return es10_result (0xBF34, 0x80, RESULT_UNDEFINED);
  /* deleteOperationalProfiles takes operational ones only (provisioning
   * profiles stay, as SGP.22 says); both ignore state and PPR2 */
  for (guint i = profiles->len; i > 0; i--) {
    EsimSimProfile *p = g_ptr_array_index (profiles, i - 1);

    if (((options & 1u) && p->profile_class == ESIM_SIM_PROFILE_CLASS_OPERATIONAL)
        || ((options & 2u) && p->profile_class == ESIM_SIM_PROFILE_CLASS_TEST)) {
      es10_delete (self, p);
      changed = TRUE;
    }
  }
  if ((options & 4u) && esim_sim_state_get_default_smdp (self->state) != NULL) {
    esim_sim_state_set_default_smdp (self->state, NULL);
    changed = TRUE;
  }
  if (!changed)
    return es10_result (0xBF34, 0x80, 1); /* nothingToDelete */
  esim_sim_es10_commit (self);
  return es10_result (0xBF34, 0x80, RESULT_OK);
}

static GBytes *
es10_get_eid (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  EsimTlv field;

  /* no error code exists for this function: a bad tagList is bad data */
  if (!esim_tlv_find (request, 0x5C, &field) || field.length != 1 || field.value[0] != 0x5A) {
    *sw = 0x6A80;
    return NULL;
  }
  esim_tlv_builder_begin (b, 0xBF3E);
  esim_tlv_builder_add_bytes (b, 0x5A, self->eid);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

static GBytes *
es10_set_nickname (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw)
{
  g_autofree gchar *nickname = NULL;
  EsimSimProfile *p = NULL;
  EsimTlv id;
  EsimTlv field;

  if (!esim_tlv_find (request, 0x5A, &id) || !es10_lookup (self, &id, &p)
      || !esim_tlv_find (request, 0x90, &field)
      || (nickname = esim_tlv_dup_string (&field, NULL)) == NULL
      || g_utf8_strlen (nickname, -1) > 64)
    return es10_result (0xBF29, 0x80, RESULT_UNDEFINED);
  if (p == NULL)
    return es10_result (0xBF29, 0x80, 1); /* iccidNotFound */
  g_free (p->nickname);
  p->nickname = *nickname != '\0' ? g_steal_pointer (&nickname) : NULL;
  esim_sim_es10_commit (self);
  return es10_result (0xBF29, 0x80, RESULT_OK);
}

/* dispatch */

GBytes *
esim_sim_es10_handle (EsimSimEs10 *self, GBytes *request, guint16 *sw)
{
  EsimSimEs10Handler handler;
  EsimTlv tlv;

  *sw = 0x9000;
  if (self->stream != NULL) {
    GBytes *response = NULL;

    if (self->stream (self, request, &response, sw))
      return response;
  }
  if (!esim_tlv_decode_bytes (request, &tlv, NULL)) {
    *sw = 0x6A80;
    return NULL;
  }
  for (guint i = 0; i < self->result_faults->len; i++) {
    ResultFault *fault = &g_array_index (self->result_faults, ResultFault, i);

    if (fault->tag != tlv.tag)
      continue;
    fault->calls++;
    if (fault->nth == 0 || fault->nth == fault->calls) {
      g_debug ("fault: %X answered with result %" G_GINT64_FORMAT, tlv.tag, fault->code);
      return esim_sim_result_build (&tlv, fault->code);
    }
  }
  handler = g_hash_table_lookup (self->handlers, GUINT_TO_POINTER (tlv.tag));
  if (handler == NULL) {
    *sw = 0x6A88;
    return NULL;
  }
  return handler (self, &tlv, sw);
}

void
esim_sim_es10_add_result_fault (EsimSimEs10 *self, guint32 tag, gint64 code, guint nth)
{
  ResultFault fault = { .tag = tag, .code = code, .nth = nth };

  g_array_append_val (self->result_faults, fault);
}

void
esim_sim_es10_register (EsimSimEs10 *self, guint32 tag, EsimSimEs10Handler handler)
{
  g_hash_table_insert (self->handlers, GUINT_TO_POINTER (tag), (gpointer) handler);
}

void
esim_sim_es10_set_session_hooks (EsimSimEs10 *self, EsimSimEs10Stream stream,
                                 EsimSimEs10Reset reset)
{
  self->stream = stream;
  self->reset = reset;
}

void
esim_sim_es10_set_quirks (EsimSimEs10 *self, EsimSimQuirks quirks)
{
  self->quirks = quirks;
}

void
esim_sim_es10_reset (EsimSimEs10 *self)
{
  g_clear_pointer (&self->challenge, g_bytes_unref);
  if (self->reset != NULL)
    self->reset (self);
}

void
esim_sim_es10_clear_challenge (EsimSimEs10 *self)
{
  g_clear_pointer (&self->challenge, g_bytes_unref);
}

/* an allowed operator matches digit by digit, 'E' nibbles being wildcards */
static gboolean
es10_operator_matches (const EsimTlv *op, GBytes *owner)
{
  EsimTlv mcc_mnc;
  const guint8 *o = g_bytes_get_data (owner, NULL);

  if (!esim_tlv_find (op, 0x80, &mcc_mnc) || mcc_mnc.length != 3)
    return FALSE;
  for (guint i = 0; i < 6; i++) {
    guint8 want = (i % 2 == 0) ? mcc_mnc.value[i / 2] >> 4 : mcc_mnc.value[i / 2] & 0x0f;
    guint8 have = (i % 2 == 0) ? o[i / 2] >> 4 : o[i / 2] & 0x0f;

    if (want != 0x0e && want != have)
      return FALSE;
  }
  return TRUE;
}

gboolean
esim_sim_es10_ppr_allowed (EsimSimEs10 *self, guint32 ppr, GBytes *owner)
{
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (self->rat, &len);

  for (guint32 bit = ESIM_SIM_PPR1; bit <= ESIM_SIM_PPR2; bit <<= 1) {
    gboolean allowed = FALSE;

    if ((ppr & bit) == 0)
      continue;
    /* a profile without an owner cannot be matched against any rule */
    if (owner == NULL || g_bytes_get_size (owner) != 3)
      return FALSE;
    for (gsize pos = 0; pos < len && !allowed;) {
      EsimTlv rule, field, op;
      EsimTlvIter iter;
      guint32 rule_ppr = 0;

      if (!esim_tlv_parse_header (buf + pos, len - pos, &rule, NULL)
          || !esim_tlv_decode (rule.raw, rule.raw_length, &rule, NULL))
        return FALSE;
      pos += rule.raw_length;
      if (!esim_tlv_find (&rule, 0x80, &field) || !esim_tlv_get_bit_string (&field, &rule_ppr, NULL)
          || (rule_ppr & bit) == 0 || !esim_tlv_find (&rule, 0xA1, &field))
        continue;
      esim_tlv_iter_init (&iter, &field);
      while (!allowed && esim_tlv_iter_next (&iter, &op))
        allowed = es10_operator_matches (&op, owner);
    }
    if (!allowed)
      return FALSE;
  }
  return TRUE;
}

EsimSimState *
esim_sim_es10_get_state (EsimSimEs10 *self)
{
  return self->state;
}

EsimSimCrypto *
esim_sim_es10_get_crypto (EsimSimEs10 *self)
{
  return self->crypto;
}

GBytes *
esim_sim_es10_get_challenge (EsimSimEs10 *self)
{
  return self->challenge;
}

GBytes *
esim_sim_es10_get_eid (EsimSimEs10 *self)
{
  return self->eid;
}

/* RAT rules: PPRS[:MCCMNC[+MCCMNC...]][:consent]; no operator means all
 * ('EEEEEE', the SGP.22 wildcard) */
static gboolean
es10_build_rat (EsimTlvBuilder *b, const gchar *spec, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (spec, ":", 3);
  guint32 ppr = 0;
  gboolean consent = FALSE;

  for (const gchar *p = parts[0]; p != NULL && *p != '\0'; p++) {
    if (*p == '1')
      ppr |= ESIM_SIM_PPR1;
    else if (*p == '2')
      ppr |= ESIM_SIM_PPR2;
    else
      goto bad;
  }
  if (ppr == 0)
    goto bad;
  if (parts[1] != NULL && parts[2] != NULL) {
    if (g_strcmp0 (parts[2], "consent") != 0)
      goto bad;
    consent = TRUE;
  }
  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add_bit_string (b, 0x80, ppr, 4);
  esim_tlv_builder_begin (b, 0xA1);
  if (parts[1] == NULL || *parts[1] == '\0' || g_strcmp0 (parts[1], "*") == 0) {
    static const guint8 any[3] = { 0xEE, 0xEE, 0xEE };
    esim_tlv_builder_begin (b, 0x30);
    esim_tlv_builder_add (b, 0x80, any, sizeof (any));
    esim_tlv_builder_end (b);
  } else {
    g_auto (GStrv) ops = g_strsplit (parts[1], "+", -1);
    for (guint i = 0; ops[i] != NULL; i++) {
      guint8 v[3];

      if (!esim_sim_mcc_mnc_encode (ops[i], v, NULL))
        goto bad;
      esim_tlv_builder_begin (b, 0x30);
      esim_tlv_builder_add (b, 0x80, v, sizeof (v));
      esim_tlv_builder_end (b);
    }
  }
  esim_tlv_builder_end (b);
  esim_tlv_builder_add_bit_string (b, 0x82, consent ? 1 : 0, 1);
  esim_tlv_builder_end (b);
  return TRUE;
bad:
  g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
               "bad RAT rule “%s” (PPRS[:MCCMNC[+MCCMNC...]][:consent])", spec);
  return FALSE;
}

EsimSimEs10 *
esim_sim_es10_new (EsimSimState *state, EsimSimCrypto *crypto, const gchar *root_smds,
                   const gchar *eid, const gchar *const *rat, GError **error)
{
  g_autoptr (EsimSimEs10) self = g_object_new (ESIM_SIM_TYPE_ES10, NULL);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  const gchar *eid_text = eid != NULL ? eid : esim_sim_crypto_get_eid (crypto);

  self->state = g_object_ref (state);
  self->crypto = g_object_ref (crypto);
  self->root_smds = g_strdup (root_smds);
  self->eid = esim_sim_hex_decode (eid_text, error);
  if (self->eid == NULL)
    return NULL;
  if (g_bytes_get_size (self->eid) != 16) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                 "EID “%s” does not have 32 digits", eid_text);
    return NULL;
  }
  for (guint i = 0; rat != NULL && rat[i] != NULL; i++) {
    if (!es10_build_rat (b, rat[i], error))
      return NULL;
  }
  self->rat = esim_tlv_builder_finish (b);

  esim_sim_es10_register (self, 0xBF3C, es10_get_configured_addresses);
  esim_sim_es10_register (self, 0xBF3F, es10_set_default_dp_address);
  esim_sim_es10_register (self, 0xBF2E, es10_get_challenge);
  esim_sim_es10_register (self, 0xBF20, es10_get_info1);
  esim_sim_es10_register (self, 0xBF22, es10_get_info2);
  esim_sim_es10_register (self, 0xBF28, es10_list_notification);
  esim_sim_es10_register (self, 0xBF2B, es10_retrieve_notifications);
  esim_sim_es10_register (self, 0xBF30, es10_remove_notification);
  esim_sim_es10_register (self, 0xBF43, es10_get_rat);
  esim_sim_es10_register (self, 0xBF2D, es10_get_profiles_info);
  esim_sim_es10_register (self, 0xBF31, es10_enable_profile);
  esim_sim_es10_register (self, 0xBF32, es10_disable_profile);
  esim_sim_es10_register (self, 0xBF33, es10_delete_profile);
  esim_sim_es10_register (self, 0xBF34, es10_memory_reset);
  esim_sim_es10_register (self, 0xBF3E, es10_get_eid);
  esim_sim_es10_register (self, 0xBF29, es10_set_nickname);
  /* AuthenticateServer, PrepareDownload, the BPP and CancelSession */
  esim_sim_download_register (self);
  return g_steal_pointer (&self);
}

static void
esim_sim_es10_finalize (GObject *object)
{
  EsimSimEs10 *self = ESIM_SIM_ES10 (object);

  g_clear_object (&self->state);
  g_clear_object (&self->crypto);
  g_free (self->root_smds);
  g_clear_pointer (&self->eid, g_bytes_unref);
  g_clear_pointer (&self->rat, g_bytes_unref);
  g_clear_pointer (&self->challenge, g_bytes_unref);
  g_hash_table_unref (self->handlers);
  g_array_unref (self->result_faults);
  G_OBJECT_CLASS (esim_sim_es10_parent_class)->finalize (object);
}

static void
esim_sim_es10_class_init (EsimSimEs10Class *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_sim_es10_finalize;
}

static void
esim_sim_es10_init (EsimSimEs10 *self)
{
  self->handlers = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->result_faults = g_array_new (FALSE, TRUE, sizeof (ResultFault));
}
