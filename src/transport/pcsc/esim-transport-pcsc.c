/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <winscard.h>

#include "esim-apdu.h"
#include "esim-pcsc-watch.h"
#include "esim-transport-pcsc.h"

/* logical channels 1..19 */
#define MAX_CHANNELS 20
/* pcscd polls readers without card events every 400 ms, so a pulled card
 * shows up in the reader state within this */
#define REMOVAL_GRACE_MS 1500
#define REMOVAL_POLL_MS 50

struct _EsimTransportPcsc {
  EsimTransport parent_instance;
  gchar *wanted;

  /* the PC/SC handles belong to whoever holds the lock: one worker at a
   * time, or close() on the main thread */
  GMutex lock;
  SCARDCONTEXT context;
  gboolean have_context;
  SCARDHANDLE card;
  gboolean connected;
  DWORD protocol;
  gchar *reader;
  GBytes *atr;

  /* main thread only */
  gboolean busy;
  gboolean gone;
  guint generation;
  /* the presence watch, on the wanted reader or else the last one opened */
  EsimPcscWatch *watch;
  gchar *last_reader;
};

G_DEFINE_TYPE (EsimTransportPcsc, esim_transport_pcsc, ESIM_TYPE_TRANSPORT)

EsimTransport *
esim_transport_pcsc_new (const gchar *reader)
{
  EsimTransportPcsc *self = g_object_new (ESIM_TYPE_TRANSPORT_PCSC, "kind", "pcsc", "device",
                                          reader != NULL ? reader : "", NULL);

  self->wanted = g_strdup (reader);
  return ESIM_TRANSPORT (self);
}

gchar *
esim_transport_pcsc_dup_reader (EsimTransportPcsc *self)
{
  gchar *reader;

  g_return_val_if_fail (ESIM_IS_TRANSPORT_PCSC (self), NULL);
  g_mutex_lock (&self->lock);
  reader = self->connected ? g_strdup (self->reader) : NULL;
  g_mutex_unlock (&self->lock);
  return reader;
}

gint
esim_transport_pcsc_get_protocol (EsimTransportPcsc *self)
{
  gint protocol = -1;

  g_return_val_if_fail (ESIM_IS_TRANSPORT_PCSC (self), -1);
  g_mutex_lock (&self->lock);
  if (self->connected)
    protocol = self->protocol == SCARD_PROTOCOL_T1 ? 1 : 0;
  g_mutex_unlock (&self->lock);
  return protocol;
}

GBytes *
esim_transport_pcsc_dup_atr (EsimTransportPcsc *self)
{
  GBytes *atr = NULL;

  g_return_val_if_fail (ESIM_IS_TRANSPORT_PCSC (self), NULL);
  g_mutex_lock (&self->lock);
  if (self->connected && self->atr != NULL)
    atr = g_bytes_ref (self->atr);
  g_mutex_unlock (&self->lock);
  return atr;
}

/* errors */

static gboolean
pcsc_rv_is_gone (LONG rv)
{
  switch (rv) {
  case SCARD_W_REMOVED_CARD:
  case SCARD_E_NO_SMARTCARD:
  case SCARD_E_READER_UNAVAILABLE:
  case SCARD_E_UNKNOWN_READER:
  case SCARD_E_NO_READERS_AVAILABLE:
  case SCARD_E_NO_SERVICE:
  case SCARD_E_SERVICE_STOPPED:
  /* pcscd dropped our handle, e.g. with its reader */
  case SCARD_E_INVALID_HANDLE:
  /* another application reset the card: our logical channels are gone */
  case SCARD_W_RESET_CARD:
    return TRUE;
  default:
    return FALSE;
  }
}

/* what a card pulled out in the middle of an exchange looks like */
static gboolean
pcsc_rv_is_ambiguous (LONG rv)
{
  switch (rv) {
  case SCARD_S_SUCCESS: /* with a response too short to be one */
  case SCARD_E_NOT_TRANSACTED:
  case SCARD_F_COMM_ERROR:
  case SCARD_E_COMM_DATA_LOST:
  case SCARD_F_UNKNOWN_ERROR:
  case SCARD_W_UNRESPONSIVE_CARD:
  case SCARD_W_UNPOWERED_CARD:
    return TRUE;
  default:
    return FALSE;
  }
}

static void
pcsc_set_error (GError **error, LONG rv, const gchar *what, const gchar *reader)
{
  g_set_error (error, ESIM_TRANSPORT_ERROR,
               pcsc_rv_is_gone (rv) ? ESIM_TRANSPORT_ERROR_GONE : ESIM_TRANSPORT_ERROR_FAILED,
               "%s%s%s%s: %s (0x%08lX)", what, reader != NULL ? " on “" : "",
               reader != NULL ? reader : "", reader != NULL ? "”" : "", pcsc_stringify_error (rv),
               (unsigned long) rv);
}

/* the PC/SC link; everything here runs with the lock held */

static LONG
pcsc_transmit_raw (EsimTransportPcsc *self, const guint8 *apdu, gsize len, GBytes **rapdu)
{
  const SCARD_IO_REQUEST *pci = self->protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  g_autofree guint8 *buf = g_malloc (MAX_BUFFER_SIZE_EXTENDED);
  DWORD got = MAX_BUFFER_SIZE_EXTENDED;
  LONG rv;

  *rapdu = NULL;
  rv = SCardTransmit (self->card, pci, apdu, (DWORD) len, NULL, buf, &got);
  if (rv == SCARD_S_SUCCESS && got >= 2)
    *rapdu = g_bytes_new (buf, got);
  return rv;
}

/* a failed exchange is often a card being pulled out, which pcscd notices
 * only at its next poll of the reader: wait for that before calling the
 * failure anything else */
static gboolean
pcsc_card_went_away (EsimTransportPcsc *self)
{
  gint64 deadline = g_get_monotonic_time () + REMOVAL_GRACE_MS * G_TIME_SPAN_MILLISECOND;

  do {
    gchar name[MAX_READERNAME + 1];
    DWORD name_len = sizeof (name);
    DWORD state = 0;
    DWORD protocol = 0;
    BYTE atr[MAX_ATR_SIZE];
    DWORD atr_len = sizeof (atr);
    LONG rv = SCardStatus (self->card, name, &name_len, &state, &protocol, atr, &atr_len);

    if (pcsc_rv_is_gone (rv))
      return TRUE;
    if (rv == SCARD_S_SUCCESS && (state & SCARD_PRESENT) == 0)
      return TRUE;
    g_usleep (REMOVAL_POLL_MS * 1000);
  } while (g_get_monotonic_time () < deadline);
  return FALSE;
}

static GBytes *
pcsc_exchange (EsimTransportPcsc *self, GBytes *apdu, GError **error)
{
  GBytes *rapdu = NULL;
  LONG rv;

  if (!self->connected) {
    g_set_error_literal (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN,
                         "the PC/SC transport was closed");
    return NULL;
  }
  rv = pcsc_transmit_raw (self, g_bytes_get_data (apdu, NULL), g_bytes_get_size (apdu), &rapdu);
  if (rapdu != NULL)
    return rapdu;
  if (pcsc_rv_is_ambiguous (rv) && pcsc_card_went_away (self)) {
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                 "the card left the reader “%s”: %s (0x%08lX)", self->reader,
                 rv == SCARD_S_SUCCESS ? "no response" : pcsc_stringify_error (rv),
                 (unsigned long) rv);
    return NULL;
  }
  if (rv == SCARD_S_SUCCESS) {
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                 "response APDU without status word from the card in “%s”", self->reader);
    return NULL;
  }
  pcsc_set_error (error, rv, "SCardTransmit", self->reader);
  return NULL;
}

/* drops the link: the channels left open (bit n for channel n, as the
 * base class counts them) first, then the card and the context */
static void
pcsc_teardown (EsimTransportPcsc *self, guint32 channels)
{
  if (self->connected) {
    for (guint channel = 1; channel < MAX_CHANNELS; channel++) {
      g_autoptr (GBytes) apdu = NULL;
      g_autoptr (GBytes) rapdu = NULL;
      LONG rv;

      if ((channels & (1u << channel)) == 0)
        continue;
      apdu = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, channel),
                               ESIM_APDU_INS_MANAGE_CHANNEL, 0x80, (guint8) channel, NULL, 0, -1);
      rv = pcsc_transmit_raw (self, g_bytes_get_data (apdu, NULL), g_bytes_get_size (apdu), &rapdu);
      /* a card that is gone has no channels left to close */
      if (rv != SCARD_S_SUCCESS)
        break;
    }
    SCardDisconnect (self->card, SCARD_LEAVE_CARD);
  }
  self->connected = FALSE;
  if (self->have_context)
    SCardReleaseContext (self->context);
  self->have_context = FALSE;
  g_clear_pointer (&self->reader, g_free);
  g_clear_pointer (&self->atr, g_bytes_unref);
}

static GPtrArray *
pcsc_list_readers (EsimTransportPcsc *self, GError **error)
{
  GPtrArray *readers = g_ptr_array_new_with_free_func (g_free);
  LPSTR list = NULL;
  DWORD len = SCARD_AUTOALLOCATE;
  LONG rv;

  rv = SCardListReaders (self->context, NULL, (LPSTR) &list, &len);
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    return readers;
  if (rv != SCARD_S_SUCCESS) {
    pcsc_set_error (error, rv, "SCardListReaders", NULL);
    g_ptr_array_unref (readers);
    return NULL;
  }
  /* a multi-string: names ended by NUL, the list by an empty name */
  for (const gchar *p = list; p < list + len && *p != '\0'; p += strlen (p) + 1)
    g_ptr_array_add (readers, g_strdup (p));
  SCardFreeMemory (self->context, list);
  return readers;
}

static gchar *
pcsc_join_readers (GPtrArray *readers)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < readers->len; i++)
    g_string_append_printf (s, "%s“%s”", i > 0 ? ", " : "",
                            (const gchar *) g_ptr_array_index (readers, i));
  if (readers->len == 0)
    g_string_append (s, "none");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gchar *
pcsc_pick_reader (EsimTransportPcsc *self, GError **error)
{
  g_autoptr (GPtrArray) readers = pcsc_list_readers (self, error);
  g_autofree gchar *names = NULL;
  g_autofree SCARD_READERSTATE *states = NULL;
  LONG rv;

  if (readers == NULL)
    return NULL;
  names = pcsc_join_readers (readers);
  if (self->wanted != NULL) {
    for (guint i = 0; i < readers->len; i++) {
      if (g_str_equal (g_ptr_array_index (readers, i), self->wanted))
        return g_strdup (self->wanted);
    }
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                 "no PC/SC reader “%s” (readers: %s)", self->wanted, names);
    return NULL;
  }

  states = g_new0 (SCARD_READERSTATE, MAX (readers->len, 1));
  for (guint i = 0; i < readers->len; i++) {
    states[i].szReader = g_ptr_array_index (readers, i);
    states[i].dwCurrentState = SCARD_STATE_UNAWARE;
  }
  if (readers->len > 0) {
    rv = SCardGetStatusChange (self->context, 0, states, readers->len);
    if (rv != SCARD_S_SUCCESS) {
      pcsc_set_error (error, rv, "SCardGetStatusChange", NULL);
      return NULL;
    }
  }
  for (guint i = 0; i < readers->len; i++) {
    if ((states[i].dwEventState & SCARD_STATE_PRESENT) != 0
        && (states[i].dwEventState & SCARD_STATE_MUTE) == 0)
      return g_strdup (states[i].szReader);
  }
  g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
               "no PC/SC reader holds a card (readers: %s)", names);
  return NULL;
}

/* channels: those of the link being replaced, to give back first */
static gboolean
pcsc_open (EsimTransportPcsc *self, guint32 channels, GError **error)
{
  g_autofree gchar *reader = NULL;
  gchar name[MAX_READERNAME + 1];
  DWORD name_len = sizeof (name);
  DWORD state = 0;
  DWORD protocol = 0;
  BYTE atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof (atr);
  LONG rv;

  pcsc_teardown (self, channels);
  rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &self->context);
  if (rv != SCARD_S_SUCCESS) {
    pcsc_set_error (error, rv, "cannot reach pcscd", NULL);
    return FALSE;
  }
  self->have_context = TRUE;
  reader = pcsc_pick_reader (self, error);
  if (reader == NULL)
    return FALSE;
  rv = SCardConnect (self->context, reader, SCARD_SHARE_SHARED,
                     SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &self->card, &self->protocol);
  if (rv != SCARD_S_SUCCESS) {
    pcsc_set_error (error, rv, "cannot connect to the card", reader);
    return FALSE;
  }
  self->connected = TRUE;
  self->reader = g_steal_pointer (&reader);
  rv = SCardStatus (self->card, name, &name_len, &state, &protocol, atr, &atr_len);
  if (rv != SCARD_S_SUCCESS) {
    pcsc_set_error (error, rv, "SCardStatus", self->reader);
    pcsc_teardown (self, 0);
    return FALSE;
  }
  self->atr = g_bytes_new (atr, atr_len);
  g_debug ("PC/SC: connected to the card in “%s” with T=%d", self->reader,
           self->protocol == SCARD_PROTOCOL_T1 ? 1 : 0);
  return TRUE;
}

/* the presence watch: its own thread and PC/SC context (esim-pcsc-watch.h),
 * so it never waits on the card handle an operation uses; what it saw is
 * acted on here, on the main thread, between the operation's steps */

static void
esim_transport_pcsc_watch_cb (EsimPcscWatchEvent event, gpointer user_data)
{
  EsimTransportPcsc *self = ESIM_TRANSPORT_PCSC (user_data);
  EsimTransport *transport = ESIM_TRANSPORT (self);

  switch (event) {
  case ESIM_PCSC_WATCH_GONE:
    /* an operation in flight fails at its next APDU */
    if (!esim_transport_is_open (transport) || self->gone)
      return;
    g_debug ("PC/SC: the card left “%s”", esim_pcsc_watch_get_reader (self->watch));
    self->gone = TRUE;
    esim_transport_set_gone (transport);
    break;
  case ESIM_PCSC_WATCH_APPEARED:
    if (esim_transport_is_open (transport) && !self->gone)
      return;
    esim_transport_emit_appeared (transport);
    break;
  default:
    g_assert_not_reached ();
  }
}

/* the reader to watch: the one named, else (the first reader with a
 * card) the one the last open found; none while nobody asked */
static void
esim_transport_pcsc_update_watch (EsimTransportPcsc *self)
{
  const gchar *reader = self->wanted != NULL ? self->wanted : self->last_reader;

  if (!esim_transport_get_watch_presence (ESIM_TRANSPORT (self)))
    reader = NULL;
  if (self->watch != NULL && reader != NULL
      && g_strcmp0 (esim_pcsc_watch_get_reader (self->watch), reader) == 0)
    return;
  g_clear_pointer (&self->watch, esim_pcsc_watch_free);
  if (reader != NULL)
    self->watch = esim_pcsc_watch_new (reader, esim_transport_pcsc_watch_cb, self);
}

static void
esim_transport_pcsc_watch_presence_changed (EsimTransport *transport, gboolean watch)
{
  esim_transport_pcsc_update_watch (ESIM_TRANSPORT_PCSC (transport));
}

/* one operation, run in a worker thread */

typedef enum {
  OP_OPEN,
  OP_TRANSMIT,
} OpKind;

typedef struct {
  OpKind kind;
  /* not a reference: the caller's task holds one until the work is done */
  EsimTransportPcsc *self;
  guint generation;
  guint32 channels; /* open: the channels of the link it replaces */
  GBytes *input;    /* the command APDU */
  GBytes *output;   /* the response APDU */
} Op;

static void
op_free (Op *op)
{
  g_clear_pointer (&op->input, g_bytes_unref);
  g_clear_pointer (&op->output, g_bytes_unref);
  g_free (op);
}

static void
esim_transport_pcsc_work (GTask *work, gpointer source, gpointer task_data,
                          GCancellable *cancellable)
{
  Op *op = task_data;
  EsimTransportPcsc *self = op->self;
  GError *error = NULL;
  gboolean ok = FALSE;

  if (g_task_return_error_if_cancelled (work))
    return;
  g_mutex_lock (&self->lock);
  switch (op->kind) {
  case OP_OPEN:
    ok = pcsc_open (self, op->channels, &error);
    break;
  case OP_TRANSMIT:
    op->output = pcsc_exchange (self, op->input, &error);
    ok = op->output != NULL;
    break;
  default:
    g_assert_not_reached ();
  }
  g_mutex_unlock (&self->lock);
  if (ok)
    g_task_return_boolean (work, TRUE);
  else
    g_task_return_error (work, error);
}

/* back on the caller's thread */
static void
esim_transport_pcsc_work_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  Op *op = g_task_get_task_data (task);
  EsimTransportPcsc *self = op->self;
  GError *error = NULL;
  gboolean current = op->generation == self->generation;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (res), &error)) {
    /* a failed open had no link to lose */
    if (current && op->kind != OP_OPEN
        && g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE)) {
      self->gone = TRUE;
      esim_transport_set_gone (ESIM_TRANSPORT (self));
    }
    g_task_return_error (task, error);
    return;
  }
  if (op->kind == OP_OPEN) {
    if (!current) {
      g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN,
                               "the PC/SC transport was closed while it opened");
      return;
    }
    self->gone = FALSE;
    esim_transport_set_open (ESIM_TRANSPORT (self), TRUE);
    g_free (self->last_reader);
    self->last_reader = esim_transport_pcsc_dup_reader (self);
    esim_transport_pcsc_update_watch (self);
  }
  g_task_return_boolean (task, TRUE);
}

static void
esim_transport_pcsc_start (EsimTransport *transport, Op *op, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  EsimTransportPcsc *self = ESIM_TRANSPORT_PCSC (transport);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GTask) work = NULL;

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  /* an exchange that started is not undone: its result stands */
  g_task_set_check_cancellable (task, FALSE);
  if (self->busy) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_BUSY,
                             "another PC/SC operation is in flight");
    return;
  }
  if (op->kind != OP_OPEN && self->gone) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                             "the card in the PC/SC reader went away");
    return;
  }
  if (op->kind != OP_OPEN && !esim_transport_is_open (transport)) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN,
                             "the PC/SC transport is not open");
    return;
  }
  self->busy = TRUE;
  op->self = self;
  op->generation = self->generation;
  /* the worker may drop the last reference to its task: that task holds
   * none to us, so we are never finalized in the worker thread */
  work = g_task_new (NULL, cancellable, esim_transport_pcsc_work_done_cb, g_object_ref (task));
  g_task_set_source_tag (work, esim_transport_pcsc_start);
  g_task_set_task_data (work, op, NULL);
  g_task_set_check_cancellable (work, FALSE);
  g_task_run_in_thread (work, esim_transport_pcsc_work);
}

static gboolean
esim_transport_pcsc_finish_boolean (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
esim_transport_pcsc_open_async (EsimTransport *transport, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = g_new0 (Op, 1);

  op->kind = OP_OPEN;
  /* read here: the base class keeps them on the main thread */
  op->channels = esim_transport_get_apdu_channels (transport);
  esim_transport_pcsc_start (transport, op, cancellable, callback, user_data,
                             esim_transport_pcsc_open_async);
}

static void
esim_transport_pcsc_transmit_async (EsimTransport *transport, guint channel, GBytes *apdu,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  Op *op;

  if (g_bytes_get_size (apdu) < 4 || g_bytes_get_size (apdu) > MAX_BUFFER_SIZE_EXTENDED) {
    g_task_report_new_error (transport, callback, user_data, esim_transport_pcsc_transmit_async,
                             G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "a command APDU of %" G_GSIZE_FORMAT " bytes",
                             g_bytes_get_size (apdu));
    return;
  }
  op = g_new0 (Op, 1);
  op->kind = OP_TRANSMIT;
  op->input = g_bytes_ref (apdu);
  esim_transport_pcsc_start (transport, op, cancellable, callback, user_data,
                             esim_transport_pcsc_transmit_async);
}

static GBytes *
esim_transport_pcsc_transmit_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  Op *op = g_task_get_task_data (G_TASK (res));

  if (!g_task_propagate_boolean (G_TASK (res), error))
    return NULL;
  return g_bytes_ref (op->output);
}

static void
esim_transport_pcsc_close (EsimTransport *transport)
{
  EsimTransportPcsc *self = ESIM_TRANSPORT_PCSC (transport);

  /* a closed transport tells nothing more; the next open watches again */
  g_clear_pointer (&self->watch, esim_pcsc_watch_free);
  /* an operation in flight finishes first; what it opened is closed here
   * and its result no longer counts */
  self->generation++;
  g_mutex_lock (&self->lock);
  pcsc_teardown (self, esim_transport_get_apdu_channels (transport));
  g_mutex_unlock (&self->lock);
}

static void
esim_transport_pcsc_dispose (GObject *object)
{
  esim_transport_pcsc_close (ESIM_TRANSPORT (object));
  G_OBJECT_CLASS (esim_transport_pcsc_parent_class)->dispose (object);
}

static void
esim_transport_pcsc_finalize (GObject *object)
{
  EsimTransportPcsc *self = ESIM_TRANSPORT_PCSC (object);

  g_mutex_clear (&self->lock);
  g_free (self->wanted);
  g_free (self->last_reader);
  G_OBJECT_CLASS (esim_transport_pcsc_parent_class)->finalize (object);
}

static void
esim_transport_pcsc_init (EsimTransportPcsc *self)
{
  g_mutex_init (&self->lock);
}

static void
esim_transport_pcsc_class_init (EsimTransportPcscClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  EsimTransportClass *transport_class = ESIM_TRANSPORT_CLASS (klass);

  object_class->dispose = esim_transport_pcsc_dispose;
  object_class->finalize = esim_transport_pcsc_finalize;
  transport_class->open_async = esim_transport_pcsc_open_async;
  transport_class->open_finish = esim_transport_pcsc_finish_boolean;
  /* logical channels: the base class's MANAGE CHANNEL and SELECT APDUs,
   * each an exchange of its own in the worker */
  transport_class->transmit_async = esim_transport_pcsc_transmit_async;
  transport_class->transmit_finish = esim_transport_pcsc_transmit_finish;
  transport_class->close = esim_transport_pcsc_close;
  transport_class->watch_presence_changed = esim_transport_pcsc_watch_presence_changed;
}
