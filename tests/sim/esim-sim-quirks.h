/*
 * Sloppy answers of eUICCs in the field, for the quirks suite: each one a
 * --quirk NAME of esim-sim.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "esim-tlv.h"

G_BEGIN_DECLS

typedef enum {
  /* GetEUICCInfo2 without the optional fields, without euiccFirmwareVer,
   * ppVersion and sasAcreditationNumber, with a vendor's own tag */
  ESIM_SIM_QUIRK_SPARSE_EUICC_INFO2 = 1 << 0,
  /* GetEuiccConfiguredAddresses without rootDsAddress */
  ESIM_SIM_QUIRK_NO_ROOT_DS = 1 << 1,
  /* ProfileInfo and ProfileInfoListOk with vendor tags, notifications
   * with an event bit beyond the four of SGP.22 */
  ESIM_SIM_QUIRK_UNKNOWN_PROFILE_TAGS = 1 << 2,
  /* SELECT with P2 0C (no FCI) refused with 6A86 */
  ESIM_SIM_QUIRK_NO_SELECT_P2_0C = 1 << 3,
} EsimSimQuirks;

/* NAME,NAME...: adds their flags to *quirks; FALSE for an unknown name */
gboolean esim_sim_quirks_parse (const gchar *names, EsimSimQuirks *quirks, GError **error);

/* EUICCInfo2 (BF22) as a sparse card answers it */
GBytes *esim_sim_quirks_sparse_euicc_info2 (GBytes *full);
/* a vendor [99], a private primitive and a constructed unknown tag */
void esim_sim_quirks_add_vendor_tags (EsimTlvBuilder *b);

/* the operation bit of a NotificationMetadata (81); with
 * ESIM_SIM_QUIRK_UNKNOWN_PROFILE_TAGS also a vendor's bit 6 */
void esim_sim_quirks_add_event_bits (EsimTlvBuilder *b, EsimSimQuirks quirks, guint event);

G_END_DECLS
