/*
 * Notifications the eUICC keeps for the SM-DP+ (SGP.22 3.5): the metadata
 * ListNotification gives and the signed notification RetrieveNotificationsList
 * gives, ready to be sent with ES9+ HandleNotification.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* NotificationEvent named bits; a filter may combine them, a notification
 * has exactly one */
typedef enum {
  ESIM_NOTIFICATION_EVENT_NONE = 0,
  ESIM_NOTIFICATION_EVENT_INSTALL = 1 << 0,
  ESIM_NOTIFICATION_EVENT_ENABLE = 1 << 1,
  ESIM_NOTIFICATION_EVENT_DISABLE = 1 << 2,
  ESIM_NOTIFICATION_EVENT_DELETE = 1 << 3,
} EsimNotificationEvent;

#define ESIM_NOTIFICATION_EVENT_ALL 0x0f
#define ESIM_NOTIFICATION_EVENT_N_BITS 4

/* "install", "enable", "disable", "delete"; NULL when not a single event */
const gchar *esim_notification_event_to_string (EsimNotificationEvent event);

typedef struct {
  guint64 seq_number;
  EsimNotificationEvent operation; /* exactly one bit */
  gchar *address;                  /* FQDN of the SM-DP+ to notify */
  gchar *iccid;                    /* NULL when the card left it out */
} EsimNotificationMetadata;

#define ESIM_TYPE_NOTIFICATION_METADATA (esim_notification_metadata_get_type ())
GType esim_notification_metadata_get_type (void);
EsimNotificationMetadata *esim_notification_metadata_new (void);
EsimNotificationMetadata *esim_notification_metadata_copy (const EsimNotificationMetadata *self);
void esim_notification_metadata_free (EsimNotificationMetadata *self);

typedef enum {
  ESIM_PENDING_NOTIFICATION_INSTALL, /* ProfileInstallationResult, BF37 */
  ESIM_PENDING_NOTIFICATION_OTHER,   /* OtherSignedNotification, 30 */
} EsimPendingNotificationKind;

typedef struct {
  EsimPendingNotificationKind kind;
  EsimNotificationMetadata *metadata;
  GBytes *raw; /* the PendingNotification DER, sent as it is to the SM-DP+ */
} EsimPendingNotification;

#define ESIM_TYPE_PENDING_NOTIFICATION (esim_pending_notification_get_type ())
GType esim_pending_notification_get_type (void);
EsimPendingNotification *esim_pending_notification_new (void);
EsimPendingNotification *esim_pending_notification_copy (const EsimPendingNotification *self);
void esim_pending_notification_free (EsimPendingNotification *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimNotificationMetadata, esim_notification_metadata_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimPendingNotification, esim_pending_notification_free)

G_END_DECLS
