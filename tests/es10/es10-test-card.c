/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "es10-test-card.h"
#include "esim-test-transport.h"

void
waiter_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Waiter *w = user_data;

  w->result = g_object_ref (res);
  w->done = TRUE;
}

GAsyncResult *
waiter_wait (Waiter *w)
{
  esim_test_wait (&w->done);
  return w->result;
}

void
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
                                          "spn=Operator A,nickname=Work,mccmnc=310410",
                                          upp_a));
  g_ptr_array_add (args, g_strdup ("--profile"));
  g_ptr_array_add (args,
                   g_strdup_printf ("%s,iccid=" ICCID_B ",class=test,ppr=2,name=Beta", upp_b));
  g_ptr_array_add (args, g_strdup ("--profile"));
  g_ptr_array_add (args, g_strdup_printf ("%s,iccid=" ICCID_C ",name=Gamma", upp_a));
  g_ptr_array_add (args, g_strdup ("--default-smdp"));
  g_ptr_array_add (args, g_strdup ("smdp.example.com"));
  g_ptr_array_add (args, g_strdup ("--root-smds"));
  g_ptr_array_add (args, g_strdup ("lpa.ds.example.com"));
  return args;
}

void
card_free (Card *card)
{
  g_clear_object (&card->es10);
  g_clear_object (&card->transport);
  g_clear_object (&card->socket);
  g_clear_pointer (&card->sim, esim_test_sim_free);
  g_free (card);
}

gboolean
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
Card *
card_new_full (gboolean defaults, const gchar *first_arg, ...)
{
  g_autoptr (Card) card = g_new0 (Card, 1);
  g_autoptr (GPtrArray) args
    = defaults ? card_default_args () : g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
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

/* synchronous wrappers, for the tests only */

GPtrArray *
profiles_sync (Card *card, const gchar *iccid, GBytes *aid, gint profile_class, GBytes *tags,
               GError **error)
{
  Waiter w = { 0 };
  GPtrArray *out;

  esim_es10_get_profiles_info_async (card->es10, iccid, aid, profile_class, tags, NULL, waiter_cb,
                                     &w);
  out = esim_es10_get_profiles_info_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

EsimProfileInfo *
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

EsimProfileState
profile_state (Card *card, const gchar *iccid)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = profiles_sync (card, NULL, NULL, -1, NULL, &error);

  g_assert_no_error (error);
  return find_profile (list, iccid)->state;
}

gboolean
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

GBytes *
transact_sync (Card *card, GBytes *request, GCancellable *cancellable, GError **error)
{
  Waiter w = { 0 };
  GBytes *out;

  esim_es10_transact_async (card->es10, request, cancellable, waiter_cb, &w);
  out = esim_es10_transact_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

gchar *
eid_sync (Card *card, GError **error)
{
  Waiter w = { 0 };
  gchar *out;

  esim_es10_get_eid_async (card->es10, NULL, waiter_cb, &w);
  out = esim_es10_get_eid_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

GPtrArray *
list_notification_sync (Card *card, EsimNotificationEvent filter, GError **error)
{
  Waiter w = { 0 };
  GPtrArray *out;

  esim_es10_list_notification_async (card->es10, filter, NULL, waiter_cb, &w);
  out = esim_es10_list_notification_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

GPtrArray *
retrieve_sync (Card *card, gint64 seq, EsimNotificationEvent filter, GError **error)
{
  Waiter w = { 0 };
  GPtrArray *out;

  esim_es10_retrieve_notifications_list_async (card->es10, seq, filter, NULL, waiter_cb, &w);
  out = esim_es10_retrieve_notifications_list_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return out;
}

gboolean
remove_notification_sync (Card *card, guint64 seq, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_es10_remove_notification_from_list_async (card->es10, seq, NULL, waiter_cb, &w);
  ok = esim_es10_remove_notification_from_list_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return ok;
}

gboolean
nickname_sync (Card *card, const gchar *iccid, const gchar *nickname, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_es10_set_nickname_async (card->es10, iccid, nickname, NULL, waiter_cb, &w);
  ok = esim_es10_set_nickname_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return ok;
}

gboolean
memory_reset_sync (Card *card, EsimMemoryResetOptions options, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_es10_euicc_memory_reset_async (card->es10, options, NULL, waiter_cb, &w);
  ok = esim_es10_euicc_memory_reset_finish (card->es10, waiter_wait (&w), error);
  waiter_clear (&w);
  return ok;
}
