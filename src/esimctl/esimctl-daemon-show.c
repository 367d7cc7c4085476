/*
 * esimctl daemon mode: list and show, the properties of eUICCs and
 * profiles as tables, fields and JSON.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "esimctl-daemon-private.h"
#include "esimctl-output.h"

gchar *
esimctl_daemon_euicc_title (EsimCtl *ctl, EsimEuicc *euicc)
{
  const gchar *modem = esim_euicc_get_modem (euicc);

  if (modem != NULL && g_strcmp0 (modem, "/") != 0)
    /* TRANSLATORS: an eUICC by its number and EID, and the ModemManager
     * modem and SIM slot it is in */
    return g_strdup_printf (_ ("eUICC %u (EID %s) in modem %s, SIM slot %u"),
                            esimctl_daemon_euicc_number (ctl, euicc), esim_euicc_get_eid (euicc),
                            modem, esim_euicc_get_sim_slot (euicc));
  /* TRANSLATORS: an eUICC by its number and EID, e.g. “eUICC 0 (EID 8904…)” */
  return g_strdup_printf (_ ("eUICC %u (EID %s)"), esimctl_daemon_euicc_number (ctl, euicc),
                          esim_euicc_get_eid (euicc));
}

/* the icon's bytes, empty without one */
static GBytes *
esimctl_profile_icon (EsimProfile *profile)
{
  GBytes *icon = esim_profile_get_icon (profile);

  return icon != NULL ? icon : g_bytes_new (NULL, 0);
}

void
esimctl_daemon_profile_to_json (EsimCtl *ctl, JsonBuilder *b, EsimProfile *profile,
                                gboolean details)
{
  EsimEuicc *euicc = esimctl_daemon_euicc_of_profile (ctl, profile);

  esimctl_json_add_string (b, "iccid", esim_profile_get_iccid (profile));
  esimctl_json_add_string (b, "state", esim_profile_get_state (profile));
  esimctl_json_add_string (b, "class", esim_profile_get_profile_class (profile));
  esimctl_json_add_string (b, "name", esim_profile_get_name (profile));
  esimctl_json_add_string (b, "service_provider", esim_profile_get_service_provider (profile));
  esimctl_json_add_optional (b, "nickname", esim_profile_get_nickname (profile));
  esimctl_json_add_string (b, "isdp_aid", esim_profile_get_isdp_aid (profile));
  esimctl_json_add_strv (b, "policy_rules", esim_profile_get_policy_rules (profile));
  esimctl_json_add_optional (b, "operator_id", esim_profile_get_operator_id (profile));
  esimctl_json_add_optional (b, "icon_type", esim_profile_get_icon_type (profile));
  if (euicc != NULL) {
    esimctl_json_add_int (b, "euicc", esimctl_daemon_euicc_number (ctl, euicc));
    esimctl_json_add_string (b, "eid", esim_euicc_get_eid (euicc));
  } else {
    esimctl_json_add_string (b, "euicc", NULL);
    esimctl_json_add_string (b, "eid", NULL);
  }
  if (details) {
    g_autoptr (GBytes) icon = esimctl_profile_icon (profile);
    g_autofree gchar *base64 = NULL;
    gsize len = 0;
    const guint8 *data = g_bytes_get_data (icon, &len);

    if (len > 0)
      base64 = g_base64_encode (data, len);
    esimctl_json_add_string (b, "icon", base64);
    esimctl_json_add_string (b, "object_path", esim_profile_get_object_path (profile));
  }
}

void
esimctl_daemon_euicc_to_json (EsimCtl *ctl, JsonBuilder *b, EsimEuicc *euicc)
{
  const gchar *modem = esim_euicc_get_modem (euicc);
  g_autoptr (GPtrArray) profiles = esim_euicc_get_profiles (euicc);

  esimctl_json_add_int (b, "euicc", esimctl_daemon_euicc_number (ctl, euicc));
  esimctl_json_add_string (b, "eid", esim_euicc_get_eid (euicc));
  esimctl_json_add_string (b, "transport", esim_euicc_get_transport (euicc));
  esimctl_json_add_string (b, "device", esim_euicc_get_device (euicc));
  esimctl_json_add_optional (b, "modem", g_strcmp0 (modem, "/") != 0 ? modem : NULL);
  esimctl_json_add_int (b, "sim_slot", esim_euicc_get_sim_slot (euicc));
  esimctl_json_add_string (b, "sgp22_version", esim_euicc_get_sgp22_version (euicc));
  esimctl_json_add_string (b, "profile_version", esim_euicc_get_profile_version (euicc));
  esimctl_json_add_string (b, "firmware_version", esim_euicc_get_firmware_version (euicc));
  esimctl_json_add_int (b, "free_memory", (gint64) esim_euicc_get_free_memory (euicc));
  esimctl_json_add_strv (b, "ci_key_ids", esim_euicc_get_ci_key_ids (euicc));
  esimctl_json_add_optional (b, "default_smdp_address",
                             esim_euicc_get_default_smdp_address (euicc));
  esimctl_json_add_optional (b, "root_smds_address", esim_euicc_get_root_smds_address (euicc));
  esimctl_json_add_int (b, "pending_notifications", esim_euicc_get_pending_notifications (euicc));
  json_builder_set_member_name (b, "profiles");
  json_builder_begin_array (b);
  for (guint i = 0; i < profiles->len; i++)
    json_builder_add_string_value (b, esim_profile_get_iccid (g_ptr_array_index (profiles, i)));
  json_builder_end_array (b);
  esimctl_json_add_string (b, "object_path", esim_euicc_get_object_path (euicc));
}

static const gchar *
esimctl_or_none (const gchar *value)
{
  /* TRANSLATORS: shown for an empty property */
  return value != NULL && *value != '\0' ? value : _ ("(none)");
}

static gchar *
esimctl_policy_text (const gchar *const *rules)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();

  for (guint i = 0; rules != NULL && rules[i] != NULL; i++) {
    if (g_str_equal (rules[i], "ppr1"))
      g_ptr_array_add (parts, (gpointer) _ ("may not be disabled"));
    else if (g_str_equal (rules[i], "ppr2"))
      g_ptr_array_add (parts, (gpointer) _ ("may not be deleted"));
    else if (g_str_equal (rules[i], "ppr3"))
      g_ptr_array_add (parts, (gpointer) _ ("deleted when disabled"));
    else
      g_ptr_array_add (parts, (gpointer) rules[i]);
  }
  if (parts->len == 0)
    return g_strdup (_ ("(none)"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (gchar **) parts->pdata);
}

void
esimctl_daemon_print_profile (EsimCtl *ctl, EsimProfile *profile)
{
  g_autoptr (EsimCtlFields) f = esimctl_fields_new ();
  EsimEuicc *euicc = esimctl_daemon_euicc_of_profile (ctl, profile);
  g_autoptr (GBytes) icon = esimctl_profile_icon (profile);
  g_autofree gchar *policy = esimctl_policy_text (esim_profile_get_policy_rules (profile));
  g_autofree gchar *euicc_title = euicc != NULL ? esimctl_daemon_euicc_title (ctl, euicc) : NULL;

  esimctl_fields_add (f, _ ("ICCID"), esim_profile_get_iccid (profile));
  esimctl_fields_add (f, _ ("State"), esimctl_state_label (esim_profile_get_state (profile)));
  esimctl_fields_add (f, _ ("Class"),
                      esimctl_class_label (esim_profile_get_profile_class (profile)));
  esimctl_fields_add (f, _ ("Name"), esimctl_or_none (esim_profile_get_name (profile)));
  esimctl_fields_add (f, _ ("Service provider"),
                      esimctl_or_none (esim_profile_get_service_provider (profile)));
  esimctl_fields_add (f, _ ("Nickname"), esimctl_or_none (esim_profile_get_nickname (profile)));
  esimctl_fields_add (f, _ ("Operator ID"),
                      esimctl_or_none (esim_profile_get_operator_id (profile)));
  esimctl_fields_add (f, _ ("Policy rules"), policy);
  if (g_bytes_get_size (icon) > 0)
    esimctl_fields_add_printf (f, _ ("Icon"), _ ("%s, %lu bytes"),
                               esim_profile_get_icon_type (profile),
                               (gulong) g_bytes_get_size (icon));
  else
    esimctl_fields_add (f, _ ("Icon"), _ ("(none)"));
  esimctl_fields_add (f, _ ("ISD-P AID"), esim_profile_get_isdp_aid (profile));
  esimctl_fields_add (f, _ ("eUICC"), esimctl_or_none (euicc_title));
  esimctl_fields_add (f, _ ("Object"), esim_profile_get_object_path (profile));
  esimctl_fields_print (f);
}

static void
esimctl_daemon_print_euicc (EsimCtl *ctl, EsimEuicc *euicc)
{
  g_autoptr (EsimCtlFields) f = esimctl_fields_new ();
  g_autoptr (GPtrArray) profiles = esim_euicc_get_profiles (euicc);
  g_autoptr (GPtrArray) iccids = g_ptr_array_new ();
  g_autofree gchar *size
    = g_format_size_full (esim_euicc_get_free_memory (euicc), G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree gchar *ci = NULL;
  g_autofree gchar *iccid_text = NULL;
  const gchar *const *ci_ids = esim_euicc_get_ci_key_ids (euicc);
  const gchar *modem = esim_euicc_get_modem (euicc);
  guint slot = esim_euicc_get_sim_slot (euicc);

  for (guint i = 0; i < profiles->len; i++)
    g_ptr_array_add (iccids, (gpointer) esim_profile_get_iccid (g_ptr_array_index (profiles, i)));
  g_ptr_array_add (iccids, NULL);
  iccid_text = g_strjoinv (", ", (gchar **) iccids->pdata);
  ci = ci_ids != NULL ? g_strjoinv (", ", (gchar **) ci_ids) : NULL;

  esimctl_fields_add_printf (f, _ ("eUICC"), "%u", esimctl_daemon_euicc_number (ctl, euicc));
  esimctl_fields_add (f, _ ("EID"), esim_euicc_get_eid (euicc));
  esimctl_fields_add (f, _ ("Transport"), esim_euicc_get_transport (euicc));
  esimctl_fields_add (f, _ ("Device"), esimctl_or_none (esim_euicc_get_device (euicc)));
  esimctl_fields_add (f, _ ("Modem"), esimctl_or_none (g_strcmp0 (modem, "/") != 0 ? modem : NULL));
  if (slot > 0)
    esimctl_fields_add_printf (f, _ ("SIM slot"), "%u", slot);
  else
    esimctl_fields_add (f, _ ("SIM slot"), _ ("(unknown)"));
  esimctl_fields_add (f, _ ("SGP.22 version"), esim_euicc_get_sgp22_version (euicc));
  esimctl_fields_add (f, _ ("Profile package version"), esim_euicc_get_profile_version (euicc));
  esimctl_fields_add (f, _ ("Firmware version"), esim_euicc_get_firmware_version (euicc));
  esimctl_fields_add (f, _ ("Free memory"), size);
  esimctl_fields_add (f, _ ("CI key IDs"), esimctl_or_none (ci));
  esimctl_fields_add (f, _ ("Default SM-DP+"),
                      esimctl_or_none (esim_euicc_get_default_smdp_address (euicc)));
  esimctl_fields_add (f, _ ("Root SM-DS"),
                      esimctl_or_none (esim_euicc_get_root_smds_address (euicc)));
  esimctl_fields_add_printf (f, _ ("Pending notifications"), "%u",
                             esim_euicc_get_pending_notifications (euicc));
  esimctl_fields_add (f, _ ("Profiles"), esimctl_or_none (iccid_text));
  esimctl_fields_add (f, _ ("Object"), esim_euicc_get_object_path (euicc));
  esimctl_fields_print (f);
}

static void
esimctl_daemon_print_profile_table (EsimCtl *ctl, GPtrArray *profiles)
{
  g_autoptr (EsimCtlTable) table = NULL;

  if (profiles->len == 0) {
    g_print ("%s\n", _ ("No profiles on this eUICC."));
    return;
  }
  /* TRANSLATORS: table headers of “esimctl list” */
  table = esimctl_table_new (_ ("ICCID"), _ ("State"), _ ("Class"), _ ("Name"), _ ("Provider"),
                             _ ("Nickname"), NULL);
  for (guint i = 0; i < profiles->len; i++) {
    EsimProfile *p = g_ptr_array_index (profiles, i);
    esimctl_table_add_row (
      table, esim_profile_get_iccid (p), esimctl_state_label (esim_profile_get_state (p)),
      esimctl_class_label (esim_profile_get_profile_class (p)), esim_profile_get_name (p),
      esim_profile_get_service_provider (p), esim_profile_get_nickname (p));
  }
  esimctl_table_print (table);
}

gboolean
esimctl_daemon_list (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) euiccs = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!esimctl_daemon_selected_euiccs (ctl, &euiccs, error))
    return FALSE;
  if (ctl->json) {
    /* one flat array: each profile names its eUICC */
    json_builder_begin_array (b);
    for (guint i = 0; i < euiccs->len; i++) {
      g_autoptr (GPtrArray) profiles = esim_euicc_get_profiles (g_ptr_array_index (euiccs, i));
      for (guint j = 0; j < profiles->len; j++) {
        json_builder_begin_object (b);
        esimctl_daemon_profile_to_json (ctl, b, g_ptr_array_index (profiles, j), FALSE);
        json_builder_end_object (b);
      }
    }
    json_builder_end_array (b);
    esimctl_json_print (b);
    return TRUE;
  }
  if (euiccs->len == 0) {
    g_print ("%s\n", _ ("No eUICC found."));
    return TRUE;
  }
  for (guint i = 0; i < euiccs->len; i++) {
    EsimEuicc *euicc = g_ptr_array_index (euiccs, i);
    g_autoptr (GPtrArray) profiles = esim_euicc_get_profiles (euicc);
    /* with one eUICC its name would only be noise, unless it is in a modem */
    if (euiccs->len > 1 || g_strcmp0 (esim_euicc_get_modem (euicc), "/") != 0) {
      g_autofree gchar *title = esimctl_daemon_euicc_title (ctl, euicc);
      g_print ("%s%s:\n", i > 0 ? "\n" : "", title);
    }
    esimctl_daemon_print_profile_table (ctl, profiles);
  }
  return TRUE;
}

static EsimEuicc *
esimctl_daemon_find_euicc_by_eid (EsimCtl *ctl, const gchar *eid, GError **error)
{
  EsimEuicc *euicc = esim_client_find_euicc (ctl->daemon->client, eid);

  if (euicc != NULL)
    return g_object_ref (euicc);
  g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED, _ ("There is no eUICC with EID %s"), eid);
  return NULL;
}

gboolean
esimctl_daemon_show (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimEuicc) euicc = NULL;
  g_autoptr (EsimProfile) profile = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  /* the argument check let through an ICCID (18-20 digits) or an EID (32) */
  if (ctl->n_args == 1 && strlen (ctl->args[0]) == 32)
    euicc = esimctl_daemon_find_euicc_by_eid (ctl, ctl->args[0], error);
  else if (ctl->n_args == 1)
    profile = esimctl_daemon_find_profile (ctl, ctl->args[0], error);
  else
    euicc = esimctl_daemon_select_euicc (ctl, error);
  if (euicc == NULL && profile == NULL)
    return FALSE;

  if (ctl->json) {
    json_builder_begin_object (b);
    if (profile != NULL)
      esimctl_daemon_profile_to_json (ctl, b, profile, TRUE);
    else
      esimctl_daemon_euicc_to_json (ctl, b, euicc);
    json_builder_end_object (b);
    esimctl_json_print (b);
  } else if (profile != NULL) {
    esimctl_daemon_print_profile (ctl, profile);
  } else {
    esimctl_daemon_print_euicc (ctl, euicc);
  }
  return TRUE;
}
