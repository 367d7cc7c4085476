/*
 * The simulated eUICC as a card: ISO 7816 logical channels, SELECT of the
 * ISD-R, GlobalPlatform STORE DATA reassembly and GET RESPONSE chaining,
 * with ES10 behind. Synchronous and pure logic: any front (a socket, a
 * virtual PC/SC reader, a fake modem) feeds it command APDUs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#include "esim-sim-es10.h"
#include "esim-sim-state.h"

G_BEGIN_DECLS

/* the SGP.22 ISD-R AID */
#define ESIM_SIM_ISDR_AID "A0000005591010FFFFFFFF8900000100"
/* a convention for tests: the SGP.26 test CIs go with a test root SM-DS */
#define ESIM_SIM_DEFAULT_ROOT_SMDS "testrootsmds.example.com"

typedef struct {
  gchar *pki_dir;      /* SGP.26 layout: eUICC/, EUM/, CertificateIssuer/ */
  gchar *state_path;   /* NULL keeps the state in memory only */
  gchar *isdr_aid;     /* hex; NULL for ESIM_SIM_ISDR_AID */
  gchar *eid;          /* 32 hex digits; NULL for the certificate's */
  guint64 memory;      /* total non-volatile bytes; 0 for the default */
  gchar *default_smdp; /* set when the state is created */
  gchar *root_smds;    /* NULL for ESIM_SIM_DEFAULT_ROOT_SMDS */
  gchar **profiles;    /* seeding specs, used when the state is created */
  gchar **rat;         /* RAT rules */
  gboolean strict_le;  /* GET RESPONSE needs the exact Le, else 6Cxx */
  /* a STORE DATA block longer than this is refused with max_segment_sw
   * and the partial command dropped; 0 for none */
  guint max_segment;
  guint16 max_segment_sw;
  EsimSimQuirks quirks;
  gchar *stats_path; /* NULL: no statistics file */
} EsimSimConfig;

EsimSimConfig *esim_sim_config_new (void);
void esim_sim_config_free (EsimSimConfig *config);

#define ESIM_SIM_TYPE_CARD (esim_sim_card_get_type ())
G_DECLARE_FINAL_TYPE (EsimSimCard, esim_sim_card, ESIM_SIM, CARD, GObject)

EsimSimCard *esim_sim_card_new (const EsimSimConfig *config, GError **error);

/* one command APDU in, its response (data, SW1, SW2) out; never NULL */
GBytes *esim_sim_card_transmit (EsimSimCard *self, GBytes *capdu);
/* a cold reset: closes the logical channels, drops half-sent commands and
 * unfetched responses, ends the RSP session; returns the ATR */
GBytes *esim_sim_card_reset (EsimSimCard *self);

void esim_sim_card_set_strict_le (EsimSimCard *self, gboolean strict_le);
EsimSimEs10 *esim_sim_card_get_es10 (EsimSimCard *self);
EsimSimState *esim_sim_card_get_state (EsimSimCard *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimSimConfig, esim_sim_config_free)

G_END_DECLS
