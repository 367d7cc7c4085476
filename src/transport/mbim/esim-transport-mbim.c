/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-apdu.h"
#include "esim-transport-mbim-private.h"

/* seconds; STORE DATA during LoadBoundProfilePackage installs the profile
 * and some modems answer only after tens of seconds */
#define MBIM_OPEN_TIMEOUT 30
#define MBIM_APDU_TIMEOUT 120

/* the tag that groups our logical channels on the modem */
#define MBIM_CHANNEL_GROUP 1

/* SELECT P2 of Open Channel: 04 (return FCP) is what ModemManager and
 * ChromeOS send and most modems take; some only take 00 (FCI) or 0C */
static const guint8 select_p2_variants[] = { 0x04, 0x00, 0x0C };

G_DEFINE_TYPE (EsimTransportMbim, esim_transport_mbim, ESIM_TYPE_TRANSPORT)

enum { PROP_0, PROP_SLOT, PROP_PROXY, N_PROPS };
static GParamSpec *props[N_PROPS];

EsimTransport *
esim_transport_mbim_new (const gchar *device, guint slot)
{
  return g_object_new (ESIM_TYPE_TRANSPORT_MBIM, "kind", "mbim", "device", device, "slot", slot,
                       NULL);
}

/* one call: its own cancellable so that a removed device aborts it at once */

typedef struct {
  GCancellable *cancel;
  GSource *caller_cancel;
  GBytes *aid;
  guint attempts;
  GString *tried;
  GBytes *apdu;
  guint channel;
  GBytes *fci;
  MbimUiccClassByteType class_byte_type;
  gboolean retried;
  GError *first_error;
} Op;

static void
op_free (Op *op)
{
  if (op->caller_cancel != NULL) {
    g_source_destroy (op->caller_cancel);
    g_source_unref (op->caller_cancel);
  }
  g_clear_object (&op->cancel);
  g_clear_pointer (&op->aid, g_bytes_unref);
  g_clear_pointer (&op->apdu, g_bytes_unref);
  g_clear_pointer (&op->fci, g_bytes_unref);
  if (op->tried != NULL)
    g_string_free (op->tried, TRUE);
  g_clear_error (&op->first_error);
  g_free (op);
}

static gboolean
op_caller_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  /* from the main loop, never inside the caller's g_cancellable_cancel() */
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static GTask *
op_new (EsimTransportMbim *self, gpointer source_tag, GCancellable *cancellable,
        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  op->cancel = g_cancellable_new ();
  if (cancellable != NULL) {
    op->caller_cancel = g_cancellable_source_new (cancellable);
    g_source_set_callback (op->caller_cancel, G_SOURCE_FUNC (op_caller_cancelled_cb), op->cancel,
                           NULL);
    g_source_attach (op->caller_cancel, g_main_context_get_thread_default ());
  }
  return task;
}

/* TRUE when the call may start; answers the task otherwise */
static gboolean
op_start (EsimTransportMbim *self, GTask *task)
{
  if (self->device == NULL) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR,
                             self->gone ? ESIM_TRANSPORT_ERROR_GONE : ESIM_TRANSPORT_ERROR_NOT_OPEN,
                             self->gone ? "MBIM device %s went away" : "MBIM device %s is not open",
                             esim_transport_get_device (ESIM_TRANSPORT (self)));
    g_object_unref (task);
    return FALSE;
  }
  if (self->pending != NULL) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_BUSY,
                             "another MBIM request is in flight");
    g_object_unref (task);
    return FALSE;
  }
  if (g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return FALSE;
  }
  self->pending = task;
  return TRUE;
}

static void
op_return_error (GTask *task, GError *error)
{
  EsimTransportMbim *self = g_task_get_source_object (task);

  if (self->pending == task)
    self->pending = NULL;
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
op_return_boolean (GTask *task)
{
  EsimTransportMbim *self = g_task_get_source_object (task);

  if (self->pending == task)
    self->pending = NULL;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
esim_transport_mbim_command (EsimTransportMbim *self, GTask *task, MbimMessage *message,
                             guint timeout, GAsyncReadyCallback callback)
{
  Op *op = g_task_get_task_data (task);

  mbim_device_command (self->device, message, timeout, op->cancel, callback, task);
}

/* libmbim and MBIM status errors in the transport's terms */
GError *
esim_transport_mbim_map_error (EsimTransportMbim *self, GTask *task, GError *error,
                               const gchar *what)
{
  const gchar *device = esim_transport_get_device (ESIM_TRANSPORT (self));
  EsimTransportError code = ESIM_TRANSPORT_ERROR_FAILED;
  GError *mapped;

  if (g_task_get_cancellable (task) != NULL
      && g_cancellable_is_cancelled (g_task_get_cancellable (task))) {
    g_error_free (error);
    return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s: cancelled", what);
  }
  if (error->domain == MBIM_STATUS_ERROR) {
    switch (error->code) {
    case MBIM_STATUS_ERROR_BUSY:
      code = ESIM_TRANSPORT_ERROR_BUSY;
      break;
    case MBIM_STATUS_ERROR_SIM_NOT_INSERTED:
    case MBIM_STATUS_ERROR_BAD_SIM:
      code = ESIM_TRANSPORT_ERROR_GONE;
      break;
    default:
      code = ESIM_TRANSPORT_ERROR_FAILED;
      break;
    }
  } else if (error->domain == MBIM_PROTOCOL_ERROR) {
    code = ESIM_TRANSPORT_ERROR_PROTOCOL;
  } else if (g_error_matches (error, MBIM_CORE_ERROR, MBIM_CORE_ERROR_ABORTED)
             || g_error_matches (error, MBIM_CORE_ERROR, MBIM_CORE_ERROR_WRONG_STATE)
             || error->domain == G_IO_ERROR) {
    /* aborted by us because the device went, or written to a closed one */
    code = self->device == NULL ? ESIM_TRANSPORT_ERROR_GONE : ESIM_TRANSPORT_ERROR_FAILED;
  } else if (g_error_matches (error, MBIM_CORE_ERROR, MBIM_CORE_ERROR_INVALID_MESSAGE)) {
    code = ESIM_TRANSPORT_ERROR_PROTOCOL;
  }
  mapped = g_error_new (ESIM_TRANSPORT_ERROR, code, "%s on MBIM device %s: %s", what, device,
                        error->message);
  g_error_free (error);
  return mapped;
}

/* the response of a command, its MBIM status checked */
MbimMessage *
esim_transport_mbim_command_finish (GTask *task, GObject *source, GAsyncResult *res,
                                    const gchar *what, GError **error)
{
  EsimTransportMbim *self = g_task_get_source_object (task);
  g_autoptr (MbimMessage) response = NULL;
  GError *inner = NULL;

  response = mbim_device_command_finish (MBIM_DEVICE (source), res, &inner);
  if (response != NULL
      && !mbim_message_response_get_result (response, MBIM_MESSAGE_TYPE_COMMAND_DONE, &inner))
    g_clear_pointer (&response, mbim_message_unref);
  if (response == NULL) {
    g_propagate_error (error, esim_transport_mbim_map_error (self, task, inner, what));
    return NULL;
  }
  return g_steal_pointer (&response);
}

/* MBIM carries SW1 in the low byte of the status and SW2 in the next */
static guint16
status_to_sw (guint32 status)
{
  return (guint16) (((status & 0xff) << 8) | ((status >> 8) & 0xff));
}

static gboolean
sw_is_success (guint16 sw)
{
  return sw == ESIM_APDU_SW_OK || (sw & 0xff00) == 0x6100;
}

/* device removal and teardown */

static void
esim_transport_mbim_drop_device (EsimTransportMbim *self)
{
  if (self->device == NULL)
    return;
  g_clear_signal_handler (&self->removed_id, self->device);
  g_clear_signal_handler (&self->indicate_id, self->device);
  mbim_device_close_force (self->device, NULL);
  g_clear_object (&self->device);
  g_hash_table_remove_all (self->channels);
  self->slot_switched = FALSE;
}

static void
device_removed_cb (MbimDevice *device, gpointer user_data)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (user_data);
  GTask *pending = self->pending;

  g_info ("MBIM device %s went away", esim_transport_get_device (ESIM_TRANSPORT (self)));
  esim_transport_mbim_drop_device (self);
  self->gone = TRUE;
  esim_transport_set_gone (ESIM_TRANSPORT (self));
  /* the call in flight fails now, not at its timeout */
  if (pending != NULL)
    g_cancellable_cancel (((Op *) g_task_get_task_data (pending))->cancel);
}

/* the card of our slot is ready again (after NOT_READY on a refresh, e.g.
 * a profile switch) */
static void
device_indicate_status_cb (MbimDevice *device, MbimMessage *message, gpointer user_data)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (user_data);
  MbimUiccSlotState state = MBIM_UICC_SLOT_STATE_UNKNOWN;
  guint32 slot_index = 0;

  if (mbim_message_indicate_status_get_service (message) != MBIM_SERVICE_MS_BASIC_CONNECT_EXTENSIONS
      || mbim_message_indicate_status_get_cid (message)
           != MBIM_CID_MS_BASIC_CONNECT_EXTENSIONS_SLOT_INFO_STATUS
      || !mbim_message_ms_basic_connect_extensions_slot_info_status_notification_parse (
        message, &slot_index, &state, NULL))
    return;
  if (self->slot != 0 && slot_index != self->slot - 1)
    return;
  if (state == MBIM_UICC_SLOT_STATE_ACTIVE || state == MBIM_UICC_SLOT_STATE_ACTIVE_ESIM
      || state == MBIM_UICC_SLOT_STATE_ACTIVE_ESIM_NO_PROFILES)
    esim_transport_emit_refreshed (ESIM_TRANSPORT (self));
}

/* open: the device, then the slot */

void
esim_transport_mbim_open_fail (GTask *task, GError *error)
{
  EsimTransportMbim *self = g_task_get_source_object (task);

  esim_transport_mbim_drop_device (self);
  op_return_error (task, error);
}

void
esim_transport_mbim_open_done (GTask *task)
{
  EsimTransportMbim *self = g_task_get_source_object (task);

  self->gone = FALSE;
  /* MBIM modems report Slot Info Status when the card refreshes */
  esim_transport_set_can_signal_refresh (ESIM_TRANSPORT (self), TRUE);
  esim_transport_set_open (ESIM_TRANSPORT (self), TRUE);
  op_return_boolean (task);
}

static void
open_device_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportMbim *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!mbim_device_open_full_finish (MBIM_DEVICE (source), res, &error)) {
    g_prefix_error (
      &error, "cannot open MBIM device %s%s: ", esim_transport_get_device (ESIM_TRANSPORT (self)),
      self->proxy ? " through mbim-proxy" : "");
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      error->domain = ESIM_TRANSPORT_ERROR;
      error->code = ESIM_TRANSPORT_ERROR_GONE;
    }
    g_object_unref (source);
    op_return_error (task, error);
    return;
  }
  self->device = MBIM_DEVICE (source);
  self->removed_id = g_signal_connect_object (self->device, MBIM_DEVICE_SIGNAL_REMOVED,
                                              G_CALLBACK (device_removed_cb), self, 0);
  self->indicate_id = g_signal_connect_object (self->device, MBIM_DEVICE_SIGNAL_INDICATE_STATUS,
                                               G_CALLBACK (device_indicate_status_cb), self, 0);
  if (self->slot == 0) {
    esim_transport_mbim_open_done (task);
    return;
  }
  esim_transport_mbim_open_slot (self, task);
}

static void
open_new_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportMbim *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  MbimDevice *device;

  device = mbim_device_new_finish (res, &error);
  if (device == NULL) {
    g_prefix_error (
      &error, "cannot use MBIM device %s: ", esim_transport_get_device (ESIM_TRANSPORT (self)));
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      error->domain = ESIM_TRANSPORT_ERROR;
      error->code = ESIM_TRANSPORT_ERROR_GONE;
    }
    op_return_error (task, error);
    return;
  }
  mbim_device_open_full (device,
                         self->proxy ? MBIM_DEVICE_OPEN_FLAGS_PROXY : MBIM_DEVICE_OPEN_FLAGS_NONE,
                         MBIM_OPEN_TIMEOUT, op->cancel, open_device_cb, task);
}

static void
esim_transport_mbim_open_async (EsimTransport *transport, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (transport);
  GTask *task = op_new (self, esim_transport_mbim_open_async, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  g_autoptr (GFile) file = NULL;

  if (self->device != NULL) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  if (self->pending != NULL) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_BUSY,
                             "MBIM device %s is being opened",
                             esim_transport_get_device (transport));
    g_object_unref (task);
    return;
  }
  self->pending = task;
  g_debug ("opening MBIM device %s, slot %u, %s", esim_transport_get_device (transport), self->slot,
           self->proxy ? "through mbim-proxy" : "directly");
  file = g_file_new_for_path (esim_transport_get_device (transport));
  mbim_device_new (file, op->cancel, open_new_cb, task);
}

static gboolean
esim_transport_mbim_open_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* open a logical channel, trying the SELECT P2 variants */

static void open_channel_try (GTask *task);

static void
open_channel_closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  MbimMessage *response = mbim_device_command_finish (MBIM_DEVICE (source), res, NULL);

  if (response != NULL)
    mbim_message_unref (response);
}

/* release a channel the modem gave us but we cannot use */
static void
esim_transport_mbim_release (EsimTransportMbim *self, guint32 channel)
{
  g_autoptr (MbimMessage) request = NULL;

  request = mbim_message_ms_uicc_low_level_access_close_channel_set_new (channel,
                                                                         MBIM_CHANNEL_GROUP, NULL);
  mbim_device_command (self->device, request, MBIM_CLOSE_TIMEOUT, NULL, open_channel_closed_cb,
                       NULL);
}

static void
open_channel_next (GTask *task, GError *error)
{
  EsimTransportMbim *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  guint p2
    = select_p2_variants[(self->p2_index + op->attempts) % G_N_ELEMENTS (select_p2_variants)];

  g_string_append_printf (op->tried, "%sP2 %02X: %s", op->tried->len > 0 ? "; " : "", p2,
                          error->message);
  g_error_free (error);
  op->attempts++;
  if (op->attempts < G_N_ELEMENTS (select_p2_variants)) {
    open_channel_try (task);
    return;
  }
  op_return_error (task,
                   g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL,
                                "MBIM device %s opened no logical channel (%s)",
                                esim_transport_get_device (ESIM_TRANSPORT (self)), op->tried->str));
}

static void
open_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportMbim *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (MbimMessage) response = NULL;
  guint32 status = 0;
  guint32 channel = 0;
  guint32 fci_len = 0;
  const guint8 *fci = NULL;
  guint16 sw;

  response = esim_transport_mbim_command_finish (task, source, res, "Open Channel", &error);
  if (response == NULL) {
    /* a modem that rejects the request may take another P2; a gone or
     * busy one and a cancelled call do not */
    if (g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED))
      open_channel_next (task, error);
    else
      op_return_error (task, error);
    return;
  }
  if (!mbim_message_ms_uicc_low_level_access_open_channel_response_parse (
        response, &status, &channel, &fci_len, &fci, &error)) {
    op_return_error (task, esim_transport_mbim_map_error (self, task, error, "Open Channel"));
    return;
  }
  sw = status_to_sw (status);
  if (sw_is_success (sw) && channel > 0 && channel < 20) {
    self->p2_index = (self->p2_index + op->attempts) % G_N_ELEMENTS (select_p2_variants);
    op->channel = channel;
    op->fci = g_bytes_new (fci, fci_len);
    g_hash_table_add (self->channels, GUINT_TO_POINTER (channel));
    op_return_boolean (task);
    return;
  }
  /* always give back what was opened */
  if (channel > 0)
    esim_transport_mbim_release (self, channel);
  if (sw == 0x6A82) {
    op_return_error (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND,
                                        "the card has no application with this AID (6A82)"));
    return;
  }
  if (sw == 0x6A81 || sw == 0x6A84 || sw == 0x6881) {
    op_return_error (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL,
                                        "MBIM device %s has no logical channel left (%04X)",
                                        esim_transport_get_device (ESIM_TRANSPORT (self)), sw));
    return;
  }
  open_channel_next (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED,
                                        "status %04X, channel %u", sw, channel));
}

static void
open_channel_try (GTask *task)
{
  EsimTransportMbim *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  guint p2
    = select_p2_variants[(self->p2_index + op->attempts) % G_N_ELEMENTS (select_p2_variants)];
  g_autoptr (MbimMessage) request = NULL;

  if (self->device == NULL) {
    op_return_error (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                                        "MBIM device %s went away",
                                        esim_transport_get_device (ESIM_TRANSPORT (self))));
    return;
  }
  request = mbim_message_ms_uicc_low_level_access_open_channel_set_new (
    (guint32) g_bytes_get_size (op->aid), g_bytes_get_data (op->aid, NULL), p2, MBIM_CHANNEL_GROUP,
    NULL);
  esim_transport_mbim_command (self, task, request, MBIM_COMMAND_TIMEOUT, open_channel_cb);
}

static void
esim_transport_mbim_open_channel_async (EsimTransport *transport, GBytes *aid,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (transport);
  GTask *task
    = op_new (self, esim_transport_mbim_open_channel_async, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  if (g_bytes_get_size (aid) < 5 || g_bytes_get_size (aid) > 16) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "an AID has 5 to 16 bytes, not %" G_GSIZE_FORMAT,
                             g_bytes_get_size (aid));
    g_object_unref (task);
    return;
  }
  if (!op_start (self, task))
    return;
  op->aid = g_bytes_ref (aid);
  op->tried = g_string_new (NULL);
  open_channel_try (task);
}

static gboolean
esim_transport_mbim_open_channel_finish (EsimTransport *transport, GAsyncResult *res,
                                         guint *channel, GBytes **select_response, GError **error)
{
  Op *op = g_task_get_task_data (G_TASK (res));

  if (!g_task_propagate_boolean (G_TASK (res), error))
    return FALSE;
  if (channel != NULL)
    *channel = op->channel;
  if (select_response != NULL)
    *select_response = g_bytes_ref (op->fci);
  return TRUE;
}

/* transmit, with the class byte type the modem wants */

static void transmit_send (GTask *task);

/* the CLA names secure messaging itself; the modem wants it told apart */
static MbimUiccSecureMessaging
secure_messaging_from_cla (guint8 cla)
{
  if (cla & 0x40)
    return (cla & 0x20) ? MBIM_UICC_SECURE_MESSAGING_NO_HDR_AUTH : MBIM_UICC_SECURE_MESSAGING_NONE;
  return (cla & 0x0C) ? MBIM_UICC_SECURE_MESSAGING_NO_HDR_AUTH : MBIM_UICC_SECURE_MESSAGING_NONE;
}

/* an error that says the modem did not pass the command on */
static gboolean
transmit_may_retry (GError *error, guint16 sw)
{
  if (error != NULL)
    return g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED)
           && strstr (error->message, "timed out") == NULL;
  return sw == 0x6E00 || sw == 0x6881;
}

static void
transmit_retry_or_fail (GTask *task, GError *error, GBytes *rapdu)
{
  EsimTransportMbim *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (!op->retried && self->class_byte_type < 0) {
    /* once: the other class byte type, as some firmware insists on one */
    op->retried = TRUE;
    op->first_error = error;
    op->class_byte_type = op->class_byte_type == MBIM_UICC_CLASS_BYTE_TYPE_EXTENDED
                            ? MBIM_UICC_CLASS_BYTE_TYPE_INTER_INDUSTRY
                            : MBIM_UICC_CLASS_BYTE_TYPE_EXTENDED;
    g_debug ("MBIM APDU: retrying with class byte type %u", op->class_byte_type);
    transmit_send (task);
    return;
  }
  if (rapdu != NULL) {
    g_clear_error (&error);
    if (self->pending == task)
      self->pending = NULL;
    g_task_return_pointer (task, g_bytes_ref (rapdu), (GDestroyNotify) g_bytes_unref);
    g_object_unref (task);
    return;
  }
  if (op->first_error != NULL) {
    g_clear_error (&error);
    error = g_steal_pointer (&op->first_error);
  }
  op_return_error (task, error);
}

static void
transmit_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportMbim *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (MbimMessage) response = NULL;
  g_autoptr (GBytes) rapdu = NULL;
  GByteArray *buf;
  guint32 status = 0;
  guint32 len = 0;
  const guint8 *data = NULL;
  guint16 sw;

  response = esim_transport_mbim_command_finish (task, source, res, "APDU", &error);
  if (response == NULL) {
    if (transmit_may_retry (error, 0))
      transmit_retry_or_fail (task, error, NULL);
    else
      op_return_error (task, error);
    return;
  }
  if (!mbim_message_ms_uicc_low_level_access_apdu_response_parse (response, &status, &len, &data,
                                                                  &error)) {
    op_return_error (task, esim_transport_mbim_map_error (self, task, error, "APDU"));
    return;
  }
  sw = status_to_sw (status);
  buf = g_byte_array_sized_new (len + 2);
  g_byte_array_append (buf, data, len);
  g_byte_array_append (buf, (const guint8[]){ sw >> 8, sw & 0xff }, 2);
  rapdu = g_byte_array_free_to_bytes (buf);
  if (transmit_may_retry (NULL, sw)) {
    transmit_retry_or_fail (
      task,
      g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED, "card answered %04X", sw),
      rapdu);
    return;
  }
  if (op->retried) {
    g_info ("MBIM device %s wants class byte type %u",
            esim_transport_get_device (ESIM_TRANSPORT (self)), op->class_byte_type);
    self->class_byte_type = (gint) op->class_byte_type;
  }
  if (self->pending == task)
    self->pending = NULL;
  g_task_return_pointer (task, g_steal_pointer (&rapdu), (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
transmit_send (GTask *task)
{
  EsimTransportMbim *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr (MbimMessage) request = NULL;
  gsize len = 0;
  const guint8 *apdu = g_bytes_get_data (op->apdu, &len);

  if (self->device == NULL) {
    op_return_error (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                                        "MBIM device %s went away",
                                        esim_transport_get_device (ESIM_TRANSPORT (self))));
    return;
  }
  request = mbim_message_ms_uicc_low_level_access_apdu_set_new (
    op->channel, secure_messaging_from_cla (apdu[0]), op->class_byte_type, (guint32) len, apdu,
    NULL);
  esim_transport_mbim_command (self, task, request, MBIM_APDU_TIMEOUT, transmit_cb);
}

static void
esim_transport_mbim_transmit_async (EsimTransport *transport, guint channel, GBytes *apdu,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (transport);
  GTask *task = op_new (self, esim_transport_mbim_transmit_async, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  guint8 cla;

  if (g_bytes_get_size (apdu) < 4) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "a command APDU has at least 4 bytes");
    g_object_unref (task);
    return;
  }
  if (!op_start (self, task))
    return;
  cla = ((const guint8 *) g_bytes_get_data (apdu, NULL))[0];
  op->apdu = g_bytes_ref (apdu);
  op->channel = channel;
  /* the first interindustry class codes channels 0-3, the further one 4-19 */
  if (self->class_byte_type >= 0)
    op->class_byte_type = (MbimUiccClassByteType) self->class_byte_type;
  else
    op->class_byte_type = (cla & 0x40) ? MBIM_UICC_CLASS_BYTE_TYPE_EXTENDED
                                       : MBIM_UICC_CLASS_BYTE_TYPE_INTER_INDUSTRY;
  transmit_send (task);
}

static GBytes *
esim_transport_mbim_transmit_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* close channel */

static void
close_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportMbim *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (MbimMessage) response = NULL;
  guint32 status = 0;
  guint16 sw;

  response = esim_transport_mbim_command_finish (task, source, res, "Close Channel", &error);
  /* whatever the answer, the channel is not ours to close again */
  g_hash_table_remove (self->channels, GUINT_TO_POINTER (op->channel));
  if (response == NULL) {
    op_return_error (task, error);
    return;
  }
  if (!mbim_message_ms_uicc_low_level_access_close_channel_response_parse (response, &status,
                                                                           &error)) {
    op_return_error (task, esim_transport_mbim_map_error (self, task, error, "Close Channel"));
    return;
  }
  sw = status_to_sw (status);
  /* some modems leave the status at 0 on success */
  if (status != 0 && !esim_apdu_check_sw (sw, &error)) {
    g_prefix_error (&error, "Close Channel %u: ", op->channel);
    op_return_error (task, error);
    return;
  }
  op_return_boolean (task);
}

static void
esim_transport_mbim_close_channel_async (EsimTransport *transport, guint channel,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (transport);
  GTask *task
    = op_new (self, esim_transport_mbim_close_channel_async, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  g_autoptr (MbimMessage) request = NULL;

  if (!op_start (self, task))
    return;
  op->channel = channel;
  request = mbim_message_ms_uicc_low_level_access_close_channel_set_new (channel,
                                                                         MBIM_CHANNEL_GROUP, NULL);
  esim_transport_mbim_command (self, task, request, MBIM_COMMAND_TIMEOUT, close_channel_cb);
}

static gboolean
esim_transport_mbim_close_channel_finish (EsimTransport *transport, GAsyncResult *res,
                                          GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* close: give back the channels and the slot, then say goodbye; the
 * device stays alive until those requests are answered or time out */

static void
close_device_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!mbim_device_close_finish (MBIM_DEVICE (source), res, &error))
    g_debug ("closing MBIM device: %s", error->message);
  mbim_device_close_force (MBIM_DEVICE (source), NULL);
}

static void
esim_transport_mbim_close (EsimTransport *transport)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (transport);
  GHashTableIter iter;
  gpointer key;

  if (self->device == NULL)
    return;
  g_clear_signal_handler (&self->removed_id, self->device);
  g_clear_signal_handler (&self->indicate_id, self->device);
  g_hash_table_iter_init (&iter, self->channels);
  while (g_hash_table_iter_next (&iter, &key, NULL)) {
    g_debug ("closing leftover logical channel %u", GPOINTER_TO_UINT (key));
    esim_transport_mbim_release (self, GPOINTER_TO_UINT (key));
  }
  g_hash_table_remove_all (self->channels);
  esim_transport_mbim_restore_slot (self);
  mbim_device_close (self->device, MBIM_CLOSE_TIMEOUT, NULL, close_device_cb, NULL);
  g_clear_object (&self->device);
  /* a call in flight fails as if the device went */
  if (self->pending != NULL)
    g_cancellable_cancel (((Op *) g_task_get_task_data (self->pending))->cancel);
}

static void
esim_transport_mbim_dispose (GObject *object)
{
  esim_transport_mbim_close (ESIM_TRANSPORT (object));
  G_OBJECT_CLASS (esim_transport_mbim_parent_class)->dispose (object);
}

static void
esim_transport_mbim_finalize (GObject *object)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (object);

  g_hash_table_unref (self->channels);
  G_OBJECT_CLASS (esim_transport_mbim_parent_class)->finalize (object);
}

static void
esim_transport_mbim_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (object);

  switch (prop_id) {
  case PROP_SLOT:
    g_value_set_uint (value, self->slot);
    break;
  case PROP_PROXY:
    g_value_set_boolean (value, self->proxy);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_transport_mbim_set_property (GObject *object, guint prop_id, const GValue *value,
                                  GParamSpec *pspec)
{
  EsimTransportMbim *self = ESIM_TRANSPORT_MBIM (object);

  switch (prop_id) {
  case PROP_SLOT:
    self->slot = g_value_get_uint (value);
    break;
  case PROP_PROXY:
    self->proxy = g_value_get_boolean (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_transport_mbim_init (EsimTransportMbim *self)
{
  const gchar *proxy = g_getenv ("ESIM_MBIM_PROXY");

  self->proxy = proxy == NULL || g_strcmp0 (proxy, "0") != 0;
  self->class_byte_type = -1;
  self->channels = g_hash_table_new (NULL, NULL);
}

static void
esim_transport_mbim_class_init (EsimTransportMbimClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  EsimTransportClass *transport_class = ESIM_TRANSPORT_CLASS (klass);

  object_class->dispose = esim_transport_mbim_dispose;
  object_class->finalize = esim_transport_mbim_finalize;
  object_class->get_property = esim_transport_mbim_get_property;
  object_class->set_property = esim_transport_mbim_set_property;
  transport_class->open_async = esim_transport_mbim_open_async;
  transport_class->open_finish = esim_transport_mbim_open_finish;
  transport_class->open_channel_async = esim_transport_mbim_open_channel_async;
  transport_class->open_channel_finish = esim_transport_mbim_open_channel_finish;
  transport_class->transmit_async = esim_transport_mbim_transmit_async;
  transport_class->transmit_finish = esim_transport_mbim_transmit_finish;
  transport_class->close_channel_async = esim_transport_mbim_close_channel_async;
  transport_class->close_channel_finish = esim_transport_mbim_close_channel_finish;
  transport_class->close = esim_transport_mbim_close;

  /* 1-based SIM slot; 0 is whichever slot the modem has mapped */
  props[PROP_SLOT]
    = g_param_spec_uint ("slot", NULL, NULL, 0, 8, 0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* through mbim-proxy (TRUE unless $ESIM_MBIM_PROXY is "0") */
  props[PROP_PROXY]
    = g_param_spec_boolean ("proxy", NULL, NULL, TRUE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}
