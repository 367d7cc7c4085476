/*
 * The card side of ES10a/b/c: one handler per request tag, each taking the
 * whole decoded request TLV and returning the DER response of rsp.asn.
 *
 * The download functions (AuthenticateServer, PrepareDownload,
 * LoadBoundProfilePackage, CancelSession) live in esim-sim-download.c and
 * plug in with esim_sim_es10_register() and esim_sim_es10_set_session_hooks().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#include "esim-tlv.h"
#include "esim-sim-crypto.h"
#include "esim-sim-quirks.h"
#include "esim-sim-state.h"

G_BEGIN_DECLS

#define ESIM_SIM_TYPE_ES10 (esim_sim_es10_get_type ())
G_DECLARE_FINAL_TYPE (EsimSimEs10, esim_sim_es10, ESIM_SIM, ES10, GObject)

/* a response, or NULL with *sw set to the status word to answer instead */
typedef GBytes *(*EsimSimEs10Handler) (EsimSimEs10 *self, const EsimTlv *request, guint16 *sw);

/* eid: 32 hex digits or NULL for the certificate's; rat: RAT rules (see
 * esim-sim-main.c --help) or NULL for an empty RAT */
EsimSimEs10 *esim_sim_es10_new (EsimSimState *state, EsimSimCrypto *crypto, const gchar *root_smds,
                                const gchar *eid, const gchar *const *rat, GError **error);

void esim_sim_es10_register (EsimSimEs10 *self, guint32 tag, EsimSimEs10Handler handler);
/* answer the nth (0: every) request with tag with result code, without
 * running the function (esim-sim-result.h) */
void esim_sim_es10_add_result_fault (EsimSimEs10 *self, guint32 tag, gint64 code, guint nth);

/* sloppy answers of cards in the field (esim-sim --quirk) */
void esim_sim_es10_set_quirks (EsimSimEs10 *self, EsimSimQuirks quirks);

/* the download session beside the functions: stream sees every whole STORE
 * DATA command first and returns TRUE when it took it (a bound profile
 * package arrives in pieces that are not one TLV each), setting *response
 * or *sw; reset is told of card resets */
typedef gboolean (*EsimSimEs10Stream) (EsimSimEs10 *self, GBytes *request, GBytes **response,
                                       guint16 *sw);
typedef void (*EsimSimEs10Reset) (EsimSimEs10 *self);
void esim_sim_es10_set_session_hooks (EsimSimEs10 *self, EsimSimEs10Stream stream,
                                      EsimSimEs10Reset reset);

/* request: one whole STORE DATA command. Answers a response, or NULL with
 * *sw: 6A80 when it is not exactly one TLV, 6A88 for an unknown function */
GBytes *esim_sim_es10_handle (EsimSimEs10 *self, GBytes *request, guint16 *sw);

/* a card reset ends any RSP session */
void esim_sim_es10_reset (EsimSimEs10 *self);

EsimSimState *esim_sim_es10_get_state (EsimSimEs10 *self);
EsimSimCrypto *esim_sim_es10_get_crypto (EsimSimEs10 *self);
/* the last GetEUICCChallenge value, NULL when none is pending */
GBytes *esim_sim_es10_get_challenge (EsimSimEs10 *self);
/* a challenge is good for one AuthenticateServer */
void esim_sim_es10_clear_challenge (EsimSimEs10 *self);
/* the 16-byte EID */
GBytes *esim_sim_es10_get_eid (EsimSimEs10 *self);

/* queue a signed "other" notification for the event when the profile's
 * notificationConfigurationInfo asks for it */
gboolean esim_sim_es10_notify (EsimSimEs10 *self, EsimSimProfile *profile, EsimSimEvent event,
                               GError **error);
/* write the state; a failure is logged, the card keeps going */
void esim_sim_es10_commit (EsimSimEs10 *self);

/* whether the RAT allows a profile of that owner (3 bytes or NULL) to carry
 * the PPRs (PprIds bits) */
gboolean esim_sim_es10_ppr_allowed (EsimSimEs10 *self, guint32 ppr, GBytes *owner);

/* EUICCInfo2 (BF22), as GetEUICCInfo2 answers it */
GBytes *esim_sim_es10_encode_euicc_info2 (EsimSimEs10 *self);

/* one ProfileInfo (E3) with every field */
GBytes *esim_sim_es10_encode_profile_info (EsimSimEs10 *self, EsimSimProfile *profile);

G_END_DECLS
