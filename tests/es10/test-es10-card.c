/*
 * EsimEs10 against the simulated eUICC over the socket transport: every
 * ES10 function and its error results, with the exact APDUs recorded by a
 * tap transport. The APDU layer itself is in test-es10-apdu.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "es10-test-card.h"
#include "es10-test-util.h"
#include "esim-apdu.h"
#include "esim-es10-parse.h"
#include "esim-iccid.h"
#include "esim-test-transport.h"
#include "esim-tlv.h"

/* tests: the channel */

static void
test_open_eid (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GError) error = NULL;
  g_autofree gchar *eid = NULL;
  g_autofree gchar *header = NULL;
  g_autofree gchar *expected = NULL;

  g_assert_true (esim_es10_is_open (card->es10));
  g_assert_cmpuint (esim_es10_get_channel (card->es10), >=, 1);
  g_assert_nonnull (esim_es10_get_select_response (card->es10));
  g_assert_cmpuint (g_bytes_get_size (esim_es10_get_isdr_aid (card->es10)), ==, 16);

  eid = eid_sync (card, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (eid, ==, EID);
  /* STORE DATA BF3E 03 5C 01 5A, one block, then GET RESPONSE */
  g_assert_cmpuint (es10_test_tap_get_commands (card->tap)->len, ==, 2);
  header = es10_test_tap_header (card->tap, 0);
  expected = g_strdup_printf ("%02XE2910006",
                              esim_apdu_cla_for_channel (0x80, esim_es10_get_channel (card->es10)));
  g_assert_cmpstr (header, ==, expected);
  g_assert_cmpuint (esim_es10_get_apdu_count (card->es10), ==, 2);
  g_assert_cmpuint (esim_es10_get_segment_count (card->es10), ==, 1);
}

static void
test_close_reopen (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GError) error = NULL;
  g_autofree gchar *eid = NULL;
  g_autofree gchar *again = NULL;
  Waiter w = { 0 };

  esim_es10_close_async (card->es10, NULL, waiter_cb, &w);
  g_assert_true (esim_es10_close_finish (card->es10, waiter_wait (&w), &error));
  g_assert_no_error (error);
  waiter_clear (&w);
  g_assert_false (esim_es10_is_open (card->es10));
  g_assert_cmpuint (esim_es10_get_channel (card->es10), ==, 0);

  eid = eid_sync (card, &error);
  g_assert_null (eid);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN);
  g_clear_error (&error);
  g_assert_cmpuint (es10_test_tap_get_commands (card->tap)->len, ==, 0);

  g_assert_true (card_open (card, &error));
  again = eid_sync (card, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, EID);
}

/* tests: profiles */

static void
test_profiles_info (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  g_autoptr (GPtrArray) by_iccid = NULL;
  g_autoptr (GPtrArray) by_aid = NULL;
  g_autoptr (GPtrArray) by_class = NULL;
  g_autoptr (GPtrArray) tagged = NULL;
  g_autoptr (GPtrArray) unknown = NULL;
  g_autoptr (GBytes) tags = es10_test_bytes ("5A9F70");
  g_autoptr (GBytes) bad_class = es10_test_bytes ("BF2D05A003950105");
  g_autoptr (GBytes) response = NULL;
  EsimProfileInfo *a;
  EsimProfileInfo *b;
  EsimProfileInfo *p;

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  a = find_profile (all, ICCID_A);
  g_assert_cmpint (a->state, ==, ESIM_PROFILE_STATE_ENABLED);
  g_assert_cmpstr (a->name, ==, "Alpha");
  g_assert_cmpstr (a->service_provider, ==, "Operator A");
  g_assert_cmpstr (a->nickname, ==, "Work");
  g_assert_cmpint (a->profile_class, ==, ESIM_PROFILE_CLASS_OPERATIONAL);
  g_assert_cmpstr (a->owner->mcc, ==, "310");
  g_assert_cmpstr (a->owner->mnc, ==, "410");
  g_assert_cmpuint (a->notification_configs->len, ==, 1);
  g_assert_nonnull (a->isdp_aid);
  b = find_profile (all, ICCID_B);
  g_assert_cmpint (b->state, ==, ESIM_PROFILE_STATE_DISABLED);
  g_assert_cmpint (b->profile_class, ==, ESIM_PROFILE_CLASS_TEST);
  g_assert_cmphex (b->policy_rules, ==, ESIM_PPR2);
  g_assert_null (b->nickname);

  by_iccid = profiles_sync (card, ICCID_B, NULL, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_iccid->len, ==, 1);
  g_assert_cmpstr (((EsimProfileInfo *) g_ptr_array_index (by_iccid, 0))->name, ==, "Beta");

  by_aid = profiles_sync (card, NULL, a->isdp_aid, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_aid->len, ==, 1);
  g_assert_cmpstr (((EsimProfileInfo *) g_ptr_array_index (by_aid, 0))->iccid, ==, ICCID_A);

  by_class = profiles_sync (card, NULL, NULL, ESIM_PROFILE_CLASS_TEST, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_class->len, ==, 1);
  g_assert_cmpstr (((EsimProfileInfo *) g_ptr_array_index (by_class, 0))->iccid, ==, ICCID_B);

  /* only what the tag list asks for */
  tagged = profiles_sync (card, ICCID_A, NULL, -1, tags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tagged->len, ==, 1);
  p = g_ptr_array_index (tagged, 0);
  g_assert_cmpstr (p->iccid, ==, ICCID_A);
  g_assert_cmpint (p->state, ==, ESIM_PROFILE_STATE_ENABLED);
  g_assert_null (p->name);
  g_assert_null (p->isdp_aid);
  g_assert_null (p->owner);

  /* an ICCID the card lacks finds nothing */
  unknown = profiles_sync (card, ICCID_UNKNOWN, NULL, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unknown->len, ==, 0);
  g_clear_pointer (&unknown, g_ptr_array_unref);

  /* a class rsp.asn does not have, past our own check */
  response = transact_sync (card, bad_class, NULL, &error);
  g_assert_no_error (error);
  unknown = esim_es10_parse_profiles_info (response, &error);
  g_assert_null (unknown);
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_INCORRECT_INPUT_VALUES);
  g_assert_cmpstr (error->message, ==, "GetProfilesInfo: incorrect input values (result 1)");
  g_clear_error (&error);

  /* two criteria at once: refused before any APDU */
  es10_test_tap_clear (card->tap);
  unknown = profiles_sync (card, ICCID_A, NULL, ESIM_PROFILE_CLASS_TEST, NULL, &error);
  g_assert_null (unknown);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (es10_test_tap_get_commands (card->tap)->len, ==, 0);
}

static void
test_enable_disable (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  GBytes *aid_a = find_profile (list, ICCID_A)->isdp_aid;

  /* enabling C implicitly disables A */
  g_assert_true (profile_op_sync (card, OP_ENABLE, ICCID_C, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (profile_state (card, ICCID_C), ==, ESIM_PROFILE_STATE_ENABLED);
  g_assert_cmpint (profile_state (card, ICCID_A), ==, ESIM_PROFILE_STATE_DISABLED);

  g_assert_false (profile_op_sync (card, OP_ENABLE, ICCID_C, NULL, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE);
  g_assert_cmpstr (error->message, ==, "EnableProfile: profile not in disabled state (result 2)");
  g_clear_error (&error);
  g_assert_false (profile_op_sync (card, OP_ENABLE, ICCID_UNKNOWN, NULL, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND);
  g_clear_error (&error);

  /* by ISD-P AID */
  g_assert_true (profile_op_sync (card, OP_ENABLE, NULL, aid_a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (profile_state (card, ICCID_A), ==, ESIM_PROFILE_STATE_ENABLED);
  g_assert_true (profile_op_sync (card, OP_DISABLE, NULL, aid_a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (profile_state (card, ICCID_A), ==, ESIM_PROFILE_STATE_DISABLED);

  g_assert_false (profile_op_sync (card, OP_DISABLE, ICCID_A, NULL, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_PROFILE_NOT_IN_ENABLED_STATE);
  g_assert_cmpstr (error->message, ==, "DisableProfile: profile not in enabled state (result 2)");
  g_clear_error (&error);
  g_assert_false (profile_op_sync (card, OP_DISABLE, ICCID_UNKNOWN, NULL, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND);
}

static void
test_ppr1_forbids_disable (void)
{
  g_autofree gchar *upp = esim_test_shared_path ("fixtures/upp/TS48v1_A.der");
  g_autofree gchar *spec_a = g_strdup_printf ("%s,iccid=" ICCID_A ",state=enabled,ppr=1", upp);
  g_autofree gchar *spec_c = g_strdup_printf ("%s,iccid=" ICCID_C, upp);
  g_autoptr (Card) card = card_new_full (FALSE, "--profile", spec_a, "--profile", spec_c, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (profile_op_sync (card, OP_DISABLE, ICCID_A, NULL, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_DISALLOWED_BY_POLICY);
  g_assert_cmpstr (error->message, ==, "DisableProfile: disallowed by policy (result 3)");
  g_clear_error (&error);
  /* nor implicitly by enabling another */
  g_assert_false (profile_op_sync (card, OP_ENABLE, ICCID_C, NULL, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_DISALLOWED_BY_POLICY);
  g_assert_cmpint (profile_state (card, ICCID_A), ==, ESIM_PROFILE_STATE_ENABLED);
}

static void
test_delete (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) after = NULL;

  g_assert_false (profile_op_sync (card, OP_DELETE, ICCID_B, NULL, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_DISALLOWED_BY_POLICY);
  g_assert_cmpstr (error->message, ==, "DeleteProfile: disallowed by policy (result 3)");
  g_clear_error (&error);
  g_assert_false (profile_op_sync (card, OP_DELETE, ICCID_A, NULL, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE);
  g_clear_error (&error);
  g_assert_false (profile_op_sync (card, OP_DELETE, ICCID_UNKNOWN, NULL, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (profile_op_sync (card, OP_DELETE, ICCID_C, NULL, &error));
  g_assert_no_error (error);
  after = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  g_assert_cmpuint (after->len, ==, 2);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (((EsimProfileInfo *) g_ptr_array_index (after, i))->iccid, !=, ICCID_C);
}

static void
test_bad_input_no_apdu (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) aid = es10_test_bytes ("A0000005591010FFFFFFFF8900001000");
  g_autoptr (GBytes) long_aid = es10_test_bytes (R (0xA0, 17));
  guint64 apdus = esim_es10_get_apdu_count (card->es10);

  g_assert_false (profile_op_sync (card, OP_ENABLE, "89444765000012415", NULL, &error));
  g_assert_error (error, ESIM_ICCID_ERROR, ESIM_ICCID_ERROR_INVALID_LENGTH);
  g_clear_error (&error);
  g_assert_false (profile_op_sync (card, OP_DISABLE, "8944476500001241X81", NULL, &error));
  g_assert_error (error, ESIM_ICCID_ERROR, ESIM_ICCID_ERROR_INVALID_CHARACTER);
  g_clear_error (&error);
  g_assert_false (profile_op_sync (card, OP_DELETE, ICCID_A, aid, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (profile_op_sync (card, OP_DELETE, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (profile_op_sync (card, OP_ENABLE, NULL, long_aid, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (esim_es10_get_apdu_count (card->es10), ==, apdus);
  g_assert_cmpuint (es10_test_tap_get_commands (card->tap)->len, ==, 0);
}

static void
test_nickname (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree gchar *too_long = g_strnfill (65, 'n');
  g_autofree gchar *longest = g_strnfill (64, 'n');
  /* 33 two-byte characters: 66 bytes */
  g_autoptr (GString) wide = g_string_new (NULL);

  g_assert_true (nickname_sync (card, ICCID_C, "Travel \xc3\xa9t\xc3\xa9", &error));
  g_assert_no_error (error);
  g_assert_true (nickname_sync (card, ICCID_B, longest, &error));
  g_assert_no_error (error);
  list = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  g_assert_cmpstr (find_profile (list, ICCID_C)->nickname, ==, "Travel \xc3\xa9t\xc3\xa9");
  g_assert_cmpstr (find_profile (list, ICCID_B)->nickname, ==, longest);

  g_assert_false (nickname_sync (card, ICCID_UNKNOWN, "x", &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_ICCID_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "SetNickname: ICCID not found (result 1)");
  g_clear_error (&error);

  /* refused before any APDU: too long, bytes not characters, bad UTF-8 */
  es10_test_tap_clear (card->tap);
  g_assert_false (nickname_sync (card, ICCID_A, too_long, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  for (guint i = 0; i < 33; i++)
    g_string_append (wide, "\xc3\xa9");
  g_assert_false (nickname_sync (card, ICCID_A, wide->str, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (nickname_sync (card, ICCID_A, "\xff", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (nickname_sync (card, "123", "x", &error));
  g_assert_error (error, ESIM_ICCID_ERROR, ESIM_ICCID_ERROR_INVALID_LENGTH);
  g_assert_cmpuint (es10_test_tap_get_commands (card->tap)->len, ==, 0);
}

static void
test_memory_reset (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) left = NULL;
  Waiter w = { 0 };
  g_autoptr (EsimConfiguredAddresses) addresses = NULL;

  g_assert_true (
    memory_reset_sync (card, ESIM_MEMORY_RESET_DELETE_FIELD_LOADED_TEST_PROFILES, &error));
  g_assert_no_error (error);
  left = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  g_assert_cmpuint (left->len, ==, 2);
  g_assert_false (
    memory_reset_sync (card, ESIM_MEMORY_RESET_DELETE_FIELD_LOADED_TEST_PROFILES, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_NOTHING_TO_DELETE);
  g_assert_cmpstr (error->message, ==, "EuiccMemoryReset: nothing to delete (result 1)");
  g_clear_error (&error);

  g_assert_true (memory_reset_sync (card,
                                    ESIM_MEMORY_RESET_DELETE_OPERATIONAL_PROFILES
                                      | ESIM_MEMORY_RESET_RESET_DEFAULT_SMDP_ADDRESS,
                                    &error));
  g_assert_no_error (error);
  g_clear_pointer (&left, g_ptr_array_unref);
  left = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  g_assert_cmpuint (left->len, ==, 0);
  esim_es10_get_euicc_configured_addresses_async (card->es10, NULL, waiter_cb, &w);
  addresses
    = esim_es10_get_euicc_configured_addresses_finish (card->es10, waiter_wait (&w), &error);
  waiter_clear (&w);
  g_assert_no_error (error);
  g_assert_null (addresses->default_dp_address);
  g_assert_false (memory_reset_sync (card, 0x7, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_NOTHING_TO_DELETE);
}

/* tests: notifications */

static void
test_notifications (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) enables = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GPtrArray) one = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GPtrArray) left = NULL;
  EsimNotificationMetadata *m;
  EsimPendingNotification *n;
  EsimTlv tlv;
  EsimTlv signed_part;

  /* disable A: one notification */
  g_assert_true (profile_op_sync (card, OP_DISABLE, ICCID_A, NULL, &error));
  g_assert_no_error (error);
  list = list_notification_sync (card, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  m = g_ptr_array_index (list, 0);
  g_assert_cmpint (m->operation, ==, ESIM_NOTIFICATION_EVENT_DISABLE);
  g_assert_cmpstr (m->iccid, ==, ICCID_A);
  g_assert_cmpstr (m->address, ==, "smdp.example.test");

  enables = list_notification_sync (
    card, ESIM_NOTIFICATION_EVENT_ENABLE | ESIM_NOTIFICATION_EVENT_INSTALL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (enables->len, ==, 0);

  pending = retrieve_sync (card, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 1);
  n = g_ptr_array_index (pending, 0);
  g_assert_cmpint (n->kind, ==, ESIM_PENDING_NOTIFICATION_OTHER);
  g_assert_cmpuint (n->metadata->seq_number, ==, m->seq_number);
  g_assert_cmpstr (n->metadata->iccid, ==, ICCID_A);
  /* OtherSignedNotification: metadata, signature, two certificates */
  g_assert_true (esim_tlv_decode_expect (n->raw, 0x30, &tlv, &error));
  g_assert_cmpuint (esim_tlv_count_children (&tlv), ==, 4);
  g_assert_true (esim_tlv_require (&tlv, 0xBF2F, &signed_part, &error));
  g_assert_true (esim_tlv_require (&tlv, 0x5F37, NULL, &error));

  one = retrieve_sync (card, (gint64) m->seq_number, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_true (
    g_bytes_equal (((EsimPendingNotification *) g_ptr_array_index (one, 0))->raw, n->raw));
  none = retrieve_sync (card, 9999, 0, &error);
  g_assert_null (none);
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_NO_RESULT_AVAILABLE);
  g_clear_error (&error);
  none = retrieve_sync (card, -1, ESIM_NOTIFICATION_EVENT_DELETE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_true (remove_notification_sync (card, m->seq_number, &error));
  g_assert_no_error (error);
  g_assert_false (remove_notification_sync (card, m->seq_number, &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_NOTHING_TO_DELETE);
  g_assert_cmpstr (error->message, ==, "RemoveNotificationFromList: nothing to delete (result 1)");
  g_clear_error (&error);
  left = list_notification_sync (card, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->len, ==, 0);
}

/* tests: eUICC */

static void
test_euicc_info (void)
{
  g_autoptr (Card) card = card_new ("--rat", "1:310410:consent");
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimConfiguredAddresses) addresses = NULL;
  g_autoptr (EsimConfiguredAddresses) changed = NULL;
  g_autoptr (EsimEuiccInfo1) info1 = NULL;
  g_autoptr (EsimEuiccInfo2) info2 = NULL;
  g_autoptr (GBytes) c1 = NULL;
  g_autoptr (GBytes) c2 = NULL;
  g_autoptr (GPtrArray) rat = NULL;
  g_autoptr (GBytes) txid = es10_test_bytes ("0102030405060708");
  g_autoptr (GBytes) cancelled = NULL;
  EsimRatRule *rule;
  Waiter w = { 0 };

  esim_es10_get_euicc_configured_addresses_async (card->es10, NULL, waiter_cb, &w);
  addresses
    = esim_es10_get_euicc_configured_addresses_finish (card->es10, waiter_wait (&w), &error);
  waiter_clear (&w);
  g_assert_no_error (error);
  g_assert_cmpstr (addresses->default_dp_address, ==, "smdp.example.com");
  g_assert_cmpstr (addresses->root_ds_address, ==, "lpa.ds.example.com");

  esim_es10_set_default_dp_address_async (card->es10, "other.example.org", NULL, waiter_cb, &w);
  g_assert_true (esim_es10_set_default_dp_address_finish (card->es10, waiter_wait (&w), &error));
  waiter_clear (&w);
  g_assert_no_error (error);
  esim_es10_get_euicc_configured_addresses_async (card->es10, NULL, waiter_cb, &w);
  changed = esim_es10_get_euicc_configured_addresses_finish (card->es10, waiter_wait (&w), &error);
  waiter_clear (&w);
  g_assert_cmpstr (changed->default_dp_address, ==, "other.example.org");

  esim_es10_get_euicc_info1_async (card->es10, NULL, waiter_cb, &w);
  info1 = esim_es10_get_euicc_info1_finish (card->es10, waiter_wait (&w), &error);
  waiter_clear (&w);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (info1->svn, "2."));
  g_assert_cmpuint (info1->ci_pkids_for_verification->len, >=, 1);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (info1->ci_pkids_for_verification, 0)), ==,
                    20);

  esim_es10_get_euicc_info2_async (card->es10, NULL, waiter_cb, &w);
  info2 = esim_es10_get_euicc_info2_finish (card->es10, waiter_wait (&w), &error);
  waiter_clear (&w);
  g_assert_no_error (error);
  g_assert_cmpstr (info2->svn, ==, info1->svn);
  g_assert_cmpuint (info2->installed_applications, ==, 3);
  g_assert_cmpuint (info2->free_nonvolatile_memory, >, 0);
  g_assert_cmpuint (info2->free_volatile_memory, >, 0);
  g_assert_cmpint (info2->category, ==, ESIM_EUICC_CATEGORY_MEDIUM);
  g_assert_cmpstr (info2->sas_accreditation_number, ==, "SIM-SAS-TEST-0001");
  g_assert_true (info2->rsp_capability & ESIM_RSP_CAPABILITY_TEST_PROFILE_SUPPORT);
  g_assert_true (info2->uicc_capability & ESIM_UICC_CAPABILITY_USIM);

  esim_es10_get_euicc_challenge_async (card->es10, NULL, waiter_cb, &w);
  c1 = esim_es10_get_euicc_challenge_finish (card->es10, waiter_wait (&w), &error);
  waiter_clear (&w);
  esim_es10_get_euicc_challenge_async (card->es10, NULL, waiter_cb, &w);
  c2 = esim_es10_get_euicc_challenge_finish (card->es10, waiter_wait (&w), &error);
  waiter_clear (&w);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (c1), ==, 16);
  g_assert_false (g_bytes_equal (c1, c2));

  esim_es10_get_rat_async (card->es10, NULL, waiter_cb, &w);
  rat = esim_es10_get_rat_finish (card->es10, waiter_wait (&w), &error);
  waiter_clear (&w);
  g_assert_no_error (error);
  g_assert_cmpuint (rat->len, ==, 1);
  rule = g_ptr_array_index (rat, 0);
  g_assert_cmphex (rule->ppr_ids, ==, ESIM_PPR1);
  g_assert_true (rule->consent_required);
  g_assert_cmpuint (rule->allowed_operators->len, ==, 1);
  g_assert_cmpstr (((EsimOperatorId *) g_ptr_array_index (rule->allowed_operators, 0))->mnc, ==,
                   "410");

  /* no download session: the card does not know the transaction */
  esim_es10_cancel_session_async (card->es10, txid, ESIM_CANCEL_SESSION_REASON_POSTPONED, NULL,
                                  waiter_cb, &w);
  cancelled = esim_es10_cancel_session_finish (card->es10, waiter_wait (&w), &error);
  waiter_clear (&w);
  g_assert_null (cancelled);
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_INVALID_TRANSACTION_ID);
  g_assert_cmpstr (error->message, ==, "CancelSession: invalid transaction id (result 5)");
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* AT+CCHO (3GPP TS 27.007) does not pass the SELECT response on */
  if (!g_str_equal (esim_test_transport_kind (), "at"))
    g_test_add_func ("/es10/card/open-eid", test_open_eid);
  g_test_add_func ("/es10/card/close-reopen", test_close_reopen);
  g_test_add_func ("/es10/card/profiles-info", test_profiles_info);
  g_test_add_func ("/es10/card/enable-disable", test_enable_disable);
  g_test_add_func ("/es10/card/ppr1-forbids-disable", test_ppr1_forbids_disable);
  g_test_add_func ("/es10/card/delete", test_delete);
  g_test_add_func ("/es10/card/bad-input-no-apdu", test_bad_input_no_apdu);
  g_test_add_func ("/es10/card/nickname", test_nickname);
  g_test_add_func ("/es10/card/memory-reset", test_memory_reset);
  g_test_add_func ("/es10/card/notifications", test_notifications);
  g_test_add_func ("/es10/card/euicc-info", test_euicc_info);
  ret = g_test_run ();
  es10_test_free_all ();
  return ret;
}
