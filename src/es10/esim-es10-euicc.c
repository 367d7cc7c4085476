/*
 * ES10 functions about the eUICC itself: addresses, information, challenge,
 * EID, RAT, memory reset, and cancelling a download session.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-es10-private.h"

/* a request that is only its empty outer tag, e.g. BF20 00 */
static GBytes *
empty_request (guint32 tag)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();

  esim_tlv_builder_begin (builder, tag);
  esim_tlv_builder_end (builder);
  return esim_tlv_builder_finish (builder);
}

/* GetEuiccConfiguredAddresses */

void
esim_es10_get_euicc_configured_addresses_async (EsimEs10 *self, GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GBytes) request = empty_request (0xBF3C);

  esim_es10_command_async (
    self, request, NULL, (EsimEs10ParseFunc) esim_es10_parse_configured_addresses,
    (GDestroyNotify) esim_configured_addresses_free, esim_es10_get_euicc_configured_addresses_async,
    cancellable, callback, user_data);
}

EsimConfiguredAddresses *
esim_es10_get_euicc_configured_addresses_finish (EsimEs10 *self, GAsyncResult *result,
                                                 GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_get_euicc_configured_addresses_async,
                                   error);
}

/* SetDefaultDpAddress */

void
esim_es10_set_default_dp_address_async (EsimEs10 *self, const gchar *address,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;
  GError *error = NULL;

  g_return_if_fail (address != NULL);
  if (!g_utf8_validate (address, -1, NULL) || strlen (address) > 255) {
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "an SM-DP+ address is an FQDN of at most 255 bytes");
  } else {
    esim_tlv_builder_begin (builder, 0xBF3F);
    esim_tlv_builder_add_string (builder, 0x80, address);
    esim_tlv_builder_end (builder);
    request = esim_tlv_builder_finish (builder);
  }
  esim_es10_check_command_async (self, request, error, esim_es10_parse_set_default_dp_address,
                                 esim_es10_set_default_dp_address_async, cancellable, callback,
                                 user_data);
}

gboolean
esim_es10_set_default_dp_address_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_check_command_finish (self, result, esim_es10_set_default_dp_address_async,
                                         error);
}

/* GetEUICCChallenge */

void
esim_es10_get_euicc_challenge_async (EsimEs10 *self, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GBytes) request = empty_request (0xBF2E);

  esim_es10_command_async (self, request, NULL, (EsimEs10ParseFunc) esim_es10_parse_euicc_challenge,
                           (GDestroyNotify) g_bytes_unref, esim_es10_get_euicc_challenge_async,
                           cancellable, callback, user_data);
}

GBytes *
esim_es10_get_euicc_challenge_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_get_euicc_challenge_async, error);
}

/* GetEUICCInfo1 */

void
esim_es10_get_euicc_info1_async (EsimEs10 *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GBytes) request = empty_request (0xBF20);

  esim_es10_command_async (self, request, NULL, (EsimEs10ParseFunc) esim_es10_parse_euicc_info1,
                           (GDestroyNotify) esim_euicc_info1_free, esim_es10_get_euicc_info1_async,
                           cancellable, callback, user_data);
}

EsimEuiccInfo1 *
esim_es10_get_euicc_info1_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_get_euicc_info1_async, error);
}

/* GetEUICCInfo2 */

void
esim_es10_get_euicc_info2_async (EsimEs10 *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GBytes) request = empty_request (0xBF22);

  esim_es10_command_async (self, request, NULL, (EsimEs10ParseFunc) esim_es10_parse_euicc_info2,
                           (GDestroyNotify) esim_euicc_info2_free, esim_es10_get_euicc_info2_async,
                           cancellable, callback, user_data);
}

EsimEuiccInfo2 *
esim_es10_get_euicc_info2_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_get_euicc_info2_async, error);
}

/* GetRAT */

void
esim_es10_get_rat_async (EsimEs10 *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GBytes) request = empty_request (0xBF43);

  esim_es10_command_async (self, request, NULL, (EsimEs10ParseFunc) esim_es10_parse_rat,
                           (GDestroyNotify) g_ptr_array_unref, esim_es10_get_rat_async, cancellable,
                           callback, user_data);
}

GPtrArray *
esim_es10_get_rat_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_get_rat_async, error);
}

/* CancelSession */

void
esim_es10_cancel_session_async (EsimEs10 *self, GBytes *transaction_id,
                                EsimCancelSessionReason reason, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;
  GError *error = NULL;
  gsize len;

  g_return_if_fail (transaction_id != NULL);
  len = g_bytes_get_size (transaction_id);
  if (len < 1 || len > 16) {
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "a transaction id has 1 to 16 bytes, not %" G_GSIZE_FORMAT, len);
  } else {
    esim_tlv_builder_begin (builder, 0xBF41);
    esim_tlv_builder_add_bytes (builder, 0x80, transaction_id);
    esim_tlv_builder_add_int (builder, 0x81, reason);
    esim_tlv_builder_end (builder);
    request = esim_tlv_builder_finish (builder);
  }
  esim_es10_command_async (self, request, error, (EsimEs10ParseFunc) esim_es10_parse_cancel_session,
                           (GDestroyNotify) g_bytes_unref, esim_es10_cancel_session_async,
                           cancellable, callback, user_data);
}

GBytes *
esim_es10_cancel_session_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_cancel_session_async, error);
}

/* GetEID */

void
esim_es10_get_eid_async (EsimEs10 *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  static const guint8 eid_tag[] = { 0x5A };
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;

  esim_tlv_builder_begin (builder, 0xBF3E);
  esim_tlv_builder_add (builder, 0x5C, eid_tag, sizeof (eid_tag));
  esim_tlv_builder_end (builder);
  request = esim_tlv_builder_finish (builder);
  esim_es10_command_async (self, request, NULL, (EsimEs10ParseFunc) esim_es10_parse_eid, g_free,
                           esim_es10_get_eid_async, cancellable, callback, user_data);
}

gchar *
esim_es10_get_eid_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_get_eid_async, error);
}

/* EuiccMemoryReset */

void
esim_es10_euicc_memory_reset_async (EsimEs10 *self, EsimMemoryResetOptions options,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;

  esim_tlv_builder_begin (builder, 0xBF34);
  esim_tlv_builder_add_bit_string (builder, 0x82, options, 3);
  esim_tlv_builder_end (builder);
  request = esim_tlv_builder_finish (builder);
  esim_es10_check_command_async (self, request, NULL, esim_es10_parse_memory_reset,
                                 esim_es10_euicc_memory_reset_async, cancellable, callback,
                                 user_data);
}

gboolean
esim_es10_euicc_memory_reset_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_check_command_finish (self, result, esim_es10_euicc_memory_reset_async, error);
}
