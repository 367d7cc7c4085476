/*
 * The per-eUICC operation queue: first in, first out; cancelling while
 * waiting; closing at shutdown; draining.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-queue.h"

typedef struct {
  GPtrArray *order; /* of GINT_TO_POINTER (n) */
  GPtrArray *errors;
} QueueLog;

typedef struct {
  QueueLog *log;
  gint n;
} Waiter;

static void
acquired_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Waiter *w = user_data;
  g_autoptr (GError) error = NULL;

  if (!esim_queue_acquire_finish (ESIM_QUEUE (source), res, &error)) {
    g_ptr_array_add (w->log->errors, GINT_TO_POINTER (w->n));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  } else {
    g_ptr_array_add (w->log->order, GINT_TO_POINTER (w->n));
  }
  g_free (w);
}

static void
enqueue (EsimQueue *queue, QueueLog *log, gint n, GCancellable *cancellable)
{
  Waiter *w = g_new0 (Waiter, 1);

  w->log = log;
  w->n = n;
  esim_queue_acquire_async (queue, cancellable, acquired_cb, w);
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_queue_fifo (void)
{
  g_autoptr (EsimQueue) queue = esim_queue_new ();
  QueueLog log = { g_ptr_array_new (), g_ptr_array_new () };

  for (gint i = 0; i < 4; i++)
    enqueue (queue, &log, i, NULL);
  spin ();
  /* one at a time */
  g_assert_cmpuint (log.order->len, ==, 1);
  g_assert_true (esim_queue_is_busy (queue));
  g_assert_cmpuint (esim_queue_get_waiting (queue), ==, 3);
  for (guint i = 1; i < 4; i++) {
    esim_queue_release (queue);
    spin ();
    g_assert_cmpuint (log.order->len, ==, i + 1);
  }
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (log.order, i)), ==, i);
  esim_queue_release (queue);
  g_assert_false (esim_queue_is_busy (queue));
  g_ptr_array_unref (log.order);
  g_ptr_array_unref (log.errors);
}

static void
test_queue_cancel (void)
{
  g_autoptr (EsimQueue) queue = esim_queue_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  QueueLog log = { g_ptr_array_new (), g_ptr_array_new () };

  enqueue (queue, &log, 0, NULL);
  enqueue (queue, &log, 1, cancellable);
  enqueue (queue, &log, 2, NULL);
  spin ();
  g_cancellable_cancel (cancellable);
  spin ();
  /* the cancelled one left without a turn */
  g_assert_cmpuint (log.errors->len, ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (log.errors, 0)), ==, 1);
  g_assert_cmpuint (esim_queue_get_waiting (queue), ==, 1);
  esim_queue_release (queue);
  spin ();
  g_assert_cmpuint (log.order->len, ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (log.order, 1)), ==, 2);
  esim_queue_release (queue);

  /* already cancelled: never waits */
  enqueue (queue, &log, 3, cancellable);
  spin ();
  g_assert_cmpuint (log.errors->len, ==, 2);
  g_assert_false (esim_queue_is_busy (queue));
  g_ptr_array_unref (log.order);
  g_ptr_array_unref (log.errors);
}

static void
drained_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_assert_true (esim_queue_drain_finish (ESIM_QUEUE (source), res, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
test_queue_close (void)
{
  g_autoptr (EsimQueue) queue = esim_queue_new ();
  QueueLog log = { g_ptr_array_new (), g_ptr_array_new () };
  gboolean drained = FALSE;

  enqueue (queue, &log, 0, NULL);
  enqueue (queue, &log, 1, NULL);
  enqueue (queue, &log, 2, NULL);
  spin ();
  esim_queue_close (queue);
  spin ();
  /* the waiting ones fail, the running one goes on */
  g_assert_cmpuint (log.errors->len, ==, 2);
  g_assert_true (esim_queue_is_busy (queue));
  esim_queue_drain_async (queue, NULL, drained_cb, &drained);
  spin ();
  g_assert_false (drained);
  esim_queue_release (queue);
  spin ();
  g_assert_true (drained);
  /* and nobody gets in any more */
  enqueue (queue, &log, 3, NULL);
  spin ();
  g_assert_cmpuint (log.errors->len, ==, 3);
  g_ptr_array_unref (log.order);
  g_ptr_array_unref (log.errors);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/daemon/queue/fifo", test_queue_fifo);
  g_test_add_func ("/daemon/queue/cancel", test_queue_cancel);
  g_test_add_func ("/daemon/queue/close", test_queue_close);
  return g_test_run ();
}
