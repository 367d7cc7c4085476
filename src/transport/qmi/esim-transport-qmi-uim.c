/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-transport-qmi-uim.h"

typedef struct {
  guint8 channel;
  GBytes *select_response;
  gint card_sw;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_pointer (&data->select_response, g_bytes_unref);
  g_free (data);
}

#if QMI_CHECK_VERSION(1, 36, 0)

static GBytes *
bytes_from_array (GArray *array)
{
  return g_bytes_new (array->data, array->len);
}

static GArray *
array_from_bytes (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GArray *array = g_array_sized_new (FALSE, FALSE, 1, (guint) len);

  g_array_append_vals (array, data, (guint) len);
  return array;
}

/* libqmi >= 1.36: the generated helpers */

static void
open_channel_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (QmiMessageUimOpenLogicalChannelOutput) output = NULL;
  GError *error = NULL;
  GArray *select = NULL;
  guint8 sw1 = 0;
  guint8 sw2 = 0;

  output = qmi_client_uim_open_logical_channel_finish (QMI_CLIENT_UIM (source), res, &error);
  if (output == NULL) {
    g_task_return_error (task, error);
    return;
  }
  if (qmi_message_uim_open_logical_channel_output_get_card_result (output, &sw1, &sw2, NULL))
    data->card_sw = (sw1 << 8) | sw2;
  if (!qmi_message_uim_open_logical_channel_output_get_result (output, &error)
      || !qmi_message_uim_open_logical_channel_output_get_channel_id (output, &data->channel,
                                                                      &error)) {
    g_task_return_error (task, error);
    return;
  }
  if (qmi_message_uim_open_logical_channel_output_get_select_response (output, &select, NULL))
    data->select_response = bytes_from_array (select);
  g_task_return_boolean (task, TRUE);
}

void
esim_qmi_uim_open_channel_async (QmiClientUim *client, guint8 slot, GBytes *aid, guint timeout,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (client, NULL, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);
  g_autoptr (QmiMessageUimOpenLogicalChannelInput) input = NULL;
  g_autoptr (GArray) aid_array = array_from_bytes (aid);

  data->card_sw = -1;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  input = qmi_message_uim_open_logical_channel_input_new ();
  qmi_message_uim_open_logical_channel_input_set_slot (input, slot, NULL);
  qmi_message_uim_open_logical_channel_input_set_aid (input, aid_array, NULL);
  qmi_client_uim_open_logical_channel (client, input, timeout, NULL, open_channel_ready, task);
}

static void
send_apdu_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  g_autoptr (QmiMessageUimSendApduOutput) output = NULL;
  GError *error = NULL;
  GArray *response = NULL;

  output = qmi_client_uim_send_apdu_finish (QMI_CLIENT_UIM (source), res, &error);
  if (output == NULL || !qmi_message_uim_send_apdu_output_get_result (output, &error)
      || !qmi_message_uim_send_apdu_output_get_apdu_response (output, &response, &error)) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, bytes_from_array (response), (GDestroyNotify) g_bytes_unref);
}

void
esim_qmi_uim_send_apdu_async (QmiClientUim *client, guint8 slot, guint8 channel, GBytes *apdu,
                              guint timeout, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  g_autoptr (QmiMessageUimSendApduInput) input = qmi_message_uim_send_apdu_input_new ();
  g_autoptr (GArray) apdu_array = array_from_bytes (apdu);

  qmi_message_uim_send_apdu_input_set_slot (input, slot, NULL);
  qmi_message_uim_send_apdu_input_set_apdu (input, apdu_array, NULL);
  if (channel != 0)
    qmi_message_uim_send_apdu_input_set_channel_id (input, channel, NULL);
  qmi_client_uim_send_apdu (client, input, timeout, cancellable, send_apdu_ready, task);
}

static void
close_channel_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  g_autoptr (QmiMessageUimLogicalChannelOutput) output = NULL;
  GError *error = NULL;

  output = qmi_client_uim_logical_channel_finish (QMI_CLIENT_UIM (source), res, &error);
  if (output == NULL || !qmi_message_uim_logical_channel_output_get_result (output, &error)) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

void
esim_qmi_uim_close_channel_async (QmiClientUim *client, guint8 slot, guint8 channel, guint timeout,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (client, NULL, callback, user_data);
  g_autoptr (QmiMessageUimLogicalChannelInput) input = qmi_message_uim_logical_channel_input_new ();

  qmi_message_uim_logical_channel_input_set_slot (input, slot, NULL);
  qmi_message_uim_logical_channel_input_set_channel_id (input, channel, NULL);
  qmi_client_uim_logical_channel (client, input, timeout, NULL, close_channel_ready, task);
}

#else /* libqmi < 1.36: the public TLV API */

#define TLV_RESULT 0x02

static gboolean
tlv_write_u8 (QmiMessage *message, guint8 type, guint8 value, GError **error)
{
  gsize start = qmi_message_tlv_write_init (message, type, error);

  return start != 0 && qmi_message_tlv_write_guint8 (message, value, error)
         && qmi_message_tlv_write_complete (message, start, error);
}

/* an array of bytes after its length, which is a guint8 or a guint16 */
static gboolean
tlv_write_array (QmiMessage *message, guint8 type, gboolean long_length, GBytes *bytes,
                 GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gsize start;

  if (len > (long_length ? G_MAXUINT16 : G_MAXUINT8)) {
    g_set_error (error, QMI_CORE_ERROR, QMI_CORE_ERROR_TLV_TOO_LONG,
                 "%" G_GSIZE_FORMAT " bytes do not fit TLV 0x%02x", len, type);
    return FALSE;
  }
  start = qmi_message_tlv_write_init (message, type, error);
  if (start == 0)
    return FALSE;
  if (long_length
      && !qmi_message_tlv_write_guint16 (message, QMI_ENDIAN_LITTLE, (guint16) len, error))
    return FALSE;
  if (!long_length && !qmi_message_tlv_write_guint8 (message, (guint8) len, error))
    return FALSE;
  for (gsize i = 0; i < len; i++) {
    if (!qmi_message_tlv_write_guint8 (message, data[i], error))
      return FALSE;
  }
  return qmi_message_tlv_write_complete (message, start, error);
}

static GBytes *
tlv_read_array (QmiMessage *message, guint8 type, gboolean long_length, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize start = qmi_message_tlv_read_init (message, type, NULL, error);
  gsize offset = 0;
  guint16 len = 0;
  guint8 len8 = 0;

  if (start == 0)
    return NULL;
  if (long_length) {
    if (!qmi_message_tlv_read_guint16 (message, start, &offset, QMI_ENDIAN_LITTLE, &len, error))
      return NULL;
  } else {
    if (!qmi_message_tlv_read_guint8 (message, start, &offset, &len8, error))
      return NULL;
    len = len8;
  }
  for (guint i = 0; i < len; i++) {
    guint8 byte = 0;
    if (!qmi_message_tlv_read_guint8 (message, start, &offset, &byte, error))
      return NULL;
    g_byte_array_append (out, &byte, 1);
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* the standard result TLV: status 0 is success, else the error code */
static gboolean
response_check (QmiMessage *response, GError **error)
{
  gsize start = qmi_message_tlv_read_init (response, TLV_RESULT, NULL, error);
  gsize offset = 0;
  guint16 status = 0;
  guint16 code = 0;
  const gchar *name;

  if (start == 0
      || !qmi_message_tlv_read_guint16 (response, start, &offset, QMI_ENDIAN_LITTLE, &status, error)
      || !qmi_message_tlv_read_guint16 (response, start, &offset, QMI_ENDIAN_LITTLE, &code,
                                        error)) {
    g_prefix_error (error, "response without a result: ");
    return FALSE;
  }
  if (status == 0)
    return TRUE;
  name = qmi_protocol_error_get_string ((QmiProtocolError) code);
  g_set_error (error, QMI_PROTOCOL_ERROR, code, "%s", name != NULL ? name : "unknown QMI error");
  return FALSE;
}

static QmiMessage *
request_new (QmiClientUim *client, guint16 message_id)
{
  return qmi_message_new (QMI_SERVICE_UIM, qmi_client_get_cid (QMI_CLIENT (client)),
                          qmi_client_get_next_transaction_id (QMI_CLIENT (client)), message_id);
}

static void
command (QmiClientUim *client, QmiMessage *request, guint timeout, GTask *task,
         GAsyncReadyCallback ready)
{
  GObject *device = qmi_client_peek_device (QMI_CLIENT (client));

  if (device == NULL) {
    g_task_return_new_error (task, QMI_CORE_ERROR, QMI_CORE_ERROR_WRONG_STATE,
                             "the UIM client has no device any more");
    g_object_unref (task);
    return;
  }
  qmi_device_command_full (QMI_DEVICE (device), request, NULL, timeout,
                           g_task_get_cancellable (task), ready, task);
}

static void
open_channel_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (QmiMessage) response = NULL;
  GError *error = NULL;
  gsize start;
  gsize offset = 0;

  response = qmi_device_command_full_finish (QMI_DEVICE (source), res, &error);
  if (response == NULL) {
    g_task_return_error (task, error);
    return;
  }
  /* the card result comes with errors too: it tells 6A82 from a full card */
  start = qmi_message_tlv_read_init (response, 0x11, NULL, NULL);
  if (start != 0) {
    guint8 sw1 = 0;
    guint8 sw2 = 0;
    if (qmi_message_tlv_read_guint8 (response, start, &offset, &sw1, NULL)
        && qmi_message_tlv_read_guint8 (response, start, &offset, &sw2, NULL))
      data->card_sw = (sw1 << 8) | sw2;
  }
  if (!response_check (response, &error)) {
    g_task_return_error (task, error);
    return;
  }
  offset = 0;
  start = qmi_message_tlv_read_init (response, 0x10, NULL, &error);
  if (start == 0
      || !qmi_message_tlv_read_guint8 (response, start, &offset, &data->channel, &error)) {
    g_prefix_error (&error, "Open Logical Channel response without a channel: ");
    g_task_return_error (task, error);
    return;
  }
  data->select_response = tlv_read_array (response, 0x12, FALSE, NULL);
  g_task_return_boolean (task, TRUE);
}

void
esim_qmi_uim_open_channel_async (QmiClientUim *client, guint8 slot, GBytes *aid, guint timeout,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (client, NULL, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);
  g_autoptr (QmiMessage) request = request_new (client, ESIM_QMI_UIM_OPEN_LOGICAL_CHANNEL);
  GError *error = NULL;

  data->card_sw = -1;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  if (!tlv_write_u8 (request, 0x01, slot, &error)
      || !tlv_write_array (request, 0x10, FALSE, aid, &error)) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  command (client, request, timeout, task, open_channel_ready);
}

static void
send_apdu_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  g_autoptr (QmiMessage) response = NULL;
  GError *error = NULL;
  GBytes *rapdu;

  response = qmi_device_command_full_finish (QMI_DEVICE (source), res, &error);
  if (response == NULL || !response_check (response, &error)) {
    g_task_return_error (task, error);
    return;
  }
  rapdu = tlv_read_array (response, 0x10, TRUE, &error);
  if (rapdu == NULL) {
    g_prefix_error (&error, "Send APDU response without an APDU: ");
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, rapdu, (GDestroyNotify) g_bytes_unref);
}

void
esim_qmi_uim_send_apdu_async (QmiClientUim *client, guint8 slot, guint8 channel, GBytes *apdu,
                              guint timeout, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  g_autoptr (QmiMessage) request = request_new (client, ESIM_QMI_UIM_SEND_APDU);
  GError *error = NULL;

  if (!tlv_write_u8 (request, 0x01, slot, &error)
      || !tlv_write_array (request, 0x02, TRUE, apdu, &error)
      || (channel != 0 && !tlv_write_u8 (request, 0x10, channel, &error))) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  command (client, request, timeout, task, send_apdu_ready);
}

static void
close_channel_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  g_autoptr (QmiMessage) response = NULL;
  GError *error = NULL;

  response = qmi_device_command_full_finish (QMI_DEVICE (source), res, &error);
  if (response == NULL || !response_check (response, &error)) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

void
esim_qmi_uim_close_channel_async (QmiClientUim *client, guint8 slot, guint8 channel, guint timeout,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (client, NULL, callback, user_data);
  g_autoptr (QmiMessage) request = request_new (client, ESIM_QMI_UIM_LOGICAL_CHANNEL);
  GError *error = NULL;

  if (!tlv_write_u8 (request, 0x01, slot, &error)
      || !tlv_write_u8 (request, 0x11, channel, &error)) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  command (client, request, timeout, task, close_channel_ready);
}

#endif

gboolean
esim_qmi_uim_open_channel_finish (QmiClientUim *client, GAsyncResult *result, guint8 *channel,
                                  GBytes **select_response, gint *card_sw, GError **error)
{
  OpenData *data = g_task_get_task_data (G_TASK (result));

  if (card_sw != NULL)
    *card_sw = data->card_sw;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (channel != NULL)
    *channel = data->channel;
  if (select_response != NULL)
    *select_response
      = data->select_response != NULL ? g_bytes_ref (data->select_response) : g_bytes_new (NULL, 0);
  return TRUE;
}

GBytes *
esim_qmi_uim_send_apdu_finish (QmiClientUim *client, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
esim_qmi_uim_close_channel_finish (QmiClientUim *client, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
