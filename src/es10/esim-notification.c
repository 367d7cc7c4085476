/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-notification.h"

const gchar *
esim_notification_event_to_string (EsimNotificationEvent event)
{
  switch (event) {
  case ESIM_NOTIFICATION_EVENT_INSTALL:
    return "install";
  case ESIM_NOTIFICATION_EVENT_ENABLE:
    return "enable";
  case ESIM_NOTIFICATION_EVENT_DISABLE:
    return "disable";
  case ESIM_NOTIFICATION_EVENT_DELETE:
    return "delete";
  case ESIM_NOTIFICATION_EVENT_NONE:
  default:
    return NULL;
  }
}

G_DEFINE_BOXED_TYPE (EsimNotificationMetadata, esim_notification_metadata,
                     esim_notification_metadata_copy, esim_notification_metadata_free)

EsimNotificationMetadata *
esim_notification_metadata_new (void)
{
  return g_new0 (EsimNotificationMetadata, 1);
}

EsimNotificationMetadata *
esim_notification_metadata_copy (const EsimNotificationMetadata *self)
{
  EsimNotificationMetadata *copy = esim_notification_metadata_new ();

  copy->seq_number = self->seq_number;
  copy->operation = self->operation;
  copy->address = g_strdup (self->address);
  copy->iccid = g_strdup (self->iccid);
  return copy;
}

void
esim_notification_metadata_free (EsimNotificationMetadata *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self->iccid);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (EsimPendingNotification, esim_pending_notification,
                     esim_pending_notification_copy, esim_pending_notification_free)

EsimPendingNotification *
esim_pending_notification_new (void)
{
  return g_new0 (EsimPendingNotification, 1);
}

EsimPendingNotification *
esim_pending_notification_copy (const EsimPendingNotification *self)
{
  EsimPendingNotification *copy = esim_pending_notification_new ();

  copy->kind = self->kind;
  if (self->metadata != NULL)
    copy->metadata = esim_notification_metadata_copy (self->metadata);
  if (self->raw != NULL)
    copy->raw = g_bytes_ref (self->raw);
  return copy;
}

void
esim_pending_notification_free (EsimPendingNotification *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->metadata, esim_notification_metadata_free);
  g_clear_pointer (&self->raw, g_bytes_unref);
  g_free (self);
}
