/*
 * Shared by esim-smdp-rsp.c (authentication) and esim-smdp-download.c
 * (package, notifications, cancel).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-rsp-crypto.h"
#include "esim-smdp-rsp.h"
#include "esim-smdp-session.h"
#include "esim-tlv.h"

G_BEGIN_DECLS

/* the largest binary value accepted in a request (a BPP request is small;
 * the body limit of the server is 1 MiB anyway) */
#define ESIM_SMDP_MAX_BINARY (64 * 1024)

struct _EsimSmdpRsp {
  GObject parent_instance;

  EsimSmdpCatalog *catalog;
  gchar *address;
  gboolean tamper_package; /* fault injection: flip a ciphertext byte of the next BPP */

  EsimRspCert *ci_cert;
  GBytes *ci_ski;
  EsimRspKey *auth_key; /* SK.DPauth */
  EsimRspCert *auth_cert;
  EsimRspKey *ds_auth_key; /* ES11: SK.DP2auth, or a fresh key of a CERT.DSauth */
  EsimRspCert *ds_auth_cert;
  EsimRspKey *pb_key; /* SK.DPpb */
  EsimRspCert *pb_cert;
  gchar *smdp_oid; /* registeredID of CERT.DPauth */

  GHashTable *sessions; /* txid hex -> EsimSmdpSession */

  guint notifications_received;
  guint notifications_accepted;
  guint notifications_rejected;
  guint bpps_served;
  guint installs_succeeded;
  guint installs_failed;
  GPtrArray *notification_log; /* JsonNode objects, newest last */
  GArray *cancel_reasons;      /* gint64: the verified cancelSession reasons, in order */
  JsonNode *device_info;       /* the last deviceInfo received, for the stats */
};

/* a session of the right kind and state, or UNKNOWN_TRANSACTION */
EsimSmdpSession *esim_smdp_rsp_get_session (EsimSmdpRsp *self, JsonObject *request, gboolean es11,
                                            EsimSmdpSessionState state, GError **error);
void esim_smdp_rsp_end_session (EsimSmdpRsp *self, EsimSmdpSession *session);

/* CERT.EUM against the CI, CERT.EUICC against CERT.EUM */
EsimRspCert *esim_smdp_rsp_verify_euicc_chain (EsimSmdpRsp *self, const EsimTlv *euicc_cert,
                                               const EsimTlv *eum_cert, GError **error);
/* verify a 5F37 signature TLV over data with cert: INVALID_SIGNATURE */
gboolean esim_smdp_rsp_verify_signature (EsimRspCert *cert, const guint8 *data, gsize len,
                                         const EsimTlv *sig_tlv, GError **error);
/* a 5F37 TLV of r||s over data */
GBytes *esim_smdp_rsp_sign (EsimRspKey *key, const guint8 *data, gsize len, gboolean corrupt,
                            GError **error);
/* decode a binary JSON member as exactly one TLV with the tag */
GBytes *esim_smdp_rsp_get_tlv (JsonObject *request, const gchar *member, guint32 tag, EsimTlv *out,
                               GError **error);
/* a success header alone */
JsonObject *esim_smdp_rsp_new_response (void);

JsonObject *esim_smdp_rsp_get_bound_profile_package (EsimSmdpRsp *self, JsonObject *request,
                                                     gboolean corrupt_signature, GError **error);
JsonObject *esim_smdp_rsp_handle_notification (EsimSmdpRsp *self, JsonObject *request,
                                               GError **error);
JsonObject *esim_smdp_rsp_cancel_session (EsimSmdpRsp *self, JsonObject *request, GError **error);

G_END_DECLS

G_BEGIN_DECLS

/* StoreMetadataRequest BF25 of an order */
GBytes *esim_smdp_rsp_build_metadata (EsimSmdpRsp *self, EsimSmdpOrder *order);

G_END_DECLS
