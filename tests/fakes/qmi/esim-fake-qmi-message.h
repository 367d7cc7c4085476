/*
 * QMI message helpers for the fake QMI modem: TLVs written into responses
 * and indications (which cannot fail there), TLVs read from requests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libqmi-glib.h>

G_BEGIN_DECLS

void esim_fake_qmi_tlv_u8 (QmiMessage *message, guint8 type, guint8 value);
/* an array's length (a guint8, or a guint16 when long_length) and bytes,
 * inside a TLV being written */
void esim_fake_qmi_write_array (QmiMessage *message, gboolean long_length, const guint8 *data,
                                gsize len);
void esim_fake_qmi_tlv_array (QmiMessage *message, guint8 type, gboolean long_length,
                              const guint8 *data, gsize len);
/* UIM card result TLV 0x11 (SW1, SW2); nothing when sw < 0 */
void esim_fake_qmi_tlv_card_result (QmiMessage *message, gint sw);
gboolean esim_fake_qmi_read_u8 (QmiMessage *message, guint8 type, guint8 *value);
GBytes *esim_fake_qmi_read_array (QmiMessage *message, guint8 type, gboolean long_length);
/* Physical Slot Status 0x10, Physical Slot Information 0x11 and Slot EID
 * 0x12 of Get Slot Status and the Slot Status indication: n_slots slots,
 * the eUICC (with eid, or none) in sim_slot, active_slot mapped to UIM
 * slot 1 */
void esim_fake_qmi_add_slot_tlvs (QmiMessage *message, guint n_slots, guint sim_slot,
                                  guint active_slot, GBytes *eid);
/* a UIM indication for one client */
QmiMessage *esim_fake_qmi_indication_new (guint8 cid, guint16 message_id);
/* SW1 SW2 at the end of a response APDU */
guint16 esim_fake_qmi_rapdu_sw (GBytes *rapdu);

G_END_DECLS
