/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-sim-quirks.h"
#include "esim-sim-upp.h"

static const struct {
  const gchar *name;
  EsimSimQuirks quirk;
} quirk_names[] = {
  { "sparse-euiccinfo2", ESIM_SIM_QUIRK_SPARSE_EUICC_INFO2 },
  { "no-root-ds", ESIM_SIM_QUIRK_NO_ROOT_DS },
  { "unknown-profile-tags", ESIM_SIM_QUIRK_UNKNOWN_PROFILE_TAGS },
  { "no-select-p2-0c", ESIM_SIM_QUIRK_NO_SELECT_P2_0C },
};

gboolean
esim_sim_quirks_parse (const gchar *names, EsimSimQuirks *quirks, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (names, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++) {
    gboolean found = FALSE;

    for (guint j = 0; j < G_N_ELEMENTS (quirk_names) && !found; j++) {
      if (g_str_equal (quirk_names[j].name, g_strstrip (parts[i]))) {
        *quirks |= quirk_names[j].quirk;
        found = TRUE;
      }
    }
    if (!found) {
      g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                   "--quirk: unknown quirk “%s”", parts[i]);
      return FALSE;
    }
  }
  return TRUE;
}

GBytes *
esim_sim_quirks_sparse_euicc_info2 (GBytes *full)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  static const guint8 vendor[] = { 0x01, 0x02, 0x03 };
  EsimTlvIter iter;
  EsimTlv outer;
  EsimTlv child;

  if (!esim_tlv_decode_bytes (full, &outer, NULL))
    return g_bytes_ref (full);
  esim_tlv_builder_begin (b, outer.tag);
  esim_tlv_iter_init (&iter, &outer);
  while (esim_tlv_iter_next (&iter, &child)) {
    switch (child.tag) {
    case 0x83: /* euiccFirmwareVer */
    case 0x86: /* javacardVersion */
    case 0x87: /* globalplatformVersion */
    case 0x8B: /* euiccCategory */
    case 0x99: /* forbiddenProfilePolicyRules */
    case 0xAC: /* certificationDataObject */
    case 0x04: /* ppVersion */
    case 0x0C: /* sasAcreditationNumber */
      break;
    default:
      esim_tlv_builder_add_raw (b, child.raw, child.raw_length);
      break;
    }
  }
  esim_tlv_builder_add (b, 0xDF21, vendor, sizeof (vendor));
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

void
esim_sim_quirks_add_vendor_tags (EsimTlvBuilder *b)
{
  static const guint8 vendor[] = { 0x56, 0x4E, 0x44 };

  esim_tlv_builder_add (b, 0x9F63, vendor, sizeof (vendor));
  esim_tlv_builder_add (b, 0xDF01, vendor, sizeof (vendor));
  esim_tlv_builder_begin (b, 0xBF63);
  esim_tlv_builder_add (b, 0x80, vendor, 1);
  esim_tlv_builder_end (b);
}

void
esim_sim_quirks_add_event_bits (EsimTlvBuilder *b, EsimSimQuirks quirks, guint event)
{
  if (quirks & ESIM_SIM_QUIRK_UNKNOWN_PROFILE_TAGS)
    esim_tlv_builder_add_bit_string (b, 0x81, (1u << event) | (1u << 6), 8);
  else
    esim_tlv_builder_add_bit_string (b, 0x81, 1u << event, 4);
}
