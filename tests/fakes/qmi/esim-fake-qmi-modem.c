/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>
#include <libqmi-glib.h>

#include "esim-apdu.h"
#include "esim-fake-qmi-card.h"
#include "esim-fake-qmi-message.h"
#include "esim-fake-qmi-modem.h"

/* QMI message IDs (libqmi data/qmi-service-ctl.json, qmi-service-uim.json) */
#define CTL_GET_VERSION_INFO 0x0021
#define CTL_ALLOCATE_CID 0x0022
#define CTL_RELEASE_CID 0x0023
#define CTL_SYNC 0x0027
#define CTL_INTERNAL_PROXY_OPEN 0xFF00
#define UIM_REGISTER_EVENTS 0x002E
#define UIM_REFRESH_INDICATION 0x0033
#define UIM_SEND_APDU 0x003B
#define UIM_LOGICAL_CHANNEL 0x003F
#define UIM_OPEN_LOGICAL_CHANNEL 0x0042
#define UIM_GET_SLOT_STATUS 0x0047
#define UIM_SLOT_STATUS_IND 0x0048

#define MAX_CHANNEL 19

typedef struct {
  gint refs;
  EsimFakeQmiModem *modem; /* NULL once hung up */
  GSocketConnection *connection;
  GCancellable *cancellable;
  GByteArray *buffer;
  guint8 chunk[4096];
  GArray *cids; /* guint8: the UIM clients allocated on this connection */
  guint32 events;
} Client;

typedef struct {
  Client *client;
  QmiMessage *request;
  guint8 channel;
  GByteArray *fci;
  QmiProtocolError pending_error;
  gint pending_sw;
} Job;

typedef struct {
  guint16 message_id;
  guint remaining;
  guint16 error;
} Fault;

typedef void (*SimReplyFunc) (EsimFakeQmiModem *self, Job *job, GBytes *rapdu);

struct _EsimFakeQmiModem {
  GObject parent_instance;
  gchar *proxy_path;
  gchar *device_path;
  GSocketService *service;
  GList *clients;
  gboolean retiring;

  EsimFakeQmiCard *card;
  SimReplyFunc sim_reply_func;

  /* UIM requests, one at a time */
  GQueue jobs;
  Job *current;
  guint delay_id;

  guint32 channels; /* bit n: logical channel n is open on the card */
  guint channel_limit;
  guint n_slots;
  guint sim_slot;
  guint active_slot;
  GBytes *eid;
  gboolean slot_status_supported;
  GArray *faults;
  guint delay_ms;
  guint next_cid;
  guint indications;
  gboolean drop_indications;
  GHashTable *request_counts;
};

G_DEFINE_TYPE (EsimFakeQmiModem, esim_fake_qmi_modem, G_TYPE_OBJECT)

static void modem_next_job (EsimFakeQmiModem *self);
static void client_hangup (Client *client);

/* clients */

static Client *
client_ref (Client *client)
{
  client->refs++;
  return client;
}

static void
client_unref (Client *client)
{
  if (--client->refs > 0)
    return;
  g_clear_object (&client->connection);
  g_clear_object (&client->cancellable);
  g_byte_array_unref (client->buffer);
  g_array_unref (client->cids);
  g_free (client);
}

static void
client_send (Client *client, QmiMessage *message)
{
  g_autoptr (GError) error = NULL;
  const guint8 *raw;
  gsize len = 0;

  if (client->connection == NULL)
    return;
  raw = qmi_message_get_raw (message, &len, &error);
  g_assert_no_error (error);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (client->connection)),
                                  raw, len, NULL, NULL, &error)) {
    g_debug ("fake QMI modem: client gone: %s", error->message);
    client_hangup (client);
  }
}

/* indications go to the clients that registered for UIM events */

static void
modem_send_indications (EsimFakeQmiModem *self)
{
  /* a client may hang up while we write to it */
  GList *clients = NULL;

  /* a modem that does not tell about the refresh */
  if (self->drop_indications)
    return;
  clients = g_list_copy (self->clients);

  for (GList *l = clients; l != NULL; l = l->next)
    client_ref (l->data);

  for (GList *l = clients; l != NULL; l = l->next) {
    Client *client = l->data;

    if (client->events == 0 || client->modem == NULL)
      continue;
    for (guint i = 0; i < client->cids->len; i++) {
      guint8 cid = g_array_index (client->cids, guint8, i);
      static const QmiUimRefreshStage stages[]
        = { QMI_UIM_REFRESH_STAGE_START, QMI_UIM_REFRESH_STAGE_END_WITH_SUCCESS };
      g_autoptr (QmiMessage) slot_status = esim_fake_qmi_indication_new (cid, UIM_SLOT_STATUS_IND);

      for (guint s = 0; s < G_N_ELEMENTS (stages); s++) {
        g_autoptr (QmiMessage) refresh = esim_fake_qmi_indication_new (cid, UIM_REFRESH_INDICATION);
        gsize start = qmi_message_tlv_write_init (refresh, 0x10, NULL);

        g_assert_true (qmi_message_tlv_write_guint8 (refresh, stages[s], NULL));
        g_assert_true (qmi_message_tlv_write_guint8 (refresh, QMI_UIM_REFRESH_MODE_RESET, NULL));
        g_assert_true (
          qmi_message_tlv_write_guint8 (refresh, QMI_UIM_SESSION_TYPE_CARD_SLOT_1, NULL));
        esim_fake_qmi_write_array (refresh, FALSE, NULL, 0);
        g_assert_true (qmi_message_tlv_write_guint16 (refresh, QMI_ENDIAN_LITTLE, 0, NULL));
        g_assert_true (qmi_message_tlv_write_complete (refresh, start, NULL));
        client_send (client, refresh);
        self->indications++;
      }
      esim_fake_qmi_add_slot_tlvs (slot_status, self->n_slots, self->sim_slot, self->active_slot,
                                   self->eid);
      client_send (client, slot_status);
      self->indications++;
    }
  }
  for (GList *l = clients; l != NULL; l = l->next)
    client_unref (l->data);
  g_list_free (clients);
}

/* the card: one APDU exchange at a time, for the job in progress */

static void
sim_exchange_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimFakeQmiModem) self = user_data;
  g_autoptr (GBytes) rapdu = NULL;
  g_autoptr (GError) error = NULL;
  SimReplyFunc func = self->sim_reply_func;

  self->sim_reply_func = NULL;
  rapdu = esim_fake_qmi_card_exchange_finish (ESIM_FAKE_QMI_CARD (source), res, &error);
  if (rapdu == NULL) {
    g_debug ("fake QMI modem: %s", error->message);
    /* a card that comes back has no channels open */
    self->channels = 0;
  }
  func (self, self->current, rapdu);
}

static void
sim_send (EsimFakeQmiModem *self, GBytes *apdu, SimReplyFunc func)
{
  g_assert_null (self->sim_reply_func);
  self->sim_reply_func = func;
  esim_fake_qmi_card_exchange_async (self->card, apdu, sim_exchange_cb, g_object_ref (self));
}

/* jobs */

static void
job_free (Job *job)
{
  client_unref (job->client);
  qmi_message_unref (job->request);
  if (job->fci != NULL)
    g_byte_array_unref (job->fci);
  g_free (job);
}

static void
job_reply (EsimFakeQmiModem *self, Job *job, QmiMessage *response)
{
  g_assert (self->current == job);
  client_send (job->client, response);
  self->current = NULL;
  job_free (job);
  modem_next_job (self);
}

static void
job_reply_error (EsimFakeQmiModem *self, Job *job, QmiProtocolError error, gint sw)
{
  g_autoptr (QmiMessage) response = qmi_message_response_new (job->request, error);

  esim_fake_qmi_tlv_card_result (response, sw);
  job_reply (self, job, response);
}

static void
job_reply_ok (EsimFakeQmiModem *self, Job *job)
{
  g_autoptr (QmiMessage) response
    = qmi_message_response_new (job->request, QMI_PROTOCOL_ERROR_NONE);

  job_reply (self, job, response);
}

/* UIM slot 1 reaches the active physical slot; is the eUICC there? */
static gboolean
job_check_slot (EsimFakeQmiModem *self, Job *job)
{
  guint8 slot = 0;

  if (!esim_fake_qmi_read_u8 (job->request, 0x01, &slot)) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_MISSING_ARGUMENT, -1);
    return FALSE;
  }
  if (slot != 1) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_INVALID_ARGUMENT, -1);
    return FALSE;
  }
  if (self->active_slot != self->sim_slot) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_NO_SIM, -1);
    return FALSE;
  }
  return TRUE;
}

/* Open Logical Channel: MANAGE CHANNEL, SELECT, GET RESPONSE as a modem does */

static void
open_abandoned_cb (EsimFakeQmiModem *self, Job *job, GBytes *rapdu)
{
  job_reply_error (self, job, job->pending_error, job->pending_sw);
}

static void
open_select_cb (EsimFakeQmiModem *self, Job *job, GBytes *rapdu)
{
  g_autoptr (QmiMessage) response = NULL;
  g_autoptr (GBytes) apdu = NULL;
  guint8 cla = esim_apdu_cla_for_channel (0x00, job->channel);
  guint16 sw;

  if (rapdu == NULL) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_NO_SIM, -1);
    return;
  }
  sw = esim_fake_qmi_rapdu_sw (rapdu);
  g_byte_array_append (job->fci, g_bytes_get_data (rapdu, NULL), g_bytes_get_size (rapdu) - 2);
  if ((sw & 0xFF00) == 0x6100) {
    apdu = esim_apdu_encode (cla, 0xC0, 0, 0, NULL, 0, (sw & 0xFF) == 0 ? 256 : (sw & 0xFF));
    sim_send (self, apdu, open_select_cb);
    return;
  }
  if (sw != 0x9000 || job->fci->len > G_MAXUINT8) {
    /* give the channel back before telling the client */
    job->pending_error
      = sw == 0x6A82 ? QMI_PROTOCOL_ERROR_SIM_FILE_NOT_FOUND : QMI_PROTOCOL_ERROR_INTERNAL;
    job->pending_sw = sw;
    apdu = esim_apdu_encode (cla, 0x70, 0x80, job->channel, NULL, 0, -1);
    sim_send (self, apdu, open_abandoned_cb);
    return;
  }
  self->channels |= 1u << job->channel;
  response = qmi_message_response_new (job->request, QMI_PROTOCOL_ERROR_NONE);
  esim_fake_qmi_tlv_u8 (response, 0x10, job->channel);
  esim_fake_qmi_tlv_card_result (response, sw);
  esim_fake_qmi_tlv_array (response, 0x12, FALSE, job->fci->data, job->fci->len);
  job_reply (self, job, response);
}

static void
open_manage_cb (EsimFakeQmiModem *self, Job *job, GBytes *rapdu)
{
  g_autoptr (GBytes) aid = esim_fake_qmi_read_array (job->request, 0x10, FALSE);
  g_autoptr (GBytes) select = NULL;
  const guint8 *data;

  if (rapdu == NULL) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_NO_SIM, -1);
    return;
  }
  data = g_bytes_get_data (rapdu, NULL);
  if (g_bytes_get_size (rapdu) != 3 || esim_fake_qmi_rapdu_sw (rapdu) != 0x9000 || data[0] == 0
      || data[0] > MAX_CHANNEL) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_INSUFFICIENT_RESOURCES,
                     esim_fake_qmi_rapdu_sw (rapdu));
    return;
  }
  job->channel = data[0];
  job->fci = g_byte_array_new ();
  select = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, job->channel), 0xA4, 0x04, 0x00,
                             g_bytes_get_data (aid, NULL), g_bytes_get_size (aid), 0);
  sim_send (self, select, open_select_cb);
}

static void
job_open_channel (EsimFakeQmiModem *self, Job *job)
{
  g_autoptr (GBytes) aid = esim_fake_qmi_read_array (job->request, 0x10, FALSE);
  g_autoptr (GBytes) manage = NULL;

  if (!job_check_slot (self, job))
    return;
  if (aid == NULL || g_bytes_get_size (aid) == 0) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_MISSING_ARGUMENT, -1);
    return;
  }
  if ((guint) __builtin_popcount (self->channels) >= self->channel_limit) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_INSUFFICIENT_RESOURCES, -1);
    return;
  }
  manage = esim_apdu_encode (0x00, 0x70, 0x00, 0x00, NULL, 0, 1);
  sim_send (self, manage, open_manage_cb);
}

/* Send APDU: straight to the card; a profile switch makes the card refresh */

static gboolean
rapdu_is_profile_switch (GBytes *rapdu)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (rapdu, &len);

  /* EnableProfileResponse / DisableProfileResponse { enableResult ok(0) } */
  return len >= 8 && data[0] == 0xBF && (data[1] == 0x31 || data[1] == 0x32) && data[2] == 0x03
         && data[3] == 0x80 && data[4] == 0x01 && data[5] == 0x00;
}

static void
send_apdu_cb (EsimFakeQmiModem *self, Job *job, GBytes *rapdu)
{
  g_autoptr (QmiMessage) response = NULL;
  gboolean switched;

  if (rapdu == NULL) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_NO_SIM, -1);
    return;
  }
  switched = rapdu_is_profile_switch (rapdu);
  response = qmi_message_response_new (job->request, QMI_PROTOCOL_ERROR_NONE);
  esim_fake_qmi_tlv_array (response, 0x10, TRUE, g_bytes_get_data (rapdu, NULL),
                           g_bytes_get_size (rapdu));
  job_reply (self, job, response);
  if (switched)
    modem_send_indications (self);
}

static void
job_send_apdu (EsimFakeQmiModem *self, Job *job)
{
  g_autoptr (GBytes) apdu = esim_fake_qmi_read_array (job->request, 0x02, TRUE);
  guint8 channel = 0;

  if (!job_check_slot (self, job))
    return;
  if (apdu == NULL || g_bytes_get_size (apdu) < 4) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_MISSING_ARGUMENT, -1);
    return;
  }
  if (esim_fake_qmi_read_u8 (job->request, 0x10, &channel)
      && (channel > MAX_CHANNEL || (self->channels & (1u << channel)) == 0)) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_INVALID_ARGUMENT, -1);
    return;
  }
  sim_send (self, apdu, send_apdu_cb);
}

/* Logical Channel: close one */

static void
close_channel_cb (EsimFakeQmiModem *self, Job *job, GBytes *rapdu)
{
  if (rapdu == NULL) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_NO_SIM, -1);
    return;
  }
  if (esim_fake_qmi_rapdu_sw (rapdu) != 0x9000) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_INTERNAL, esim_fake_qmi_rapdu_sw (rapdu));
    return;
  }
  job_reply_ok (self, job);
}

static void
job_close_channel (EsimFakeQmiModem *self, Job *job)
{
  g_autoptr (GBytes) apdu = NULL;
  guint8 channel = 0;

  if (!job_check_slot (self, job))
    return;
  if (!esim_fake_qmi_read_u8 (job->request, 0x11, &channel)) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_MISSING_ARGUMENT, -1);
    return;
  }
  if (channel == 0 || channel > MAX_CHANNEL || (self->channels & (1u << channel)) == 0) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_INVALID_ARGUMENT, -1);
    return;
  }
  self->channels &= ~(1u << channel);
  apdu = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, channel), 0x70, 0x80, channel, NULL, 0,
                           -1);
  sim_send (self, apdu, close_channel_cb);
}

static void
job_get_slot_status (EsimFakeQmiModem *self, Job *job)
{
  g_autoptr (QmiMessage) response = NULL;

  if (!self->slot_status_supported) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_INVALID_QMI_COMMAND, -1);
    return;
  }
  response = qmi_message_response_new (job->request, QMI_PROTOCOL_ERROR_NONE);
  esim_fake_qmi_add_slot_tlvs (response, self->n_slots, self->sim_slot, self->active_slot,
                               self->eid);
  job_reply (self, job, response);
}

static void
job_register_events (EsimFakeQmiModem *self, Job *job)
{
  g_autoptr (QmiMessage) response = NULL;
  gsize start = qmi_message_tlv_read_init (job->request, 0x01, NULL, NULL);
  gsize offset = 0;
  guint32 mask = 0;

  if (start == 0
      || !qmi_message_tlv_read_guint32 (job->request, start, &offset, QMI_ENDIAN_LITTLE, &mask,
                                        NULL)) {
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_MISSING_ARGUMENT, -1);
    return;
  }
  job->client->events = mask;
  response = qmi_message_response_new (job->request, QMI_PROTOCOL_ERROR_NONE);
  start = qmi_message_tlv_write_init (response, 0x10, NULL);
  g_assert_true (qmi_message_tlv_write_guint32 (response, QMI_ENDIAN_LITTLE, mask, NULL));
  g_assert_true (qmi_message_tlv_write_complete (response, start, NULL));
  job_reply (self, job, response);
}

static gboolean
modem_take_fault (EsimFakeQmiModem *self, guint16 message_id, guint16 *error)
{
  for (guint i = 0; i < self->faults->len; i++) {
    Fault *fault = &g_array_index (self->faults, Fault, i);
    if (fault->message_id != message_id || --fault->remaining > 0)
      continue;
    *error = fault->error;
    g_array_remove_index (self->faults, i);
    return TRUE;
  }
  return FALSE;
}

static void
job_start (EsimFakeQmiModem *self, Job *job)
{
  guint16 message_id = qmi_message_get_message_id (job->request);
  guint16 fault = 0;

  if (modem_take_fault (self, message_id, &fault)) {
    job_reply_error (self, job, (QmiProtocolError) fault, -1);
    return;
  }
  switch (message_id) {
  case UIM_REGISTER_EVENTS:
    job_register_events (self, job);
    break;
  case UIM_GET_SLOT_STATUS:
    job_get_slot_status (self, job);
    break;
  case UIM_OPEN_LOGICAL_CHANNEL:
    job_open_channel (self, job);
    break;
  case UIM_SEND_APDU:
    job_send_apdu (self, job);
    break;
  case UIM_LOGICAL_CHANNEL:
    job_close_channel (self, job);
    break;
  default:
    job_reply_error (self, job, QMI_PROTOCOL_ERROR_INVALID_QMI_COMMAND, -1);
  }
}

static gboolean
modem_delay_cb (gpointer user_data)
{
  EsimFakeQmiModem *self = user_data;

  self->delay_id = 0;
  job_start (self, self->current);
  return G_SOURCE_REMOVE;
}

static void
modem_next_job (EsimFakeQmiModem *self)
{
  if (self->current != NULL || g_queue_is_empty (&self->jobs))
    return;
  self->current = g_queue_pop_head (&self->jobs);
  if (self->delay_ms > 0) {
    self->delay_id = g_timeout_add (self->delay_ms, modem_delay_cb, self);
    return;
  }
  job_start (self, self->current);
}

/* CTL: answered at once, as qmi-proxy and the modem would */

static void
ctl_handle (EsimFakeQmiModem *self, Client *client, QmiMessage *request)
{
  g_autoptr (QmiMessage) response = NULL;
  gsize start;
  gsize offset = 0;
  guint8 service = 0;
  guint8 cid = 0;

  switch (qmi_message_get_message_id (request)) {
  case CTL_INTERNAL_PROXY_OPEN:
  case CTL_SYNC:
    response = qmi_message_response_new (request, QMI_PROTOCOL_ERROR_NONE);
    break;
  case CTL_GET_VERSION_INFO: {
    static const guint8 services[][5] = {
      { QMI_SERVICE_CTL, 1, 0, 5, 0 },
      { QMI_SERVICE_UIM, 1, 0, 50, 0 },
    };
    response = qmi_message_response_new (request, QMI_PROTOCOL_ERROR_NONE);
    start = qmi_message_tlv_write_init (response, 0x01, NULL);
    g_assert_true (qmi_message_tlv_write_guint8 (response, G_N_ELEMENTS (services), NULL));
    for (guint i = 0; i < G_N_ELEMENTS (services); i++) {
      for (guint b = 0; b < 5; b++)
        g_assert_true (qmi_message_tlv_write_guint8 (response, services[i][b], NULL));
    }
    g_assert_true (qmi_message_tlv_write_complete (response, start, NULL));
    break;
  }
  case CTL_ALLOCATE_CID:
    if (!esim_fake_qmi_read_u8 (request, 0x01, &service)) {
      response = qmi_message_response_new (request, QMI_PROTOCOL_ERROR_MISSING_ARGUMENT);
      break;
    }
    if (service != QMI_SERVICE_UIM || self->next_cid >= 0xFE) {
      response = qmi_message_response_new (request, QMI_PROTOCOL_ERROR_INVALID_SERVICE_TYPE);
      break;
    }
    cid = (guint8) self->next_cid++;
    g_array_append_val (client->cids, cid);
    response = qmi_message_response_new (request, QMI_PROTOCOL_ERROR_NONE);
    start = qmi_message_tlv_write_init (response, 0x01, NULL);
    g_assert_true (qmi_message_tlv_write_guint8 (response, service, NULL));
    g_assert_true (qmi_message_tlv_write_guint8 (response, cid, NULL));
    g_assert_true (qmi_message_tlv_write_complete (response, start, NULL));
    break;
  case CTL_RELEASE_CID:
    start = qmi_message_tlv_read_init (request, 0x01, NULL, NULL);
    if (start == 0 || !qmi_message_tlv_read_guint8 (request, start, &offset, &service, NULL)
        || !qmi_message_tlv_read_guint8 (request, start, &offset, &cid, NULL)) {
      response = qmi_message_response_new (request, QMI_PROTOCOL_ERROR_MISSING_ARGUMENT);
      break;
    }
    for (guint i = 0; i < client->cids->len; i++) {
      if (g_array_index (client->cids, guint8, i) == cid) {
        g_array_remove_index (client->cids, i);
        break;
      }
    }
    response = qmi_message_response_new (request, QMI_PROTOCOL_ERROR_NONE);
    start = qmi_message_tlv_write_init (response, 0x01, NULL);
    g_assert_true (qmi_message_tlv_write_guint8 (response, service, NULL));
    g_assert_true (qmi_message_tlv_write_guint8 (response, cid, NULL));
    g_assert_true (qmi_message_tlv_write_complete (response, start, NULL));
    break;
  default:
    response = qmi_message_response_new (request, QMI_PROTOCOL_ERROR_INVALID_QMI_COMMAND);
  }
  client_send (client, response);
}

static void
modem_handle (EsimFakeQmiModem *self, Client *client, QmiMessage *request)
{
  guint16 message_id = qmi_message_get_message_id (request);
  guint count;
  Job *job;

  if (qmi_message_get_service (request) == QMI_SERVICE_CTL) {
    ctl_handle (self, client, request);
    return;
  }
  if (qmi_message_get_service (request) != QMI_SERVICE_UIM || !qmi_message_is_request (request))
    return;
  count
    = GPOINTER_TO_UINT (g_hash_table_lookup (self->request_counts, GUINT_TO_POINTER (message_id)));
  g_hash_table_insert (self->request_counts, GUINT_TO_POINTER (message_id),
                       GUINT_TO_POINTER (count + 1));
  job = g_new0 (Job, 1);
  job->client = client_ref (client);
  job->request = qmi_message_ref (request);
  job->pending_sw = -1;
  g_queue_push_tail (&self->jobs, job);
  modem_next_job (self);
}

/* the connection: QMUX frames in, one after the other */

static gboolean
modem_release_cb (gpointer user_data)
{
  g_object_unref (user_data);
  return G_SOURCE_REMOVE;
}

static void
client_hangup (Client *client)
{
  EsimFakeQmiModem *self = client->modem;

  if (self == NULL)
    return;
  client->modem = NULL;
  g_cancellable_cancel (client->cancellable);
  if (client->connection != NULL)
    g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  g_clear_object (&client->connection);
  /* its clients are released; channels it left open stay open, as on a modem */
  g_array_set_size (client->cids, 0);
  self->clients = g_list_remove (self->clients, client);
  client_unref (client);
  /* not now: the caller may still be using us */
  if (self->retiring && self->clients == NULL) {
    self->retiring = FALSE;
    g_idle_add_full (G_PRIORITY_DEFAULT, modem_release_cb, self, NULL);
  }
}

static void client_read (Client *client);

static void
client_read_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Client *client = user_data;
  g_autoptr (GError) error = NULL;
  gssize got;

  got = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);
  if (client->modem == NULL) {
    client_unref (client);
    return;
  }
  if (got <= 0) {
    client_hangup (client);
    client_unref (client);
    return;
  }
  g_byte_array_append (client->buffer, client->chunk, (guint) got);
  while (client->modem != NULL && client->buffer->len > 0) {
    g_autoptr (QmiMessage) message = qmi_message_new_from_raw (client->buffer, &error);

    if (message == NULL && error != NULL) {
      g_debug ("fake QMI modem: bad frame: %s", error->message);
      client_hangup (client);
      break;
    }
    if (message == NULL)
      break;
    modem_handle (client->modem, client, message);
  }
  if (client->modem != NULL)
    client_read (client);
  client_unref (client);
}

static void
client_read (Client *client)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (client->connection)),
                             client->chunk, sizeof (client->chunk), G_PRIORITY_DEFAULT,
                             client->cancellable, client_read_cb, client_ref (client));
}

static gboolean
modem_incoming_cb (GSocketService *service, GSocketConnection *connection, GObject *source,
                   gpointer user_data)
{
  EsimFakeQmiModem *self = user_data;
  Client *client = g_new0 (Client, 1);

  client->refs = 1;
  client->modem = self;
  client->connection = g_object_ref (connection);
  client->cancellable = g_cancellable_new ();
  client->buffer = g_byte_array_new ();
  client->cids = g_array_new (FALSE, FALSE, 1);
  self->clients = g_list_prepend (self->clients, client);
  client_read (client);
  return TRUE;
}

static void
modem_stop_listening (EsimFakeQmiModem *self)
{
  if (self->service != NULL) {
    g_socket_service_stop (self->service);
    g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    g_clear_object (&self->service);
  }
}

/* public */

EsimFakeQmiModem *
esim_fake_qmi_modem_new (const gchar *sim_socket)
{
  EsimFakeQmiModem *self = g_object_new (ESIM_TYPE_FAKE_QMI_MODEM, NULL);

  self->card = esim_fake_qmi_card_new (sim_socket);
  return self;
}

gboolean
esim_fake_qmi_modem_start (EsimFakeQmiModem *self, GError **error)
{
  static guint counter;
  g_autoptr (GSocketAddress) address = NULL;

  g_return_val_if_fail (self->service == NULL, FALSE);
  /* a name of our own: no real qmi-proxy ever answers here */
  self->proxy_path = g_strdup_printf ("esim-fake-qmi-%d-%u", (gint) getpid (), counter++);
  self->device_path = g_strdup_printf ("/dev/esim-fake-qmi-%u", counter);
  address
    = g_unix_socket_address_new_with_type (self->proxy_path, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL,
                                      error)) {
    g_clear_object (&self->service);
    return FALSE;
  }
  g_signal_connect (self->service, "incoming", G_CALLBACK (modem_incoming_cb), self);
  g_socket_service_start (self->service);
  return TRUE;
}

void
esim_fake_qmi_modem_stop (EsimFakeQmiModem *self)
{
  modem_stop_listening (self);
  while (self->clients != NULL)
    client_hangup (self->clients->data);
}

void
esim_fake_qmi_modem_retire (EsimFakeQmiModem *self)
{
  modem_stop_listening (self);
  if (self->clients == NULL) {
    g_object_unref (self);
    return;
  }
  self->retiring = TRUE;
}

const gchar *
esim_fake_qmi_modem_get_proxy_path (EsimFakeQmiModem *self)
{
  return self->proxy_path;
}

const gchar *
esim_fake_qmi_modem_get_device_path (EsimFakeQmiModem *self)
{
  return self->device_path;
}

void
esim_fake_qmi_modem_set_channel_limit (EsimFakeQmiModem *self, guint limit)
{
  self->channel_limit = limit;
}

void
esim_fake_qmi_modem_set_slots (EsimFakeQmiModem *self, guint n_slots, guint sim_slot,
                               guint active_slot)
{
  g_return_if_fail (n_slots >= 1 && n_slots <= 5);
  self->n_slots = n_slots;
  self->sim_slot = sim_slot;
  self->active_slot = active_slot;
}

void
esim_fake_qmi_modem_set_eid (EsimFakeQmiModem *self, const gchar *eid)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();

  g_clear_pointer (&self->eid, g_bytes_unref);
  if (eid == NULL)
    return;
  for (gsize i = 0; eid[i] != '\0' && eid[i + 1] != '\0'; i += 2) {
    guint8 byte
      = (guint8) ((g_ascii_xdigit_value (eid[i]) << 4) | g_ascii_xdigit_value (eid[i + 1]));
    g_byte_array_append (bytes, &byte, 1);
  }
  self->eid = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

void
esim_fake_qmi_modem_set_slot_status_supported (EsimFakeQmiModem *self, gboolean supported)
{
  self->slot_status_supported = supported;
}

void
esim_fake_qmi_modem_fail_request (EsimFakeQmiModem *self, guint16 message_id, guint nth,
                                  guint16 qmi_error)
{
  Fault fault = { message_id, MAX (nth, 1), qmi_error };

  g_array_append_val (self->faults, fault);
}

void
esim_fake_qmi_modem_set_delay (EsimFakeQmiModem *self, guint delay_ms)
{
  self->delay_ms = delay_ms;
}

guint
esim_fake_qmi_modem_get_open_channels (EsimFakeQmiModem *self)
{
  return (guint) __builtin_popcount (self->channels);
}

guint
esim_fake_qmi_modem_get_client_count (EsimFakeQmiModem *self)
{
  guint n = 0;

  for (GList *l = self->clients; l != NULL; l = l->next)
    n += ((Client *) l->data)->cids->len;
  return n;
}

void
esim_fake_qmi_modem_set_send_indications (EsimFakeQmiModem *self, gboolean send)
{
  self->drop_indications = !send;
}

guint
esim_fake_qmi_modem_get_indication_count (EsimFakeQmiModem *self)
{
  return self->indications;
}

guint
esim_fake_qmi_modem_get_request_count (EsimFakeQmiModem *self, guint16 message_id)
{
  return GPOINTER_TO_UINT (
    g_hash_table_lookup (self->request_counts, GUINT_TO_POINTER (message_id)));
}

static void
esim_fake_qmi_modem_dispose (GObject *object)
{
  EsimFakeQmiModem *self = ESIM_FAKE_QMI_MODEM (object);
  Job *job;

  modem_stop_listening (self);
  while (self->clients != NULL)
    client_hangup (self->clients->data);
  g_clear_handle_id (&self->delay_id, g_source_remove);
  while ((job = g_queue_pop_head (&self->jobs)) != NULL)
    job_free (job);
  /* a job waiting for the card holds a reference to us: not here */
  if (self->current != NULL && self->sim_reply_func == NULL) {
    job_free (self->current);
    self->current = NULL;
  }
  g_clear_object (&self->card);
  G_OBJECT_CLASS (esim_fake_qmi_modem_parent_class)->dispose (object);
}

static void
esim_fake_qmi_modem_finalize (GObject *object)
{
  EsimFakeQmiModem *self = ESIM_FAKE_QMI_MODEM (object);

  g_free (self->proxy_path);
  g_free (self->device_path);
  g_clear_pointer (&self->eid, g_bytes_unref);
  g_array_unref (self->faults);
  g_hash_table_unref (self->request_counts);
  G_OBJECT_CLASS (esim_fake_qmi_modem_parent_class)->finalize (object);
}

static void
esim_fake_qmi_modem_init (EsimFakeQmiModem *self)
{
  g_queue_init (&self->jobs);
  self->channel_limit = 3;
  self->n_slots = 1;
  self->sim_slot = 1;
  self->active_slot = 1;
  self->slot_status_supported = TRUE;
  self->next_cid = 1;
  self->faults = g_array_new (FALSE, FALSE, sizeof (Fault));
  self->request_counts = g_hash_table_new (NULL, NULL);
}

static void
esim_fake_qmi_modem_class_init (EsimFakeQmiModemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_fake_qmi_modem_dispose;
  object_class->finalize = esim_fake_qmi_modem_finalize;
}
