/*
 * esimctl: the command-line client of esimd.
 *
 * With --card it talks to one eUICC directly through a transport, without
 * the daemon: a diagnostic mode for root and for the simulated eUICC.
 *
 * Exit codes: 0 success, 1 the card refused or failed the operation,
 * 2 usage error, 3 the card could not be reached.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "esim-activation-code.h"
#include "esim-discovery.h"
#include "esim-download.h"
#include "esim-es10.h"
#include "esim-iccid.h"
#include "esim-notification-sender.h"
#include "esim-transport-factory.h"

#define EXIT_CARD_FAILED 1
#define EXIT_USAGE       2
#define EXIT_UNREACHABLE 3

typedef struct {
  EsimEs10 *es10;
  gboolean json;
  gchar **args;         /* after the command name */
  gchar **ca_files;     /* trust anchors for SM-DP+/SM-DS TLS */
  gchar *confirmation_code;
  gchar *smds;
} EsimCtl;

typedef gint (*EsimCtlCommand) (EsimCtl *ctl, GError **error);

static gint esimctl_notifications_process (EsimCtl *ctl, GError **error);

/* the client is a short-lived program: waiting in a nested loop keeps each
 * command a straight line while the library stays asynchronous */
static void
esimctl_result_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

static GAsyncResult *
esimctl_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static guint
esimctl_n_args (EsimCtl *ctl)
{
  return ctl->args != NULL ? g_strv_length (ctl->args) : 0;
}

static gboolean
esimctl_need_args (EsimCtl *ctl, guint n, const gchar *usage, GError **error)
{
  if (esimctl_n_args (ctl) == n)
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("Usage: esimctl %s"), usage);
  return FALSE;
}

static gboolean
esimctl_check_iccid (const gchar *iccid, GError **error)
{
  if (esim_iccid_is_valid (iccid))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not an ICCID (18 to 20 digits)"), iccid);
  return FALSE;
}

static void
esimctl_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree gchar *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

static void
esimctl_json_add_string (JsonBuilder *b, const gchar *name, const gchar *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static gchar *
esimctl_hex (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data;
  GString *s = g_string_new (NULL);

  if (bytes == NULL)
    return g_string_free (s, FALSE);
  data = g_bytes_get_data (bytes, &len);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

static gchar *
esimctl_policy_string (EsimPprFlags rules)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (rules & ESIM_PPR1)
    g_ptr_array_add (parts, (gpointer) "ppr1");
  if (rules & ESIM_PPR2)
    g_ptr_array_add (parts, (gpointer) "ppr2");
  if (rules & ESIM_PPR3)
    g_ptr_array_add (parts, (gpointer) "ppr3");
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (",", (gchar **) parts->pdata);
}

static gint
esimctl_cmd_list (EsimCtl *ctl, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GPtrArray) profiles = NULL;

  if (!esimctl_need_args (ctl, 0, "list", error))
    return EXIT_USAGE;
  esim_es10_get_profiles_info_async (ctl->es10, NULL, NULL, -1, NULL, NULL,
                                     esimctl_result_cb, &res);
  profiles = esim_es10_get_profiles_info_finish (ctl->es10, esimctl_wait (&res), error);
  if (profiles == NULL)
    return EXIT_CARD_FAILED;

  if (ctl->json) {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    json_builder_begin_array (b);
    for (guint i = 0; i < profiles->len; i++) {
      EsimProfileInfo *p = g_ptr_array_index (profiles, i);
      g_autofree gchar *aid = esimctl_hex (p->isdp_aid);
      g_autofree gchar *policy = esimctl_policy_string (p->policy_rules);
      json_builder_begin_object (b);
      esimctl_json_add_string (b, "iccid", p->iccid);
      esimctl_json_add_string (b, "isdp_aid", aid);
      esimctl_json_add_string (b, "state", esim_profile_state_to_string (p->state));
      esimctl_json_add_string (b, "class", esim_profile_class_to_string (p->profile_class));
      esimctl_json_add_string (b, "name", p->name);
      esimctl_json_add_string (b, "service_provider", p->service_provider);
      esimctl_json_add_string (b, "nickname", p->nickname);
      esimctl_json_add_string (b, "policy_rules", policy);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    esimctl_print_json (b);
    return EXIT_SUCCESS;
  }

  if (profiles->len == 0) {
    g_print ("%s\n", _("No profiles on this eUICC."));
    return EXIT_SUCCESS;
  }
  g_print ("%-20s  %-8s  %-12s  %-24s  %-16s  %s\n", _("ICCID"), _("State"), _("Class"),
           _("Name"), _("Provider"), _("Nickname"));
  for (guint i = 0; i < profiles->len; i++) {
    EsimProfileInfo *p = g_ptr_array_index (profiles, i);
    g_print ("%-20s  %-8s  %-12s  %-24s  %-16s  %s\n", p->iccid,
             esim_profile_state_to_string (p->state),
             esim_profile_class_to_string (p->profile_class),
             p->name != NULL ? p->name : "", p->service_provider != NULL ? p->service_provider : "",
             p->nickname != NULL ? p->nickname : "");
  }
  return EXIT_SUCCESS;
}

static gint
esimctl_cmd_info (EsimCtl *ctl, GError **error)
{
  g_autoptr(GAsyncResult) res_eid = NULL;
  g_autoptr(GAsyncResult) res_info = NULL;
  g_autoptr(GAsyncResult) res_addr = NULL;
  g_autofree gchar *eid = NULL;
  g_autoptr(EsimEuiccInfo2) info = NULL;
  g_autoptr(EsimConfiguredAddresses) addr = NULL;
  g_autoptr(GString) pkids = g_string_new (NULL);

  if (!esimctl_need_args (ctl, 0, "info", error))
    return EXIT_USAGE;
  /* issued together: the client queues them on the one channel */
  esim_es10_get_eid_async (ctl->es10, NULL, esimctl_result_cb, &res_eid);
  esim_es10_get_euicc_info2_async (ctl->es10, NULL, esimctl_result_cb, &res_info);
  esim_es10_get_euicc_configured_addresses_async (ctl->es10, NULL, esimctl_result_cb, &res_addr);
  eid = esim_es10_get_eid_finish (ctl->es10, esimctl_wait (&res_eid), error);
  if (eid == NULL)
    return EXIT_CARD_FAILED;
  info = esim_es10_get_euicc_info2_finish (ctl->es10, esimctl_wait (&res_info), error);
  if (info == NULL)
    return EXIT_CARD_FAILED;
  addr = esim_es10_get_euicc_configured_addresses_finish (ctl->es10, esimctl_wait (&res_addr),
                                                          error);
  if (addr == NULL)
    return EXIT_CARD_FAILED;
  for (guint i = 0; i < info->ci_pkids_for_verification->len; i++) {
    g_autofree gchar *hex = esimctl_hex (g_ptr_array_index (info->ci_pkids_for_verification, i));
    g_string_append_printf (pkids, "%s%s", i > 0 ? "," : "", hex);
  }

  if (ctl->json) {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "eid", eid);
    esimctl_json_add_string (b, "sgp22_version", info->svn);
    esimctl_json_add_string (b, "profile_version", info->profile_version);
    esimctl_json_add_string (b, "firmware_version", info->firmware_version);
    json_builder_set_member_name (b, "free_nonvolatile_memory");
    json_builder_add_int_value (b, (gint64) info->free_nonvolatile_memory);
    json_builder_set_member_name (b, "installed_applications");
    json_builder_add_int_value (b, info->installed_applications);
    esimctl_json_add_string (b, "default_smdp_address", addr->default_dp_address);
    esimctl_json_add_string (b, "root_smds_address", addr->root_ds_address);
    esimctl_json_add_string (b, "ci_pkids", pkids->str);
    json_builder_end_object (b);
    esimctl_print_json (b);
    return EXIT_SUCCESS;
  }
  g_print ("%-24s %s\n", _("EID:"), eid);
  g_print ("%-24s %s\n", _("SGP.22 version:"), info->svn);
  g_print ("%-24s %s\n", _("Profile package version:"), info->profile_version);
  g_print ("%-24s %s\n", _("Firmware version:"), info->firmware_version);
  g_print ("%-24s %" G_GUINT64_FORMAT "\n", _("Free memory (bytes):"),
           info->free_nonvolatile_memory);
  g_print ("%-24s %u\n", _("Installed applications:"), info->installed_applications);
  g_print ("%-24s %s\n", _("Default SM-DP+:"),
           addr->default_dp_address != NULL ? addr->default_dp_address : _("(none)"));
  g_print ("%-24s %s\n", _("Root SM-DS:"), addr->root_ds_address);
  g_print ("%-24s %s\n", _("CI key IDs:"), pkids->str);
  return EXIT_SUCCESS;
}

static gint
esimctl_cmd_switch (EsimCtl *ctl, const gchar *verb, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree gchar *usage = g_strdup_printf ("%s ICCID", verb);
  const gchar *iccid;
  gboolean ok;

  if (!esimctl_need_args (ctl, 1, usage, error))
    return EXIT_USAGE;
  iccid = ctl->args[0];
  if (!esimctl_check_iccid (iccid, error))
    return EXIT_USAGE;
  if (g_str_equal (verb, "enable")) {
    esim_es10_enable_profile_async (ctl->es10, iccid, NULL, TRUE, NULL, esimctl_result_cb, &res);
    ok = esim_es10_enable_profile_finish (ctl->es10, esimctl_wait (&res), error);
  } else if (g_str_equal (verb, "disable")) {
    esim_es10_disable_profile_async (ctl->es10, iccid, NULL, TRUE, NULL, esimctl_result_cb, &res);
    ok = esim_es10_disable_profile_finish (ctl->es10, esimctl_wait (&res), error);
  } else {
    esim_es10_delete_profile_async (ctl->es10, iccid, NULL, NULL, esimctl_result_cb, &res);
    ok = esim_es10_delete_profile_finish (ctl->es10, esimctl_wait (&res), error);
  }
  if (!ok)
    return EXIT_CARD_FAILED;
  if (!ctl->json) {
    if (g_str_equal (verb, "enable"))
      g_print (_("Profile %s enabled.\n"), iccid);
    else if (g_str_equal (verb, "disable"))
      g_print (_("Profile %s disabled.\n"), iccid);
    else
      g_print (_("Profile %s deleted.\n"), iccid);
  }
  return EXIT_SUCCESS;
}

static gint
esimctl_cmd_enable (EsimCtl *ctl, GError **error)
{
  return esimctl_cmd_switch (ctl, "enable", error);
}

static gint
esimctl_cmd_disable (EsimCtl *ctl, GError **error)
{
  return esimctl_cmd_switch (ctl, "disable", error);
}

static gint
esimctl_cmd_delete (EsimCtl *ctl, GError **error)
{
  return esimctl_cmd_switch (ctl, "delete", error);
}

static gint
esimctl_cmd_nickname (EsimCtl *ctl, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  if (!esimctl_need_args (ctl, 2, "nickname ICCID NAME", error))
    return EXIT_USAGE;
  if (!esimctl_check_iccid (ctl->args[0], error))
    return EXIT_USAGE;
  esim_es10_set_nickname_async (ctl->es10, ctl->args[0], ctl->args[1], NULL, esimctl_result_cb,
                                &res);
  return esim_es10_set_nickname_finish (ctl->es10, esimctl_wait (&res), error) ? EXIT_SUCCESS
                                                                               : EXIT_CARD_FAILED;
}

static gint
esimctl_cmd_set_default_smdp (EsimCtl *ctl, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  if (!esimctl_need_args (ctl, 1, "set-default-smdp ADDRESS", error))
    return EXIT_USAGE;
  esim_es10_set_default_dp_address_async (ctl->es10, ctl->args[0], NULL, esimctl_result_cb, &res);
  return esim_es10_set_default_dp_address_finish (ctl->es10, esimctl_wait (&res), error)
           ? EXIT_SUCCESS : EXIT_CARD_FAILED;
}

static gint
esimctl_cmd_notifications (EsimCtl *ctl, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GPtrArray) list = NULL;
  guint n = esimctl_n_args (ctl);

  if (n == 1 && g_str_equal (ctl->args[0], "process"))
    return esimctl_notifications_process (ctl, error);
  if (n == 2 && g_str_equal (ctl->args[0], "remove")) {
    guint64 seq = 0;
    if (!g_ascii_string_to_unsigned (ctl->args[1], 10, 0, G_MAXINT64, &seq, error))
      return EXIT_USAGE;
    esim_es10_remove_notification_from_list_async (ctl->es10, seq, NULL, esimctl_result_cb, &res);
    return esim_es10_remove_notification_from_list_finish (ctl->es10, esimctl_wait (&res), error)
             ? EXIT_SUCCESS : EXIT_CARD_FAILED;
  }
  if (n != 1 || !g_str_equal (ctl->args[0], "list")) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("Usage: esimctl notifications list|process|remove SEQ"));
    return EXIT_USAGE;
  }
  esim_es10_list_notification_async (ctl->es10, ESIM_NOTIFICATION_EVENT_NONE, NULL,
                                     esimctl_result_cb, &res);
  list = esim_es10_list_notification_finish (ctl->es10, esimctl_wait (&res), error);
  if (list == NULL)
    return EXIT_CARD_FAILED;
  if (ctl->json) {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    json_builder_begin_array (b);
    for (guint i = 0; i < list->len; i++) {
      EsimNotificationMetadata *m = g_ptr_array_index (list, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, (gint64) m->seq_number);
      esimctl_json_add_string (b, "operation", esim_notification_event_to_string (m->operation));
      esimctl_json_add_string (b, "address", m->address);
      esimctl_json_add_string (b, "iccid", m->iccid);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    esimctl_print_json (b);
    return EXIT_SUCCESS;
  }
  if (list->len == 0)
    g_print ("%s\n", _("No pending notifications."));
  for (guint i = 0; i < list->len; i++) {
    EsimNotificationMetadata *m = g_ptr_array_index (list, i);
    g_print ("%6" G_GUINT64_FORMAT "  %-8s  %-20s  %s\n", m->seq_number,
             esim_notification_event_to_string (m->operation),
             m->iccid != NULL ? m->iccid : "", m->address);
  }
  return EXIT_SUCCESS;
}

static gint
esimctl_cmd_reset (EsimCtl *ctl, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  EsimMemoryResetOptions options = 0;
  gboolean valid = FALSE;

  for (guint i = 0; i < esimctl_n_args (ctl); i++) {
    if (g_str_equal (ctl->args[i], "--operational"))
      options |= ESIM_MEMORY_RESET_DELETE_OPERATIONAL_PROFILES;
    else if (g_str_equal (ctl->args[i], "--test"))
      options |= ESIM_MEMORY_RESET_DELETE_FIELD_LOADED_TEST_PROFILES;
    else if (g_str_equal (ctl->args[i], "--default-smdp"))
      options |= ESIM_MEMORY_RESET_RESET_DEFAULT_SMDP_ADDRESS;
    else
      break;
    /* a flag we did not know leaves the loop early */
    if (i + 1 == esimctl_n_args (ctl))
      valid = TRUE;
  }
  if (!valid) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("Usage: esimctl reset [--operational] [--test] [--default-smdp]"));
    return EXIT_USAGE;
  }
  esim_es10_euicc_memory_reset_async (ctl->es10, options, NULL, esimctl_result_cb, &res);
  return esim_es10_euicc_memory_reset_finish (ctl->es10, esimctl_wait (&res), error)
           ? EXIT_SUCCESS : EXIT_CARD_FAILED;
}


static EsimHttp *
esimctl_http_new (EsimCtl *ctl, GError **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  if (ctl->ca_files != NULL) {
    for (guint i = 0; ctl->ca_files[i] != NULL; i++)
      g_ptr_array_add (files, g_strdup (ctl->ca_files[i]));
  } else {
    /* the GSMA roots esimd ships */
    const gchar *names[] = { "gsma-ci.pem", "gd-smdp.pem" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      g_ptr_array_add (files, g_build_filename (ESIM_DATADIR, "ci", names[i], NULL));
  }
  g_ptr_array_add (files, NULL);
  return esim_http_new ((const gchar *const *) files->pdata, error);
}

static void
esimctl_progress_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  EsimDownload *download = ESIM_DOWNLOAD (object);
  gdouble progress = esim_download_get_progress (download);
  const gchar *stage = esim_download_stage_to_string (esim_download_get_stage (download));
  guint width = 30;
  guint filled = (guint) (progress * width);
  g_autoptr(GString) bar = g_string_new (NULL);

  for (guint i = 0; i < width; i++)
    g_string_append (bar, i < filled ? "#" : "-");
  g_printerr ("\r[%s] %3.0f%% %-16s", bar->str, progress * 100.0, stage);
}

static gint
esimctl_cmd_install (EsimCtl *ctl, GError **error)
{
  g_autoptr(EsimActivationCode) ac = NULL;
  g_autoptr(EsimHttp) http = NULL;
  g_autoptr(EsimDownload) download = NULL;
  g_autoptr(EsimInstallResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  gboolean tty = isatty (STDERR_FILENO) && !ctl->json;

  if (esimctl_n_args (ctl) > 1) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("Usage: esimctl install [ACTIVATION-CODE] [--confirmation-code CODE]"));
    return EXIT_USAGE;
  }
  /* without an activation code the eUICC's default SM-DP+ is asked */
  if (esimctl_n_args (ctl) == 1) {
    ac = esim_activation_code_parse (ctl->args[0], error);
    if (ac == NULL)
      return EXIT_USAGE;
  }
  http = esimctl_http_new (ctl, error);
  if (http == NULL)
    return EXIT_USAGE;
  download = esim_download_new (ctl->es10, http, ac != NULL ? ac->smdp_address : NULL,
                                ac != NULL ? ac->matching_id : NULL);
  if (ac != NULL && ac->confirmation_code_required && ctl->confirmation_code == NULL) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("This activation code needs --confirmation-code"));
    return EXIT_USAGE;
  }
  if (ctl->confirmation_code != NULL)
    esim_download_set_confirmation_code (download, ctl->confirmation_code);
  if (tty)
    g_signal_connect (download, "notify::progress", G_CALLBACK (esimctl_progress_cb), NULL);
  esim_download_run_async (download, NULL, esimctl_result_cb, &res);
  result = esim_download_run_finish (download, esimctl_wait (&res), error);
  if (tty)
    g_printerr ("\n");
  if (result == NULL)
    return EXIT_CARD_FAILED;
  if (ctl->json) {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    g_autofree gchar *aid = esimctl_hex (result->isdp_aid);
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "iccid", result->iccid);
    esimctl_json_add_string (b, "isdp_aid", aid);
    json_builder_end_object (b);
    esimctl_print_json (b);
  } else {
    g_print (_("Profile %s installed.\n"), result->iccid != NULL ? result->iccid : "");
  }
  return EXIT_SUCCESS;
}

static gint
esimctl_cmd_discover (EsimCtl *ctl, GError **error)
{
  g_autoptr(EsimHttp) http = NULL;
  g_autoptr(EsimDiscovery) discovery = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GAsyncResult) res = NULL;

  if (!esimctl_need_args (ctl, 0, "discover [--smds ADDRESS]", error))
    return EXIT_USAGE;
  http = esimctl_http_new (ctl, error);
  if (http == NULL)
    return EXIT_USAGE;
  discovery = esim_discovery_new (ctl->es10, http, ctl->smds);
  esim_discovery_run_async (discovery, NULL, esimctl_result_cb, &res);
  events = esim_discovery_run_finish (discovery, esimctl_wait (&res), error);
  if (events == NULL)
    return EXIT_CARD_FAILED;
  if (ctl->json) {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    json_builder_begin_array (b);
    for (guint i = 0; i < events->len; i++) {
      EsimRspEvent *e = g_ptr_array_index (events, i);
      g_autofree gchar *code = g_strdup_printf ("LPA:1$%s$%s", e->rsp_server_address, e->event_id);
      json_builder_begin_object (b);
      esimctl_json_add_string (b, "smdp_address", e->rsp_server_address);
      esimctl_json_add_string (b, "matching_id", e->event_id);
      esimctl_json_add_string (b, "activation_code", code);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    esimctl_print_json (b);
    return EXIT_SUCCESS;
  }
  if (events->len == 0)
    g_print ("%s\n", _("No profiles are waiting for this eUICC."));
  for (guint i = 0; i < events->len; i++) {
    EsimRspEvent *e = g_ptr_array_index (events, i);
    g_print ("LPA:1$%s$%s\n", e->rsp_server_address, e->event_id);
  }
  return EXIT_SUCCESS;
}

static gint
esimctl_notifications_process (EsimCtl *ctl, GError **error)
{
  g_autoptr(EsimHttp) http = esimctl_http_new (ctl, error);
  g_autoptr(EsimNotificationSender) sender = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  guint delivered = 0, failed = 0;

  if (http == NULL)
    return EXIT_USAGE;
  sender = esim_notification_sender_new (ctl->es10, http);
  esim_notification_sender_run_async (sender, NULL, esimctl_result_cb, &res);
  if (!esim_notification_sender_run_finish (sender, esimctl_wait (&res), &delivered, &failed,
                                            error))
    return EXIT_CARD_FAILED;
  g_print (_("%u notifications delivered, %u left for later.\n"), delivered, failed);
  return failed == 0 ? EXIT_SUCCESS : EXIT_CARD_FAILED;
}

static EsimTransport *
esimctl_transport_new (const gchar *spec, GError **error)
{
  return esim_transport_new_from_spec (spec, error);
}

static const struct {
  const gchar *name;
  EsimCtlCommand func;
  const gchar *help;
} commands[] = {
  { "info", esimctl_cmd_info, N_("Show the eUICC: EID, versions, memory, addresses") },
  { "list", esimctl_cmd_list, N_("List the profiles") },
  { "install", esimctl_cmd_install, N_("Download and install a profile from an activation code") },
  { "discover", esimctl_cmd_discover, N_("Ask the SM-DS for profiles waiting for this eUICC") },
  { "enable", esimctl_cmd_enable, N_("Enable the profile ICCID") },
  { "disable", esimctl_cmd_disable, N_("Disable the profile ICCID") },
  { "delete", esimctl_cmd_delete, N_("Delete the profile ICCID") },
  { "nickname", esimctl_cmd_nickname, N_("Set the nickname of the profile ICCID") },
  { "notifications", esimctl_cmd_notifications,
    N_("List, deliver or remove pending notifications") },
  { "set-default-smdp", esimctl_cmd_set_default_smdp, N_("Set the default SM-DP+ address") },
  { "reset", esimctl_cmd_reset, N_("Reset the eUICC memory") },
};

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EsimTransport) transport = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GString) summary = g_string_new (_("Commands:"));
  g_autofree gchar *card = NULL;
  g_auto(GStrv) ca_files = NULL;
  g_autofree gchar *confirmation_code = NULL;
  g_autofree gchar *smds = NULL;
  EsimCtl ctl = { 0 };
  gboolean json = FALSE;
  gint rc;
  const GOptionEntry entries[] = {
    { "card", 'c', 0, G_OPTION_ARG_STRING, &card,
      N_("Talk to this card directly, without the daemon (KIND:DEVICE, e.g. socket:PATH, qmi:/dev/cdc-wdm0)"), "CARD" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Machine-readable JSON output"), NULL },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &ca_files,
      N_("Trust only this CA for SM-DP+/SM-DS TLS (repeatable; test setups)"), "PEM" },
    { "confirmation-code", 0, 0, G_OPTION_ARG_STRING, &confirmation_code,
      N_("Confirmation code for install"), "CODE" },
    { "smds", 0, 0, G_OPTION_ARG_STRING, &smds, N_("SM-DS address for discover"), "ADDRESS" },
    { NULL },
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, ESIM_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (summary, "\n  %-18s %s", commands[i].name, _(commands[i].help));
  context = g_option_context_new (_("COMMAND [ARGUMENTS…]"));
  g_option_context_set_summary (context, summary->str);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* command options such as reset --test belong to the command */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("esimctl: %s\n", error->message);
    return EXIT_USAGE;
  }
  if (argc < 2) {
    g_printerr ("esimctl: %s\n", _("no command given; see --help"));
    return EXIT_USAGE;
  }
  if (card == NULL) {
    g_printerr ("esimctl: %s\n", _("only --card is supported until the daemon exists"));
    return EXIT_USAGE;
  }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
    if (!g_str_equal (commands[i].name, argv[1]))
      continue;
    transport = esimctl_transport_new (card, &error);
    if (transport == NULL) {
      g_printerr ("esimctl: %s\n", error->message);
      return EXIT_USAGE;
    }
    ctl.es10 = esim_es10_new (transport, NULL);
    ctl.json = json;
    ctl.args = argv + 2;
    ctl.ca_files = ca_files;
    ctl.confirmation_code = confirmation_code;
    ctl.smds = smds;
    esim_es10_open_async (ctl.es10, NULL, esimctl_result_cb, &res);
    if (!esim_es10_open_finish (ctl.es10, esimctl_wait (&res), &error)) {
      g_printerr ("esimctl: %s\n", error->message);
      g_object_unref (ctl.es10);
      return EXIT_UNREACHABLE;
    }
    rc = commands[i].func (&ctl, &error);
    if (rc != EXIT_SUCCESS)
      g_printerr ("esimctl: %s\n", error->message);
    g_clear_object (&res);
    esim_es10_close_async (ctl.es10, NULL, esimctl_result_cb, &res);
    (void) esim_es10_close_finish (ctl.es10, esimctl_wait (&res), NULL);
    g_object_unref (ctl.es10);
    return rc;
  }
  g_printerr ("esimctl: %s “%s”\n", _("unknown command"), argv[1]);
  return EXIT_USAGE;
}
