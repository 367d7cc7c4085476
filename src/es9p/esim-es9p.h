/*
 * ES9+ (LPA to SM-DP+) and ES11 (LPA to SM-DS) functions of SGP.22 on top
 * of an EsimRspClient. Binary members come back as whole DER TLVs, checked
 * for their tag, ready to hand to the eUICC.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-rsp-client.h"

G_BEGIN_DECLS

/* initiateAuthentication, ES9+ and ES11 alike */
typedef struct {
  GBytes *transaction_id;
  GBytes *server_signed1;     /* 30 */
  GBytes *server_signature1;  /* 5F37 */
  GBytes *euicc_ci_pkid;      /* 04 */
  GBytes *server_certificate; /* 30 */
} EsimRspAuthentication;

/* ES9+ authenticateClient */
typedef struct {
  GBytes *transaction_id;
  GBytes *profile_metadata; /* BF25 StoreMetadataRequest */
  GBytes *smdp_signed2;     /* 30 */
  GBytes *smdp_signature2;  /* 5F37 */
  GBytes *smdp_certificate; /* 30 */
} EsimRspClientAuthentication;

/* ES11 event entries */
typedef struct {
  gchar *event_id;
  gchar *rsp_server_address;
} EsimRspEvent;

/* the SGP.22 role a server authenticates with: the certificatePolicies
 * OID of its CERT.XXauth (id-rspRole-dp-auth 2.23.146.1.2.1.4,
 * id-rspRole-ds-auth 2.23.146.1.2.1.7) */
typedef enum {
  ESIM_RSP_SERVER_ROLE_UNKNOWN, /* neither, or not a certificate */
  ESIM_RSP_SERVER_ROLE_SMDP,
  ESIM_RSP_SERVER_ROLE_SMDS,
} EsimRspServerRole;

#define ESIM_RSP_OID_ROLE_DP_AUTH "2.23.146.1.2.1.4"
#define ESIM_RSP_OID_ROLE_DS_AUTH "2.23.146.1.2.1.7"

/* certificate: the DER serverCertificate of initiateAuthentication. Only
 * read, not verified: the eUICC verifies it against its CIs */
EsimRspServerRole esim_rsp_server_role_from_certificate (GBytes *certificate);

void esim_rsp_authentication_free (EsimRspAuthentication *self);
void esim_rsp_client_authentication_free (EsimRspClientAuthentication *self);
void esim_rsp_event_free (EsimRspEvent *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimRspAuthentication, esim_rsp_authentication_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimRspClientAuthentication, esim_rsp_client_authentication_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimRspEvent, esim_rsp_event_free)

/* the parts of a server's answer, checked: every binary member must be one
 * TLV of its tag, and the transaction the one asked about (NULL: any) */
EsimRspAuthentication *esim_rsp_authentication_from_json (JsonObject *answer, GError **error);
EsimRspClientAuthentication *esim_rsp_client_authentication_from_json (JsonObject *answer,
                                                                       GBytes *transaction_id,
                                                                       GError **error);
GBytes *esim_rsp_bound_profile_package_from_json (JsonObject *answer, GBytes *transaction_id,
                                                  GError **error);
GPtrArray *esim_rsp_events_from_json (JsonObject *answer, GBytes *transaction_id, GError **error);

/* works for either interface, by the client's */
void esim_rsp_initiate_authentication_async (EsimRspClient *client, GBytes *euicc_challenge,
                                             GBytes *euicc_info1, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
EsimRspAuthentication *esim_rsp_initiate_authentication_finish (EsimRspClient *client,
                                                                GAsyncResult *result,
                                                                GError **error);

/* authenticate_server_response: the eUICC's BF38 */
void esim_es9p_authenticate_client_async (EsimRspClient *client, GBytes *transaction_id,
                                          GBytes *authenticate_server_response,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
EsimRspClientAuthentication *
esim_es9p_authenticate_client_finish (EsimRspClient *client, GAsyncResult *result, GError **error);

/* prepare_download_response: the eUICC's BF21; returns the BF36 */
void esim_es9p_get_bound_profile_package_async (EsimRspClient *client, GBytes *transaction_id,
                                                GBytes *prepare_download_response,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
GBytes *esim_es9p_get_bound_profile_package_finish (EsimRspClient *client, GAsyncResult *result,
                                                    GError **error);

/* pending_notification: BF37 or 30 as retrieved from the eUICC */
void esim_es9p_handle_notification_async (EsimRspClient *client, GBytes *pending_notification,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean esim_es9p_handle_notification_finish (EsimRspClient *client, GAsyncResult *result,
                                               GError **error);

/* cancel_session_response: the eUICC's BF41 */
void esim_es9p_cancel_session_async (EsimRspClient *client, GBytes *transaction_id,
                                     GBytes *cancel_session_response, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_es9p_cancel_session_finish (EsimRspClient *client, GAsyncResult *result,
                                          GError **error);

/* ES11 authenticateClient: returns a GPtrArray of EsimRspEvent */
void esim_es11_authenticate_client_async (EsimRspClient *client, GBytes *transaction_id,
                                          GBytes *authenticate_server_response,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
GPtrArray *esim_es11_authenticate_client_finish (EsimRspClient *client, GAsyncResult *result,
                                                 GError **error);

G_END_DECLS
