/*
 * The SIM slot of an MBIM modem: slot N (1-based) is mapped with MS Basic
 * Connect Extensions Device Slot Mappings when it is not the current one,
 * and the original mapping is restored on close.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-transport-mbim-private.h"

static void
open_slot_set_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportMbim *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (MbimMessage) response = NULL;
  g_autoptr (MbimSlotArray) map = NULL;
  guint32 count = 0;

  response = esim_transport_mbim_command_finish (task, source, res, "Device Slot Mappings", &error);
  if (response == NULL) {
    esim_transport_mbim_open_fail (task, error);
    return;
  }
  if (!mbim_message_ms_basic_connect_extensions_device_slot_mappings_response_parse (
        response, &count, &map, &error)) {
    esim_transport_mbim_open_fail (
      task, esim_transport_mbim_map_error (self, task, error, "Device Slot Mappings"));
    return;
  }
  if (count < 1 || map[0]->slot != self->slot - 1) {
    esim_transport_mbim_open_fail (
      task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED,
                         "MBIM device %s did not map SIM slot %u",
                         esim_transport_get_device (ESIM_TRANSPORT (self)), self->slot));
    return;
  }
  self->slot_switched = TRUE;
  esim_transport_mbim_open_done (task);
}

static void
open_slot_info_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportMbim *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (MbimMessage) response = NULL;
  g_autoptr (MbimMessage) request = NULL;
  MbimUiccSlotState state = MBIM_UICC_SLOT_STATE_UNKNOWN;
  MbimSlot wanted = { self->slot - 1 };
  const MbimSlot *const map[] = { &wanted, NULL };

  response = esim_transport_mbim_command_finish (task, source, res, "Slot Info Status", &error);
  if (response == NULL
      || !mbim_message_ms_basic_connect_extensions_slot_info_status_response_parse (
        response, NULL, &state, &error)) {
    g_prefix_error (&error, "no SIM slot %u: ", self->slot);
    /* a modem that refuses to tell about a slot does not have it */
    if (error->domain != G_IO_ERROR
        && (error->domain != ESIM_TRANSPORT_ERROR || error->code == ESIM_TRANSPORT_ERROR_FAILED)) {
      error->domain = ESIM_TRANSPORT_ERROR;
      error->code = ESIM_TRANSPORT_ERROR_NOT_FOUND;
    }
    esim_transport_mbim_open_fail (task, error);
    return;
  }
  if (state == MBIM_UICC_SLOT_SATE_OFF_EMPTY || state == MBIM_UICC_SLOT_STATE_EMPTY) {
    esim_transport_mbim_open_fail (
      task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND,
                         "SIM slot %u of MBIM device %s is empty", self->slot,
                         esim_transport_get_device (ESIM_TRANSPORT (self))));
    return;
  }
  /* the low level access service talks to the mapped slot only */
  g_info ("mapping SIM slot %u (was %u) on %s", self->slot, self->original_slot + 1,
          esim_transport_get_device (ESIM_TRANSPORT (self)));
  request = mbim_message_ms_basic_connect_extensions_device_slot_mappings_set_new (1, map, NULL);
  esim_transport_mbim_command (self, task, request, MBIM_COMMAND_TIMEOUT, open_slot_set_cb);
}

static void
open_slot_mapped_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportMbim *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (MbimMessage) response = NULL;
  g_autoptr (MbimMessage) request = NULL;
  g_autoptr (MbimSlotArray) map = NULL;
  guint32 count = 0;

  response = esim_transport_mbim_command_finish (task, source, res, "Device Slot Mappings", &error);
  if (response == NULL
      || !mbim_message_ms_basic_connect_extensions_device_slot_mappings_response_parse (
        response, &count, &map, &error)
      || count < 1) {
    /* a single-slot modem without the service has only slot 1 */
    if (self->slot == 1) {
      g_clear_error (&error);
      esim_transport_mbim_open_done (task);
      return;
    }
    esim_transport_mbim_open_fail (
      task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND,
                         "MBIM device %s cannot map SIM slot %u: %s",
                         esim_transport_get_device (ESIM_TRANSPORT (self)), self->slot,
                         error != NULL ? error->message : "no executor"));
    g_clear_error (&error);
    return;
  }
  self->original_slot = map[0]->slot;
  if (map[0]->slot == self->slot - 1) {
    esim_transport_mbim_open_done (task);
    return;
  }
  request
    = mbim_message_ms_basic_connect_extensions_slot_info_status_query_new (self->slot - 1, NULL);
  esim_transport_mbim_command (self, task, request, MBIM_COMMAND_TIMEOUT, open_slot_info_cb);
}

void
esim_transport_mbim_open_slot (EsimTransportMbim *self, GTask *task)
{
  g_autoptr (MbimMessage) request = NULL;

  request = mbim_message_ms_basic_connect_extensions_device_slot_mappings_query_new (NULL);
  esim_transport_mbim_command (self, task, request, MBIM_COMMAND_TIMEOUT, open_slot_mapped_cb);
}

static void
slot_restored_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  MbimMessage *response = mbim_device_command_finish (MBIM_DEVICE (source), res, NULL);

  if (response != NULL)
    mbim_message_unref (response);
}

void
esim_transport_mbim_restore_slot (EsimTransportMbim *self)
{
  MbimSlot original = { self->original_slot };
  const MbimSlot *const map[] = { &original, NULL };
  g_autoptr (MbimMessage) request = NULL;

  if (!self->slot_switched)
    return;
  request = mbim_message_ms_basic_connect_extensions_device_slot_mappings_set_new (1, map, NULL);
  mbim_device_command (self->device, request, MBIM_CLOSE_TIMEOUT, NULL, slot_restored_cb, NULL);
  self->slot_switched = FALSE;
}
