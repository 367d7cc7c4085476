/*
 * The APDU layer of EsimEs10 against the simulated eUICC over the socket
 * transport: segmentation, GET RESPONSE chaining, 6Cxx, status words, a
 * vanishing card, the queue and cancellation, with the exact APDUs
 * recorded by a tap transport.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "es10-test-card.h"
#include "es10-test-util.h"
#include "esim-apdu.h"
#include "esim-es10-parse.h"
#include "esim-test-transport.h"
#include "esim-tlv.h"

/* a GetProfilesInfo request of exactly total bytes, padded with a tag list
 * asking for the ICCID over and over */
static GBytes *
padded_profiles_request (gsize total)
{
  for (gsize n = 0; n < total; n++) {
    g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
    g_autofree guint8 *tags = g_malloc (n + 1);
    g_autoptr (GBytes) request = NULL;

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

/* tests: the APDU layer */

/* the APDUs the card sees while the channel opens: MANAGE CHANNEL and
 * SELECT with P2 0C from the transport base class, a modem's own opening
 * also fetches the FCI */
static guint
opening_frames (void)
{
  const gchar *kind = esim_test_transport_kind ();

  return g_str_equal (kind, "socket") || g_str_equal (kind, "pcsc") ? 2 : 3;
}

static void
test_segmentation (void)
{
  g_autoptr (Card) card = card_new ();
  const struct {
    gsize total;
    guint segments;
  } cases[] = { { 254, 1 }, { 255, 1 }, { 256, 2 }, { 510, 2 }, { 511, 3 } };
  guint8 cla = esim_apdu_cla_for_channel (0x80, esim_es10_get_channel (card->es10));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GBytes) request = padded_profiles_request (cases[i].total);
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) response = NULL;
    g_autoptr (GPtrArray) profiles = NULL;
    g_autoptr (GByteArray) sent = g_byte_array_new ();
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
  g_autoptr (Card) card = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
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
  g_autofree gchar *fault = g_strdup_printf ("sw:%u:6C10", opening_frames () + 2);
  g_autoptr (Card) card = card_new ("--strict-le", "--fault", fault);
  g_autoptr (GError) error = NULL;
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
  g_autofree gchar *f1 = g_strdup_printf ("sw:%u:6A88", opening_frames () + 1);
  g_autofree gchar *f2 = g_strdup_printf ("sw:%u:6581", opening_frames () + 3);
  g_autoptr (Card) card = card_new ("--fault", f1, "--fault", f2);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *eid = eid_sync (card, &error);
  g_autoptr (GPtrArray) list = NULL;
  g_autofree gchar *again = NULL;

  g_assert_null (eid);
  g_assert_error (error, ESIM_APDU_ERROR, ESIM_APDU_ERROR_REFERENCED_DATA_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "GetEID: card answered 6A88"));
  g_clear_error (&error);
  /* STORE DATA (opening + 2) ok, GET RESPONSE (opening + 3) memory failure */
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
  g_autofree gchar *fault = g_strdup_printf ("vanish:%u", opening_frames () + 2);
  g_autoptr (Card) card = card_new ("--fault", fault, "--fault", "delay:*:20");
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) queued_error = NULL;
  g_autofree gchar *eid = NULL;
  g_autofree gchar *later = NULL;
  g_autoptr (GPtrArray) queued = NULL;
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
  g_autoptr (Card) card = card_new ("--fault", "delay:*:2");
  g_autoptr (GBytes) big = padded_profiles_request (600);
  guint order[12] = { 0 };
  guint n_done = 0;
  gboolean all_done = FALSE;
  Call calls[12];

  /* all issued at once; each must complete, in the order issued */
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++) {
    calls[i] = (Call){ i, order, &n_done, &all_done, G_N_ELEMENTS (calls), NULL, NULL };
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
    g_autoptr (GError) error = NULL;

    g_assert_cmpuint (order[i], ==, i);
    switch (i % 4) {
    case 0: {
      g_autofree gchar *eid = esim_es10_get_eid_finish (card->es10, calls[i].result, &error);
      g_assert_cmpstr (eid, ==, EID);
      break;
    }
    case 1: {
      g_autoptr (GPtrArray) list
        = esim_es10_get_profiles_info_finish (card->es10, calls[i].result, &error);
      g_assert_cmpuint (list->len, ==, 3);
      break;
    }
    case 2: {
      g_autoptr (GBytes) response = esim_es10_transact_finish (card->es10, calls[i].result, &error);
      g_autoptr (GPtrArray) list = esim_es10_parse_profiles_info (response, &error);
      g_assert_cmpuint (list->len, ==, 3);
      break;
    }
    default: {
      g_autoptr (GBytes) challenge
        = esim_es10_get_euicc_challenge_finish (card->es10, calls[i].result, &error);
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
  g_autoptr (Card) card = card_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GBytes) request = padded_profiles_request (100);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) response = NULL;

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
  g_autoptr (Card) card = card_new ("--fault", "delay:*:100");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) queued_error = NULL;
  g_autofree gchar *eid = NULL;
  g_autoptr (GPtrArray) list = NULL;
  Waiter w1 = { 0 };
  Waiter w2 = { 0 };

  esim_es10_get_eid_async (card->es10, NULL, waiter_cb, &w1);
  esim_es10_get_profiles_info_async (card->es10, NULL, NULL, -1, NULL, cancellable, waiter_cb, &w2);
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
cancel_after_first_block (Es10TestTap *tap, GBytes *command, GBytes *response, gpointer user_data)
{
  const guint8 *d = g_bytes_get_data (command, NULL);

  if (d[1] == 0xE2 && d[2] == 0x11 && d[3] == 0x00)
    g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
test_cancel_mid_sequence (void)
{
  g_autoptr (Card) card = card_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GBytes) request = padded_profiles_request (600);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) response = NULL;
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
  g_autoptr (Card) card = card_new ();
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr (GBytes) huge = g_bytes_new_take (g_malloc0 (256 * 255 + 1), 256 * 255 + 1);
  g_autoptr (GBytes) unknown = es10_test_bytes ("BF7F00");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) response = NULL;

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
