/*
 * One RSP session of the test SM-DP+/SM-DS: from initiateAuthentication to
 * the installation result (or cancelSession, or expiry).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "esim-rsp-crypto.h"
#include "esim-smdp-catalog.h"

G_BEGIN_DECLS

typedef enum {
  ESIM_SMDP_SESSION_INITIATED,     /* initiateAuthentication answered */
  ESIM_SMDP_SESSION_AUTHENTICATED, /* authenticateClient answered */
  ESIM_SMDP_SESSION_BPP_SENT,      /* getBoundProfilePackage answered */
} EsimSmdpSessionState;

#define ESIM_SMDP_TXID_SIZE 16
#define ESIM_SMDP_CHALLENGE_SIZE 16

typedef struct {
  gchar *txid_hex;
  guint8 txid[ESIM_SMDP_TXID_SIZE];
  gboolean es11;
  EsimSmdpSessionState state;
  gint64 expires; /* monotonic µs */
  guint8 euicc_challenge[ESIM_SMDP_CHALLENGE_SIZE];
  guint8 server_challenge[ESIM_SMDP_CHALLENGE_SIZE];
  gchar *server_address;

  /* after authenticateClient */
  EsimRspCert *euicc_cert;
  gchar *eid;
  EsimSmdpOrder *order; /* owned by the catalog */
  gboolean cc_required;
  GBytes *smdp_signature2; /* the 5F37 TLV sent in authenticateClient */
} EsimSmdpSession;

EsimSmdpSession *esim_smdp_session_new (gboolean es11, const gchar *server_address,
                                        const guint8 *euicc_challenge, gint64 lifetime_us);
/* gives the order back to the catalog when the session still holds it */
void esim_smdp_session_free (EsimSmdpSession *self);
gboolean esim_smdp_session_holds_order (EsimSmdpSession *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimSmdpSession, esim_smdp_session_free)

G_END_DECLS
