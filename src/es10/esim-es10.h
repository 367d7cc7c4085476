/*
 * The ES10a/b/c client for one eUICC (SGP.22 5.7, LPA side): a logical
 * channel to the ISD-R over an EsimTransport, STORE DATA segmentation and
 * GET RESPONSE chaining, and one _async/_finish pair per ES10 function.
 *
 * Calls are queued: whatever overlaps runs one after the other on the card,
 * in the order issued. A cancellable is honoured before a command reaches
 * the card and between its STORE DATA blocks; once the last block is sent
 * the card has acted, so the call completes with the card's real result.
 * When the transport reports ::gone, queued calls fail with
 * ESIM_TRANSPORT_ERROR_GONE.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "esim-transport.h"
#include "esim-es10-error.h"
#include "esim-euicc-info.h"
#include "esim-notification.h"
#include "esim-profile-info.h"

G_BEGIN_DECLS

/* the ISD-R of SGP.22 2.2.3 */
#define ESIM_ES10_ISDR_AID "A0000005591010FFFFFFFF8900000100"

/* STORE DATA carries at most this many bytes of the command per APDU, by
 * default; a card that refuses such a block as too long (6700, 6601) gets
 * the command again from the start in blocks of
 * ESIM_ES10_SEGMENT_SIZE_FALLBACK */
#define ESIM_ES10_SEGMENT_SIZE 255
#define ESIM_ES10_SEGMENT_SIZE_FALLBACK 120
#define ESIM_ES10_SEGMENT_SIZE_MIN 16

typedef enum {
  ESIM_MEMORY_RESET_DELETE_OPERATIONAL_PROFILES = 1 << 0,
  ESIM_MEMORY_RESET_DELETE_FIELD_LOADED_TEST_PROFILES = 1 << 1,
  ESIM_MEMORY_RESET_RESET_DEFAULT_SMDP_ADDRESS = 1 << 2,
} EsimMemoryResetOptions;

typedef enum {
  ESIM_CANCEL_SESSION_REASON_END_USER_REJECTION = 0,
  ESIM_CANCEL_SESSION_REASON_POSTPONED = 1,
  ESIM_CANCEL_SESSION_REASON_TIMEOUT = 2,
  ESIM_CANCEL_SESSION_REASON_PPR_NOT_ALLOWED = 3,
} EsimCancelSessionReason;

/* nicknames are UTF8String (SIZE(0..64)) */
#define ESIM_ES10_NICKNAME_MAX 64

#define ESIM_TYPE_ES10 (esim_es10_get_type ())
G_DECLARE_FINAL_TYPE (EsimEs10, esim_es10, ESIM, ES10, GObject)

/* isdr_aid: the only ISD-R AID to select, or NULL to try ESIM_ES10_ISDR_AID
 * and then the AIDs of known removable eUICCs (see
 * esim_es10_get_known_isdr_aids()) until one is there */
EsimEs10 *esim_es10_new (EsimTransport *transport, GBytes *isdr_aid);
EsimTransport *esim_es10_get_transport (EsimEs10 *self);
/* the ISD-R AID selected (or to be selected first); once a channel was
 * open, the one that answered, which later opens select directly */
GBytes *esim_es10_get_isdr_aid (EsimEs10 *self);
/* upper-case hex, NULL-terminated, the standard one first */
const gchar *const *esim_es10_get_known_isdr_aids (void);
/* the STORE DATA block size (ESIM_ES10_SEGMENT_SIZE_MIN..255), smaller
 * after a card refused longer blocks (notify::segment-size) */
guint esim_es10_get_segment_size (EsimEs10 *self);
void esim_es10_set_segment_size (EsimEs10 *self, guint segment_size);
gboolean esim_es10_is_open (EsimEs10 *self);
/* the logical channel to the ISD-R; 0 while not open */
guint esim_es10_get_channel (EsimEs10 *self);
/* what SELECT of the ISD-R answered; NULL while not open */
GBytes *esim_es10_get_select_response (EsimEs10 *self);
/* counters for tests and benchmarks: every APDU this client sent on its
 * channel (STORE DATA and GET RESPONSE), and the STORE DATA blocks alone */
guint64 esim_es10_get_apdu_count (EsimEs10 *self);
guint64 esim_es10_get_segment_count (EsimEs10 *self);

/* opens the transport when needed, then a logical channel selecting the ISD-R */
void esim_es10_open_async (EsimEs10 *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
gboolean esim_es10_open_finish (EsimEs10 *self, GAsyncResult *result, GError **error);
/* closes the logical channel; the transport stays as it is */
void esim_es10_close_async (EsimEs10 *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
gboolean esim_es10_close_finish (EsimEs10 *self, GAsyncResult *result, GError **error);

/* one ES10 command (a whole BER-TLV) sent with STORE DATA, its whole
 * response fetched; no check of the response content */
void esim_es10_transact_async (EsimEs10 *self, GBytes *request, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
GBytes *esim_es10_transact_finish (EsimEs10 *self, GAsyncResult *result, GError **error);

/* ES10a */
void esim_es10_get_euicc_configured_addresses_async (EsimEs10 *self, GCancellable *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer user_data);
EsimConfiguredAddresses *esim_es10_get_euicc_configured_addresses_finish (EsimEs10 *self,
                                                                          GAsyncResult *result,
                                                                          GError **error);
/* an empty address removes the default SM-DP+ address */
void esim_es10_set_default_dp_address_async (EsimEs10 *self, const gchar *address,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_es10_set_default_dp_address_finish (EsimEs10 *self, GAsyncResult *result,
                                                  GError **error);

/* ES10b */
/* 16 bytes */
void esim_es10_get_euicc_challenge_async (EsimEs10 *self, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
GBytes *esim_es10_get_euicc_challenge_finish (EsimEs10 *self, GAsyncResult *result, GError **error);
/* info->raw keeps the response for ES9+ InitiateAuthentication */
void esim_es10_get_euicc_info1_async (EsimEs10 *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
EsimEuiccInfo1 *esim_es10_get_euicc_info1_finish (EsimEs10 *self, GAsyncResult *result,
                                                  GError **error);
void esim_es10_get_euicc_info2_async (EsimEs10 *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
EsimEuiccInfo2 *esim_es10_get_euicc_info2_finish (EsimEs10 *self, GAsyncResult *result,
                                                  GError **error);
/* operations: ESIM_NOTIFICATION_EVENT_* to filter by, 0 for all;
 * returns EsimNotificationMetadata */
void esim_es10_list_notification_async (EsimEs10 *self, EsimNotificationEvent operations,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *esim_es10_list_notification_finish (EsimEs10 *self, GAsyncResult *result,
                                               GError **error);
/* seq_number >= 0 asks for that notification, else operations (0 for all)
 * filters; returns EsimPendingNotification; none found is an empty array
 * or ESIM_ES10_ERROR_NO_RESULT_AVAILABLE, as the card says */
void esim_es10_retrieve_notifications_list_async (EsimEs10 *self, gint64 seq_number,
                                                  EsimNotificationEvent operations,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *esim_es10_retrieve_notifications_list_finish (EsimEs10 *self, GAsyncResult *result,
                                                         GError **error);
void esim_es10_remove_notification_from_list_async (EsimEs10 *self, guint64 seq_number,
                                                    GCancellable *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer user_data);
gboolean esim_es10_remove_notification_from_list_finish (EsimEs10 *self, GAsyncResult *result,
                                                         GError **error);
/* returns EsimRatRule */
void esim_es10_get_rat_async (EsimEs10 *self, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *esim_es10_get_rat_finish (EsimEs10 *self, GAsyncResult *result, GError **error);
/* returns the whole CancelSessionResponse (BF41) for ES9+ CancelSession */
void esim_es10_cancel_session_async (EsimEs10 *self, GBytes *transaction_id,
                                     EsimCancelSessionReason reason, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
GBytes *esim_es10_cancel_session_finish (EsimEs10 *self, GAsyncResult *result, GError **error);

/* ES10c */
/* at most one of iccid, isdp_aid, profile_class (>= 0, an EsimProfileClass)
 * narrows the search; tag_list, the tags wanted (e.g. 5A 9F70), may be NULL
 * for all; returns EsimProfileInfo */
void esim_es10_get_profiles_info_async (EsimEs10 *self, const gchar *iccid, GBytes *isdp_aid,
                                        gint profile_class, GBytes *tag_list,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *esim_es10_get_profiles_info_finish (EsimEs10 *self, GAsyncResult *result,
                                               GError **error);
/* a profile is named by exactly one of iccid (digits) and isdp_aid */
void esim_es10_enable_profile_async (EsimEs10 *self, const gchar *iccid, GBytes *isdp_aid,
                                     gboolean refresh, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_es10_enable_profile_finish (EsimEs10 *self, GAsyncResult *result, GError **error);
void esim_es10_disable_profile_async (EsimEs10 *self, const gchar *iccid, GBytes *isdp_aid,
                                      gboolean refresh, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_es10_disable_profile_finish (EsimEs10 *self, GAsyncResult *result, GError **error);
void esim_es10_delete_profile_async (EsimEs10 *self, const gchar *iccid, GBytes *isdp_aid,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean esim_es10_delete_profile_finish (EsimEs10 *self, GAsyncResult *result, GError **error);
void esim_es10_euicc_memory_reset_async (EsimEs10 *self, EsimMemoryResetOptions options,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean esim_es10_euicc_memory_reset_finish (EsimEs10 *self, GAsyncResult *result, GError **error);
/* 32 upper-case hex digits */
void esim_es10_get_eid_async (EsimEs10 *self, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
gchar *esim_es10_get_eid_finish (EsimEs10 *self, GAsyncResult *result, GError **error);
void esim_es10_set_nickname_async (EsimEs10 *self, const gchar *iccid, const gchar *nickname,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean esim_es10_set_nickname_finish (EsimEs10 *self, GAsyncResult *result, GError **error);

G_END_DECLS
