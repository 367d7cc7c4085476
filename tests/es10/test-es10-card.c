/*
 * EsimEs10 against the simulated eUICC over the socket transport: every
 * ES10 function, its error results, and the APDU layer (segmentation, GET
 * RESPONSE chaining, 6Cxx, status words, a vanishing card, the queue and
 * cancellation), with the exact APDUs recorded by a tap transport.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "es10-test-tap.h"
#include "es10-test-util.h"
#include "esim-apdu.h"
#include "esim-es10.h"
#include "esim-es10-parse.h"
#include "esim-iccid.h"
#include "esim-test-sim.h"
#include "esim-test-transport.h"
#include "esim-transport-socket.h"
#include "esim-tlv.h"

#define ICCID_A "8944476500001241581"  /* 19 digits, enabled */
#define ICCID_B "89049032000000000017" /* 20 digits, test class, PPR2 */
#define ICCID_C "8944476500001241582"  /* 19 digits, disabled */
#define ICCID_UNKNOWN "8999999999999999999"
#define EID "89049032123451234512345678901235"
/* MANAGE CHANNEL, SELECT, GET RESPONSE of the FCI */
#define OPEN_APDUS 3

typedef struct {
  EsimTestSim *sim;
  EsimTransport *socket;
  EsimTransport *transport; /* the tap around socket */
  Es10TestTap *tap;
  EsimEs10 *es10;
} Card;

typedef struct {
  gboolean done;
  GAsyncResult *result;
} Waiter;

static void
waiter_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Waiter *w = user_data;

  w->result = g_object_ref (res);
  w->done = TRUE;
}

static GAsyncResult *
waiter_wait (Waiter *w)
{
  esim_test_wait (&w->done);
  return w->result;
}

static void
waiter_clear (Waiter *w)
{
  g_clear_object (&w->result);
  w->done = FALSE;
}

/* the default card: three profiles and configured addresses */
static GPtrArray *
card_default_args (void)
{
  g_autofree gchar *upp_a = esim_test_shared_path ("fixtures/upp/TS48v1_A.der");
  g_autofree gchar *upp_b = esim_test_shared_path ("fixtures/upp/TS48v1_B.der");
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (args, g_strdup ("--profile"));
  g_ptr_array_add (args, g_strdup_printf ("%s,iccid=" ICCID_A ",state=enabled,name=Alpha,"
                                          "spn=Operator A,nickname=Work,mccmnc=310410", upp_a));
  g_ptr_array_add (args, g_strdup ("--profile"));
  g_ptr_array_add (args, g_strdup_printf ("%s,iccid=" ICCID_B ",class=test,ppr=2,name=Beta",
                                          upp_b));
  g_ptr_array_add (args, g_strdup ("--profile"));
  g_ptr_array_add (args, g_strdup_printf ("%s,iccid=" ICCID_C ",name=Gamma", upp_a));
  g_ptr_array_add (args, g_strdup ("--default-smdp"));
  g_ptr_array_add (args, g_strdup ("smdp.example.com"));
  g_ptr_array_add (args, g_strdup ("--root-smds"));
  g_ptr_array_add (args, g_strdup ("lpa.ds.example.com"));
  return args;
}

static void
card_free (Card *card)
{
  g_clear_object (&card->es10);
  g_clear_object (&card->transport);
  g_clear_object (&card->socket);
  g_clear_pointer (&card->sim, esim_test_sim_free);
  g_free (card);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Card, card_free)

static gboolean
card_open (Card *card, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_es10_open_async (card->es10, NULL, waiter_cb, &w);
  ok = esim_es10_open_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return ok;
}

/* a card with the default profiles plus extra arguments (NULL-terminated) */
static Card *
card_new_full (gboolean defaults, const gchar *first_arg, ...)
{
  g_autoptr(Card) card = g_new0 (Card, 1);
  g_autoptr(GPtrArray) args = defaults ? card_default_args () :
                                         g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const gchar *arg;
  va_list ap;

  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const gchar *))
    g_ptr_array_add (args, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (args, NULL);

  card->sim = esim_test_sim_start ((const gchar *const *) args->pdata, &error);
  g_assert_no_error (error);
  card->socket = esim_test_transport_new (card->sim, &error);
  g_assert_no_error (error);
  card->transport = es10_test_tap_new (card->socket);
  card->tap = ES10_TEST_TAP (card->transport);
  card->es10 = esim_es10_new (card->transport, NULL);
  g_assert_true (card_open (card, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&card);
}

#define card_new(...) card_new_full (TRUE, ##__VA_ARGS__, NULL)

/* synchronous wrappers, for the tests only */

static GPtrArray *
profiles_sync (Card *card, const gchar *iccid, GBytes *aid, gint profile_class, GBytes *tags,
               GError **error)
{
  Waiter w = { 0 };
  GPtrArray *out;

  esim_es10_get_profiles_info_async (card->es10, iccid, aid, profile_class, tags, NULL,
                                     waiter_cb, &w);
  out = esim_es10_get_profiles_info_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

static EsimProfileInfo *
find_profile (GPtrArray *list, const gchar *iccid)
{
  for (guint i = 0; i < list->len; i++) {
    EsimProfileInfo *p = g_ptr_array_index (list, i);
    if (g_strcmp0 (p->iccid, iccid) == 0)
      return p;
  }
  g_error ("no profile %s", iccid);
  return NULL;
}

static EsimProfileState
profile_state (Card *card, const gchar *iccid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = profiles_sync (card, NULL, NULL, -1, NULL, &error);

  g_assert_no_error (error);
  return find_profile (list, iccid)->state;
}

typedef enum { OP_ENABLE, OP_DISABLE, OP_DELETE } ProfileOp;

static gboolean
profile_op_sync (Card *card, ProfileOp op, const gchar *iccid, GBytes *aid, GError **error)
{
  Waiter w = { 0 };
  gboolean ok = FALSE;

  switch (op) {
  case OP_ENABLE:
    esim_es10_enable_profile_async (card->es10, iccid, aid, FALSE, NULL, waiter_cb, &w);
    ok = esim_es10_enable_profile_finish (card->es10, waiter_wait (&w), error);
    break;
  case OP_DISABLE:
    esim_es10_disable_profile_async (card->es10, iccid, aid, TRUE, NULL, waiter_cb, &w);
    ok = esim_es10_disable_profile_finish (card->es10, waiter_wait (&w), error);
    break;
  case OP_DELETE:
    esim_es10_delete_profile_async (card->es10, iccid, aid, NULL, waiter_cb, &w);
    ok = esim_es10_delete_profile_finish (card->es10, waiter_wait (&w), error);
    break;
  }
  waiter_clear (&w);
  return ok;
}

static GBytes *
transact_sync (Card *card, GBytes *request, GCancellable *cancellable, GError **error)
{
  Waiter w = { 0 };
  GBytes *out;

  esim_es10_transact_async (card->es10, request, cancellable, waiter_cb, &w);
  out = esim_es10_transact_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

static gchar *
eid_sync (Card *card, GError **error)
{
  Waiter w = { 0 };
  gchar *out;

  esim_es10_get_eid_async (card->es10, NULL, waiter_cb, &w);
  out = esim_es10_get_eid_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

static GPtrArray *
list_notification_sync (Card *card, EsimNotificationEvent filter, GError **error)
{
  Waiter w = { 0 };
  GPtrArray *out;

  esim_es10_list_notification_async (card->es10, filter, NULL, waiter_cb, &w);
  out = esim_es10_list_notification_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

static GPtrArray *
retrieve_sync (Card *card, gint64 seq, EsimNotificationEvent filter, GError **error)
{
  Waiter w = { 0 };
  GPtrArray *out;

  esim_es10_retrieve_notifications_list_async (card->es10, seq, filter, NULL, waiter_cb, &w);
  out = esim_es10_retrieve_notifications_list_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

static gboolean
remove_notification_sync (Card *card, guint64 seq, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_es10_remove_notification_from_list_async (card->es10, seq, NULL, waiter_cb, &w);
  ok = esim_es10_remove_notification_from_list_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return ok;
}

static gboolean
nickname_sync (Card *card, const gchar *iccid, const gchar *nickname, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_es10_set_nickname_async (card->es10, iccid, nickname, NULL, waiter_cb, &w);
  ok = esim_es10_set_nickname_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return ok;
}

static gboolean
memory_reset_sync (Card *card, EsimMemoryResetOptions options, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_es10_euicc_memory_reset_async (card->es10, options, NULL, waiter_cb, &w);
  ok = esim_es10_euicc_memory_reset_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return ok;
}

/* a GetProfilesInfo request of exactly total bytes, padded with a tag list
 * asking for the ICCID over and over */
static GBytes *
padded_profiles_request (gsize total)
{
  for (gsize n = 0; n < total; n++) {
    g_autoptr(EsimTlvBuilder) builder = esim_tlv_builder_new ();
    g_autofree guint8 *tags = g_malloc (n + 1);
    g_autoptr(GBytes) request = NULL;

    memset (tags, 0x5A, n + 1);
    esim_tlv_builder_begin (builder, 0xBF2D);
    esim_tlv_builder_add (builder, 0x5C, tags, n);
    esim_tlv_builder_end (builder);
    request = esim_tlv_builder_finish (builder);
    if (g_bytes_get_size (request) == total)
      return g_steal_pointer (&request);
  }
  g_error ("no request of %" G_GSIZE_FORMAT " bytes", total);
  return NULL;
}

/* tests: the channel */

static void
test_open_eid (void)
{
  g_autoptr(Card) card = card_new ();
  g_autoptr(GError) error = NULL;
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
  expected = g_strdup_printf ("%02XE2910006", esim_apdu_cla_for_channel (
                                                0x80, esim_es10_get_channel (card->es10)));
  g_assert_cmpstr (header, ==, expected);
  g_assert_cmpuint (esim_es10_get_apdu_count (card->es10), ==, 2);
  g_assert_cmpuint (esim_es10_get_segment_count (card->es10), ==, 1);
}

static void
test_close_reopen (void)
{
  g_autoptr(Card) card = card_new ();
  g_autoptr(GError) error = NULL;
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
  g_autoptr(Card) card = card_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  g_autoptr(GPtrArray) by_iccid = NULL;
  g_autoptr(GPtrArray) by_aid = NULL;
  g_autoptr(GPtrArray) by_class = NULL;
  g_autoptr(GPtrArray) tagged = NULL;
  g_autoptr(GPtrArray) unknown = NULL;
  g_autoptr(GBytes) tags = es10_test_bytes ("5A9F70");
  g_autoptr(GBytes) bad_class = es10_test_bytes ("BF2D05A003950105");
  g_autoptr(GBytes) response = NULL;
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
  g_autoptr(Card) card = card_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = profiles_sync (card, NULL, NULL, -1, NULL, &error);
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
  g_autoptr(Card) card = card_new_full (FALSE, "--profile", spec_a, "--profile", spec_c, NULL);
  g_autoptr(GError) error = NULL;

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
  g_autoptr(Card) card = card_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) after = NULL;

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
  g_autoptr(Card) card = card_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) aid = es10_test_bytes ("A0000005591010FFFFFFFF8900001000");
  g_autoptr(GBytes) long_aid = es10_test_bytes (R (0xA0, 17));
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
  g_autoptr(Card) card = card_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree gchar *too_long = g_strnfill (65, 'n');
  g_autofree gchar *longest = g_strnfill (64, 'n');
  /* 33 two-byte characters: 66 bytes */
  g_autoptr(GString) wide = g_string_new (NULL);

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
  g_autoptr(Card) card = card_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) left = NULL;
  Waiter w = { 0 };
  g_autoptr(EsimConfiguredAddresses) addresses = NULL;

  g_assert_true (memory_reset_sync (card, ESIM_MEMORY_RESET_DELETE_FIELD_LOADED_TEST_PROFILES,
                                    &error));
  g_assert_no_error (error);
  left = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  g_assert_cmpuint (left->len, ==, 2);
  g_assert_false (memory_reset_sync (card, ESIM_MEMORY_RESET_DELETE_FIELD_LOADED_TEST_PROFILES,
                                     &error));
  g_assert_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_NOTHING_TO_DELETE);
  g_assert_cmpstr (error->message, ==, "EuiccMemoryReset: nothing to delete (result 1)");
  g_clear_error (&error);

  g_assert_true (memory_reset_sync (card, ESIM_MEMORY_RESET_DELETE_OPERATIONAL_PROFILES |
                                          ESIM_MEMORY_RESET_RESET_DEFAULT_SMDP_ADDRESS, &error));
  g_assert_no_error (error);
  g_clear_pointer (&left, g_ptr_array_unref);
  left = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  g_assert_cmpuint (left->len, ==, 0);
  esim_es10_get_euicc_configured_addresses_async (card->es10, NULL, waiter_cb, &w);
  addresses = esim_es10_get_euicc_configured_addresses_finish (card->es10, waiter_wait (&w),
                                                               &error);
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
  g_autoptr(Card) card = card_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) enables = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) left = NULL;
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

  enables = list_notification_sync (card, ESIM_NOTIFICATION_EVENT_ENABLE |
                                            ESIM_NOTIFICATION_EVENT_INSTALL, &error);
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
  g_assert_true (g_bytes_equal (((EsimPendingNotification *) g_ptr_array_index (one, 0))->raw,
                                n->raw));
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
  g_autoptr(Card) card = card_new ("--rat", "1:310410:consent");
  g_autoptr(GError) error = NULL;
  g_autoptr(EsimConfiguredAddresses) addresses = NULL;
  g_autoptr(EsimConfiguredAddresses) changed = NULL;
  g_autoptr(EsimEuiccInfo1) info1 = NULL;
  g_autoptr(EsimEuiccInfo2) info2 = NULL;
  g_autoptr(GBytes) c1 = NULL;
  g_autoptr(GBytes) c2 = NULL;
  g_autoptr(GPtrArray) rat = NULL;
  g_autoptr(GBytes) txid = es10_test_bytes ("0102030405060708");
  g_autoptr(GBytes) cancelled = NULL;
  EsimRatRule *rule;
  Waiter w = { 0 };

  esim_es10_get_euicc_configured_addresses_async (card->es10, NULL, waiter_cb, &w);
  addresses = esim_es10_get_euicc_configured_addresses_finish (card->es10, waiter_wait (&w),
                                                               &error);
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
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (info1->ci_pkids_for_verification, 0)),
                    ==, 20);

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

/* tests: the APDU layer */

static void
test_segmentation (void)
{
  g_autoptr(Card) card = card_new ();
  const struct {
    gsize total;
    guint segments;
  } cases[] = { { 254, 1 }, { 255, 1 }, { 256, 2 }, { 510, 2 }, { 511, 3 } };
  guint8 cla = esim_apdu_cla_for_channel (0x80, esim_es10_get_channel (card->es10));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GBytes) request = padded_profiles_request (cases[i].total);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) response = NULL;
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(GByteArray) sent = g_byte_array_new ();
    guint64 before = esim_es10_get_segment_count (card->es10);
    GPtrArray *commands = es10_test_tap_get_commands (card->tap);

    es10_test_tap_clear (card->tap);
    response = transact_sync (card, request, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (esim_es10_get_segment_count (card->es10) - before, ==, cases[i].segments);
    /* the card understood the reassembled tag list: only ICCIDs */
    profiles = esim_es10_parse_profiles_info (response, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (profiles->len, ==, 3);
    g_assert_null (((EsimProfileInfo *) g_ptr_array_index (profiles, 0))->name);
    g_assert_nonnull (((EsimProfileInfo *) g_ptr_array_index (profiles, 0))->iccid);

    /* the blocks: P1 11 then 91, P2 counting from 0, Lc 255 but the last */
    for (guint s = 0; s < cases[i].segments; s++) {
      GBytes *apdu = g_ptr_array_index (commands, s);
      const guint8 *d = g_bytes_get_data (apdu, NULL);
      gboolean last = s + 1 == cases[i].segments;
      gsize lc = last ? cases[i].total - 255 * s : 255;

      g_assert_cmphex (d[0], ==, cla);
      g_assert_cmphex (d[1], ==, 0xE2);
      g_assert_cmphex (d[2], ==, last ? 0x91 : 0x11);
      g_assert_cmphex (d[3], ==, s);
      g_assert_cmpuint (d[4], ==, lc);
      g_assert_cmpuint (g_bytes_get_size (apdu), ==, 5 + lc);
      g_byte_array_append (sent, d + 5, (guint) lc);
    }
    g_assert_cmpmem (sent->data, sent->len, g_bytes_get_data (request, NULL),
                     g_bytes_get_size (request));
    /* then only GET RESPONSE */
    for (guint c = cases[i].segments; c < commands->len; c++) {
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (commands, c), NULL);
      g_assert_cmphex (d[1], ==, 0xC0);
    }
  }
}

static void
test_long_response (void)
{
  g_autoptr(Card) card = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree gchar *upp = esim_test_shared_path ("fixtures/upp/TS48v1_A.der");
  g_autofree gchar *dir = g_dir_make_tmp ("es10-icon-XXXXXX", &error);
  g_autofree gchar *icon_path = g_build_filename (dir, "icon.png", NULL);
  g_autofree gchar *spec = NULL;
  g_autofree guint8 *icon = g_malloc (1000);
  GPtrArray *commands;
  GPtrArray *responses;
  guint get_responses = 0;
  EsimProfileInfo *p;

  g_assert_no_error (error);
  for (guint i = 0; i < 1000; i++)
    icon[i] = (guint8) (i * 7);
  g_assert_true (g_file_set_contents (icon_path, (const gchar *) icon, 1000, &error));
  spec = g_strdup_printf ("%s,iccid=" ICCID_UNKNOWN ",icon=%s", upp, icon_path);
  card = card_new ("--profile", spec);
  g_unlink (icon_path);
  g_rmdir (dir);

  es10_test_tap_clear (card->tap);
  list = profiles_sync (card, ICCID_UNKNOWN, NULL, -1, NULL, &error);
  g_assert_no_error (error);
  p = g_ptr_array_index (list, 0);
  g_assert_cmpint (p->icon_type, ==, ESIM_ICON_TYPE_PNG);
  g_assert_cmpmem (g_bytes_get_data (p->icon, NULL), g_bytes_get_size (p->icon), icon, 1000);

  /* 61xx chained: Le 00 while 256 or more remain, then the exact rest */
  commands = es10_test_tap_get_commands (card->tap);
  responses = es10_test_tap_get_responses (card->tap);
  for (guint c = 1; c < commands->len; c++) {
    gsize clen = 0;
    const guint8 *d = g_bytes_get_data (g_ptr_array_index (commands, c), &clen);
    gsize rlen = 0;
    const guint8 *r = g_bytes_get_data (g_ptr_array_index (responses, c - 1), &rlen);

    g_assert_cmphex (d[1], ==, 0xC0);
    g_assert_cmpuint (clen, ==, 5);
    g_assert_cmphex (r[rlen - 2], ==, 0x61);
    g_assert_cmphex (d[4], ==, r[rlen - 1]);
    get_responses++;
  }
  g_assert_cmpuint (get_responses, >=, 4);
}

static void
test_wrong_le (void)
{
  /* the first GET RESPONSE is told 6C10; a strict card then wants the
   * exact length, which it tells with 6Cxx again */
  g_autoptr(Card) card = card_new ("--strict-le", "--fault", "sw:5:6C10");
  g_autoptr(GError) error = NULL;
  g_autofree gchar *eid = eid_sync (card, &error);
  GPtrArray *commands = es10_test_tap_get_commands (card->tap);
  GPtrArray *responses = es10_test_tap_get_responses (card->tap);
  const guint8 *d;
  gsize rlen = 0;
  const guint8 *r;

  g_assert_no_error (error);
  g_assert_cmpstr (eid, ==, EID);
  /* STORE DATA, GET RESPONSE (6C10), GET RESPONSE Le 10 (6C12), Le 12 */
  g_assert_cmpuint (commands->len, ==, 4);
  r = g_bytes_get_data (g_ptr_array_index (responses, 1), &rlen);
  g_assert_cmphex (r[0], ==, 0x6C);
  d = g_bytes_get_data (g_ptr_array_index (commands, 2), NULL);
  g_assert_cmphex (d[1], ==, 0xC0);
  g_assert_cmphex (d[4], ==, 0x10);
  r = g_bytes_get_data (g_ptr_array_index (responses, 2), &rlen);
  g_assert_cmphex (r[0], ==, 0x6C);
  g_assert_cmphex (r[1], ==, 0x15);
  d = g_bytes_get_data (g_ptr_array_index (commands, 3), NULL);
  g_assert_cmphex (d[4], ==, 0x15);
}

static void
test_status_word (void)
{
  g_autoptr(Card) card = card_new ("--fault", "sw:4:6A88", "--fault", "sw:6:6581");
  g_autoptr(GError) error = NULL;
  g_autofree gchar *eid = eid_sync (card, &error);
  g_autoptr(GPtrArray) list = NULL;
  g_autofree gchar *again = NULL;

  g_assert_null (eid);
  g_assert_error (error, ESIM_APDU_ERROR, ESIM_APDU_ERROR_REFERENCED_DATA_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "GetEID: card answered 6A88"));
  g_clear_error (&error);
  /* STORE DATA (5) ok, GET RESPONSE (6) memory failure */
  list = profiles_sync (card, NULL, NULL, -1, NULL, &error);
  g_assert_null (list);
  g_assert_error (error, ESIM_APDU_ERROR, ESIM_APDU_ERROR_MEMORY_FAILURE);
  g_assert_true (g_str_has_prefix (error->message, "GetProfilesInfo: "));
  g_clear_error (&error);
  /* the card is fine afterwards */
  again = eid_sync (card, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, EID);
}

static void
test_vanish (void)
{
  /* the card goes at the GET RESPONSE of the first command */
  g_autoptr(Card) card = card_new ("--fault", "vanish:5", "--fault", "delay:*:20");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) queued_error = NULL;
  g_autofree gchar *eid = NULL;
  g_autofree gchar *later = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  Waiter w1 = { 0 };
  Waiter w2 = { 0 };

  esim_es10_get_eid_async (card->es10, NULL, waiter_cb, &w1);
  esim_es10_get_profiles_info_async (card->es10, NULL, NULL, -1, NULL, NULL, waiter_cb, &w2);
  eid = esim_es10_get_eid_finish (card->es10, waiter_wait (&w1), &error);
  g_assert_null (eid);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_assert_true (g_str_has_prefix (error->message, "GetEID: "));
  queued = esim_es10_get_profiles_info_finish (card->es10, waiter_wait (&w2), &queued_error);
  g_assert_null (queued);
  g_assert_error (queued_error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  waiter_clear (&w1);
  waiter_clear (&w2);
  g_assert_false (esim_es10_is_open (card->es10));
  g_clear_error (&error);

  later = eid_sync (card, &error);
  g_assert_null (later);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
}

typedef struct {
  guint index;
  guint *order;
  guint *n_done;
  gboolean *all_done;
  guint total;
  GObject *result_holder;
  GAsyncResult *result;
} Call;

static void
call_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Call *call = user_data;

  call->result = g_object_ref (res);
  call->order[(*call->n_done)++] = call->index;
  if (*call->n_done == call->total)
    *call->all_done = TRUE;
}

static void
test_concurrent (void)
{
  g_autoptr(Card) card = card_new ("--fault", "delay:*:2");
  g_autoptr(GBytes) big = padded_profiles_request (600);
  guint order[12] = { 0 };
  guint n_done = 0;
  gboolean all_done = FALSE;
  Call calls[12];

  /* all issued at once; each must complete, in the order issued */
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++) {
    calls[i] = (Call) { i, order, &n_done, &all_done, G_N_ELEMENTS (calls), NULL, NULL };
    switch (i % 4) {
    case 0:
      esim_es10_get_eid_async (card->es10, NULL, call_cb, &calls[i]);
      break;
    case 1:
      esim_es10_get_profiles_info_async (card->es10, NULL, NULL, -1, NULL, NULL, call_cb,
                                         &calls[i]);
      break;
    case 2:
      esim_es10_transact_async (card->es10, big, NULL, call_cb, &calls[i]);
      break;
    default:
      esim_es10_get_euicc_challenge_async (card->es10, NULL, call_cb, &calls[i]);
      break;
    }
  }
  esim_test_wait (&all_done);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++) {
    g_autoptr(GError) error = NULL;

    g_assert_cmpuint (order[i], ==, i);
    switch (i % 4) {
    case 0: {
      g_autofree gchar *eid = esim_es10_get_eid_finish (card->es10, calls[i].result, &error);
      g_assert_cmpstr (eid, ==, EID);
      break;
    }
    case 1: {
      g_autoptr(GPtrArray) list = esim_es10_get_profiles_info_finish (card->es10,
                                                                      calls[i].result, &error);
      g_assert_cmpuint (list->len, ==, 3);
      break;
    }
    case 2: {
      g_autoptr(GBytes) response = esim_es10_transact_finish (card->es10, calls[i].result,
                                                              &error);
      g_autoptr(GPtrArray) list = esim_es10_parse_profiles_info (response, &error);
      g_assert_cmpuint (list->len, ==, 3);
      break;
    }
    default: {
      g_autoptr(GBytes) challenge = esim_es10_get_euicc_challenge_finish (card->es10,
                                                                          calls[i].result,
                                                                          &error);
      g_assert_cmpuint (g_bytes_get_size (challenge), ==, 16);
      break;
    }
    }
    g_assert_no_error (error);
    g_object_unref (calls[i].result);
  }
  /* 3 transacts of 3 blocks, 9 of one */
  g_assert_cmpuint (esim_es10_get_segment_count (card->es10), ==, 3 * 3 + 9);
}

static void
test_cancel_before (void)
{
  g_autoptr(Card) card = card_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) request = padded_profiles_request (100);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) response = NULL;

  g_cancellable_cancel (cancellable);
  response = transact_sync (card, request, cancellable, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (es10_test_tap_get_commands (card->tap)->len, ==, 0);
  g_assert_cmpuint (esim_es10_get_apdu_count (card->es10), ==, 0);
}

static void
test_cancel_queued (void)
{
  g_autoptr(Card) card = card_new ("--fault", "delay:*:100");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) queued_error = NULL;
  g_autofree gchar *eid = NULL;
  g_autoptr(GPtrArray) list = NULL;
  Waiter w1 = { 0 };
  Waiter w2 = { 0 };

  esim_es10_get_eid_async (card->es10, NULL, waiter_cb, &w1);
  esim_es10_get_profiles_info_async (card->es10, NULL, NULL, -1, NULL, cancellable, waiter_cb,
                                     &w2);
  g_cancellable_cancel (cancellable);
  /* the waiting call ends first, without waiting for its turn */
  waiter_wait (&w2);
  g_assert_false (w1.done);
  list = esim_es10_get_profiles_info_finish (card->es10, w2.result, &queued_error);
  g_assert_null (list);
  g_assert_error (queued_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  eid = esim_es10_get_eid_finish (card->es10, waiter_wait (&w1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (eid, ==, EID);
  waiter_clear (&w1);
  waiter_clear (&w2);
  /* only the EID was ever sent */
  g_assert_cmpuint (esim_es10_get_segment_count (card->es10), ==, 1);
}

static void
cancel_after_first_block (Es10TestTap *tap, GBytes *command, GBytes *response,
                          gpointer user_data)
{
  const guint8 *d = g_bytes_get_data (command, NULL);

  if (d[1] == 0xE2 && d[2] == 0x11 && d[3] == 0x00)
    g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
test_cancel_mid_sequence (void)
{
  g_autoptr(Card) card = card_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) request = padded_profiles_request (600);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autofree gchar *eid = NULL;
  g_autofree gchar *again = NULL;

  es10_test_tap_set_hook (card->tap, cancel_after_first_block, cancellable);
  response = transact_sync (card, request, cancellable, &error);
  es10_test_tap_set_hook (card->tap, NULL, NULL);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  /* block 0 of 3 went out, the rest did not */
  g_assert_cmpuint (esim_es10_get_segment_count (card->es10), ==, 1);
  g_assert_cmpuint (es10_test_tap_get_commands (card->tap)->len, ==, 1);

  /* the card held a partial command; the next one still works */
  eid = eid_sync (card, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (eid, ==, EID);
  again = eid_sync (card, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, EID);
}

static void
test_transact_bad_request (void)
{
  g_autoptr(Card) card = card_new ();
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (256 * 255 + 1), 256 * 255 + 1);
  g_autoptr(GBytes) unknown = es10_test_bytes ("BF7F00");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) response = NULL;

  response = transact_sync (card, empty, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  response = transact_sync (card, huge, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (esim_es10_get_apdu_count (card->es10), ==, 0);
  /* a function the card does not have */
  response = transact_sync (card, unknown, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, ESIM_APDU_ERROR, ESIM_APDU_ERROR_REFERENCED_DATA_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "ES10: "));
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
  g_test_add_func ("/es10/card/segmentation", test_segmentation);
  g_test_add_func ("/es10/card/long-response", test_long_response);
  g_test_add_func ("/es10/card/wrong-le", test_wrong_le);
  g_test_add_func ("/es10/card/status-word", test_status_word);
  g_test_add_func ("/es10/card/vanish", test_vanish);
  g_test_add_func ("/es10/card/concurrent", test_concurrent);
  g_test_add_func ("/es10/card/cancel-before", test_cancel_before);
  g_test_add_func ("/es10/card/cancel-queued", test_cancel_queued);
  g_test_add_func ("/es10/card/cancel-mid-sequence", test_cancel_mid_sequence);
  g_test_add_func ("/es10/card/transact-bad-request", test_transact_bad_request);
  ret = g_test_run ();
  es10_test_free_all ();
  return ret;
}
