/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "esim-es10-parse.h"
#include "esim-iccid.h"

/* helpers */

static gboolean
bad_value (GError **error, guint32 tag, const gchar *what)
{
  g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE, "tag 0x%X: %s", tag, what);
  return FALSE;
}

/* VersionType: three binary bytes */
static gchar *
dup_version (const EsimTlv *tlv, GError **error)
{
  if (tlv->length != 3) {
    bad_value (error, tlv->tag, "a version has 3 bytes");
    return NULL;
  }
  return g_strdup_printf ("%u.%u.%u", tlv->value[0], tlv->value[1], tlv->value[2]);
}

/* a card's slip that leaves the meaning clear: said at debug level (never
 * with the field's value), then the field counts as absent; TRUE */
static gboolean
tolerate (const gchar *where, guint32 tag, GError **local)
{
  if (local != NULL && *local != NULL)
    g_debug ("%s: ignoring tag 0x%X: %s", where, tag, (*local)->message);
  else
    g_debug ("%s: tag 0x%X absent, taken as empty", where, tag);
  if (local != NULL)
    g_clear_error (local);
  return TRUE;
}

static gboolean
get_enum (const EsimTlv *tlv, gint64 max, gint64 *out, GError **error)
{
  if (!esim_tlv_get_int (tlv, out, error))
    return FALSE;
  if (*out < 0 || *out > max)
    return bad_value (error, tlv->tag, "value out of range");
  return TRUE;
}

static gchar *
require_string (const EsimTlv *parent, guint32 tag, GError **error)
{
  EsimTlv child;

  if (!esim_tlv_require (parent, tag, &child, error))
    return NULL;
  return esim_tlv_dup_string (&child, error);
}

/* a string element that may be absent: TRUE with *out NULL then */
static gboolean
find_string (const EsimTlv *parent, guint32 tag, gchar **out, GError **error)
{
  EsimTlv child;

  *out = NULL;
  if (!esim_tlv_find (parent, tag, &child))
    return TRUE;
  *out = esim_tlv_dup_string (&child, error);
  return *out != NULL;
}

static gchar *
dup_iccid (const EsimTlv *tlv, GError **error)
{
  return esim_iccid_from_bcd (tlv->value, tlv->length, error);
}

/* the decoded outer TLV of a response, which must be the function's */
static gboolean
parse_outer (GBytes *response, guint32 tag, EsimTlv *out, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!esim_tlv_decode_bytes (response, out, &local)) {
    g_set_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_MALFORMED_RESPONSE,
                 "%s: malformed response: %s", esim_es10_function_name (tag), local->message);
    return FALSE;
  }
  if (out->tag != tag) {
    g_set_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_UNEXPECTED_RESPONSE_TAG,
                 "%s: response has tag %X, expected %X", esim_es10_function_name (tag), out->tag,
                 tag);
    return FALSE;
  }
  return TRUE;
}

/* turns what an element parser found wrong into MALFORMED_RESPONSE;
 * result errors (already ESIM_ES10_ERROR) pass unchanged; returns NULL */
static gpointer
malformed (GError **error, guint32 tag, GError *local)
{
  if (local->domain == ESIM_ES10_ERROR) {
    g_propagate_error (error, local);
    return NULL;
  }
  g_set_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_MALFORMED_RESPONSE,
               "%s: malformed response: %s", esim_es10_function_name (tag), local->message);
  g_error_free (local);
  return NULL;
}

/* result codes: the table is esim_es10_result_lookup(), shared by every
 * decoder */

static gboolean
check_result (guint32 tag, gint64 result, GError **error)
{
  const gchar *function = esim_es10_function_name (tag);
  const gchar *text = NULL;
  GQuark domain = 0;
  gint code = 0;

  if (result == 0)
    return TRUE;
  if (esim_es10_result_lookup (tag, result, &domain, &code, &text)) {
    g_set_error (error, domain, code, "%s: %s (result %" G_GINT64_FORMAT ")", function, text,
                 result);
    return FALSE;
  }
  g_set_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_UNKNOWN_RESULT,
               "%s: unknown result (result %" G_GINT64_FORMAT ")", function, result);
  return FALSE;
}

/* SEQUENCE { result [0] INTEGER } */
static gboolean
parse_result_response (GBytes *response, guint32 tag, GError **error)
{
  g_autoptr (GError) local = NULL;
  EsimTlv outer;
  EsimTlv result;
  gint64 value = 0;

  if (!parse_outer (response, tag, &outer, error))
    return FALSE;
  if (!esim_tlv_require (&outer, 0x80, &result, &local)
      || !esim_tlv_get_int (&result, &value, &local))
    return malformed (error, tag, g_steal_pointer (&local)) != NULL;
  return check_result (tag, value, error);
}

/* CHOICE { ok [0] ..., error [1] INTEGER }: TRUE with the [0] element, or
 * the error the result stands for */
static gboolean
parse_choice_response (GBytes *response, guint32 tag, EsimTlv *outer, EsimTlv *ok, GError **error)
{
  g_autoptr (GError) local = NULL;
  EsimTlv err;
  gint64 value = 0;

  if (!parse_outer (response, tag, outer, error))
    return FALSE;
  if (esim_tlv_find (outer, 0x81, &err)) {
    if (!esim_tlv_get_int (&err, &value, &local))
      return malformed (error, tag, g_steal_pointer (&local)) != NULL;
    /* an error choice saying ok is no answer at all */
    if (value == 0)
      value = 127;
    return check_result (tag, value, error);
  }
  if (!esim_tlv_require (outer, 0xA0, ok, &local))
    return malformed (error, tag, g_steal_pointer (&local)) != NULL;
  return TRUE;
}

/* elements */

EsimOperatorId *
esim_operator_id_parse (const EsimTlv *tlv, GError **error)
{
  g_autoptr (EsimOperatorId) self = esim_operator_id_new ();
  EsimTlv child;

  if (!esim_tlv_require (tlv, 0x80, &child, error))
    return NULL;
  if (!esim_plmn_decode (child.value, child.length, &self->mcc, &self->mnc, error))
    return NULL;
  if (esim_tlv_find (tlv, 0x81, &child))
    self->gid1 = esim_tlv_dup_value (&child);
  if (esim_tlv_find (tlv, 0x82, &child))
    self->gid2 = esim_tlv_dup_value (&child);
  return g_steal_pointer (&self);
}

static EsimNotificationConfig *
notification_config_parse (const EsimTlv *tlv, GError **error)
{
  g_autoptr (EsimNotificationConfig) self = esim_notification_config_new ();
  EsimTlv child;
  guint32 bits = 0;

  if (!esim_tlv_require (tlv, 0x80, &child, error)
      || !esim_tlv_get_bit_string (&child, &bits, error))
    return NULL;
  self->events = bits & ESIM_NOTIFICATION_EVENT_ALL;
  self->address = require_string (tlv, 0x81, error);
  if (self->address == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

static gboolean
profile_info_parse_child (EsimProfileInfo *self, const EsimTlv *child, GError **error)
{
  EsimTlvIter iter;
  EsimTlv item;
  gint64 value = 0;
  guint32 bits = 0;

  switch (child->tag) {
  case 0x5A:
    g_free (self->iccid);
    self->iccid = dup_iccid (child, error);
    return self->iccid != NULL;
  case 0x4F:
    if (child->length < 1 || child->length > 16)
      return bad_value (error, child->tag, "an AID has 1 to 16 bytes");
    g_clear_pointer (&self->isdp_aid, g_bytes_unref);
    self->isdp_aid = esim_tlv_dup_value (child);
    return TRUE;
  case 0x9F70:
    if (!get_enum (child, ESIM_PROFILE_STATE_ENABLED, &value, error))
      return FALSE;
    self->state = (EsimProfileState) value;
    return TRUE;
  case 0x90:
    g_free (self->nickname);
    self->nickname = esim_tlv_dup_string (child, error);
    return self->nickname != NULL;
  case 0x91:
    g_free (self->service_provider);
    self->service_provider = esim_tlv_dup_string (child, error);
    return self->service_provider != NULL;
  case 0x92:
    g_free (self->name);
    self->name = esim_tlv_dup_string (child, error);
    return self->name != NULL;
  case 0x93:
    if (!get_enum (child, ESIM_ICON_TYPE_PNG, &value, error))
      return FALSE;
    self->icon_type = (EsimIconType) value;
    return TRUE;
  case 0x94:
    g_clear_pointer (&self->icon, g_bytes_unref);
    self->icon = esim_tlv_dup_value (child);
    return TRUE;
  case 0x95:
    if (!get_enum (child, ESIM_PROFILE_CLASS_OPERATIONAL, &value, error))
      return FALSE;
    self->profile_class = (EsimProfileClass) value;
    return TRUE;
  case 0xB6:
    g_ptr_array_set_size (self->notification_configs, 0);
    esim_tlv_iter_init (&iter, child);
    while (esim_tlv_iter_next (&iter, &item)) {
      EsimNotificationConfig *config;
      if (item.tag != 0x30)
        continue;
      config = notification_config_parse (&item, error);
      if (config == NULL)
        return FALSE;
      g_ptr_array_add (self->notification_configs, config);
    }
    return TRUE;
  case 0xB7:
    g_clear_pointer (&self->owner, esim_operator_id_free);
    self->owner = esim_operator_id_parse (child, error);
    return self->owner != NULL;
  case 0xB8:
    g_clear_pointer (&self->dp_proprietary_data, g_bytes_unref);
    self->dp_proprietary_data = esim_tlv_dup_raw (child);
    return TRUE;
  case 0x99:
    if (!esim_tlv_get_bit_string (child, &bits, error))
      return FALSE;
    self->policy_rules = bits & ((1u << ESIM_PPR_N_BITS) - 1);
    return TRUE;
  default:
    /* a later SGP.22 version or a vendor may add elements */
    g_debug ("ProfileInfo: skipping unknown tag 0x%X", child->tag);
    return TRUE;
  }
}

EsimProfileInfo *
esim_profile_info_parse (const EsimTlv *e3, GError **error)
{
  g_autoptr (EsimProfileInfo) self = esim_profile_info_new ();
  g_autoptr (GError) local = NULL;
  EsimTlvIter iter;
  EsimTlv child;

  if (e3->tag != 0xE3) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_UNEXPECTED_TAG,
                 "expected ProfileInfo (E3), got 0x%X", e3->tag);
    return NULL;
  }
  esim_tlv_iter_init (&iter, e3);
  while (esim_tlv_iter_next (&iter, &child)) {
    if (profile_info_parse_child (self, &child, &local))
      continue;
    /* the profile is named by its ICCID or AID: those must be right; an
     * odd name, icon or class leaves the rest of the profile useful */
    if (child.tag == 0x5A || child.tag == 0x4F) {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
    tolerate ("ProfileInfo", child.tag, &local);
  }
  return g_steal_pointer (&self);
}

EsimNotificationMetadata *
esim_notification_metadata_parse (const EsimTlv *bf2f, GError **error)
{
  g_autoptr (EsimNotificationMetadata) self = esim_notification_metadata_new ();
  EsimTlv child;
  guint32 bits = 0;

  if (bf2f->tag != 0xBF2F) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_UNEXPECTED_TAG,
                 "expected NotificationMetadata (BF2F), got 0x%X", bf2f->tag);
    return NULL;
  }
  if (!esim_tlv_require (bf2f, 0x80, &child, error)
      || !esim_tlv_get_uint (&child, &self->seq_number, error))
    return NULL;
  if (!esim_tlv_require (bf2f, 0x81, &child, error)
      || !esim_tlv_get_bit_string (&child, &bits, error))
    return NULL;
  /* the operation is a single event; bits a vendor or a later version
   * adds beside it do not change which one */
  if ((bits & ~ESIM_NOTIFICATION_EVENT_ALL) != 0) {
    g_debug ("NotificationMetadata: ignoring unknown operation bits 0x%X",
             bits & ~ESIM_NOTIFICATION_EVENT_ALL);
    bits &= ESIM_NOTIFICATION_EVENT_ALL;
  }
  if (bits == 0 || (bits & (bits - 1)) != 0) {
    bad_value (error, 0x81, "a notification has exactly one known operation bit");
    return NULL;
  }
  self->operation = (EsimNotificationEvent) bits;
  self->address = require_string (bf2f, 0x0C, error);
  if (self->address == NULL)
    return NULL;
  if (esim_tlv_find (bf2f, 0x5A, &child)) {
    self->iccid = dup_iccid (&child, error);
    if (self->iccid == NULL)
      return NULL;
  }
  return g_steal_pointer (&self);
}

EsimPendingNotification *
esim_pending_notification_parse (const EsimTlv *tlv, GError **error)
{
  g_autoptr (EsimPendingNotification) self = esim_pending_notification_new ();
  EsimTlv data;
  EsimTlv metadata;

  switch (tlv->tag) {
  case 0xBF37:
    /* ProfileInstallationResult: the metadata is inside the signed data */
    self->kind = ESIM_PENDING_NOTIFICATION_INSTALL;
    if (!esim_tlv_require (tlv, 0xBF27, &data, error)
        || !esim_tlv_require (&data, 0xBF2F, &metadata, error)
        || !esim_tlv_require (tlv, 0x5F37, NULL, error))
      return NULL;
    break;
  case 0x30:
    self->kind = ESIM_PENDING_NOTIFICATION_OTHER;
    if (!esim_tlv_require (tlv, 0xBF2F, &metadata, error)
        || !esim_tlv_require (tlv, 0x5F37, NULL, error))
      return NULL;
    break;
  default:
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_UNEXPECTED_TAG,
                 "PendingNotification of unknown kind 0x%X", tlv->tag);
    return NULL;
  }
  self->metadata = esim_notification_metadata_parse (&metadata, error);
  if (self->metadata == NULL)
    return NULL;
  self->raw = esim_tlv_dup_raw (tlv);
  return g_steal_pointer (&self);
}

gboolean
esim_ext_card_resource_parse (GBytes *value, guint *installed_applications,
                              guint64 *free_nonvolatile_memory, guint64 *free_volatile_memory,
                              GError **error)
{
  gsize len = 0;
  const guint8 *pos = g_bytes_get_data (value, &len);
  const guint8 *end;

  *installed_applications = 0;
  *free_nonvolatile_memory = 0;
  *free_volatile_memory = 0;
  /* an empty GBytes may have no buffer at all */
  if (len == 0)
    return TRUE;
  end = pos + len;
  /* a bare run of TLVs: 81 applications, 82 free NVM, 83 free RAM */
  while (pos < end) {
    EsimTlv tlv;
    guint64 number = 0;

    if (!esim_tlv_parse_header (pos, (gsize) (end - pos), &tlv, error)) {
      g_prefix_error (error, "extCardResource: ");
      return FALSE;
    }
    pos += tlv.raw_length;
    if (tlv.tag < 0x81 || tlv.tag > 0x83)
      continue;
    if (tlv.length == 0 || tlv.length > 8)
      return bad_value (error, tlv.tag, "extCardResource number of 1 to 8 bytes expected");
    for (gsize i = 0; i < tlv.length; i++)
      number = (number << 8) | tlv.value[i];
    if (tlv.tag == 0x81)
      *installed_applications = (guint) MIN (number, G_MAXUINT);
    else if (tlv.tag == 0x82)
      *free_nonvolatile_memory = number;
    else
      *free_volatile_memory = number;
  }
  return TRUE;
}

/* SEQUENCE OF SubjectKeyIdentifier (OCTET STRING) */
static gboolean
parse_pkid_list (const EsimTlv *parent, guint32 tag, GPtrArray *out, GError **error)
{
  EsimTlvIter iter;
  EsimTlv list;
  EsimTlv item;

  if (!esim_tlv_require (parent, tag, &list, error))
    return FALSE;
  esim_tlv_iter_init (&iter, &list);
  while (esim_tlv_iter_next (&iter, &item)) {
    if (item.tag == 0x04)
      g_ptr_array_add (out, esim_tlv_dup_value (&item));
  }
  return TRUE;
}

/* responses */

EsimConfiguredAddresses *
esim_es10_parse_configured_addresses (GBytes *response, GError **error)
{
  g_autoptr (EsimConfiguredAddresses) self = esim_configured_addresses_new ();
  g_autoptr (GError) local = NULL;
  EsimTlv outer;

  if (!parse_outer (response, 0xBF3C, &outer, error))
    return NULL;
  if (!find_string (&outer, 0x80, &self->default_dp_address, &local))
    return malformed (error, outer.tag, g_steal_pointer (&local));
  /* some cards leave out rootDsAddress: no root SM-DS then */
  if (!find_string (&outer, 0x81, &self->root_ds_address, &local))
    return malformed (error, outer.tag, g_steal_pointer (&local));
  if (self->root_ds_address == NULL)
    tolerate ("EuiccConfiguredAddresses", 0x81, NULL);
  return g_steal_pointer (&self);
}

gboolean
esim_es10_parse_set_default_dp_address (GBytes *response, GError **error)
{
  return parse_result_response (response, 0xBF3F, error);
}

GBytes *
esim_es10_parse_euicc_challenge (GBytes *response, GError **error)
{
  g_autoptr (GError) local = NULL;
  EsimTlv outer;
  EsimTlv challenge;

  if (!parse_outer (response, 0xBF2E, &outer, error))
    return NULL;
  if (!esim_tlv_require (&outer, 0x80, &challenge, &local))
    return malformed (error, outer.tag, g_steal_pointer (&local));
  if (challenge.length != 16) {
    bad_value (&local, challenge.tag, "the eUICC challenge has 16 bytes");
    return malformed (error, outer.tag, g_steal_pointer (&local));
  }
  return esim_tlv_dup_value (&challenge);
}

EsimEuiccInfo1 *
esim_es10_parse_euicc_info1 (GBytes *response, GError **error)
{
  g_autoptr (EsimEuiccInfo1) self = esim_euicc_info1_new ();
  g_autoptr (GError) local = NULL;
  EsimTlv outer;
  EsimTlv child;

  if (!parse_outer (response, 0xBF20, &outer, error))
    return NULL;
  if (!esim_tlv_require (&outer, 0x82, &child, &local)
      || (self->svn = dup_version (&child, &local)) == NULL
      || !parse_pkid_list (&outer, 0xA9, self->ci_pkids_for_verification, &local)
      || !parse_pkid_list (&outer, 0xAA, self->ci_pkids_for_signing, &local))
    return malformed (error, outer.tag, g_steal_pointer (&local));
  self->raw = g_bytes_ref (response);
  return g_steal_pointer (&self);
}

/* an EUICCInfo2 version field; absent or odd leaves it NULL */
static void
info2_version (const EsimTlv *outer, guint32 tag, gchar **out)
{
  g_autoptr (GError) local = NULL;
  EsimTlv child;

  if (!esim_tlv_find (outer, tag, &child)) {
    tolerate ("EUICCInfo2", tag, NULL);
    return;
  }
  *out = dup_version (&child, &local);
  if (*out == NULL)
    tolerate ("EUICCInfo2", tag, &local);
}

static void
info2_bits (const EsimTlv *outer, guint32 tag, guint32 *out)
{
  g_autoptr (GError) local = NULL;
  EsimTlv child;

  if (!esim_tlv_find (outer, tag, &child)) {
    tolerate ("EUICCInfo2", tag, NULL);
    return;
  }
  if (!esim_tlv_get_bit_string (&child, out, &local)) {
    *out = 0;
    tolerate ("EUICCInfo2", tag, &local);
  }
}

/* what the card says about itself, for display: the card verifies its
 * own certificates, so a field left out or garbled here is shown empty
 * (many cards omit some, even of those the ASN.1 requires) */
static void
euicc_info2_parse (EsimEuiccInfo2 *self, const EsimTlv *outer)
{
  g_autoptr (GError) local = NULL;
  EsimTlv child;
  gint64 value = 0;
  guint32 bits = 0;

  info2_version (outer, 0x81, &self->profile_version);
  info2_version (outer, 0x82, &self->svn);
  info2_version (outer, 0x83, &self->firmware_version);
  if (esim_tlv_find (outer, 0x84, &child)) {
    self->ext_card_resource = esim_tlv_dup_value (&child);
    if (!esim_ext_card_resource_parse (self->ext_card_resource, &self->installed_applications,
                                       &self->free_nonvolatile_memory, &self->free_volatile_memory,
                                       &local))
      tolerate ("EUICCInfo2", 0x84, &local);
  } else {
    tolerate ("EUICCInfo2", 0x84, NULL);
  }
  info2_bits (outer, 0x85, &self->uicc_capability);
  if (esim_tlv_find (outer, 0x86, &child))
    info2_version (outer, 0x86, &self->javacard_version);
  if (esim_tlv_find (outer, 0x87, &child))
    info2_version (outer, 0x87, &self->globalplatform_version);
  info2_bits (outer, 0x88, &self->rsp_capability);
  if (!parse_pkid_list (outer, 0xA9, self->ci_pkids_for_verification, &local))
    tolerate ("EUICCInfo2", 0xA9, &local);
  if (!parse_pkid_list (outer, 0xAA, self->ci_pkids_for_signing, &local))
    tolerate ("EUICCInfo2", 0xAA, &local);
  if (esim_tlv_find (outer, 0x8B, &child)) {
    if (!esim_tlv_get_int (&child, &value, &local))
      tolerate ("EUICCInfo2", 0x8B, &local);
    /* categories a later version adds are "other" to us */
    else
      self->category = (value >= 0 && value <= ESIM_EUICC_CATEGORY_CONTACTLESS)
                         ? (EsimEuiccCategory) value
                         : ESIM_EUICC_CATEGORY_OTHER;
  }
  if (esim_tlv_find (outer, 0x99, &child)) {
    if (!esim_tlv_get_bit_string (&child, &bits, &local))
      tolerate ("EUICCInfo2", 0x99, &local);
    else
      self->forbidden_profile_policy_rules = bits & ((1u << ESIM_PPR_N_BITS) - 1);
  }
  info2_version (outer, 0x04, &self->pp_version);
  if (!find_string (outer, 0x0C, &self->sas_accreditation_number, &local))
    tolerate ("EUICCInfo2", 0x0C, &local);
  else if (self->sas_accreditation_number == NULL)
    tolerate ("EUICCInfo2", 0x0C, NULL);
  if (esim_tlv_find (outer, 0xAC, &child)) {
    if (!find_string (&child, 0x80, &self->platform_label, &local)
        || !find_string (&child, 0x81, &self->discovery_base_url, &local)) {
      g_clear_pointer (&self->platform_label, g_free);
      tolerate ("EUICCInfo2", 0xAC, &local);
    }
  }
}

EsimEuiccInfo2 *
esim_es10_parse_euicc_info2 (GBytes *response, GError **error)
{
  g_autoptr (EsimEuiccInfo2) self = esim_euicc_info2_new ();
  EsimTlv outer;

  if (!parse_outer (response, 0xBF22, &outer, error))
    return NULL;
  euicc_info2_parse (self, &outer);
  self->raw = g_bytes_ref (response);
  return g_steal_pointer (&self);
}

GPtrArray *
esim_es10_parse_list_notification (GBytes *response, GError **error)
{
  g_autoptr (GPtrArray) list
    = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_notification_metadata_free);
  g_autoptr (GError) local = NULL;
  EsimTlvIter iter;
  EsimTlv outer;
  EsimTlv ok;
  EsimTlv item;

  if (!parse_choice_response (response, 0xBF28, &outer, &ok, error))
    return NULL;
  esim_tlv_iter_init (&iter, &ok);
  while (esim_tlv_iter_next (&iter, &item)) {
    EsimNotificationMetadata *metadata;
    if (item.tag != 0xBF2F)
      continue;
    /* one odd notification does not hide the others */
    metadata = esim_notification_metadata_parse (&item, &local);
    if (metadata == NULL) {
      tolerate ("ListNotification", item.tag, &local);
      continue;
    }
    g_ptr_array_add (list, metadata);
  }
  return g_steal_pointer (&list);
}

GPtrArray *
esim_es10_parse_retrieve_notifications_list (GBytes *response, GError **error)
{
  g_autoptr (GPtrArray) list
    = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_pending_notification_free);
  g_autoptr (GError) local = NULL;
  EsimTlvIter iter;
  EsimTlv outer;
  EsimTlv ok;
  EsimTlv item;

  if (!parse_choice_response (response, 0xBF2B, &outer, &ok, error))
    return NULL;
  esim_tlv_iter_init (&iter, &ok);
  while (esim_tlv_iter_next (&iter, &item)) {
    EsimPendingNotification *notification;
    /* a kind of notification from a later version; we could not send it */
    if (item.tag != 0xBF37 && item.tag != 0x30) {
      g_debug ("skipping a pending notification of unknown kind %X", item.tag);
      continue;
    }
    notification = esim_pending_notification_parse (&item, &local);
    if (notification == NULL)
      return malformed (error, outer.tag, g_steal_pointer (&local));
    g_ptr_array_add (list, notification);
  }
  return g_steal_pointer (&list);
}

gboolean
esim_es10_parse_remove_notification (GBytes *response, GError **error)
{
  return parse_result_response (response, 0xBF30, error);
}

static EsimRatRule *
rat_rule_parse (const EsimTlv *tlv, GError **error)
{
  g_autoptr (EsimRatRule) self = esim_rat_rule_new ();
  EsimTlvIter iter;
  EsimTlv child;
  EsimTlv item;
  guint32 bits = 0;

  if (!esim_tlv_require (tlv, 0x80, &child, error)
      || !esim_tlv_get_bit_string (&child, &bits, error))
    return NULL;
  self->ppr_ids = bits & ((1u << ESIM_PPR_N_BITS) - 1);
  if (!esim_tlv_require (tlv, 0xA1, &child, error))
    return NULL;
  esim_tlv_iter_init (&iter, &child);
  while (esim_tlv_iter_next (&iter, &item)) {
    EsimOperatorId *op;
    if (item.tag != 0x30)
      continue;
    op = esim_operator_id_parse (&item, error);
    if (op == NULL)
      return NULL;
    g_ptr_array_add (self->allowed_operators, op);
  }
  if (!esim_tlv_require (tlv, 0x82, &child, error)
      || !esim_tlv_get_bit_string (&child, &bits, error))
    return NULL;
  self->consent_required = (bits & 1) != 0;
  return g_steal_pointer (&self);
}

GPtrArray *
esim_es10_parse_rat (GBytes *response, GError **error)
{
  g_autoptr (GPtrArray) rules
    = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_rat_rule_free);
  g_autoptr (GError) local = NULL;
  EsimTlvIter iter;
  EsimTlv outer;
  EsimTlv rat;
  EsimTlv item;

  if (!parse_outer (response, 0xBF43, &outer, error))
    return NULL;
  if (!esim_tlv_require (&outer, 0xA0, &rat, &local))
    return malformed (error, outer.tag, g_steal_pointer (&local));
  esim_tlv_iter_init (&iter, &rat);
  while (esim_tlv_iter_next (&iter, &item)) {
    EsimRatRule *rule;
    if (item.tag != 0x30)
      continue;
    rule = rat_rule_parse (&item, &local);
    if (rule == NULL)
      return malformed (error, outer.tag, g_steal_pointer (&local));
    g_ptr_array_add (rules, rule);
  }
  return g_steal_pointer (&rules);
}

GBytes *
esim_es10_parse_cancel_session (GBytes *response, GError **error)
{
  g_autoptr (GError) local = NULL;
  EsimTlv outer;
  EsimTlv ok;

  if (!parse_choice_response (response, 0xBF41, &outer, &ok, error))
    return NULL;
  /* the signed part and its signature must be there for the SM-DP+ */
  if (!esim_tlv_require (&ok, 0x30, NULL, &local) || !esim_tlv_require (&ok, 0x5F37, NULL, &local))
    return malformed (error, outer.tag, g_steal_pointer (&local));
  return g_bytes_ref (response);
}

GPtrArray *
esim_es10_parse_profiles_info (GBytes *response, GError **error)
{
  g_autoptr (GPtrArray) list
    = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_profile_info_free);
  g_autoptr (GError) local = NULL;
  EsimTlvIter iter;
  EsimTlv outer;
  EsimTlv ok;
  EsimTlv item;

  if (!parse_choice_response (response, 0xBF2D, &outer, &ok, error))
    return NULL;
  esim_tlv_iter_init (&iter, &ok);
  while (esim_tlv_iter_next (&iter, &item)) {
    EsimProfileInfo *info;
    if (item.tag != 0xE3) {
      g_debug ("ProfileInfoListOk: skipping unknown tag 0x%X", item.tag);
      continue;
    }
    /* a profile that cannot be named does not hide the others */
    info = esim_profile_info_parse (&item, &local);
    if (info == NULL) {
      tolerate ("ProfileInfoListOk", item.tag, &local);
      continue;
    }
    g_ptr_array_add (list, info);
  }
  return g_steal_pointer (&list);
}

gboolean
esim_es10_parse_enable_profile (GBytes *response, GError **error)
{
  return parse_result_response (response, 0xBF31, error);
}

gboolean
esim_es10_parse_disable_profile (GBytes *response, GError **error)
{
  return parse_result_response (response, 0xBF32, error);
}

gboolean
esim_es10_parse_delete_profile (GBytes *response, GError **error)
{
  return parse_result_response (response, 0xBF33, error);
}

gboolean
esim_es10_parse_memory_reset (GBytes *response, GError **error)
{
  return parse_result_response (response, 0xBF34, error);
}

gchar *
esim_es10_parse_eid (GBytes *response, GError **error)
{
  g_autoptr (GError) local = NULL;
  EsimTlv outer;
  EsimTlv eid;
  gchar *hex = NULL;

  if (!parse_outer (response, 0xBF3E, &outer, error))
    return NULL;
  if (!esim_tlv_require (&outer, 0x5A, &eid, &local)
      || (hex = esim_eid_to_string (eid.value, eid.length, &local)) == NULL)
    return malformed (error, outer.tag, g_steal_pointer (&local));
  return hex;
}

gboolean
esim_es10_parse_set_nickname (GBytes *response, GError **error)
{
  return parse_result_response (response, 0xBF29, error);
}

const gchar *
esim_es10_function_name (guint32 tag)
{
  switch (tag) {
  case 0xBF20:
    return "GetEUICCInfo1";
  case 0xBF21:
    return "PrepareDownload";
  case 0xBF22:
    return "GetEUICCInfo2";
  case 0xBF23:
  case 0xBF24:
  case 0xBF25:
  case 0xBF26:
  case 0xBF36:
  case 0x86:
  case 0x87:
  case 0x88:
  case 0xA0:
  case 0xA1:
  case 0xA2:
  case 0xA3:
    return "LoadBoundProfilePackage";
  case 0xBF28:
    return "ListNotification";
  case 0xBF29:
    return "SetNickname";
  case 0xBF2B:
    return "RetrieveNotificationsList";
  case 0xBF2D:
    return "GetProfilesInfo";
  case 0xBF2E:
    return "GetEUICCChallenge";
  case 0xBF30:
    return "RemoveNotificationFromList";
  case 0xBF31:
    return "EnableProfile";
  case 0xBF32:
    return "DisableProfile";
  case 0xBF33:
    return "DeleteProfile";
  case 0xBF34:
    return "EuiccMemoryReset";
  case 0xBF35:
    return "LoadCRL";
  case 0xBF37:
    return "LoadBoundProfilePackage";
  case 0xBF38:
    return "AuthenticateServer";
  case 0xBF3C:
    return "GetEuiccConfiguredAddresses";
  case 0xBF3E:
    return "GetEID";
  case 0xBF3F:
    return "SetDefaultDpAddress";
  case 0xBF41:
    return "CancelSession";
  case 0xBF43:
    return "GetRAT";
  default:
    return "ES10";
  }
}
