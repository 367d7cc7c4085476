/*
 * ES10c profile functions: list, enable, disable, delete, nickname.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-es10-private.h"

/* GetProfilesInfo */

static GBytes *
build_profiles_info_request (const gchar *iccid, GBytes *isdp_aid, gint profile_class,
                             GBytes *tag_list, GError **error)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  guint criteria = (iccid != NULL) + (isdp_aid != NULL) + (profile_class >= 0);

  if (criteria > 1) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "search profiles by ICCID, ISD-P AID or class, not several");
    return NULL;
  }
  if (profile_class > ESIM_PROFILE_CLASS_OPERATIONAL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no profile class %d",
                 profile_class);
    return NULL;
  }
  esim_tlv_builder_begin (builder, 0xBF2D);
  if (criteria > 0) {
    esim_tlv_builder_begin (builder, 0xA0);
    if (profile_class >= 0)
      esim_tlv_builder_add_int (builder, 0x95, profile_class);
    else if (!esim_es10_add_profile_id (builder, iccid, isdp_aid, error))
      return NULL;
    esim_tlv_builder_end (builder);
  }
  if (tag_list != NULL)
    esim_tlv_builder_add_bytes (builder, 0x5C, tag_list);
  esim_tlv_builder_end (builder);
  return esim_tlv_builder_finish (builder);
}

void
esim_es10_get_profiles_info_async (EsimEs10 *self, const gchar *iccid, GBytes *isdp_aid,
                                   gint profile_class, GBytes *tag_list, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  g_autoptr (GBytes) request = NULL;

  request = build_profiles_info_request (iccid, isdp_aid, profile_class, tag_list, &error);
  esim_es10_command_async (self, request, error, (EsimEs10ParseFunc) esim_es10_parse_profiles_info,
                           (GDestroyNotify) g_ptr_array_unref, esim_es10_get_profiles_info_async,
                           cancellable, callback, user_data);
}

GPtrArray *
esim_es10_get_profiles_info_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_get_profiles_info_async, error);
}

/* EnableProfile and DisableProfile share their request shape */

static GBytes *
build_switch_request (guint32 tag, const gchar *iccid, GBytes *isdp_aid, gboolean refresh,
                      GError **error)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();

  esim_tlv_builder_begin (builder, tag);
  esim_tlv_builder_begin (builder, 0xA0);
  if (!esim_es10_add_profile_id (builder, iccid, isdp_aid, error))
    return NULL;
  esim_tlv_builder_end (builder);
  esim_tlv_builder_add_bool (builder, 0x81, refresh);
  esim_tlv_builder_end (builder);
  return esim_tlv_builder_finish (builder);
}

void
esim_es10_enable_profile_async (EsimEs10 *self, const gchar *iccid, GBytes *isdp_aid,
                                gboolean refresh, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  g_autoptr (GBytes) request = build_switch_request (0xBF31, iccid, isdp_aid, refresh, &error);

  esim_es10_check_command_async (self, request, error, esim_es10_parse_enable_profile,
                                 esim_es10_enable_profile_async, cancellable, callback, user_data);
}

gboolean
esim_es10_enable_profile_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_check_command_finish (self, result, esim_es10_enable_profile_async, error);
}

void
esim_es10_disable_profile_async (EsimEs10 *self, const gchar *iccid, GBytes *isdp_aid,
                                 gboolean refresh, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  g_autoptr (GBytes) request = build_switch_request (0xBF32, iccid, isdp_aid, refresh, &error);

  esim_es10_check_command_async (self, request, error, esim_es10_parse_disable_profile,
                                 esim_es10_disable_profile_async, cancellable, callback, user_data);
}

gboolean
esim_es10_disable_profile_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_check_command_finish (self, result, esim_es10_disable_profile_async, error);
}

/* DeleteProfile: a CHOICE, so the identifier sits right in BF33 */

void
esim_es10_delete_profile_async (EsimEs10 *self, const gchar *iccid, GBytes *isdp_aid,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;
  GError *error = NULL;

  esim_tlv_builder_begin (builder, 0xBF33);
  if (esim_es10_add_profile_id (builder, iccid, isdp_aid, &error)) {
    esim_tlv_builder_end (builder);
    request = esim_tlv_builder_finish (builder);
  }
  esim_es10_check_command_async (self, request, error, esim_es10_parse_delete_profile,
                                 esim_es10_delete_profile_async, cancellable, callback, user_data);
}

gboolean
esim_es10_delete_profile_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_check_command_finish (self, result, esim_es10_delete_profile_async, error);
}

/* SetNickname */

static GBytes *
build_set_nickname_request (const gchar *iccid, const gchar *nickname, GError **error)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  guint8 bcd[ESIM_ICCID_BCD_SIZE];

  if (iccid == NULL || nickname == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "SetNickname needs an ICCID and a nickname");
    return NULL;
  }
  if (!esim_iccid_to_bcd_buf (iccid, bcd, error))
    return NULL;
  if (!g_utf8_validate (nickname, -1, NULL)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "a nickname must be UTF-8");
    return NULL;
  }
  if (strlen (nickname) > ESIM_ES10_NICKNAME_MAX) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "a nickname has at most %d bytes, not %" G_GSIZE_FORMAT, ESIM_ES10_NICKNAME_MAX,
                 strlen (nickname));
    return NULL;
  }
  esim_tlv_builder_begin (builder, 0xBF29);
  esim_tlv_builder_add (builder, 0x5A, bcd, sizeof (bcd));
  esim_tlv_builder_add_string (builder, 0x90, nickname);
  esim_tlv_builder_end (builder);
  return esim_tlv_builder_finish (builder);
}

void
esim_es10_set_nickname_async (EsimEs10 *self, const gchar *iccid, const gchar *nickname,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GError *error = NULL;
  g_autoptr (GBytes) request = build_set_nickname_request (iccid, nickname, &error);

  esim_es10_check_command_async (self, request, error, esim_es10_parse_set_nickname,
                                 esim_es10_set_nickname_async, cancellable, callback, user_data);
}

gboolean
esim_es10_set_nickname_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_check_command_finish (self, result, esim_es10_set_nickname_async, error);
}
