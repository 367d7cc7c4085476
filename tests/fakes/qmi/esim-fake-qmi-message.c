/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-fake-qmi-message.h"

/* TLV writing on responses and indications; they cannot fail here */

void
esim_fake_qmi_tlv_u8 (QmiMessage *message, guint8 type, guint8 value)
{
  gsize start = qmi_message_tlv_write_init (message, type, NULL);

  g_assert_true (qmi_message_tlv_write_guint8 (message, value, NULL));
  g_assert_true (qmi_message_tlv_write_complete (message, start, NULL));
}

void
esim_fake_qmi_write_array (QmiMessage *message, gboolean long_length, const guint8 *data, gsize len)
{
  if (long_length)
    g_assert_true (qmi_message_tlv_write_guint16 (message, QMI_ENDIAN_LITTLE, (guint16) len, NULL));
  else
    g_assert_true (qmi_message_tlv_write_guint8 (message, (guint8) len, NULL));
  for (gsize i = 0; i < len; i++)
    g_assert_true (qmi_message_tlv_write_guint8 (message, data[i], NULL));
}

void
esim_fake_qmi_tlv_array (QmiMessage *message, guint8 type, gboolean long_length, const guint8 *data,
                         gsize len)
{
  gsize start = qmi_message_tlv_write_init (message, type, NULL);

  esim_fake_qmi_write_array (message, long_length, data, len);
  g_assert_true (qmi_message_tlv_write_complete (message, start, NULL));
}

void
esim_fake_qmi_tlv_card_result (QmiMessage *message, gint sw)
{
  gsize start;

  if (sw < 0)
    return;
  start = qmi_message_tlv_write_init (message, 0x11, NULL);
  g_assert_true (qmi_message_tlv_write_guint8 (message, (guint8) (sw >> 8), NULL));
  g_assert_true (qmi_message_tlv_write_guint8 (message, (guint8) sw, NULL));
  g_assert_true (qmi_message_tlv_write_complete (message, start, NULL));
}

gboolean
esim_fake_qmi_read_u8 (QmiMessage *message, guint8 type, guint8 *value)
{
  gsize start = qmi_message_tlv_read_init (message, type, NULL, NULL);
  gsize offset = 0;

  return start != 0 && qmi_message_tlv_read_guint8 (message, start, &offset, value, NULL);
}

GBytes *
esim_fake_qmi_read_array (QmiMessage *message, guint8 type, gboolean long_length)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize start = qmi_message_tlv_read_init (message, type, NULL, NULL);
  gsize offset = 0;
  guint16 len = 0;
  guint8 len8 = 0;

  if (start == 0)
    return NULL;
  if (long_length
        ? !qmi_message_tlv_read_guint16 (message, start, &offset, QMI_ENDIAN_LITTLE, &len, NULL)
        : !qmi_message_tlv_read_guint8 (message, start, &offset, &len8, NULL))
    return NULL;
  if (!long_length)
    len = len8;
  for (guint i = 0; i < len; i++) {
    guint8 byte = 0;
    if (!qmi_message_tlv_read_guint8 (message, start, &offset, &byte, NULL))
      return NULL;
    g_byte_array_append (out, &byte, 1);
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

QmiMessage *
esim_fake_qmi_indication_new (guint8 cid, guint16 message_id)
{
  QmiMessage *message = qmi_message_new (QMI_SERVICE_UIM, cid, 0, message_id);

  /* QMUX flags: sent by the service; control flags: an indication */
  message->data[3] = 0x80;
  message->data[6] = 0x04;
  return message;
}

guint16
esim_fake_qmi_rapdu_sw (GBytes *rapdu)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (rapdu, &len);

  return len >= 2 ? (guint16) ((data[len - 2] << 8) | data[len - 1]) : 0;
}

/* slots: what Get Slot Status and the Slot Status indication tell */

void
esim_fake_qmi_add_slot_tlvs (QmiMessage *message, guint n_slots, guint sim_slot, guint active_slot,
                             GBytes *eid)
{
  static const guint8 atr[]
    = { 0x3B, 0x9F, 0x96, 0x80, 0x1F, 0xC7, 0x80, 0x31, 0xE0, 0x73, 0xFE, 0x21, 0x1B, 0x63 };
  gsize start;

  start = qmi_message_tlv_write_init (message, 0x10, NULL);
  g_assert_true (qmi_message_tlv_write_guint8 (message, (guint8) n_slots, NULL));
  for (guint i = 1; i <= n_slots; i++) {
    g_assert_true (qmi_message_tlv_write_guint32 (
      message, QMI_ENDIAN_LITTLE,
      i == sim_slot ? QMI_UIM_PHYSICAL_CARD_STATE_PRESENT : QMI_UIM_PHYSICAL_CARD_STATE_ABSENT,
      NULL));
    g_assert_true (qmi_message_tlv_write_guint32 (
      message, QMI_ENDIAN_LITTLE,
      i == active_slot ? QMI_UIM_SLOT_STATE_ACTIVE : QMI_UIM_SLOT_STATE_INACTIVE, NULL));
    g_assert_true (qmi_message_tlv_write_guint8 (message, i == active_slot ? 1 : 0, NULL));
    esim_fake_qmi_write_array (message, FALSE, NULL, 0);
  }
  g_assert_true (qmi_message_tlv_write_complete (message, start, NULL));

  start = qmi_message_tlv_write_init (message, 0x11, NULL);
  g_assert_true (qmi_message_tlv_write_guint8 (message, (guint8) n_slots, NULL));
  for (guint i = 1; i <= n_slots; i++) {
    gboolean present = i == sim_slot;
    g_assert_true (qmi_message_tlv_write_guint32 (
      message, QMI_ENDIAN_LITTLE,
      present ? QMI_UIM_CARD_PROTOCOL_UICC : QMI_UIM_CARD_PROTOCOL_UNKNOWN, NULL));
    g_assert_true (qmi_message_tlv_write_guint8 (message, present ? 1 : 0, NULL));
    esim_fake_qmi_write_array (message, FALSE, atr, present ? sizeof (atr) : 0);
    g_assert_true (qmi_message_tlv_write_guint8 (message, present ? 1 : 0, NULL));
  }
  g_assert_true (qmi_message_tlv_write_complete (message, start, NULL));

  start = qmi_message_tlv_write_init (message, 0x12, NULL);
  g_assert_true (qmi_message_tlv_write_guint8 (message, (guint8) n_slots, NULL));
  for (guint i = 1; i <= n_slots; i++) {
    if (i == sim_slot && eid != NULL)
      esim_fake_qmi_write_array (message, FALSE, g_bytes_get_data (eid, NULL),
                                 g_bytes_get_size (eid));
    else
      esim_fake_qmi_write_array (message, FALSE, NULL, 0);
  }
  g_assert_true (qmi_message_tlv_write_complete (message, start, NULL));
}
