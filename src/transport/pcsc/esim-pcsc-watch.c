/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <winscard.h>

#include "esim-pcsc-watch.h"

/* how often free() repeats SCardCancel until the thread ends: a cancel
 * that arrives just before the thread starts to wait is lost */
#define CANCEL_RETRY_MS 20

#define PNP_READER "\\\\?PnP?\\Notification"

struct _EsimPcscWatch {
  gatomicrefcount ref;
  gchar *reader;
  GThread *thread;
  /* tells the main context that events are queued: its ready time is set
   * from the thread (g_source_set_ready_time() is thread-safe) */
  GSource *notify;

  GMutex lock;
  GCond cond;
  /* under the lock */
  gboolean stop;
  gboolean done;
  gboolean have_context;
  SCARDCONTEXT context;
  GQueue events; /* of EsimPcscWatchEvent, as pointers */

  /* the main context only */
  gboolean freed;
  EsimPcscWatchFunc func;
  gpointer user_data;
};

static EsimPcscWatch *
esim_pcsc_watch_ref (EsimPcscWatch *watch)
{
  g_atomic_ref_count_inc (&watch->ref);
  return watch;
}

static void
esim_pcsc_watch_unref (EsimPcscWatch *watch)
{
  if (!g_atomic_ref_count_dec (&watch->ref))
    return;
  g_queue_clear (&watch->events);
  g_mutex_clear (&watch->lock);
  g_cond_clear (&watch->cond);
  g_free (watch->reader);
  g_free (watch);
}

const gchar *
esim_pcsc_watch_get_reader (EsimPcscWatch *watch)
{
  return watch->reader;
}

/* the main context */

static gboolean
notify_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs notify_funcs = { NULL, NULL, notify_dispatch, NULL, NULL, NULL };

static gboolean
notify_cb (gpointer user_data)
{
  EsimPcscWatch *watch = esim_pcsc_watch_ref (user_data);
  GQueue events = G_QUEUE_INIT;

  g_mutex_lock (&watch->lock);
  events = watch->events;
  g_queue_init (&watch->events);
  g_mutex_unlock (&watch->lock);
  /* the callback may free the watch: nothing after that */
  for (GList *l = events.head; l != NULL && !watch->freed; l = l->next)
    watch->func ((EsimPcscWatchEvent) GPOINTER_TO_INT (l->data), watch->user_data);
  g_queue_clear (&events);
  esim_pcsc_watch_unref (watch);
  return G_SOURCE_CONTINUE;
}

/* the thread */

static void
esim_pcsc_watch_post (EsimPcscWatch *watch, EsimPcscWatchEvent event)
{
  g_mutex_lock (&watch->lock);
  g_queue_push_tail (&watch->events, GINT_TO_POINTER (event));
  g_mutex_unlock (&watch->lock);
  g_source_set_ready_time (watch->notify, 0);
}

static gboolean
esim_pcsc_watch_stopping (EsimPcscWatch *watch)
{
  gboolean stop;

  g_mutex_lock (&watch->lock);
  stop = watch->stop;
  g_mutex_unlock (&watch->lock);
  return stop;
}

/* a card there that answered its reset; a reader that is not there or is
 * not usable has none */
static gboolean
state_has_card (DWORD state)
{
  return (state & SCARD_STATE_PRESENT) != 0
         && (state
             & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE
                | SCARD_STATE_MUTE))
              == 0;
}

static void
esim_pcsc_watch_loop (EsimPcscWatch *watch, SCARDCONTEXT context)
{
  SCARD_READERSTATE states[2] = {
    { .szReader = watch->reader, .dwCurrentState = SCARD_STATE_UNAWARE },
    /* its state changes with the list of readers: a reader plugged in
     * wakes the wait even while ours is unknown to pcscd */
    { .szReader = PNP_READER, .dwCurrentState = SCARD_STATE_UNAWARE },
  };
  gboolean present = FALSE;
  DWORD events = 0;

  while (!esim_pcsc_watch_stopping (watch)) {
    LONG rv = SCardGetStatusChange (context, INFINITE, states, G_N_ELEMENTS (states));
    gboolean now_present;
    DWORD now_events;

    if (rv == SCARD_E_CANCELLED || rv == SCARD_E_TIMEOUT)
      continue;
    if (rv == SCARD_E_UNKNOWN_READER) {
      /* an older pcsclite refuses a reader it does not know: wait for
       * the list of readers to change */
      states[0].dwEventState = SCARD_STATE_UNKNOWN;
      rv = SCardGetStatusChange (context, INFINITE, &states[1], 1);
      if (rv == SCARD_E_CANCELLED || rv == SCARD_E_TIMEOUT)
        continue;
    }
    if (rv != SCARD_S_SUCCESS) {
      /* pcscd went away: so did the card; the transport's next open
       * finds out when it is back */
      g_debug ("PC/SC watch of “%s”: %s (0x%08lX)", watch->reader, pcsc_stringify_error (rv),
               (unsigned long) rv);
      if (present)
        esim_pcsc_watch_post (watch, ESIM_PCSC_WATCH_GONE);
      return;
    }
    now_present = state_has_card (states[0].dwEventState);
    /* pcscd counts insertions and removals in the upper 16 bits: a card
     * swapped between two looks is another card */
    now_events = states[0].dwEventState >> 16;
    if (present && (!now_present || now_events != events))
      esim_pcsc_watch_post (watch, ESIM_PCSC_WATCH_GONE);
    if (now_present && (!present || now_events != events))
      esim_pcsc_watch_post (watch, ESIM_PCSC_WATCH_APPEARED);
    present = now_present;
    events = now_events;
    for (guint i = 0; i < G_N_ELEMENTS (states); i++)
      states[i].dwCurrentState = states[i].dwEventState & ~SCARD_STATE_CHANGED;
  }
}

static gpointer
esim_pcsc_watch_thread (gpointer user_data)
{
  EsimPcscWatch *watch = user_data;
  SCARDCONTEXT context = 0;
  LONG rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context);

  if (rv == SCARD_S_SUCCESS) {
    g_mutex_lock (&watch->lock);
    watch->context = context;
    watch->have_context = TRUE;
    g_mutex_unlock (&watch->lock);
    esim_pcsc_watch_loop (watch, context);
    /* free() cancels only under the lock, so never a released context */
    g_mutex_lock (&watch->lock);
    watch->have_context = FALSE;
    g_mutex_unlock (&watch->lock);
    SCardReleaseContext (context);
  } else {
    /* no pcscd: nothing to watch; the transport's open finds it later */
    g_debug ("PC/SC watch of “%s”: %s (0x%08lX)", watch->reader, pcsc_stringify_error (rv),
             (unsigned long) rv);
  }
  g_mutex_lock (&watch->lock);
  watch->done = TRUE;
  g_cond_signal (&watch->cond);
  g_mutex_unlock (&watch->lock);
  return NULL;
}

EsimPcscWatch *
esim_pcsc_watch_new (const gchar *reader, EsimPcscWatchFunc func, gpointer user_data)
{
  EsimPcscWatch *watch = g_new0 (EsimPcscWatch, 1);

  g_atomic_ref_count_init (&watch->ref);
  g_mutex_init (&watch->lock);
  g_cond_init (&watch->cond);
  g_queue_init (&watch->events);
  watch->reader = g_strdup (reader);
  watch->func = func;
  watch->user_data = user_data;
  watch->notify = g_source_new (&notify_funcs, sizeof (GSource));
  g_source_set_static_name (watch->notify, "[esim] PC/SC presence");
  g_source_set_callback (watch->notify, notify_cb, watch, NULL);
  g_source_attach (watch->notify, g_main_context_get_thread_default ());
  watch->thread = g_thread_new ("esim-pcsc-watch", esim_pcsc_watch_thread, watch);
  return watch;
}

void
esim_pcsc_watch_free (EsimPcscWatch *watch)
{
  if (watch == NULL)
    return;
  watch->freed = TRUE;
  g_mutex_lock (&watch->lock);
  watch->stop = TRUE;
  while (!watch->done) {
    gint64 until = g_get_monotonic_time () + CANCEL_RETRY_MS * G_TIME_SPAN_MILLISECOND;

    if (watch->have_context)
      SCardCancel (watch->context);
    g_cond_wait_until (&watch->cond, &watch->lock, until);
  }
  g_mutex_unlock (&watch->lock);
  g_thread_join (watch->thread);
  /* events not yet delivered go with it */
  g_source_destroy (watch->notify);
  g_clear_pointer (&watch->notify, g_source_unref);
  esim_pcsc_watch_unref (watch);
}
