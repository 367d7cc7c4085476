/*
 * ES10b notification functions: list, retrieve the signed notifications,
 * and remove them once the SM-DP+ has them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-es10-private.h"

/* ListNotification */

void
esim_es10_list_notification_async (EsimEs10 *self, EsimNotificationEvent operations,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;

  esim_tlv_builder_begin (builder, 0xBF28);
  if (operations != ESIM_NOTIFICATION_EVENT_NONE)
    esim_tlv_builder_add_bit_string (builder, 0x81, operations, ESIM_NOTIFICATION_EVENT_N_BITS);
  esim_tlv_builder_end (builder);
  request = esim_tlv_builder_finish (builder);
  esim_es10_command_async (self, request, NULL,
                           (EsimEs10ParseFunc) esim_es10_parse_list_notification,
                           (GDestroyNotify) g_ptr_array_unref, esim_es10_list_notification_async,
                           cancellable, callback, user_data);
}

GPtrArray *
esim_es10_list_notification_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_list_notification_async, error);
}

/* RetrieveNotificationsList */

void
esim_es10_retrieve_notifications_list_async (EsimEs10 *self, gint64 seq_number,
                                             EsimNotificationEvent operations,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;

  esim_tlv_builder_begin (builder, 0xBF2B);
  if (seq_number >= 0 || operations != ESIM_NOTIFICATION_EVENT_NONE) {
    esim_tlv_builder_begin (builder, 0xA0);
    if (seq_number >= 0)
      esim_tlv_builder_add_int (builder, 0x80, seq_number);
    else
      esim_tlv_builder_add_bit_string (builder, 0x81, operations, ESIM_NOTIFICATION_EVENT_N_BITS);
    esim_tlv_builder_end (builder);
  }
  esim_tlv_builder_end (builder);
  request = esim_tlv_builder_finish (builder);
  esim_es10_command_async (
    self, request, NULL, (EsimEs10ParseFunc) esim_es10_parse_retrieve_notifications_list,
    (GDestroyNotify) g_ptr_array_unref, esim_es10_retrieve_notifications_list_async, cancellable,
    callback, user_data);
}

GPtrArray *
esim_es10_retrieve_notifications_list_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_retrieve_notifications_list_async,
                                   error);
}

/* RemoveNotificationFromList (NotificationSent) */

void
esim_es10_remove_notification_from_list_async (EsimEs10 *self, guint64 seq_number,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;
  GError *error = NULL;

  if (seq_number > G_MAXINT64) {
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "sequence number out of range");
  } else {
    esim_tlv_builder_begin (builder, 0xBF30);
    esim_tlv_builder_add_int (builder, 0x80, (gint64) seq_number);
    esim_tlv_builder_end (builder);
    request = esim_tlv_builder_finish (builder);
  }
  esim_es10_check_command_async (self, request, error, esim_es10_parse_remove_notification,
                                 esim_es10_remove_notification_from_list_async, cancellable,
                                 callback, user_data);
}

gboolean
esim_es10_remove_notification_from_list_finish (EsimEs10 *self, GAsyncResult *result,
                                                GError **error)
{
  return esim_es10_check_command_finish (self, result,
                                         esim_es10_remove_notification_from_list_async, error);
}
