/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-sim-result.h"

typedef enum {
  SHAPE_RESULT, /* TAG { 80 code }: SEQUENCE { result [0] INTEGER } */
  SHAPE_CHOICE, /* TAG { 81 code }: CHOICE { ok [0], error [1] INTEGER } */
  SHAPE_SIGNED, /* TAG { A1 { 80 transactionId, 02 code } } */
} Shape;

static const struct {
  const gchar *name;
  guint32 tag;
  Shape shape;
} functions[] = {
  { "EnableProfile", 0xBF31, SHAPE_RESULT },
  { "DisableProfile", 0xBF32, SHAPE_RESULT },
  { "DeleteProfile", 0xBF33, SHAPE_RESULT },
  { "EuiccMemoryReset", 0xBF34, SHAPE_RESULT },
  { "SetNickname", 0xBF29, SHAPE_RESULT },
  { "RemoveNotificationFromList", 0xBF30, SHAPE_RESULT },
  { "SetDefaultDpAddress", 0xBF3F, SHAPE_RESULT },
  { "GetProfilesInfo", 0xBF2D, SHAPE_CHOICE },
  { "ListNotification", 0xBF28, SHAPE_CHOICE },
  { "RetrieveNotificationsList", 0xBF2B, SHAPE_CHOICE },
  { "CancelSession", 0xBF41, SHAPE_CHOICE },
  { "AuthenticateServer", 0xBF38, SHAPE_SIGNED },
  { "PrepareDownload", 0xBF21, SHAPE_SIGNED },
};

guint32
esim_sim_result_function_tag (const gchar *function)
{
  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    if (g_strcmp0 (functions[i].name, function) == 0)
      return functions[i].tag;
  return 0;
}

gchar *
esim_sim_result_function_names (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", functions[i].name);
  return g_string_free (s, FALSE);
}

GBytes *
esim_sim_result_build (const EsimTlv *request, gint64 code)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  EsimTlv signed_part, txid;

  for (guint i = 0; i < G_N_ELEMENTS (functions); i++) {
    if (functions[i].tag != request->tag)
      continue;
    esim_tlv_builder_begin (b, request->tag);
    switch (functions[i].shape) {
    case SHAPE_RESULT:
      esim_tlv_builder_add_int (b, 0x80, code);
      break;
    case SHAPE_CHOICE:
      esim_tlv_builder_add_int (b, 0x81, code);
      break;
    case SHAPE_SIGNED:
      /* the transactionId the server signed (serverSigned1 / smdpSigned2) */
      esim_tlv_builder_begin (b, 0xA1);
      if (esim_tlv_find (request, 0x30, &signed_part) && esim_tlv_find (&signed_part, 0x80, &txid))
        esim_tlv_builder_add (b, 0x80, txid.value, txid.length);
      esim_tlv_builder_add_int (b, 0x02, code);
      esim_tlv_builder_end (b);
      break;
    default:
      break;
    }
    esim_tlv_builder_end (b);
    return esim_tlv_builder_finish (b);
  }
  return NULL;
}
