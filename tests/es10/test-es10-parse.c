/*
 * Parsing of every ES10 response from byte vectors written after rsp.asn,
 * including malformed ones.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "es10-test-util.h"
#include "esim-es10-parse.h"

#define ICCID19_BCD "98447456000021148 5F1"
#define ICCID19 "8944476500001241581"
#define ICCID20_BCD "98400923000000000071"
#define ICCID20 "89049032000000000017"
#define PKID1 "F54172BDF98A95D65CBEB88A38A1C11D800A85C3"
#define PKID2 "C0BC70BA36929D43B467FF57570530E57AB8FCD8"

typedef gpointer (*ParseFunc) (GBytes *response, GError **error);

/* parses hex with a pointer-returning parser and wants the given error */
static void
assert_parse_error (ParseFunc parse, const gchar *hex, EsimEs10Error code)
{
  g_autoptr (GBytes) response = es10_test_bytes (hex);
  g_autoptr (GError) error = NULL;
  gpointer result = parse (response, &error);

  if (result != NULL)
    g_error ("%s parsed, expected error %d", hex, code);
  g_assert_error (error, ESIM_ES10_ERROR, (gint) code);
}

typedef gboolean (*CheckFunc) (GBytes *response, GError **error);

static void
assert_check (CheckFunc check, const gchar *hex, gint code, const gchar *message)
{
  g_autoptr (GBytes) response = es10_test_bytes (hex);
  g_autoptr (GError) error = NULL;
  gboolean ok = check (response, &error);

  if (code < 0) {
    g_assert_no_error (error);
    g_assert_true (ok);
    return;
  }
  g_assert_false (ok);
  g_assert_error (error, ESIM_ES10_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
test_configured_addresses (void)
{
  g_autoptr (GBytes) full
    = es10_test_bytes (T ("BF3C", T ("80", S ("smdp.example.com"), NULL),
                          T ("81", S ("lpa.ds.gsma.com"), NULL), T ("9F7F", "00", NULL), NULL));
  g_autoptr (GBytes) root_only = es10_test_bytes (T ("BF3C", T ("81", S ("root.ds"), NULL), NULL));
  g_autoptr (EsimConfiguredAddresses) a = NULL;
  g_autoptr (EsimConfiguredAddresses) b = NULL;
  g_autoptr (GError) error = NULL;

  a = esim_es10_parse_configured_addresses (full, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->default_dp_address, ==, "smdp.example.com");
  g_assert_cmpstr (a->root_ds_address, ==, "lpa.ds.gsma.com");
  b = esim_es10_parse_configured_addresses (root_only, &error);
  g_assert_no_error (error);
  g_assert_null (b->default_dp_address);
  g_assert_cmpstr (b->root_ds_address, ==, "root.ds");

  /* a card that leaves out rootDsAddress has no root SM-DS */
  {
    g_autoptr (GBytes) dp_only = es10_test_bytes (T ("BF3C", T ("80", S ("x"), NULL), NULL));
    g_autoptr (EsimConfiguredAddresses) c = esim_es10_parse_configured_addresses (dp_only, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (c->default_dp_address, ==, "x");
    g_assert_null (c->root_ds_address);
  }

  /* wrong tag, bad UTF-8, truncated, trailing data */
  assert_parse_error ((ParseFunc) esim_es10_parse_configured_addresses,
                      T ("BF3D", T ("81", S ("x"), NULL), NULL),
                      ESIM_ES10_ERROR_UNEXPECTED_RESPONSE_TAG);
  assert_parse_error ((ParseFunc) esim_es10_parse_configured_addresses,
                      T ("BF3C", T ("81", "C328", NULL), NULL), ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  assert_parse_error ((ParseFunc) esim_es10_parse_configured_addresses, "BF3C068103616263",
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  assert_parse_error ((ParseFunc) esim_es10_parse_configured_addresses, "BF3C0381016100",
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  assert_parse_error ((ParseFunc) esim_es10_parse_configured_addresses, "",
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
}

static void
test_set_default_dp_address (void)
{
  assert_check (esim_es10_parse_set_default_dp_address, "BF3F03800100", -1, NULL);
  assert_check (esim_es10_parse_set_default_dp_address, "BF3F0380017F", ESIM_ES10_ERROR_UNDEFINED,
                "SetDefaultDpAddress: undefined error (result 127)");
  assert_check (esim_es10_parse_set_default_dp_address, "BF3F03800105",
                ESIM_ES10_ERROR_UNKNOWN_RESULT, "SetDefaultDpAddress: unknown result (result 5)");
  assert_check (esim_es10_parse_set_default_dp_address, "BF3F00",
                ESIM_ES10_ERROR_MALFORMED_RESPONSE, NULL);
}

static void
test_challenge (void)
{
  g_autoptr (GBytes) ok
    = es10_test_bytes (T ("BF2E", T ("80", "000102030405060708090A0B0C0D0E0F", NULL), NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) challenge = esim_es10_parse_euicc_challenge (ok, &error);
  g_autofree gchar *hex = NULL;

  g_assert_no_error (error);
  hex = es10_test_hex (challenge);
  g_assert_cmpstr (hex, ==, "000102030405060708090A0B0C0D0E0F");
  assert_parse_error ((ParseFunc) esim_es10_parse_euicc_challenge,
                      T ("BF2E", T ("80", R (0x11, 15), NULL), NULL),
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  assert_parse_error ((ParseFunc) esim_es10_parse_euicc_challenge,
                      T ("BF2E", T ("80", R (0x11, 17), NULL), NULL),
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  assert_parse_error ((ParseFunc) esim_es10_parse_euicc_challenge, "BF2E00",
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
}

static void
test_eid (void)
{
  g_autoptr (GBytes) ok
    = es10_test_bytes (T ("BF3E", T ("5A", "89049032123451234512345678901235", NULL), NULL));
  g_autoptr (GError) error = NULL;
  g_autofree gchar *eid = esim_es10_parse_eid (ok, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (eid, ==, "89049032123451234512345678901235");
  assert_parse_error ((ParseFunc) esim_es10_parse_eid,
                      T ("BF3E", T ("5A", "890490321234512345123456789012", NULL), NULL),
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  assert_parse_error ((ParseFunc) esim_es10_parse_eid, T ("BF3E", T ("5C", "5A", NULL), NULL),
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
}

static void
test_info1 (void)
{
  g_autoptr (GBytes) ok = es10_test_bytes (T (
    "BF20", T ("82", "020201", NULL), T ("A9", T ("04", PKID1, NULL), T ("04", PKID2, NULL), NULL),
    T ("AA", T ("04", PKID1, NULL), NULL), NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimEuiccInfo1) info = esim_es10_parse_euicc_info1 (ok, &error);
  g_autofree gchar *pkid = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (info->svn, ==, "2.2.1");
  g_assert_cmpuint (info->ci_pkids_for_verification->len, ==, 2);
  g_assert_cmpuint (info->ci_pkids_for_signing->len, ==, 1);
  pkid = es10_test_hex (g_ptr_array_index (info->ci_pkids_for_verification, 1));
  g_assert_cmpstr (pkid, ==, PKID2);
  g_assert_true (g_bytes_equal (info->raw, ok));

  assert_parse_error ((ParseFunc) esim_es10_parse_euicc_info1,
                      T ("BF20", T ("82", "020201", NULL), T ("AA", NULL), NULL),
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  assert_parse_error ((ParseFunc) esim_es10_parse_euicc_info1,
                      T ("BF20", T ("82", "0202", NULL), T ("A9", NULL), T ("AA", NULL), NULL),
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  assert_parse_error ((ParseFunc) esim_es10_parse_euicc_info1,
                      T ("BF22", T ("82", "020201", NULL), T ("A9", NULL), T ("AA", NULL), NULL),
                      ESIM_ES10_ERROR_UNEXPECTED_RESPONSE_TAG);
}

/* EUICCInfo2 with every element, the optional ones removable by name */
static const gchar *
info2_vector (const gchar *leave_out)
{
  const gchar *parts[][2] = {
    { "81", T ("81", "020300", NULL) },
    { "82", T ("82", "020201", NULL) },
    { "83", T ("83", "010203", NULL) },
    /* 5 applications, 100000 bytes free NVM, 4096 free RAM, and an
     * unknown tag to skip */
    { "84", T ("84", "810105", "82030186A0", "8401FF", "83021000", NULL) },
    /* usim(1) isim(2) akaMilenage(4) javacard(14): 15 bits, 1 unused */
    { "85", T ("85", "016802", NULL) },
    { "86", T ("86", "030101", NULL) },
    { "87", T ("87", "020300", NULL) },
    /* additionalProfile(0) testProfileSupport(3) */
    { "88", T ("88", "0490", NULL) },
    { "A9", T ("A9", T ("04", PKID1, NULL), NULL) },
    { "AA", T ("AA", T ("04", PKID1, NULL), T ("04", PKID2, NULL), NULL) },
    { "8B", T ("8B", "02", NULL) },
    /* ppr1 ppr2 */
    { "99", T ("99", "0560", NULL) },
    { "04", T ("04", "000201", NULL) },
    { "0C", T ("0C", S ("GSMA-SAS-UP-0042"), NULL) },
    { "AC",
      T ("AC", T ("80", S ("label"), NULL), T ("81", S ("https://dloa.example"), NULL), NULL) },
    { "9F7F", T ("9F7F", "01", NULL) },
  };
  g_autoptr (GString) value = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++) {
    if (g_strcmp0 (parts[i][0], leave_out) != 0)
      g_string_append (value, parts[i][1]);
  }
  return T ("BF22", value->str, NULL);
}

static void
test_info2 (void)
{
  g_autoptr (GBytes) ok = es10_test_bytes (info2_vector (NULL));
  g_autoptr (GBytes) minimal = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimEuiccInfo2) info = esim_es10_parse_euicc_info2 (ok, &error);
  g_autoptr (EsimEuiccInfo2) copy = NULL;
  g_autoptr (EsimEuiccInfo2) small = NULL;
  const gchar *mandatory[] = { "81", "82", "83", "84", "85", "88", "A9", "AA", "04", "0C" };

  g_assert_no_error (error);
  g_assert_cmpstr (info->profile_version, ==, "2.3.0");
  g_assert_cmpstr (info->svn, ==, "2.2.1");
  g_assert_cmpstr (info->firmware_version, ==, "1.2.3");
  g_assert_cmpuint (info->installed_applications, ==, 5);
  g_assert_cmpuint (info->free_nonvolatile_memory, ==, 100000);
  g_assert_cmpuint (info->free_volatile_memory, ==, 4096);
  g_assert_cmphex (info->uicc_capability, ==,
                   ESIM_UICC_CAPABILITY_USIM | ESIM_UICC_CAPABILITY_ISIM
                     | ESIM_UICC_CAPABILITY_AKA_MILENAGE | ESIM_UICC_CAPABILITY_JAVACARD);
  g_assert_cmpstr (info->javacard_version, ==, "3.1.1");
  g_assert_cmpstr (info->globalplatform_version, ==, "2.3.0");
  g_assert_cmphex (info->rsp_capability, ==,
                   ESIM_RSP_CAPABILITY_ADDITIONAL_PROFILE
                     | ESIM_RSP_CAPABILITY_TEST_PROFILE_SUPPORT);
  g_assert_cmpuint (info->ci_pkids_for_verification->len, ==, 1);
  g_assert_cmpuint (info->ci_pkids_for_signing->len, ==, 2);
  g_assert_cmpint (info->category, ==, ESIM_EUICC_CATEGORY_MEDIUM);
  g_assert_cmphex (info->forbidden_profile_policy_rules, ==, ESIM_PPR1 | ESIM_PPR2);
  g_assert_cmpstr (info->pp_version, ==, "0.2.1");
  g_assert_cmpstr (info->sas_accreditation_number, ==, "GSMA-SAS-UP-0042");
  g_assert_cmpstr (info->platform_label, ==, "label");
  g_assert_cmpstr (info->discovery_base_url, ==, "https://dloa.example");

  copy = esim_euicc_info2_copy (info);
  g_assert_cmpstr (copy->sas_accreditation_number, ==, "GSMA-SAS-UP-0042");
  g_assert_cmpuint (copy->ci_pkids_for_signing->len, ==, 2);
  g_assert_true (g_bytes_equal (copy->raw, ok));

  /* the optional ones may all be absent */
  minimal = es10_test_bytes (T ("BF22", T ("81", "020300", NULL), T ("82", "020201", NULL),
                                T ("83", "010203", NULL), T ("84", NULL), T ("85", "00", NULL),
                                T ("88", "00", NULL), T ("A9", NULL), T ("AA", NULL),
                                T ("04", "000201", NULL), T ("0C", NULL), NULL));
  small = esim_es10_parse_euicc_info2 (minimal, &error);
  g_assert_no_error (error);
  g_assert_null (small->javacard_version);
  g_assert_null (small->platform_label);
  g_assert_cmpint (small->category, ==, ESIM_EUICC_CATEGORY_UNKNOWN);
  g_assert_cmpuint (small->free_nonvolatile_memory, ==, 0);
  g_assert_cmpstr (small->sas_accreditation_number, ==, "");

  /* cards leave out even elements the ASN.1 requires: the rest stays */
  for (guint i = 0; i < G_N_ELEMENTS (mandatory); i++) {
    g_autoptr (GBytes) sparse = es10_test_bytes (info2_vector (mandatory[i]));
    g_autoptr (EsimEuiccInfo2) s = esim_es10_parse_euicc_info2 (sparse, &error);

    g_assert_no_error (error);
    g_assert_nonnull (s);
    if (g_str_equal (mandatory[i], "83"))
      g_assert_null (s->firmware_version);
    else
      g_assert_nonnull (s->firmware_version);
  }
  /* a bad extCardResource, a version of 2 bytes, bad UTF-8, a vendor tag:
   * that field empty, the others there */
  {
    g_autoptr (GBytes) odd = es10_test_bytes (
      T ("BF22", T ("81", "0203", NULL), T ("82", "020201", NULL), T ("84", "8105", NULL),
         T ("0C", "FF", NULL), T ("DF21", "010203", NULL), NULL));
    g_autoptr (EsimEuiccInfo2) o = esim_es10_parse_euicc_info2 (odd, &error);

    g_assert_no_error (error);
    g_assert_null (o->profile_version);
    g_assert_cmpstr (o->svn, ==, "2.2.1");
    g_assert_null (o->sas_accreditation_number);
    g_assert_cmpuint (o->free_nonvolatile_memory, ==, 0);
    g_assert_cmpuint (o->ci_pkids_for_verification->len, ==, 0);
  }
  /* but not another function's answer */
  assert_parse_error ((ParseFunc) esim_es10_parse_euicc_info2, T ("BF20", NULL),
                      ESIM_ES10_ERROR_UNEXPECTED_RESPONSE_TAG);
}

static const gchar *
metadata_vector (const gchar *seq, const gchar *bits, const gchar *address, const gchar *iccid)
{
  return T ("BF2F", T ("80", seq, NULL), T ("81", bits, NULL), T ("0C", S (address), NULL),
            iccid != NULL ? T ("5A", iccid, NULL) : "", NULL);
}

static void
test_list_notification (void)
{
  g_autoptr (GBytes) ok
    = es10_test_bytes (T ("BF28",
                          T ("A0", metadata_vector ("01", "0640", "smdp.example.com", ICCID19_BCD),
                             metadata_vector ("0100", "0780", "a.example", NULL), NULL),
                          NULL));
  g_autoptr (GBytes) empty = es10_test_bytes ("BF2802A000");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = esim_es10_parse_list_notification (ok, &error);
  g_autoptr (GPtrArray) none = NULL;
  EsimNotificationMetadata *m;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  m = g_ptr_array_index (list, 0);
  g_assert_cmpuint (m->seq_number, ==, 1);
  g_assert_cmpint (m->operation, ==, ESIM_NOTIFICATION_EVENT_ENABLE);
  g_assert_cmpstr (m->address, ==, "smdp.example.com");
  g_assert_cmpstr (m->iccid, ==, ICCID19);
  m = g_ptr_array_index (list, 1);
  g_assert_cmpuint (m->seq_number, ==, 256);
  g_assert_cmpint (m->operation, ==, ESIM_NOTIFICATION_EVENT_INSTALL);
  g_assert_null (m->iccid);
  g_assert_cmpstr (esim_notification_event_to_string (m->operation), ==, "install");

  none = esim_es10_parse_list_notification (empty, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  assert_parse_error ((ParseFunc) esim_es10_parse_list_notification, "BF280381017F",
                      ESIM_ES10_ERROR_UNDEFINED);
  /* two operation bits, no bit, no address, bad ICCID: that one is
   * skipped, the others listed; a vendor's bit beside a known one is
   * ignored */
  {
    g_autoptr (GBytes) odd = es10_test_bytes (T (
      "BF28",
      T ("A0", metadata_vector ("01", "0560", "a", NULL), metadata_vector ("02", "00", "a", NULL),
         T ("BF2F", T ("80", "03", NULL), T ("81", "0640", NULL), NULL),
         metadata_vector ("04", "0640", "a", "9A000000000000000000"),
         metadata_vector ("05", "0142", "b", NULL), NULL),
      NULL));
    g_autoptr (GPtrArray) kept = esim_es10_parse_list_notification (odd, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (kept->len, ==, 1);
    m = g_ptr_array_index (kept, 0);
    g_assert_cmpuint (m->seq_number, ==, 5);
    g_assert_cmpint (m->operation, ==, ESIM_NOTIFICATION_EVENT_ENABLE);
  }
  assert_parse_error ((ParseFunc) esim_es10_parse_list_notification, "BF2800",
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
}

static void
test_retrieve_notifications (void)
{
  const gchar *other = T ("30", metadata_vector ("05", "0520", "smdp.example.com", ICCID20_BCD),
                          T ("5F37", R (0xAB, 64), NULL), T ("30", T ("02", "01", NULL), NULL),
                          T ("30", T ("02", "02", NULL), NULL), NULL);
  const gchar *install = T ("BF37",
                            T ("BF27", T ("80", "0102", NULL),
                               metadata_vector ("06", "0780", "dp.example", ICCID19_BCD),
                               T ("06", "2B0601", NULL), T ("A2", T ("A0", NULL), NULL), NULL),
                            T ("5F37", R (0xCD, 64), NULL), NULL);
  g_autoptr (GBytes) ok
    = es10_test_bytes (T ("BF2B", T ("A0", other, install, "DF0100", NULL), NULL));
  g_autoptr (GBytes) other_bytes = es10_test_bytes (other);
  g_autoptr (GBytes) install_bytes = es10_test_bytes (install);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = esim_es10_parse_retrieve_notifications_list (ok, &error);
  EsimPendingNotification *n;
  g_autoptr (EsimPendingNotification) copy = NULL;

  g_assert_no_error (error);
  /* the unknown DF01 element is skipped */
  g_assert_cmpuint (list->len, ==, 2);
  n = g_ptr_array_index (list, 0);
  g_assert_cmpint (n->kind, ==, ESIM_PENDING_NOTIFICATION_OTHER);
  g_assert_cmpuint (n->metadata->seq_number, ==, 5);
  g_assert_cmpint (n->metadata->operation, ==, ESIM_NOTIFICATION_EVENT_DISABLE);
  g_assert_cmpstr (n->metadata->iccid, ==, ICCID20);
  g_assert_true (g_bytes_equal (n->raw, other_bytes));
  n = g_ptr_array_index (list, 1);
  g_assert_cmpint (n->kind, ==, ESIM_PENDING_NOTIFICATION_INSTALL);
  g_assert_cmpuint (n->metadata->seq_number, ==, 6);
  g_assert_cmpint (n->metadata->operation, ==, ESIM_NOTIFICATION_EVENT_INSTALL);
  g_assert_cmpstr (n->metadata->address, ==, "dp.example");
  g_assert_true (g_bytes_equal (n->raw, install_bytes));
  copy = esim_pending_notification_copy (n);
  g_assert_true (g_bytes_equal (copy->raw, install_bytes));
  g_assert_cmpstr (copy->metadata->address, ==, "dp.example");

  assert_parse_error ((ParseFunc) esim_es10_parse_retrieve_notifications_list, "BF2B03810101",
                      ESIM_ES10_ERROR_NO_RESULT_AVAILABLE);
  assert_parse_error ((ParseFunc) esim_es10_parse_retrieve_notifications_list, "BF2B0381017F",
                      ESIM_ES10_ERROR_UNDEFINED);
  /* a signed notification without its signature */
  assert_parse_error (
    (ParseFunc) esim_es10_parse_retrieve_notifications_list,
    T ("BF2B", T ("A0", T ("30", metadata_vector ("05", "0520", "a", NULL), NULL), NULL), NULL),
    ESIM_ES10_ERROR_MALFORMED_RESPONSE);
}

static void
test_remove_notification (void)
{
  assert_check (esim_es10_parse_remove_notification, "BF3003800100", -1, NULL);
  assert_check (esim_es10_parse_remove_notification, "BF3003800101",
                ESIM_ES10_ERROR_NOTHING_TO_DELETE,
                "RemoveNotificationFromList: nothing to delete (result 1)");
  assert_check (esim_es10_parse_remove_notification, "BF300380017F", ESIM_ES10_ERROR_UNDEFINED,
                NULL);
  assert_check (esim_es10_parse_remove_notification, "BF3103800100",
                ESIM_ES10_ERROR_UNEXPECTED_RESPONSE_TAG, NULL);
}

static void
test_rat (void)
{
  g_autoptr (GBytes) ok = es10_test_bytes (
    T ("BF43",
       T ("A0",
          T ("30", T ("80", "0640", NULL),
             T ("A1", T ("30", T ("80", "130014", NULL), T ("81", "AB", NULL), NULL),
                T ("30", T ("80", "62F210", NULL), NULL), NULL),
             T ("82", "0780", NULL), NULL),
          T ("30", T ("80", "0520", NULL), T ("A1", NULL), T ("82", "00", NULL), NULL), NULL),
       NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rules = esim_es10_parse_rat (ok, &error);
  EsimRatRule *rule;
  EsimOperatorId *op;
  g_autofree gchar *gid1 = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 2);
  rule = g_ptr_array_index (rules, 0);
  g_assert_cmphex (rule->ppr_ids, ==, ESIM_PPR1);
  g_assert_true (rule->consent_required);
  g_assert_cmpuint (rule->allowed_operators->len, ==, 2);
  op = g_ptr_array_index (rule->allowed_operators, 0);
  g_assert_cmpstr (op->mcc, ==, "310");
  g_assert_cmpstr (op->mnc, ==, "410");
  gid1 = es10_test_hex (op->gid1);
  g_assert_cmpstr (gid1, ==, "AB");
  g_assert_null (op->gid2);
  op = g_ptr_array_index (rule->allowed_operators, 1);
  g_assert_cmpstr (op->mcc, ==, "262");
  g_assert_cmpstr (op->mnc, ==, "01");
  rule = g_ptr_array_index (rules, 1);
  g_assert_cmphex (rule->ppr_ids, ==, ESIM_PPR2);
  g_assert_false (rule->consent_required);
  g_assert_cmpuint (rule->allowed_operators->len, ==, 0);

  assert_parse_error ((ParseFunc) esim_es10_parse_rat, "BF4300",
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  assert_parse_error (
    (ParseFunc) esim_es10_parse_rat,
    T ("BF43", T ("A0", T ("30", T ("80", "0640", NULL), T ("82", "00", NULL), NULL), NULL), NULL),
    ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  /* an MCC/MNC with a non-digit */
  assert_parse_error (
    (ParseFunc) esim_es10_parse_rat,
    T ("BF43",
       T ("A0",
          T ("30", T ("80", "0640", NULL), T ("A1", T ("30", T ("80", "1A0014", NULL), NULL), NULL),
             T ("82", "00", NULL), NULL),
          NULL),
       NULL),
    ESIM_ES10_ERROR_MALFORMED_RESPONSE);
}

static void
test_cancel_session (void)
{
  const gchar *hex = T (
    "BF41",
    T ("A0", T ("30", T ("80", "0102", NULL), T ("06", "2B06", NULL), T ("81", "01", NULL), NULL),
       T ("5F37", R (0x5A, 64), NULL), NULL),
    NULL);
  g_autoptr (GBytes) ok = es10_test_bytes (hex);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) signed_response = esim_es10_parse_cancel_session (ok, &error);

  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (signed_response, ok));
  assert_parse_error ((ParseFunc) esim_es10_parse_cancel_session, "BF41038101 05",
                      ESIM_ES10_ERROR_INVALID_TRANSACTION_ID);
  assert_parse_error ((ParseFunc) esim_es10_parse_cancel_session, "BF410381017F",
                      ESIM_ES10_ERROR_UNDEFINED);
  assert_parse_error ((ParseFunc) esim_es10_parse_cancel_session,
                      T ("BF41", T ("A0", T ("5F37", "00", NULL), NULL), NULL),
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
}

static const gchar *
profile_vector (void)
{
  return T (
    "E3", T ("5A", ICCID19_BCD, NULL), T ("4F", "A0000005591010FFFFFFFF8900001000", NULL),
    T ("9F70", "01", NULL), T ("90", S ("Work"), NULL), T ("91", S ("Operator A"), NULL),
    T ("92", S ("Profile A"), NULL), T ("93", "01", NULL), T ("94", "89504E47", NULL),
    T ("95", "01", NULL),
    T ("B6", T ("30", T ("80", "0560", NULL), T ("81", S ("smdp.example.com"), NULL), NULL), NULL),
    T ("B7", T ("80", "130014", NULL), T ("81", "AB", NULL), T ("82", "CDEF", NULL), NULL),
    T ("B8", T ("06", "2B0601", NULL), NULL), T ("99", "0560", NULL), T ("9F7E", "00", NULL), NULL);
}

static void
test_profiles_info (void)
{
  g_autoptr (GBytes) ok = es10_test_bytes (T (
    "BF2D", T ("A0", profile_vector (), T ("E3", T ("5A", ICCID20_BCD, NULL), NULL), NULL), NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = esim_es10_parse_profiles_info (ok, &error);
  g_autoptr (EsimProfileInfo) copy = NULL;
  EsimProfileInfo *p;
  EsimNotificationConfig *config;
  g_autofree gchar *aid = NULL;
  g_autofree gchar *dp = NULL;
  g_autofree gchar *gid2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  p = g_ptr_array_index (list, 0);
  g_assert_cmpstr (p->iccid, ==, ICCID19);
  aid = es10_test_hex (p->isdp_aid);
  g_assert_cmpstr (aid, ==, "A0000005591010FFFFFFFF8900001000");
  g_assert_cmpint (p->state, ==, ESIM_PROFILE_STATE_ENABLED);
  g_assert_cmpstr (p->nickname, ==, "Work");
  g_assert_cmpstr (p->service_provider, ==, "Operator A");
  g_assert_cmpstr (p->name, ==, "Profile A");
  g_assert_cmpint (p->icon_type, ==, ESIM_ICON_TYPE_PNG);
  g_assert_cmpuint (g_bytes_get_size (p->icon), ==, 4);
  g_assert_cmpint (p->profile_class, ==, ESIM_PROFILE_CLASS_PROVISIONING);
  g_assert_cmpuint (p->notification_configs->len, ==, 1);
  config = g_ptr_array_index (p->notification_configs, 0);
  g_assert_cmphex (config->events, ==,
                   ESIM_NOTIFICATION_EVENT_ENABLE | ESIM_NOTIFICATION_EVENT_DISABLE);
  g_assert_cmpstr (config->address, ==, "smdp.example.com");
  g_assert_cmpstr (p->owner->mcc, ==, "310");
  g_assert_cmpstr (p->owner->mnc, ==, "410");
  gid2 = es10_test_hex (p->owner->gid2);
  g_assert_cmpstr (gid2, ==, "CDEF");
  dp = es10_test_hex (p->dp_proprietary_data);
  g_assert_cmpstr (dp, ==, "B80506032B0601");
  g_assert_cmphex (p->policy_rules, ==, ESIM_PPR1 | ESIM_PPR2);

  copy = esim_profile_info_copy (p);
  g_assert_cmpstr (copy->owner->mnc, ==, "410");
  g_assert_cmpuint (copy->notification_configs->len, ==, 1);
  g_assert_cmpstr (copy->nickname, ==, "Work");

  /* absent elements: unknown state, DEFAULT class, nothing else */
  p = g_ptr_array_index (list, 1);
  g_assert_cmpstr (p->iccid, ==, ICCID20);
  g_assert_null (p->isdp_aid);
  g_assert_cmpint (p->state, ==, ESIM_PROFILE_STATE_UNKNOWN);
  g_assert_cmpint (p->profile_class, ==, ESIM_PROFILE_CLASS_OPERATIONAL);
  g_assert_cmpint (p->icon_type, ==, ESIM_ICON_TYPE_NONE);
  g_assert_null (p->owner);
  g_assert_cmpuint (p->notification_configs->len, ==, 0);
  g_assert_cmphex (p->policy_rules, ==, ESIM_PPR_NONE);

  assert_parse_error ((ParseFunc) esim_es10_parse_profiles_info, "BF2D03810101",
                      ESIM_ES10_ERROR_INCORRECT_INPUT_VALUES);
  assert_parse_error ((ParseFunc) esim_es10_parse_profiles_info, "BF2D00",
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
  /* a bad nickname, an unknown state, an owner without PLMN, vendor tags:
   * the field is left out, the profile listed; a profile whose ICCID
   * cannot be read is skipped, the others listed */
  {
    g_autoptr (GBytes) odd = es10_test_bytes (
      T ("BF2D",
         T ("A0", T ("9F63", "56", NULL),
            T ("E3", T ("5A", ICCID19_BCD, NULL), T ("90", "FFFE", NULL), T ("9F70", "02", NULL),
               T ("B7", T ("81", "00", NULL), NULL), T ("92", S ("Name"), NULL),
               T ("9F63", "564E44", NULL), T ("DF01", "564E44", NULL),
               T ("BF63", T ("80", "56", NULL), NULL), NULL),
            T ("E3", T ("5A", "98447456000021148A", NULL), NULL), NULL),
         NULL));
    g_autoptr (GPtrArray) kept = esim_es10_parse_profiles_info (odd, &error);
    EsimProfileInfo *k;

    g_assert_no_error (error);
    g_assert_cmpuint (kept->len, ==, 1);
    k = g_ptr_array_index (kept, 0);
    g_assert_cmpstr (k->iccid, ==, ICCID19);
    g_assert_cmpstr (k->name, ==, "Name");
    g_assert_null (k->nickname);
    g_assert_null (k->owner);
    g_assert_cmpint (k->state, ==, ESIM_PROFILE_STATE_UNKNOWN);
  }
  /* truncated inside a profile */
  assert_parse_error ((ParseFunc) esim_es10_parse_profiles_info, "BF2D06A004E3025A05",
                      ESIM_ES10_ERROR_MALFORMED_RESPONSE);
}

static void
test_results (void)
{
  assert_check (esim_es10_parse_enable_profile, "BF3103800100", -1, NULL);
  assert_check (esim_es10_parse_enable_profile, "BF3103800101",
                ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND,
                "EnableProfile: ICCID or AID not found (result 1)");
  assert_check (esim_es10_parse_enable_profile, "BF3103800102",
                ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE,
                "EnableProfile: profile not in disabled state (result 2)");
  assert_check (esim_es10_parse_enable_profile, "BF3103800103",
                ESIM_ES10_ERROR_DISALLOWED_BY_POLICY,
                "EnableProfile: disallowed by policy (result 3)");
  assert_check (esim_es10_parse_enable_profile, "BF3103800104",
                ESIM_ES10_ERROR_WRONG_PROFILE_REENABLING, NULL);
  assert_check (esim_es10_parse_enable_profile, "BF310380017F", ESIM_ES10_ERROR_UNDEFINED, NULL);
  assert_check (esim_es10_parse_enable_profile, "BF3103800109", ESIM_ES10_ERROR_UNKNOWN_RESULT,
                NULL);
  assert_check (esim_es10_parse_enable_profile, "BF3103810100", ESIM_ES10_ERROR_MALFORMED_RESPONSE,
                NULL);
  assert_check (esim_es10_parse_enable_profile, "BF3103800102 00",
                ESIM_ES10_ERROR_MALFORMED_RESPONSE, NULL);
  assert_check (esim_es10_parse_enable_profile, "BF3203800100",
                ESIM_ES10_ERROR_UNEXPECTED_RESPONSE_TAG,
                "EnableProfile: response has tag BF32, expected BF31");

  assert_check (esim_es10_parse_disable_profile, "BF3203800100", -1, NULL);
  assert_check (esim_es10_parse_disable_profile, "BF3203800101",
                ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND, NULL);
  assert_check (esim_es10_parse_disable_profile, "BF3203800102",
                ESIM_ES10_ERROR_PROFILE_NOT_IN_ENABLED_STATE,
                "DisableProfile: profile not in enabled state (result 2)");
  assert_check (esim_es10_parse_disable_profile, "BF3203800103",
                ESIM_ES10_ERROR_DISALLOWED_BY_POLICY, NULL);

  assert_check (esim_es10_parse_delete_profile, "BF3303800100", -1, NULL);
  assert_check (esim_es10_parse_delete_profile, "BF3303800101",
                ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND, NULL);
  assert_check (esim_es10_parse_delete_profile, "BF3303800102",
                ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE, NULL);
  assert_check (esim_es10_parse_delete_profile, "BF3303800103",
                ESIM_ES10_ERROR_DISALLOWED_BY_POLICY,
                "DeleteProfile: disallowed by policy (result 3)");

  assert_check (esim_es10_parse_memory_reset, "BF3403800100", -1, NULL);
  assert_check (esim_es10_parse_memory_reset, "BF3403800101", ESIM_ES10_ERROR_NOTHING_TO_DELETE,
                "EuiccMemoryReset: nothing to delete (result 1)");

  assert_check (esim_es10_parse_set_nickname, "BF2903800100", -1, NULL);
  assert_check (esim_es10_parse_set_nickname, "BF2903800101", ESIM_ES10_ERROR_ICCID_NOT_FOUND,
                "SetNickname: ICCID not found (result 1)");
  assert_check (esim_es10_parse_set_nickname, "BF290380017F", ESIM_ES10_ERROR_UNDEFINED, NULL);
}

static void
test_error_nicks (void)
{
  g_assert_cmpstr (esim_es10_error_to_nick (ESIM_ES10_ERROR_UNDEFINED), ==, "Undefined");
  g_assert_cmpstr (esim_es10_error_to_nick (ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE), ==,
                   "ProfileNotInDisabledState");
  g_assert_cmpstr (esim_es10_error_to_nick (ESIM_ES10_ERROR_LAST), ==, "VerificationKeyNotFound");
  g_assert_null (esim_es10_error_to_nick (ESIM_ES10_ERROR_LAST + 1));
  /* every code has a nick usable in a D-Bus error name */
  for (gint code = 0; code <= ESIM_ES10_ERROR_LAST; code++) {
    const gchar *nick = esim_es10_error_to_nick (code);
    g_assert_true (nick != NULL && g_ascii_isupper (nick[0])
                   && strspn (nick, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
                        == strlen (nick));
  }
  g_assert_cmpstr (esim_es10_function_name (0xBF2D), ==, "GetProfilesInfo");
  g_assert_cmpstr (esim_es10_function_name (0x30), ==, "ES10");
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/es10/parse/configured-addresses", test_configured_addresses);
  g_test_add_func ("/es10/parse/set-default-dp-address", test_set_default_dp_address);
  g_test_add_func ("/es10/parse/challenge", test_challenge);
  g_test_add_func ("/es10/parse/eid", test_eid);
  g_test_add_func ("/es10/parse/info1", test_info1);
  g_test_add_func ("/es10/parse/info2", test_info2);
  g_test_add_func ("/es10/parse/list-notification", test_list_notification);
  g_test_add_func ("/es10/parse/retrieve-notifications", test_retrieve_notifications);
  g_test_add_func ("/es10/parse/remove-notification", test_remove_notification);
  g_test_add_func ("/es10/parse/rat", test_rat);
  g_test_add_func ("/es10/parse/cancel-session", test_cancel_session);
  g_test_add_func ("/es10/parse/profiles-info", test_profiles_info);
  g_test_add_func ("/es10/parse/results", test_results);
  g_test_add_func ("/es10/parse/error-nicks", test_error_nicks);
  ret = g_test_run ();
  es10_test_free_all ();
  return ret;
}
