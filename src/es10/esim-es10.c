/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-apdu.h"
#include "esim-es10-private.h"

/* GET RESPONSE chains beyond this are a card gone mad, not a profile list */
#define ESIM_ES10_MAX_RESPONSE (1024 * 1024)
/* 6Cxx answers in a row before we stop believing the card */
#define ESIM_ES10_MAX_LE_RETRIES 3
/* P2 numbers the blocks of one command from 0 to 255 */
#define ESIM_ES10_MAX_BLOCKS 256
#define ESIM_ES10_MAX_REQUEST (ESIM_ES10_MAX_BLOCKS * ESIM_ES10_SEGMENT_SIZE)

/* the ISD-R of SGP.22 first, then those of removable eUICCs that answer
 * on an AID of their own (as collected by EasyLPAC and OpenEUICC) */
static const gchar *const esim_es10_known_isdr_aids[] = {
  ESIM_ES10_ISDR_AID,
  "A0000005591010FFFFFFFF8900050500", /* 5ber */
  "A0000005591010000000008900000300", /* eSIM.me */
  "A0000005591010FFFFFFFF8900000177", /* XeSIM */
  "A000000559104C696E6B736669656C64", /* LinksField */
  "A06573746B6D65FFFF4953442D522030", /* eSTK.me SE0 */
  "A06573746B6D65FFFF4953442D522031", /* eSTK.me SE1 */
  "A06573746B6D65FFFFFFFF4953442D52", /* eSTK.me, older */
  NULL,
};

struct _EsimEs10 {
  GObject parent_instance;

  EsimTransport *transport;
  gulong gone_id;
  GBytes *isdr_aid;
  gboolean isdr_aid_fixed; /* configured, or found: no other is tried */
  guint segment_size;
  GBytes *select_response;
  guint channel;
  gboolean open;
  gboolean gone;
  /* a STORE DATA sequence was left unfinished (cancelled or failed) */
  gboolean abandoned_sequence;

  GQueue queue;   /* of GTask, waiting for their turn */
  GTask *current; /* the job talking to the card, owned */

  guint64 apdu_count;
  guint64 segment_count;
};

G_DEFINE_TYPE (EsimEs10, esim_es10, G_TYPE_OBJECT)

enum { PROP_0, PROP_TRANSPORT, PROP_ISDR_AID, PROP_SEGMENT_SIZE, N_PROPS };
static GParamSpec *props[N_PROPS];

typedef void (*EsimEs10JobStart) (GTask *task);

/* the task data of every queued call */
typedef struct {
  EsimEs10JobStart start;
  GSource *cancel_source; /* while waiting in the queue */

  /* transact */
  GBytes *request;
  const gchar *function;
  gsize offset; /* of the block being sent */
  gsize block_len;
  guint block;
  gboolean last_sent; /* the card has the whole command and has acted */
  GByteArray *response;
  /* the last APDU, to send again with the Le a 6Cxx asks for */
  guint8 ins;
  guint8 p1;
  guint8 p2;
  guint le_retries;
  gboolean restarted; /* block 0 sent again after an abandoned sequence */

  /* open: the candidate ISD-R AID being selected */
  guint aid_index;
  GBytes *aid;
} EsimEs10Job;

static void
esim_es10_job_free (EsimEs10Job *job)
{
  if (job->cancel_source != NULL) {
    g_source_destroy (job->cancel_source);
    g_source_unref (job->cancel_source);
  }
  g_clear_pointer (&job->request, g_bytes_unref);
  g_clear_pointer (&job->response, g_byte_array_unref);
  g_clear_pointer (&job->aid, g_bytes_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimEs10Job, esim_es10_job_free)

EsimEs10 *
esim_es10_new (EsimTransport *transport, GBytes *isdr_aid)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (transport), NULL);
  return g_object_new (ESIM_TYPE_ES10, "transport", transport, "isdr-aid", isdr_aid, NULL);
}

EsimTransport *
esim_es10_get_transport (EsimEs10 *self)
{
  g_return_val_if_fail (ESIM_IS_ES10 (self), NULL);
  return self->transport;
}

GBytes *
esim_es10_get_isdr_aid (EsimEs10 *self)
{
  g_return_val_if_fail (ESIM_IS_ES10 (self), NULL);
  return self->isdr_aid;
}

const gchar *const *
esim_es10_get_known_isdr_aids (void)
{
  return esim_es10_known_isdr_aids;
}

guint
esim_es10_get_segment_size (EsimEs10 *self)
{
  g_return_val_if_fail (ESIM_IS_ES10 (self), ESIM_ES10_SEGMENT_SIZE);
  return self->segment_size;
}

void
esim_es10_set_segment_size (EsimEs10 *self, guint segment_size)
{
  g_return_if_fail (ESIM_IS_ES10 (self));
  segment_size = CLAMP (segment_size, ESIM_ES10_SEGMENT_SIZE_MIN, ESIM_ES10_SEGMENT_SIZE);
  if (self->segment_size == segment_size)
    return;
  self->segment_size = segment_size;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SEGMENT_SIZE]);
}

gboolean
esim_es10_is_open (EsimEs10 *self)
{
  g_return_val_if_fail (ESIM_IS_ES10 (self), FALSE);
  return self->open;
}

guint
esim_es10_get_channel (EsimEs10 *self)
{
  g_return_val_if_fail (ESIM_IS_ES10 (self), 0);
  return self->open ? self->channel : 0;
}

GBytes *
esim_es10_get_select_response (EsimEs10 *self)
{
  g_return_val_if_fail (ESIM_IS_ES10 (self), NULL);
  return self->open ? self->select_response : NULL;
}

guint64
esim_es10_get_apdu_count (EsimEs10 *self)
{
  g_return_val_if_fail (ESIM_IS_ES10 (self), 0);
  return self->apdu_count;
}

guint64
esim_es10_get_segment_count (EsimEs10 *self)
{
  g_return_val_if_fail (ESIM_IS_ES10 (self), 0);
  return self->segment_count;
}

/* the queue */

static void esim_es10_queue_next (EsimEs10 *self);

static gboolean
esim_es10_queued_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEs10 *self = g_task_get_source_object (task);
  EsimEs10Job *job = g_task_get_task_data (task);

  /* a call still waiting for its turn ends now, not when its turn comes */
  g_queue_remove (&self->queue, task);
  g_clear_pointer (&job->cancel_source, g_source_unref);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* takes the task */
static void
esim_es10_enqueue (EsimEs10 *self, GTask *task, EsimEs10Job *job, EsimEs10JobStart start)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  job->start = start;
  g_task_set_task_data (task, job, (GDestroyNotify) esim_es10_job_free);
  if (cancellable != NULL) {
    job->cancel_source = g_cancellable_source_new (cancellable);
    g_source_set_callback (job->cancel_source, G_SOURCE_FUNC (esim_es10_queued_cancelled_cb), task,
                           NULL);
    g_source_attach (job->cancel_source, g_task_get_context (task));
  }
  g_queue_push_tail (&self->queue, task);
  esim_es10_queue_next (self);
}

static void
esim_es10_queue_next (EsimEs10 *self)
{
  GTask *task;

  while (self->current == NULL && (task = g_queue_pop_head (&self->queue)) != NULL) {
    EsimEs10Job *job = g_task_get_task_data (task);

    if (job->cancel_source != NULL) {
      g_source_destroy (job->cancel_source);
      g_clear_pointer (&job->cancel_source, g_source_unref);
    }
    if (g_task_return_error_if_cancelled (task)) {
      g_object_unref (task);
      continue;
    }
    self->current = task;
    job->start (task);
  }
}

/* ends the current job; the task's callback may drop the last reference
 * to self, and may queue more */
static void
esim_es10_job_done (GTask *task)
{
  g_autoptr (EsimEs10) self = g_object_ref (g_task_get_source_object (task));

  g_assert (self->current == task);
  self->current = NULL;
  g_object_unref (task);
  esim_es10_queue_next (self);
}

static void
esim_es10_job_return_error (GTask *task, GError *error)
{
  g_task_return_error (task, error);
  esim_es10_job_done (task);
}

static void
esim_es10_job_return_boolean (GTask *task, gboolean value)
{
  g_task_return_boolean (task, value);
  esim_es10_job_done (task);
}

static gboolean
esim_es10_check_open (EsimEs10 *self, GError **error)
{
  if (self->open)
    return TRUE;
  if (self->gone) {
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                 "the eUICC at %s went away", esim_transport_get_device (self->transport));
    return FALSE;
  }
  g_set_error_literal (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN,
                       "no channel to the ISD-R is open");
  return FALSE;
}

static void
esim_es10_transport_gone_cb (EsimTransport *transport, gpointer user_data)
{
  /* a failed caller may drop its last reference to us */
  g_autoptr (EsimEs10) self = g_object_ref (ESIM_ES10 (user_data));
  GTask *task;

  self->open = FALSE;
  self->gone = TRUE;
  self->channel = 0;
  g_clear_pointer (&self->select_response, g_bytes_unref);
  /* the job in flight hears it from its own transport call */
  while ((task = g_queue_pop_head (&self->queue)) != NULL) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                             "the eUICC at %s went away",
                             esim_transport_get_device (self->transport));
    g_object_unref (task);
  }
}

/* open */

static void esim_es10_open_select (GTask *task);

static void
esim_es10_open_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEs10 *self = g_task_get_source_object (task);
  EsimEs10Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) select_response = NULL;
  guint channel = 0;

  if (!esim_transport_open_channel_finish (self->transport, res, &channel, &select_response,
                                           &error)) {
    /* not this card's ISD-R: the next known one */
    if (!self->isdr_aid_fixed
        && g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND)
        && esim_es10_known_isdr_aids[job->aid_index + 1] != NULL) {
      g_debug ("no ISD-R at %s: %s", esim_es10_known_isdr_aids[job->aid_index], error->message);
      g_clear_error (&error);
      job->aid_index++;
      esim_es10_open_select (task);
      return;
    }
    g_prefix_error (&error, "cannot select the ISD-R: ");
    esim_es10_job_return_error (task, error);
    return;
  }
  /* the next open selects this one directly */
  if (!self->isdr_aid_fixed) {
    if (job->aid_index > 0)
      g_message ("the ISD-R of the eUICC at %s answers on %s",
                 esim_transport_get_device (self->transport),
                 esim_es10_known_isdr_aids[job->aid_index]);
    g_clear_pointer (&self->isdr_aid, g_bytes_unref);
    self->isdr_aid = g_bytes_ref (job->aid);
    self->isdr_aid_fixed = TRUE;
  }
  self->channel = channel;
  g_clear_pointer (&self->select_response, g_bytes_unref);
  self->select_response = g_steal_pointer (&select_response);
  self->open = TRUE;
  self->gone = FALSE;
  g_debug ("ISD-R selected on logical channel %u", channel);
  esim_es10_job_return_boolean (task, TRUE);
}

static void
esim_es10_open_select (GTask *task)
{
  EsimEs10 *self = g_task_get_source_object (task);
  EsimEs10Job *job = g_task_get_task_data (task);

  g_clear_pointer (&job->aid, g_bytes_unref);
  job->aid = self->isdr_aid_fixed
               ? g_bytes_ref (self->isdr_aid)
               : esim_hex_decode (esim_es10_known_isdr_aids[job->aid_index], NULL);
  esim_transport_open_channel_async (self->transport, job->aid, g_task_get_cancellable (task),
                                     esim_es10_open_channel_cb, task);
}

static void
esim_es10_open_transport_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEs10 *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!esim_transport_open_finish (self->transport, res, &error)) {
    esim_es10_job_return_error (task, error);
    return;
  }
  esim_es10_open_select (task);
}

static void
esim_es10_open_start (GTask *task)
{
  EsimEs10 *self = g_task_get_source_object (task);

  if (self->open) {
    esim_es10_job_return_boolean (task, TRUE);
    return;
  }
  if (!esim_transport_is_open (self->transport)) {
    esim_transport_open_async (self->transport, g_task_get_cancellable (task),
                               esim_es10_open_transport_cb, task);
    return;
  }
  esim_es10_open_select (task);
}

void
esim_es10_open_async (EsimEs10 *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  GTask *task;

  g_return_if_fail (ESIM_IS_ES10 (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, esim_es10_open_async);
  esim_es10_enqueue (self, task, g_new0 (EsimEs10Job, 1), esim_es10_open_start);
}

gboolean
esim_es10_open_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* close */

static void
esim_es10_close_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEs10 *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!esim_transport_close_channel_finish (self->transport, res, &error)) {
    esim_es10_job_return_error (task, error);
    return;
  }
  esim_es10_job_return_boolean (task, TRUE);
}

static void
esim_es10_close_start (GTask *task)
{
  EsimEs10 *self = g_task_get_source_object (task);
  guint channel = self->channel;

  if (!self->open) {
    esim_es10_job_return_boolean (task, TRUE);
    return;
  }
  /* whatever the card answers, the channel is no longer ours */
  self->open = FALSE;
  self->channel = 0;
  g_clear_pointer (&self->select_response, g_bytes_unref);
  esim_transport_close_channel_async (self->transport, channel, g_task_get_cancellable (task),
                                      esim_es10_close_channel_cb, task);
}

void
esim_es10_close_async (EsimEs10 *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  GTask *task;

  g_return_if_fail (ESIM_IS_ES10 (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, esim_es10_close_async);
  esim_es10_enqueue (self, task, g_new0 (EsimEs10Job, 1), esim_es10_close_start);
}

gboolean
esim_es10_close_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* transact: STORE DATA blocks, then GET RESPONSE while the card has more */

static void esim_es10_transact_send_block (GTask *task);

/* ends a transact that stopped before its last block: the card may hold
 * the blocks it acknowledged */
static void
esim_es10_transact_abandon (GTask *task, GError *error)
{
  EsimEs10 *self = g_task_get_source_object (task);
  EsimEs10Job *job = g_task_get_task_data (task);

  if (job->block > 0 && !job->last_sent)
    self->abandoned_sequence = TRUE;
  esim_es10_job_return_error (task, error);
}

static void
esim_es10_transact_fail (GTask *task, GError *error)
{
  EsimEs10Job *job = g_task_get_task_data (task);

  g_prefix_error (&error, "%s: ", job->function);
  esim_es10_transact_abandon (task, error);
}

static void esim_es10_transmit_cb (GObject *source, GAsyncResult *res, gpointer user_data);

/* le: -1 for none */
static void
esim_es10_transmit (GTask *task, guint8 cla_base, guint8 ins, guint8 p1, guint8 p2,
                    const guint8 *data, gsize lc, gint le)
{
  EsimEs10 *self = g_task_get_source_object (task);
  EsimEs10Job *job = g_task_get_task_data (task);
  g_autoptr (GBytes) apdu = NULL;

  job->ins = ins;
  job->p1 = p1;
  job->p2 = p2;
  apdu = esim_apdu_encode (esim_apdu_cla_for_channel (cla_base, self->channel), ins, p1, p2, data,
                           lc, le);
  self->apdu_count++;
  /* no cancellable: an exchange cut in half leaves the link out of step,
   * which the transports treat as a card that went away */
  esim_transport_transmit_async (self->transport, self->channel, apdu, NULL, esim_es10_transmit_cb,
                                 task);
}

static void
esim_es10_transact_get_response (GTask *task, gint le)
{
  esim_es10_transmit (task, 0x00, ESIM_APDU_INS_GET_RESPONSE, 0x00, 0x00, NULL, 0, le);
}

static void
esim_es10_transact_send_block (GTask *task)
{
  EsimEs10 *self = g_task_get_source_object (task);
  EsimEs10Job *job = g_task_get_task_data (task);
  gsize total = g_bytes_get_size (job->request);
  const guint8 *data = g_bytes_get_data (job->request, NULL);
  gboolean last;
  GError *error = NULL;

  /* nothing has happened on the card until the last block is there, so
   * stopping between blocks is safe; the card keeps the blocks it has until
   * the next command starts again at block 0, which some cards (and the
   * simulator) refuse once with 6A86 while dropping the leftovers; the next
   * command then sends its block 0 again, see transmit_cb */
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error)) {
    if (job->block > 0)
      g_debug ("%s cancelled after %u of its STORE DATA blocks", job->function, job->block);
    esim_es10_transact_abandon (task, error);
    return;
  }
  if (job->block >= ESIM_ES10_MAX_BLOCKS) {
    esim_es10_transact_fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                "%" G_GSIZE_FORMAT " bytes take more than %d "
                                                "STORE DATA blocks of %u bytes",
                                                total, ESIM_ES10_MAX_BLOCKS, self->segment_size));
    return;
  }
  job->block_len = MIN (total - job->offset, (gsize) self->segment_size);
  last = job->offset + job->block_len == total;
  job->last_sent = last;
  self->segment_count++;
  esim_es10_transmit (task, 0x80, ESIM_APDU_INS_STORE_DATA, last ? 0x91 : 0x11, (guint8) job->block,
                      data + job->offset, job->block_len, -1);
}

static void
esim_es10_transact_retry_le (GTask *task, gint le)
{
  EsimEs10Job *job = g_task_get_task_data (task);
  const guint8 *data = g_bytes_get_data (job->request, NULL);

  if (job->ins == ESIM_APDU_INS_GET_RESPONSE)
    esim_es10_transact_get_response (task, le);
  else
    esim_es10_transmit (task, 0x80, job->ins, job->p1, job->p2, data + job->offset, job->block_len,
                        le);
}

/* a STORE DATA block refused as too long: TRUE when the command starts
 * again in smaller blocks */
static gboolean
esim_es10_segment_too_long (EsimEs10 *self, EsimEs10Job *job, guint16 sw)
{
  GTask *task = self->current;
  guint smaller;

  if (job->ins != ESIM_APDU_INS_STORE_DATA || (sw != 0x6700 && sw != 0x6601))
    return FALSE;
  smaller = self->segment_size > ESIM_ES10_SEGMENT_SIZE_FALLBACK ? ESIM_ES10_SEGMENT_SIZE_FALLBACK
                                                                 : ESIM_ES10_SEGMENT_SIZE_MIN;
  if (job->block_len <= smaller || self->segment_size <= smaller)
    return FALSE;
  g_message ("the eUICC at %s refused a STORE DATA block of %" G_GSIZE_FORMAT
             " bytes (%04X); using blocks of %u bytes",
             esim_transport_get_device (self->transport), job->block_len, sw, smaller);
  esim_es10_set_segment_size (self, smaller);
  /* a card that kept the blocks before may refuse block 0 once */
  self->abandoned_sequence = job->block > 0;
  job->restarted = FALSE;
  job->offset = 0;
  job->block = 0;
  job->last_sent = FALSE;
  job->le_retries = 0;
  esim_es10_transact_send_block (task);
  return TRUE;
}

static void
esim_es10_transmit_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEs10 *self = g_task_get_source_object (task);
  EsimEs10Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) rapdu = NULL;
  g_autoptr (GBytes) body = NULL;
  guint16 sw = 0;
  gsize body_len;

  rapdu = esim_transport_transmit_finish (ESIM_TRANSPORT (source), res, &error);
  if (rapdu == NULL || !esim_apdu_parse_response (rapdu, &body, &sw, &error)) {
    esim_es10_transact_fail (task, error);
    return;
  }
  body_len = g_bytes_get_size (body);

  /* the leftovers of an abandoned sequence made the card refuse our first
   * block; it has dropped them now, so once more from the start */
  if (job->block == 0 && sw == 0x6A86 && self->abandoned_sequence && !job->restarted) {
    g_debug ("%s: card still held an abandoned command, sending block 0 again", job->function);
    self->abandoned_sequence = FALSE;
    job->restarted = TRUE;
    job->last_sent = FALSE;
    esim_es10_transact_send_block (task);
    return;
  }
  if (job->block == 0)
    self->abandoned_sequence = FALSE;

  /* a card with a smaller buffer than the standard block: it dropped the
   * command, which goes again from the start in smaller blocks */
  if (esim_es10_segment_too_long (self, job, sw))
    return;

  /* a block before the last is only stored; the card has nothing to say */
  if (!job->last_sent) {
    if (sw == ESIM_APDU_SW_OK && body_len == 0) {
      job->offset += job->block_len;
      job->block++;
      esim_es10_transact_send_block (task);
      return;
    }
    if ((sw & 0xff00) == 0x6100 || (esim_apdu_check_sw (sw, NULL) && body_len > 0)) {
      esim_es10_transact_fail (task, g_error_new (ESIM_ES10_ERROR, ESIM_ES10_ERROR_PROTOCOL,
                                                  "card answered STORE DATA block %u of a longer "
                                                  "command with data (%04X)",
                                                  job->block, sw));
      return;
    }
    if (!esim_apdu_check_sw (sw, &error)) {
      esim_es10_transact_fail (task, error);
      return;
    }
    /* 91xx, 92xx without data: stored all the same */
    job->offset += job->block_len;
    job->block++;
    esim_es10_transact_send_block (task);
    return;
  }

  /* wrong Le: the command was not executed, send it again as told */
  if ((sw & 0xff00) == 0x6C00) {
    if (++job->le_retries > ESIM_ES10_MAX_LE_RETRIES) {
      esim_es10_transact_fail (task, g_error_new (ESIM_ES10_ERROR, ESIM_ES10_ERROR_PROTOCOL,
                                                  "card keeps asking for another Le (%04X)", sw));
      return;
    }
    esim_es10_transact_retry_le (task, (sw & 0xff) == 0 ? 256 : (sw & 0xff));
    return;
  }
  job->le_retries = 0;
  if (job->response->len + body_len > ESIM_ES10_MAX_RESPONSE) {
    esim_es10_transact_fail (task,
                             g_error_new (ESIM_ES10_ERROR, ESIM_ES10_ERROR_RESPONSE_TOO_LARGE,
                                          "response exceeds %d bytes", ESIM_ES10_MAX_RESPONSE));
    return;
  }
  g_byte_array_append (job->response, g_bytes_get_data (body, NULL), (guint) body_len);
  if ((sw & 0xff00) == 0x6100) {
    esim_es10_transact_get_response (task, (sw & 0xff) == 0 ? 256 : (sw & 0xff));
    return;
  }
  if (!esim_apdu_check_sw (sw, &error)) {
    esim_es10_transact_fail (task, error);
    return;
  }
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&job->response)),
                         (GDestroyNotify) g_bytes_unref);
  esim_es10_job_done (task);
}

static void
esim_es10_transact_start (GTask *task)
{
  EsimEs10 *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!esim_es10_check_open (self, &error)) {
    esim_es10_transact_fail (task, error);
    return;
  }
  esim_es10_transact_send_block (task);
}

void
esim_es10_transact_async (EsimEs10 *self, GBytes *request, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (EsimEs10Job) job = NULL;
  GTask *task;
  gsize len;

  g_return_if_fail (ESIM_IS_ES10 (self));
  g_return_if_fail (request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, esim_es10_transact_async);
  len = g_bytes_get_size (request);
  if (len == 0 || len > ESIM_ES10_MAX_REQUEST) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "an ES10 command has 1 to %d bytes, not %" G_GSIZE_FORMAT,
                             ESIM_ES10_MAX_REQUEST, len);
    g_object_unref (task);
    return;
  }
  job = g_new0 (EsimEs10Job, 1);
  job->request = g_bytes_ref (request);
  job->response = g_byte_array_new ();
  /* errors name the function from the request's outer tag */
  {
    EsimTlv header;
    job->function = esim_es10_function_name (
      esim_tlv_parse_header (g_bytes_get_data (request, NULL), len, &header, NULL) ? header.tag
                                                                                   : 0);
  }
  esim_es10_enqueue (self, task, g_steal_pointer (&job), esim_es10_transact_start);
}

GBytes *
esim_es10_transact_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* commands: transact, then a parser */

typedef struct {
  EsimEs10ParseFunc parse;
  EsimEs10CheckFunc check;
  GDestroyNotify free_func;
} EsimEs10Command;

static void
esim_es10_command_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimEs10Command *cmd = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) response = NULL;
  gpointer result;

  response = esim_es10_transact_finish (ESIM_ES10 (source), res, &error);
  if (response == NULL) {
    g_task_return_error (task, error);
    return;
  }
  if (cmd->check != NULL) {
    if (!cmd->check (response, &error))
      g_task_return_error (task, error);
    else
      g_task_return_boolean (task, TRUE);
    return;
  }
  result = cmd->parse (response, &error);
  if (result == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, result, cmd->free_func);
}

static void
esim_es10_command_start (EsimEs10 *self, GBytes *request, GError *request_error,
                         EsimEs10Command *cmd, gpointer source_tag, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, cmd, g_free);
  if (request == NULL) {
    g_task_return_error (task, request_error);
    g_object_unref (task);
    return;
  }
  esim_es10_transact_async (self, request, cancellable, esim_es10_command_cb, task);
}

void
esim_es10_command_async (EsimEs10 *self, GBytes *request, GError *request_error,
                         EsimEs10ParseFunc parse, GDestroyNotify free_func, gpointer source_tag,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  EsimEs10Command *cmd = g_new0 (EsimEs10Command, 1);

  cmd->parse = parse;
  cmd->free_func = free_func;
  esim_es10_command_start (self, request, request_error, cmd, source_tag, cancellable, callback,
                           user_data);
}

gpointer
esim_es10_command_finish (EsimEs10 *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
esim_es10_check_command_async (EsimEs10 *self, GBytes *request, GError *request_error,
                               EsimEs10CheckFunc check, gpointer source_tag,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  EsimEs10Command *cmd = g_new0 (EsimEs10Command, 1);

  cmd->check = check;
  esim_es10_command_start (self, request, request_error, cmd, source_tag, cancellable, callback,
                           user_data);
}

gboolean
esim_es10_check_command_finish (EsimEs10 *self, GAsyncResult *result, gpointer source_tag,
                                GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
esim_es10_add_profile_id (EsimTlvBuilder *builder, const gchar *iccid, GBytes *isdp_aid,
                          GError **error)
{
  guint8 bcd[ESIM_ICCID_BCD_SIZE];
  gsize aid_len;

  if ((iccid == NULL) == (isdp_aid == NULL)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "a profile is named by its ICCID or by its ISD-P AID");
    return FALSE;
  }
  if (iccid != NULL) {
    if (!esim_iccid_to_bcd_buf (iccid, bcd, error))
      return FALSE;
    esim_tlv_builder_add (builder, 0x5A, bcd, sizeof (bcd));
    return TRUE;
  }
  aid_len = g_bytes_get_size (isdp_aid);
  if (aid_len < 1 || aid_len > 16) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "an ISD-P AID has 1 to 16 bytes, not %" G_GSIZE_FORMAT, aid_len);
    return FALSE;
  }
  esim_tlv_builder_add_bytes (builder, 0x4F, isdp_aid);
  return TRUE;
}

/* object */

static void
esim_es10_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimEs10 *self = ESIM_ES10 (object);

  switch (prop_id) {
  case PROP_TRANSPORT:
    g_value_set_object (value, self->transport);
    break;
  case PROP_ISDR_AID:
    g_value_set_boxed (value, self->isdr_aid);
    break;
  case PROP_SEGMENT_SIZE:
    g_value_set_uint (value, self->segment_size);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_es10_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EsimEs10 *self = ESIM_ES10 (object);

  switch (prop_id) {
  case PROP_TRANSPORT:
    self->transport = g_value_dup_object (value);
    break;
  case PROP_ISDR_AID:
    self->isdr_aid = g_value_dup_boxed (value);
    break;
  case PROP_SEGMENT_SIZE:
    esim_es10_set_segment_size (self, g_value_get_uint (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_es10_constructed (GObject *object)
{
  EsimEs10 *self = ESIM_ES10 (object);

  G_OBJECT_CLASS (esim_es10_parent_class)->constructed (object);
  self->isdr_aid_fixed = self->isdr_aid != NULL;
  if (self->isdr_aid == NULL)
    self->isdr_aid = esim_hex_decode (ESIM_ES10_ISDR_AID, NULL);
  self->gone_id
    = g_signal_connect (self->transport, "gone", G_CALLBACK (esim_es10_transport_gone_cb), self);
}

static void
esim_es10_dispose (GObject *object)
{
  EsimEs10 *self = ESIM_ES10 (object);

  /* queued tasks hold references to us, so the queue is empty here */
  if (self->transport != NULL)
    g_clear_signal_handler (&self->gone_id, self->transport);
  g_clear_object (&self->transport);
  G_OBJECT_CLASS (esim_es10_parent_class)->dispose (object);
}

static void
esim_es10_finalize (GObject *object)
{
  EsimEs10 *self = ESIM_ES10 (object);

  g_clear_pointer (&self->isdr_aid, g_bytes_unref);
  g_clear_pointer (&self->select_response, g_bytes_unref);
  G_OBJECT_CLASS (esim_es10_parent_class)->finalize (object);
}

static void
esim_es10_init (EsimEs10 *self)
{
  g_queue_init (&self->queue);
  self->segment_size = ESIM_ES10_SEGMENT_SIZE;
}

static void
esim_es10_class_init (EsimEs10Class *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = esim_es10_get_property;
  object_class->set_property = esim_es10_set_property;
  object_class->constructed = esim_es10_constructed;
  object_class->dispose = esim_es10_dispose;
  object_class->finalize = esim_es10_finalize;

  props[PROP_TRANSPORT]
    = g_param_spec_object ("transport", NULL, NULL, ESIM_TYPE_TRANSPORT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* NULL for the standard ISD-R AID */
  props[PROP_ISDR_AID]
    = g_param_spec_boxed ("isdr-aid", NULL, NULL, G_TYPE_BYTES,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_SEGMENT_SIZE] = g_param_spec_uint (
    "segment-size", NULL, NULL, ESIM_ES10_SEGMENT_SIZE_MIN, ESIM_ES10_SEGMENT_SIZE,
    ESIM_ES10_SEGMENT_SIZE, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}
