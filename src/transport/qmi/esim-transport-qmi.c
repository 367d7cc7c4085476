/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libqmi-glib.h>
#if defined(ESIM_TRANSPORT_HAVE_QRTR) && QMI_QRTR_SUPPORTED
#include <libqrtr-glib.h>
#define ESIM_QMI_WITH_QRTR 1
#endif

#include "esim-transport-qmi.h"
#include "esim-transport-qmi-uim.h"

/* seconds; a bound profile package segment can keep a card busy a while */
#define TIMEOUT_OPEN 15
#define TIMEOUT_CONTROL 10
#define TIMEOUT_CHANNEL 20
#define TIMEOUT_APDU 60
/* ISO 7816-4 logical channels 1 to 19 */
#define MAX_CHANNEL 19

struct _EsimTransportQmi {
  EsimTransport parent_instance;
  guint slot_requested;
  gchar *proxy_path;

  QmiDevice *device;
  QmiClient *uim;
  gulong removed_id;
  gulong refresh_id;
  gulong slot_status_id;

  guint slot;
  guint8 logical_slot;
  guint32 channels; /* bit n: logical channel n is open and ours */
  gchar *eid;
  gboolean is_euicc;
  gboolean lost; /* open once, then the modem or the card went away */
};

G_DEFINE_TYPE (EsimTransportQmi, esim_transport_qmi, ESIM_TYPE_TRANSPORT)

enum { PROP_0, PROP_SLOT, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_CARD_REFRESHED, N_SIGNALS };
static guint signals[N_SIGNALS];

EsimTransport *
esim_transport_qmi_new (const gchar *kind, const gchar *device, guint slot)
{
  g_return_val_if_fail (g_strcmp0 (kind, "qmi") == 0 || g_strcmp0 (kind, "qrtr") == 0, NULL);
  g_return_val_if_fail (device != NULL, NULL);
  return g_object_new (ESIM_TYPE_TRANSPORT_QMI, "kind", kind, "device", device, "slot", slot, NULL);
}

void
esim_transport_qmi_set_proxy_path (EsimTransportQmi *self, const gchar *proxy_path)
{
  g_return_if_fail (ESIM_IS_TRANSPORT_QMI (self));
  g_free (self->proxy_path);
  self->proxy_path = g_strdup (proxy_path);
}

guint
esim_transport_qmi_get_slot (EsimTransportQmi *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT_QMI (self), 0);
  return self->slot;
}

guint
esim_transport_qmi_get_logical_slot (EsimTransportQmi *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT_QMI (self), 0);
  return self->logical_slot;
}

const gchar *
esim_transport_qmi_get_eid (EsimTransportQmi *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT_QMI (self), NULL);
  return self->eid;
}

gboolean
esim_transport_qmi_get_is_euicc (EsimTransportQmi *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT_QMI (self), FALSE);
  return self->is_euicc;
}

guint
esim_transport_qmi_get_open_channel_count (EsimTransportQmi *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT_QMI (self), 0);
  return (guint) __builtin_popcount (self->channels);
}

static gboolean
esim_transport_qmi_is_qrtr (EsimTransportQmi *self)
{
  return g_str_equal (esim_transport_get_kind (ESIM_TRANSPORT (self)), "qrtr");
}

/* errors: QMI core and protocol errors become transport errors */

typedef enum {
  OP_OPEN,
  OP_OPEN_CHANNEL,
  OP_TRANSMIT,
  OP_CLOSE_CHANNEL,
} Op;

static gboolean
esim_transport_qmi_error_is_gone (const GError *error)
{
  /* a closed or hung-up device, or a card that left the slot */
  return g_error_matches (error, QMI_CORE_ERROR, QMI_CORE_ERROR_WRONG_STATE)
         || g_error_matches (error, QMI_PROTOCOL_ERROR, QMI_PROTOCOL_ERROR_NO_SIM)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
}

static GError *
esim_transport_qmi_map_error (EsimTransportQmi *self, GError *error, Op op,
                              GCancellable *cancellable)
{
  const gchar *device = esim_transport_get_device (ESIM_TRANSPORT (self));
  EsimTransportError code = ESIM_TRANSPORT_ERROR_FAILED;
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  /* libqmi reports a cancelled request as aborted */
  if (g_error_matches (error, QMI_PROTOCOL_ERROR, QMI_PROTOCOL_ERROR_ABORTED)
      && g_cancellable_is_cancelled (cancellable)) {
    mapped = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", error->message);
    g_error_free (error);
    return mapped;
  }
  if (esim_transport_qmi_error_is_gone (error) || op == OP_OPEN)
    code = ESIM_TRANSPORT_ERROR_GONE;
  else if (g_error_matches (error, QMI_PROTOCOL_ERROR, QMI_PROTOCOL_ERROR_INSUFFICIENT_RESOURCES))
    code = op == OP_OPEN_CHANNEL ? ESIM_TRANSPORT_ERROR_NO_CHANNEL : ESIM_TRANSPORT_ERROR_FAILED;
  else if (g_error_matches (error, QMI_PROTOCOL_ERROR, QMI_PROTOCOL_ERROR_SIM_FILE_NOT_FOUND))
    code = op == OP_OPEN_CHANNEL ? ESIM_TRANSPORT_ERROR_NOT_FOUND : ESIM_TRANSPORT_ERROR_FAILED;
  else if (g_error_matches (error, QMI_PROTOCOL_ERROR, QMI_PROTOCOL_ERROR_INVALID_ARGUMENT)
           && op != OP_OPEN_CHANNEL)
    code = ESIM_TRANSPORT_ERROR_NO_CHANNEL;
  else if (error->domain == QMI_CORE_ERROR
           && (error->code == QMI_CORE_ERROR_INVALID_MESSAGE
               || error->code == QMI_CORE_ERROR_TLV_NOT_FOUND
               || error->code == QMI_CORE_ERROR_UNEXPECTED_MESSAGE))
    code = ESIM_TRANSPORT_ERROR_PROTOCOL;
  mapped = g_error_new (ESIM_TRANSPORT_ERROR, code, "QMI modem at %s: %s", device, error->message);
  g_error_free (error);
  return mapped;
}

/* the device went away: forget what lived on it */

static void esim_transport_qmi_release (EsimTransportQmi *self, gboolean talk);

/* the card or the modem went away: the channels went with it, but a modem
 * still there gets its client back */
static void
esim_transport_qmi_gone (EsimTransportQmi *self, gboolean modem_gone)
{
  self->lost = TRUE;
  self->channels = 0;
  esim_transport_qmi_release (self, !modem_gone);
  esim_transport_set_gone (ESIM_TRANSPORT (self));
}

static void
esim_transport_qmi_removed_cb (QmiDevice *device, gpointer user_data)
{
  EsimTransportQmi *self = ESIM_TRANSPORT_QMI (user_data);

  g_debug ("QMI device %s went away", esim_transport_get_device (ESIM_TRANSPORT (self)));
  esim_transport_qmi_gone (self, TRUE);
}

/* indications: the card restarted (a profile switch) or its slot changed */

static void
esim_transport_qmi_refresh_cb (QmiClientUim *client, QmiIndicationUimRefreshOutput *output,
                               gpointer user_data)
{
  QmiUimRefreshStage stage = QMI_UIM_REFRESH_STAGE_START;

  if (qmi_indication_uim_refresh_output_get_event (output, &stage, NULL, NULL, NULL, NULL, NULL)
      && stage == QMI_UIM_REFRESH_STAGE_END_WITH_SUCCESS) {
    g_signal_emit (user_data, signals[SIGNAL_CARD_REFRESHED], 0);
    esim_transport_emit_refreshed (ESIM_TRANSPORT (user_data));
  }
}

static void
esim_transport_qmi_slot_status_cb (QmiClientUim *client, QmiIndicationUimSlotStatusOutput *output,
                                   gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_CARD_REFRESHED], 0);
  esim_transport_emit_refreshed (ESIM_TRANSPORT (user_data));
}

/* open: device, proxy, UIM client, slot */

typedef struct {
  QmiDevice *device;
  QmiClient *uim;
#ifdef ESIM_QMI_WITH_QRTR
  guint32 node_id;
#endif
} OpenData;

static void closer_start (QmiDevice *device, QmiClient *uim, gboolean talk);

static void
open_data_free (OpenData *data)
{
  /* an open that failed half-way gives back what it got */
  if (data->device != NULL)
    closer_start (g_steal_pointer (&data->device), g_steal_pointer (&data->uim), TRUE);
  g_clear_object (&data->uim);
  g_free (data);
}

static void
open_fail (GTask *task, GError *error)
{
  EsimTransportQmi *self = g_task_get_source_object (task);

  g_task_return_error (
    task, esim_transport_qmi_map_error (self, error, OP_OPEN, g_task_get_cancellable (task)));
  g_object_unref (task);
}

static gchar *
esim_transport_qmi_eid_string (GArray *eid)
{
  GString *out;

  if (eid == NULL || eid->len == 0)
    return NULL;
  out = g_string_sized_new (eid->len * 2);
  for (guint i = 0; i < eid->len; i++)
    g_string_append_printf (out, "%02X", g_array_index (eid, guint8, i));
  return g_string_free (out, FALSE);
}

/* which UIM slot reaches the physical slot we want; FALSE when it is not active */
static gboolean
esim_transport_qmi_apply_slot_status (EsimTransportQmi *self,
                                      QmiMessageUimGetSlotStatusOutput *output, GError **error)
{
  GArray *status = NULL;
  GArray *info = NULL;
  GArray *eids = NULL;
  guint index = G_MAXUINT;

  if (!qmi_message_uim_get_slot_status_output_get_physical_slot_status (output, &status, NULL)
      || status->len == 0)
    return TRUE;
  for (guint i = 0; i < status->len; i++) {
    QmiPhysicalSlotStatusSlot *slot = &g_array_index (status, QmiPhysicalSlotStatusSlot, i);
    if (self->slot_requested == 0 && slot->physical_slot_status == QMI_UIM_SLOT_STATE_ACTIVE) {
      index = i;
      break;
    }
    if (self->slot_requested == i + 1)
      index = i;
  }
  if (index == G_MAXUINT && self->slot_requested == 0) {
    g_set_error_literal (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED,
                         "no SIM slot of the modem is active");
    return FALSE;
  }
  if (index == G_MAXUINT) {
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED,
                 "the modem has %u SIM slots, not %u", status->len, self->slot_requested);
    return FALSE;
  }
  if (g_array_index (status, QmiPhysicalSlotStatusSlot, index).physical_slot_status
      != QMI_UIM_SLOT_STATE_ACTIVE) {
    /* switching slots would take the active SIM away from ModemManager */
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED,
                 "SIM slot %u of the modem is not active", index + 1);
    return FALSE;
  }
  self->slot = index + 1;
  self->logical_slot = g_array_index (status, QmiPhysicalSlotStatusSlot, index).logical_slot;
  if (self->logical_slot == 0)
    self->logical_slot = 1;
  if (qmi_message_uim_get_slot_status_output_get_physical_slot_information (output, &info, NULL)
      && index < info->len)
    self->is_euicc = g_array_index (info, QmiPhysicalSlotInformationSlot, index).is_euicc;
  if (qmi_message_uim_get_slot_status_output_get_slot_eid (output, &eids, NULL)
      && index < eids->len) {
    g_free (self->eid);
    self->eid = esim_transport_qmi_eid_string (g_array_index (eids, QmiSlotEidElement, index).eid);
  }
  return TRUE;
}

static void
open_done (GTask *task)
{
  EsimTransportQmi *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  self->device = g_steal_pointer (&data->device);
  self->uim = g_steal_pointer (&data->uim);
  self->channels = 0;
  self->lost = FALSE;
  self->removed_id = g_signal_connect (self->device, QMI_DEVICE_SIGNAL_REMOVED,
                                       G_CALLBACK (esim_transport_qmi_removed_cb), self);
  self->refresh_id
    = g_signal_connect (self->uim, "refresh", G_CALLBACK (esim_transport_qmi_refresh_cb), self);
  self->slot_status_id = g_signal_connect (self->uim, "slot-status",
                                           G_CALLBACK (esim_transport_qmi_slot_status_cb), self);
  g_debug ("QMI %s: UIM client %u, physical slot %u is UIM slot %u%s",
           esim_transport_get_device (ESIM_TRANSPORT (self)), qmi_client_get_cid (self->uim),
           self->slot, self->logical_slot, self->is_euicc ? ", an eUICC" : "");
  esim_transport_set_open (ESIM_TRANSPORT (self), TRUE);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
open_slot_status_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportQmi *self = g_task_get_source_object (task);
  g_autoptr (QmiMessageUimGetSlotStatusOutput) output = NULL;
  g_autoptr (GError) ignored = NULL;
  GError *error = NULL;

  output = qmi_client_uim_get_slot_status_finish (QMI_CLIENT_UIM (source), res, &ignored);
  if (output == NULL || !qmi_message_uim_get_slot_status_output_get_result (output, &ignored)) {
    /* older modems: one slot, which is UIM slot 1 */
    g_debug ("no UIM slot status (%s); using slot %u", ignored->message,
             MAX (self->slot_requested, 1));
    self->slot = MAX (self->slot_requested, 1);
    self->logical_slot = (guint8) self->slot;
    open_done (task);
    return;
  }
  if (!esim_transport_qmi_apply_slot_status (self, output, &error)) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  open_done (task);
}

static void
open_register_events_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  g_autoptr (QmiMessageUimRegisterEventsOutput) output = NULL;
  g_autoptr (GError) ignored = NULL;

  /* without indications the daemon falls back to its timeout */
  output = qmi_client_uim_register_events_finish (QMI_CLIENT_UIM (source), res, &ignored);
  if (output == NULL || !qmi_message_uim_register_events_output_get_result (output, &ignored))
    g_debug ("no UIM indications: %s", ignored->message);
  else
    esim_transport_set_can_signal_refresh (ESIM_TRANSPORT (g_task_get_source_object (task)), TRUE);
  qmi_client_uim_get_slot_status (QMI_CLIENT_UIM (source), NULL, TIMEOUT_CONTROL,
                                  g_task_get_cancellable (task), open_slot_status_cb, task);
}

static void
open_client_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (QmiMessageUimRegisterEventsInput) input = NULL;
  GError *error = NULL;

  data->uim = qmi_device_allocate_client_finish (QMI_DEVICE (source), res, &error);
  if (data->uim == NULL) {
    g_prefix_error (&error, "no UIM client: ");
    open_fail (task, error);
    return;
  }
  input = qmi_message_uim_register_events_input_new ();
  qmi_message_uim_register_events_input_set_event_registration_mask (
    input,
    QMI_UIM_EVENT_REGISTRATION_FLAG_CARD_STATUS
      | QMI_UIM_EVENT_REGISTRATION_FLAG_PHYSICAL_SLOT_STATUS,
    NULL);
  qmi_client_uim_register_events (QMI_CLIENT_UIM (data->uim), input, TIMEOUT_CONTROL,
                                  g_task_get_cancellable (task), open_register_events_cb, task);
}

static void
open_device_open_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  GError *error = NULL;

  if (!qmi_device_open_finish (QMI_DEVICE (source), res, &error)) {
    open_fail (task, error);
    return;
  }
  qmi_device_allocate_client (QMI_DEVICE (source), QMI_SERVICE_UIM, QMI_CID_NONE, TIMEOUT_CONTROL,
                              g_task_get_cancellable (task), open_client_cb, task);
}

static void
open_device_start (GTask *task, QmiDevice *device)
{
  EsimTransportQmi *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  QmiDeviceOpenFlags flags = QMI_DEVICE_OPEN_FLAGS_VERSION_INFO;

  data->device = device;
  /* QRTR has no proxy: every client talks to the node itself */
  if (!esim_transport_qmi_is_qrtr (self))
    flags |= QMI_DEVICE_OPEN_FLAGS_PROXY;
  qmi_device_open (device, flags, TIMEOUT_OPEN, g_task_get_cancellable (task), open_device_open_cb,
                   task);
}

static void
open_device_new_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  GError *error = NULL;
  GObject *device;

  device = g_async_initable_new_finish (G_ASYNC_INITABLE (source), res, &error);
  if (device == NULL) {
    open_fail (task, error);
    return;
  }
  open_device_start (task, QMI_DEVICE (device));
}

#ifdef ESIM_QMI_WITH_QRTR

static void
open_node_device_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  GError *error = NULL;
  QmiDevice *device;

  device = qmi_device_new_from_node_finish (res, &error);
  if (device == NULL) {
    open_fail (task, error);
    return;
  }
  open_device_start (task, device);
}

static void
open_node_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  g_autoptr (QrtrNode) node = NULL;
  GError *error = NULL;

  node = qrtr_bus_wait_for_node_finish (QRTR_BUS (source), res, &error);
  if (node == NULL) {
    open_fail (task, error);
    return;
  }
  qmi_device_new_from_node (node, g_task_get_cancellable (task), open_node_device_cb, task);
}

static void
open_bus_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (QrtrBus) bus = NULL;
  GError *error = NULL;

  bus = qrtr_bus_new_finish (res, &error);
  if (bus == NULL) {
    g_prefix_error (&error, "no QRTR bus: ");
    open_fail (task, error);
    return;
  }
  /* the node keeps a reference to its bus */
  qrtr_bus_wait_for_node (bus, data->node_id, 5000, g_task_get_cancellable (task), open_node_cb,
                          task);
}

#endif

static void
esim_transport_qmi_open_async (EsimTransport *transport, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  EsimTransportQmi *self = ESIM_TRANSPORT_QMI (transport);
  GTask *task = g_task_new (transport, cancellable, callback, user_data);
  const gchar *device = esim_transport_get_device (transport);
  g_autoptr (GFile) file = NULL;

  g_task_set_source_tag (task, esim_transport_qmi_open_async);
  g_task_set_task_data (task, g_new0 (OpenData, 1), (GDestroyNotify) open_data_free);
  if (self->device != NULL) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  if (esim_transport_qmi_is_qrtr (self)) {
#ifdef ESIM_QMI_WITH_QRTR
    OpenData *data = g_task_get_task_data (task);
    guint64 node = 0;

    if (!g_ascii_string_to_unsigned (device, 10, 0, G_MAXUINT32, &node, NULL)) {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "“%s” is not a QRTR node number", device);
      g_object_unref (task);
      return;
    }
    data->node_id = (guint32) node;
    qrtr_bus_new (1000, cancellable, open_bus_cb, task);
#else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             "QRTR node %s: this build has no QRTR support "
                             "(libqmi and libqrtr-glib with QRTR are needed)",
                             device);
    g_object_unref (task);
#endif
    return;
  }
  file = g_file_new_for_path (device);
  /* a proxy of our choosing owns the port, maybe in another namespace */
  g_async_initable_new_async (
    QMI_TYPE_DEVICE, G_PRIORITY_DEFAULT, cancellable, open_device_new_cb, task, QMI_DEVICE_FILE,
    file, QMI_DEVICE_NO_FILE_CHECK, self->proxy_path != NULL, QMI_DEVICE_PROXY_PATH,
    self->proxy_path != NULL ? self->proxy_path : QMI_PROXY_SOCKET_PATH, NULL);
}

static gboolean
esim_transport_qmi_open_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* checks shared by the channel operations */

static gboolean
esim_transport_qmi_check_ready (EsimTransportQmi *self, GError **error)
{
  if (self->uim != NULL && qmi_client_is_valid (self->uim))
    return TRUE;
  /* a client without a device: the modem went away under us */
  if (self->uim != NULL)
    esim_transport_qmi_gone (self, TRUE);
  g_set_error (error, ESIM_TRANSPORT_ERROR,
               self->lost ? ESIM_TRANSPORT_ERROR_GONE : ESIM_TRANSPORT_ERROR_NOT_OPEN,
               "no QMI link to %s", esim_transport_get_device (ESIM_TRANSPORT (self)));
  return FALSE;
}

/* open channel */

static void
open_channel_close_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!esim_qmi_uim_close_channel_finish (QMI_CLIENT_UIM (source), res, &error))
    g_debug ("closing an unwanted logical channel: %s", error->message);
}

static void
open_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportQmi *self = g_task_get_source_object (task);
  GError *error = NULL;
  GBytes *fci = NULL;
  guint8 channel = 0;
  gint card_sw = -1;

  if (!esim_qmi_uim_open_channel_finish (QMI_CLIENT_UIM (source), res, &channel, &fci, &card_sw,
                                         &error)) {
    if (card_sw == 0x6A82) {
      g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND,
                               "the card has no application with this AID (6A82): %s",
                               error->message);
      g_error_free (error);
    } else {
      error = esim_transport_qmi_map_error (self, error, OP_OPEN_CHANNEL, NULL);
      if (g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE))
        esim_transport_qmi_gone (self, FALSE);
      g_task_return_error (task, error);
    }
    g_object_unref (task);
    return;
  }
  /* the channel is ours now, whatever happens to the caller */
  if (channel == 0 || channel > MAX_CHANNEL) {
    g_bytes_unref (fci);
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                             "the modem opened logical channel %u", channel);
    g_object_unref (task);
    return;
  }
  if (g_task_return_error_if_cancelled (task)) {
    g_bytes_unref (fci);
    esim_qmi_uim_close_channel_async (QMI_CLIENT_UIM (source), self->logical_slot, channel,
                                      TIMEOUT_CHANNEL, open_channel_close_cb, NULL);
    g_object_unref (task);
    return;
  }
  self->channels |= 1u << channel;
  g_task_set_task_data (task, GUINT_TO_POINTER (channel), NULL);
  g_task_return_pointer (task, fci, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
esim_transport_qmi_open_channel_async (EsimTransport *transport, GBytes *aid,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  EsimTransportQmi *self = ESIM_TRANSPORT_QMI (transport);
  GTask *task = g_task_new (transport, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, esim_transport_qmi_open_channel_async);
  if (g_bytes_get_size (aid) < 5 || g_bytes_get_size (aid) > 16) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "an AID has 5 to 16 bytes, not %" G_GSIZE_FORMAT,
                             g_bytes_get_size (aid));
    g_object_unref (task);
    return;
  }
  if (!esim_transport_qmi_check_ready (self, &error)) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  /* not cancellable at the modem: an answer we dropped would leak the channel */
  esim_qmi_uim_open_channel_async (QMI_CLIENT_UIM (self->uim), self->logical_slot, aid,
                                   TIMEOUT_CHANNEL, open_channel_cb, task);
}

static gboolean
esim_transport_qmi_open_channel_finish (EsimTransport *transport, GAsyncResult *res, guint *channel,
                                        GBytes **select_response, GError **error)
{
  GBytes *fci = g_task_propagate_pointer (G_TASK (res), error);

  if (fci == NULL)
    return FALSE;
  if (channel != NULL)
    *channel = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (res)));
  if (select_response != NULL)
    *select_response = fci;
  else
    g_bytes_unref (fci);
  return TRUE;
}

/* transmit */

static void
transmit_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimTransportQmi *self = g_task_get_source_object (task);
  GError *error = NULL;
  GBytes *rapdu;

  rapdu = esim_qmi_uim_send_apdu_finish (QMI_CLIENT_UIM (source), res, &error);
  if (rapdu == NULL) {
    error = esim_transport_qmi_map_error (self, error, OP_TRANSMIT, g_task_get_cancellable (task));
    if (g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE))
      esim_transport_qmi_gone (self, FALSE);
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, rapdu, (GDestroyNotify) g_bytes_unref);
}

static void
esim_transport_qmi_transmit_async (EsimTransport *transport, guint channel, GBytes *apdu,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  EsimTransportQmi *self = ESIM_TRANSPORT_QMI (transport);
  GTask *task = g_task_new (transport, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, esim_transport_qmi_transmit_async);
  if (!esim_transport_qmi_check_ready (self, &error)) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  if (channel > MAX_CHANNEL || (channel != 0 && (self->channels & (1u << channel)) == 0)) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL,
                             "logical channel %u is not open", channel);
    g_object_unref (task);
    return;
  }
  esim_qmi_uim_send_apdu_async (QMI_CLIENT_UIM (self->uim), self->logical_slot, (guint8) channel,
                                apdu, TIMEOUT_APDU, cancellable, transmit_cb, task);
}

static GBytes *
esim_transport_qmi_transmit_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* close channel */

static void
close_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimTransportQmi *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!esim_qmi_uim_close_channel_finish (QMI_CLIENT_UIM (source), res, &error)) {
    error = esim_transport_qmi_map_error (self, error, OP_CLOSE_CHANNEL, NULL);
    if (g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE))
      esim_transport_qmi_gone (self, FALSE);
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
esim_transport_qmi_close_channel_async (EsimTransport *transport, guint channel,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  EsimTransportQmi *self = ESIM_TRANSPORT_QMI (transport);
  GTask *task = g_task_new (transport, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, esim_transport_qmi_close_channel_async);
  if (!esim_transport_qmi_check_ready (self, &error)) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  if (channel == 0 || channel > MAX_CHANNEL || (self->channels & (1u << channel)) == 0) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL,
                             "logical channel %u is not open", channel);
    g_object_unref (task);
    return;
  }
  /* whatever the modem answers, the channel is no longer ours to close */
  self->channels &= ~(1u << channel);
  esim_qmi_uim_close_channel_async (QMI_CLIENT_UIM (self->uim), self->logical_slot,
                                    (guint8) channel, TIMEOUT_CHANNEL, close_channel_cb, task);
}

static gboolean
esim_transport_qmi_close_channel_finish (EsimTransport *transport, GAsyncResult *res,
                                         GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* close: channels first, then the client, then the port; nobody waits */

typedef struct {
  QmiDevice *device;
  QmiClient *uim;
  gboolean talk; /* the modem is still there to hear us */
  guint pending;
} Closer;

static void
closer_device_closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Closer *closer = user_data;

  qmi_device_close_finish (QMI_DEVICE (source), res, NULL);
  g_object_unref (closer->device);
  g_free (closer);
}

static void
closer_close_device (Closer *closer)
{
  qmi_device_close_async (closer->device, TIMEOUT_CONTROL, NULL, closer_device_closed_cb, closer);
}

static void
closer_released_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!qmi_device_release_client_finish (QMI_DEVICE (source), res, &error))
    g_debug ("releasing the UIM client: %s", error->message);
  closer_close_device (user_data);
}

static void
closer_next (Closer *closer)
{
  if (--closer->pending > 0)
    return;
  if (closer->uim == NULL) {
    closer_close_device (closer);
    return;
  }
  /* a device that went away only forgets the client; libqmi warns
   * about clients never released */
  qmi_device_release_client (closer->device, closer->uim,
                             closer->talk ? QMI_DEVICE_RELEASE_CLIENT_FLAGS_RELEASE_CID
                                          : QMI_DEVICE_RELEASE_CLIENT_FLAGS_NONE,
                             TIMEOUT_CONTROL, NULL, closer_released_cb, closer);
  g_clear_object (&closer->uim);
}

static void
closer_channel_closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!esim_qmi_uim_close_channel_finish (QMI_CLIENT_UIM (source), res, &error))
    g_debug ("closing a logical channel: %s", error->message);
  closer_next (user_data);
}

/* takes both references */
static void
closer_start (QmiDevice *device, QmiClient *uim, gboolean talk)
{
  Closer *closer = g_new0 (Closer, 1);

  closer->device = device;
  closer->uim = uim;
  closer->talk = talk && uim != NULL && qmi_client_is_valid (uim) && qmi_device_is_open (device);
  closer->pending = 1;
  closer_next (closer);
}

/* hand the device over to a closer: with talk, our channels are closed and
 * the client released on the modem; without, the modem is gone */
static void
esim_transport_qmi_release (EsimTransportQmi *self, gboolean talk)
{
  Closer *closer;

  if (self->device == NULL) {
    self->channels = 0;
    g_clear_object (&self->uim);
    return;
  }
  g_clear_signal_handler (&self->removed_id, self->device);
  if (self->uim != NULL) {
    g_clear_signal_handler (&self->refresh_id, self->uim);
    g_clear_signal_handler (&self->slot_status_id, self->uim);
  }
  closer = g_new0 (Closer, 1);
  closer->device = g_steal_pointer (&self->device);
  closer->uim = g_steal_pointer (&self->uim);
  closer->talk = talk && closer->uim != NULL && qmi_client_is_valid (closer->uim)
                 && qmi_device_is_open (closer->device);
  closer->pending = 1;
  for (guint channel = 1; closer->talk && channel <= MAX_CHANNEL; channel++) {
    if ((self->channels & (1u << channel)) == 0)
      continue;
    closer->pending++;
    esim_qmi_uim_close_channel_async (QMI_CLIENT_UIM (closer->uim), self->logical_slot,
                                      (guint8) channel, TIMEOUT_CHANNEL, closer_channel_closed_cb,
                                      closer);
  }
  self->channels = 0;
  closer_next (closer);
}

static void
esim_transport_qmi_close (EsimTransport *transport)
{
  EsimTransportQmi *self = ESIM_TRANSPORT_QMI (transport);

  self->lost = FALSE;
  esim_transport_qmi_release (self, TRUE);
}

/* GObject */

static void
esim_transport_qmi_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimTransportQmi *self = ESIM_TRANSPORT_QMI (object);

  switch (prop_id) {
  case PROP_SLOT:
    g_value_set_uint (value, self->slot_requested);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_transport_qmi_set_property (GObject *object, guint prop_id, const GValue *value,
                                 GParamSpec *pspec)
{
  EsimTransportQmi *self = ESIM_TRANSPORT_QMI (object);

  switch (prop_id) {
  case PROP_SLOT:
    self->slot_requested = g_value_get_uint (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_transport_qmi_dispose (GObject *object)
{
  esim_transport_qmi_close (ESIM_TRANSPORT (object));
  G_OBJECT_CLASS (esim_transport_qmi_parent_class)->dispose (object);
}

static void
esim_transport_qmi_finalize (GObject *object)
{
  EsimTransportQmi *self = ESIM_TRANSPORT_QMI (object);

  g_free (self->proxy_path);
  g_free (self->eid);
  G_OBJECT_CLASS (esim_transport_qmi_parent_class)->finalize (object);
}

static void
esim_transport_qmi_init (EsimTransportQmi *self)
{
}

static void
esim_transport_qmi_class_init (EsimTransportQmiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  EsimTransportClass *transport_class = ESIM_TRANSPORT_CLASS (klass);

  object_class->get_property = esim_transport_qmi_get_property;
  object_class->set_property = esim_transport_qmi_set_property;
  object_class->dispose = esim_transport_qmi_dispose;
  object_class->finalize = esim_transport_qmi_finalize;
  transport_class->open_async = esim_transport_qmi_open_async;
  transport_class->open_finish = esim_transport_qmi_open_finish;
  transport_class->open_channel_async = esim_transport_qmi_open_channel_async;
  transport_class->open_channel_finish = esim_transport_qmi_open_channel_finish;
  transport_class->transmit_async = esim_transport_qmi_transmit_async;
  transport_class->transmit_finish = esim_transport_qmi_transmit_finish;
  transport_class->close_channel_async = esim_transport_qmi_close_channel_async;
  transport_class->close_channel_finish = esim_transport_qmi_close_channel_finish;
  transport_class->close = esim_transport_qmi_close;

  /* the physical SIM slot, 0 for the active one */
  props[PROP_SLOT]
    = g_param_spec_uint ("slot", NULL, NULL, 0, 8, 0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* the modem reported that the card restarted (UIM Refresh ended) or that
   * the slot changed (Slot Status), e.g. after a profile switch */
  signals[SIGNAL_CARD_REFRESHED]
    = g_signal_new ("card-refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);
}
