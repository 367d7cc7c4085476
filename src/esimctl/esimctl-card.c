/*
 * esimctl --card KIND:DEVICE: one eUICC directly through a transport,
 * without the daemon; a diagnostic mode for root and for the simulated
 * eUICC. Built on the lpa and es10 layers, exactly as the daemon is.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "esim-activation-code.h"
#include "esim-discovery.h"
#include "esim-download.h"
#include "esim-es10.h"
#include "esim-notification-sender.h"
#include "esim-transport-factory.h"
#include "esim-iccid.h"
#include "esimctl-output.h"
#include "esimctl.h"

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

gboolean
esimctl_card_open (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimTransport) transport = NULL;
  g_autoptr (EsimEs10) es10 = NULL;
  g_autoptr (GBytes) aid = NULL;
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) local = NULL;

  transport = esim_transport_new_from_spec (ctl->card, &local);
  if (transport == NULL) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_USAGE, "--card: %s", local->message);
    return FALSE;
  }
  if (ctl->isdr_aid != NULL) {
    aid = esim_hex_decode (ctl->isdr_aid, NULL);
    if (aid == NULL || g_bytes_get_size (aid) < 5 || g_bytes_get_size (aid) > 16) {
      g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_USAGE,
                   _ ("--isdr-aid: not an AID of 5 to 16 bytes in hex"));
      return FALSE;
    }
  }
  es10 = esim_es10_new (transport, aid);
  if (ctl->segment_size != 0)
    esim_es10_set_segment_size (es10, (guint) ctl->segment_size);
  esim_es10_open_async (es10, NULL, esimctl_result_cb, &res);
  if (!esim_es10_open_finish (es10, esimctl_wait (&res), &local)) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE, _ ("Cannot reach the card: %s"),
                 local->message);
    return FALSE;
  }
  ctl->es10 = g_steal_pointer (&es10);
  return TRUE;
}

void
esimctl_card_close (EsimCtl *ctl)
{
  g_autoptr (GAsyncResult) res = NULL;

  if (ctl->es10 == NULL)
    return;
  esim_es10_close_async (ctl->es10, NULL, esimctl_result_cb, &res);
  (void) esim_es10_close_finish (ctl->es10, esimctl_wait (&res), NULL);
  g_clear_object (&ctl->es10);
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

/* the same words as the daemon's PolicyRules property */
static GStrv
esimctl_policy_rules (EsimPprFlags rules)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (rules & ESIM_PPR1)
    g_strv_builder_add (builder, "ppr1");
  if (rules & ESIM_PPR2)
    g_strv_builder_add (builder, "ppr2");
  if (rules & ESIM_PPR3)
    g_strv_builder_add (builder, "ppr3");
  return g_strv_builder_end (builder);
}

static GPtrArray *
esimctl_card_profiles (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  esim_es10_get_profiles_info_async (ctl->es10, NULL, NULL, -1, NULL, NULL, esimctl_result_cb,
                                     &res);
  return esim_es10_get_profiles_info_finish (ctl->es10, esimctl_wait (&res), error);
}

static void
esimctl_card_profile_to_json (JsonBuilder *b, EsimProfileInfo *p)
{
  g_autofree gchar *aid = esimctl_hex (p->isdp_aid);
  g_auto (GStrv) rules = esimctl_policy_rules (p->policy_rules);

  esimctl_json_add_string (b, "iccid", p->iccid);
  esimctl_json_add_string (b, "state", esim_profile_state_to_string (p->state));
  esimctl_json_add_string (b, "class", esim_profile_class_to_string (p->profile_class));
  esimctl_json_add_string (b, "name", p->name);
  esimctl_json_add_string (b, "service_provider", p->service_provider);
  esimctl_json_add_optional (b, "nickname", p->nickname);
  esimctl_json_add_string (b, "isdp_aid", aid);
  esimctl_json_add_strv (b, "policy_rules", (const gchar *const *) rules);
}

gboolean
esimctl_card_list (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) profiles = esimctl_card_profiles (ctl, error);
  g_autoptr (EsimCtlTable) table = NULL;

  if (profiles == NULL)
    return FALSE;
  if (ctl->json) {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    json_builder_begin_array (b);
    for (guint i = 0; i < profiles->len; i++) {
      json_builder_begin_object (b);
      esimctl_card_profile_to_json (b, g_ptr_array_index (profiles, i));
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    esimctl_json_print (b);
    return TRUE;
  }
  if (profiles->len == 0) {
    g_print ("%s\n", _ ("No profiles on this eUICC."));
    return TRUE;
  }
  table = esimctl_table_new (_ ("ICCID"), _ ("State"), _ ("Class"), _ ("Name"), _ ("Provider"),
                             _ ("Nickname"), NULL);
  for (guint i = 0; i < profiles->len; i++) {
    EsimProfileInfo *p = g_ptr_array_index (profiles, i);
    esimctl_table_add_row (table, p->iccid,
                           esimctl_state_label (esim_profile_state_to_string (p->state)),
                           esimctl_class_label (esim_profile_class_to_string (p->profile_class)),
                           p->name, p->service_provider, p->nickname);
  }
  esimctl_table_print (table);
  return TRUE;
}

gboolean
esimctl_card_info (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res_eid = NULL;
  g_autoptr (GAsyncResult) res_info = NULL;
  g_autoptr (GAsyncResult) res_addr = NULL;
  g_autofree gchar *eid = NULL;
  g_autoptr (EsimEuiccInfo2) info = NULL;
  g_autoptr (EsimConfiguredAddresses) addr = NULL;
  g_autoptr (GStrvBuilder) pkids_builder = g_strv_builder_new ();
  g_auto (GStrv) pkids = NULL;
  g_autofree gchar *pkids_text = NULL;
  g_autoptr (EsimCtlFields) f = NULL;

  /* issued together: the client queues them on the one channel */
  esim_es10_get_eid_async (ctl->es10, NULL, esimctl_result_cb, &res_eid);
  esim_es10_get_euicc_info2_async (ctl->es10, NULL, esimctl_result_cb, &res_info);
  esim_es10_get_euicc_configured_addresses_async (ctl->es10, NULL, esimctl_result_cb, &res_addr);
  eid = esim_es10_get_eid_finish (ctl->es10, esimctl_wait (&res_eid), error);
  info = esim_es10_get_euicc_info2_finish (ctl->es10, esimctl_wait (&res_info),
                                           eid != NULL ? error : NULL);
  addr = esim_es10_get_euicc_configured_addresses_finish (
    ctl->es10, esimctl_wait (&res_addr), eid != NULL && info != NULL ? error : NULL);
  if (eid == NULL || info == NULL || addr == NULL)
    return FALSE;
  for (guint i = 0; i < info->ci_pkids_for_verification->len; i++) {
    g_autofree gchar *hex = esimctl_hex (g_ptr_array_index (info->ci_pkids_for_verification, i));
    g_strv_builder_add (pkids_builder, hex);
  }
  pkids = g_strv_builder_end (pkids_builder);

  if (ctl->json) {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "eid", eid);
    esimctl_json_add_string (b, "sgp22_version", info->svn);
    esimctl_json_add_string (b, "profile_version", info->profile_version);
    esimctl_json_add_string (b, "firmware_version", info->firmware_version);
    esimctl_json_add_int (b, "free_memory", (gint64) info->free_nonvolatile_memory);
    esimctl_json_add_int (b, "installed_applications", info->installed_applications);
    esimctl_json_add_strv (b, "ci_key_ids", (const gchar *const *) pkids);
    esimctl_json_add_optional (b, "default_smdp_address", addr->default_dp_address);
    esimctl_json_add_optional (b, "root_smds_address", addr->root_ds_address);
    json_builder_end_object (b);
    esimctl_json_print (b);
    return TRUE;
  }
  pkids_text = g_strjoinv (", ", pkids);
  f = esimctl_fields_new ();
  esimctl_fields_add (f, _ ("EID"), eid);
  esimctl_fields_add (f, _ ("SGP.22 version"), info->svn);
  esimctl_fields_add (f, _ ("Profile package version"), info->profile_version);
  esimctl_fields_add (f, _ ("Firmware version"), info->firmware_version);
  esimctl_fields_add_printf (f, _ ("Free memory"), "%" G_GUINT64_FORMAT,
                             info->free_nonvolatile_memory);
  esimctl_fields_add_printf (f, _ ("Installed applications"), "%u", info->installed_applications);
  esimctl_fields_add (f, _ ("Default SM-DP+"),
                      addr->default_dp_address != NULL ? addr->default_dp_address : _ ("(none)"));
  esimctl_fields_add (f, _ ("Root SM-DS"), addr->root_ds_address);
  esimctl_fields_add (f, _ ("CI key IDs"), pkids_text);
  esimctl_fields_print (f);
  return TRUE;
}

/* show: the card (no argument or its EID) or one profile of it */
gboolean
esimctl_card_show (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) profiles = NULL;

  if (ctl->n_args == 0 || strlen (ctl->args[0]) == 32)
    return esimctl_card_info (ctl, error);
  profiles = esimctl_card_profiles (ctl, error);
  if (profiles == NULL)
    return FALSE;
  for (guint i = 0; i < profiles->len; i++) {
    EsimProfileInfo *p = g_ptr_array_index (profiles, i);
    g_autofree gchar *aid = NULL;
    g_auto (GStrv) rules = NULL;
    g_autofree gchar *rules_text = NULL;
    g_autoptr (EsimCtlFields) f = NULL;

    if (g_ascii_strcasecmp (p->iccid, ctl->args[0]) != 0)
      continue;
    if (ctl->json) {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      esimctl_card_profile_to_json (b, p);
      json_builder_end_object (b);
      esimctl_json_print (b);
      return TRUE;
    }
    aid = esimctl_hex (p->isdp_aid);
    rules = esimctl_policy_rules (p->policy_rules);
    rules_text = g_strjoinv (", ", rules);
    f = esimctl_fields_new ();
    esimctl_fields_add (f, _ ("ICCID"), p->iccid);
    esimctl_fields_add (f, _ ("State"),
                        esimctl_state_label (esim_profile_state_to_string (p->state)));
    esimctl_fields_add (f, _ ("Class"),
                        esimctl_class_label (esim_profile_class_to_string (p->profile_class)));
    esimctl_fields_add (f, _ ("Name"), p->name);
    esimctl_fields_add (f, _ ("Service provider"), p->service_provider);
    esimctl_fields_add (f, _ ("Nickname"), p->nickname != NULL ? p->nickname : _ ("(none)"));
    esimctl_fields_add (f, _ ("Policy rules"), *rules_text != '\0' ? rules_text : _ ("(none)"));
    esimctl_fields_add (f, _ ("ISD-P AID"), aid);
    esimctl_fields_print (f);
    return TRUE;
  }
  g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED, _ ("There is no profile %s"),
               ctl->args[0]);
  return FALSE;
}

/* the result of a profile command: text (consumed), or JSON with the new state */
static void
esimctl_card_profile_result (EsimCtl *ctl, const gchar *state, gchar *text_owned)
{
  g_autoptr (JsonBuilder) b = esimctl_result_new (ctl);
  g_autofree gchar *text = text_owned;

  esimctl_json_add_string (b, "iccid", ctl->args[0]);
  if (state != NULL)
    esimctl_json_add_string (b, "state", state);
  if (ctl->n_args > 1)
    esimctl_json_add_optional (b, "nickname", ctl->args[1]);
  esimctl_result_print (ctl, b, text);
}

gboolean
esimctl_card_enable (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  esim_es10_enable_profile_async (ctl->es10, ctl->args[0], NULL, TRUE, NULL, esimctl_result_cb,
                                  &res);
  if (!esim_es10_enable_profile_finish (ctl->es10, esimctl_wait (&res), error))
    return FALSE;
  esimctl_card_profile_result (ctl, "enabled",
                               g_strdup_printf (_ ("Profile %s enabled."), ctl->args[0]));
  return TRUE;
}

gboolean
esimctl_card_disable (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  esim_es10_disable_profile_async (ctl->es10, ctl->args[0], NULL, TRUE, NULL, esimctl_result_cb,
                                   &res);
  if (!esim_es10_disable_profile_finish (ctl->es10, esimctl_wait (&res), error))
    return FALSE;
  esimctl_card_profile_result (ctl, "disabled",
                               g_strdup_printf (_ ("Profile %s disabled."), ctl->args[0]));
  return TRUE;
}

gboolean
esimctl_card_delete (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  esim_es10_delete_profile_async (ctl->es10, ctl->args[0], NULL, NULL, esimctl_result_cb, &res);
  if (!esim_es10_delete_profile_finish (ctl->es10, esimctl_wait (&res), error))
    return FALSE;
  esimctl_card_profile_result (ctl, "deleted",
                               g_strdup_printf (_ ("Profile %s deleted."), ctl->args[0]));
  return TRUE;
}

gboolean
esimctl_card_nickname (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  esim_es10_set_nickname_async (ctl->es10, ctl->args[0], ctl->args[1], NULL, esimctl_result_cb,
                                &res);
  if (!esim_es10_set_nickname_finish (ctl->es10, esimctl_wait (&res), error))
    return FALSE;
  esimctl_card_profile_result (ctl, NULL, NULL);
  return TRUE;
}

gboolean
esimctl_card_set_default_smdp (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (JsonBuilder) b = NULL;

  esim_es10_set_default_dp_address_async (ctl->es10, ctl->args[0], NULL, esimctl_result_cb, &res);
  if (!esim_es10_set_default_dp_address_finish (ctl->es10, esimctl_wait (&res), error))
    return FALSE;
  b = esimctl_result_new (ctl);
  esimctl_json_add_optional (b, "default_smdp_address", ctl->args[0]);
  esimctl_result_print (ctl, b, NULL);
  return TRUE;
}

/* the data directory: $ESIMD_DATADIR for an uninstalled esimctl */
static gchar *
esimctl_data_path (const gchar *name)
{
  const gchar *env = g_getenv ("ESIMD_DATADIR");

  return g_build_filename (env != NULL && env[0] != '\0' ? env : ESIM_DATADIR, name, NULL);
}

static EsimHttp *
esimctl_http_new (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) test_cis = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *ci_dir = esimctl_data_path ("ci");
  g_autofree gchar *test_dir = esimctl_data_path ("ci-test");
  g_autofree gchar *system_roots = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (EsimHttp) http = NULL;
  gboolean want_system = ctl->system_roots || ctl->system_roots_file != NULL;

  if (ctl->ca_files != NULL) {
    for (guint i = 0; ctl->ca_files[i] != NULL; i++)
      g_ptr_array_add (files, g_strdup (ctl->ca_files[i]));
  } else if (!esim_http_add_pem_directory (files, ci_dir, &local)) {
    /* the GSMA roots esimd ships */
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_USAGE, "the GSMA roots: %s", local->message);
    return NULL;
  }
  system_roots = ctl->system_roots_file != NULL ? g_strdup (ctl->system_roots_file)
                                                : esim_http_find_system_roots ();
  if (ctl->system_roots_file != NULL && !g_file_test (system_roots, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_USAGE,
                 _ ("--system-roots-file: %s is not a readable file"), system_roots);
    return NULL;
  }
  if (want_system) {
    if (system_roots == NULL) {
      g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_USAGE,
                           _ ("--system-roots: no system CA bundle found; name one with "
                              "--system-roots-file"));
      return NULL;
    }
    g_ptr_array_add (files, g_strdup (system_roots));
  }
  g_ptr_array_add (files, NULL);
  http = esim_http_new ((const gchar *const *) files->pdata, &local);
  if (http == NULL) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_USAGE, "--ca: %s", local->message);
    return NULL;
  }
  /* a refused chain names the option that would accept it */
  esim_http_set_unknown_root_hint (http, "to trust it, pass its root certificate with --ca");
  if (esim_http_add_pem_directory (test_cis, test_dir, NULL)) {
    g_ptr_array_add (test_cis, NULL);
    if (ctl->ca_files == NULL
        && !esim_http_add_untrusted_roots (http, (const gchar *const *) test_cis->pdata,
                                           "it is a GSMA test CI: pass it with --ca", &local)) {
      g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_USAGE, "%s", local->message);
      return NULL;
    }
  }
  if (!want_system && system_roots != NULL) {
    const gchar *system_files[] = { system_roots, NULL };
    if (!esim_http_add_untrusted_roots (
          http, system_files,
          "it is a public web CA of the system store, trusted with --system-roots", &local)) {
      g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_USAGE, "%s", local->message);
      return NULL;
    }
  }
  return g_steal_pointer (&http);
}

static gboolean
esimctl_card_notifications_list (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (EsimCtlTable) table = NULL;

  esim_es10_list_notification_async (ctl->es10, ESIM_NOTIFICATION_EVENT_NONE, NULL,
                                     esimctl_result_cb, &res);
  list = esim_es10_list_notification_finish (ctl->es10, esimctl_wait (&res), error);
  if (list == NULL)
    return FALSE;
  /* TRANSLATORS: table headers of “esimctl --card … notifications list” */
  table = esimctl_table_new (_ ("Seq"), _ ("Event"), _ ("ICCID"), _ ("Address"), NULL);
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++) {
    EsimNotificationMetadata *m = g_ptr_array_index (list, i);
    g_autofree gchar *seq = g_strdup_printf ("%" G_GUINT64_FORMAT, m->seq_number);
    const gchar *event = esim_notification_event_to_string (m->operation);

    esimctl_table_add_row (table, seq, event, m->iccid, m->address);
    json_builder_begin_object (b);
    esimctl_json_add_int (b, "seq", (gint64) m->seq_number);
    esimctl_json_add_string (b, "operation", event);
    esimctl_json_add_string (b, "address", m->address);
    esimctl_json_add_string (b, "iccid", m->iccid);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  if (ctl->json)
    esimctl_json_print (b);
  else if (list->len == 0)
    g_print ("%s\n", _ ("No pending notifications."));
  else
    esimctl_table_print (table);
  return TRUE;
}

static gboolean
esimctl_card_notifications_process (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimHttp) http = esimctl_http_new (ctl, error);
  g_autoptr (EsimNotificationSender) sender = NULL;
  g_autoptr (GAsyncResult) res = NULL;
  guint delivered = 0, failed = 0;

  if (http == NULL)
    return FALSE;
  sender = esim_notification_sender_new (ctl->es10, http);
  esim_notification_sender_run_async (sender, NULL, esimctl_result_cb, &res);
  if (!esim_notification_sender_run_finish (sender, esimctl_wait (&res), &delivered, &failed,
                                            error))
    return FALSE;
  return esimctl_report_delivery (ctl->json, delivered, failed, error);
}

gboolean
esimctl_card_notifications (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;
  guint64 seq = 0;

  if (g_str_equal (ctl->args[0], "list"))
    return esimctl_card_notifications_list (ctl, error);
  if (g_str_equal (ctl->args[0], "process"))
    return esimctl_card_notifications_process (ctl, error);
  /* remove SEQ: the argument check made sure of the number */
  seq = g_ascii_strtoull (ctl->args[1], NULL, 10);
  esim_es10_remove_notification_from_list_async (ctl->es10, seq, NULL, esimctl_result_cb, &res);
  return esim_es10_remove_notification_from_list_finish (ctl->es10, esimctl_wait (&res), error);
}

gboolean
esimctl_card_reset (EsimCtl *ctl, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GString) question = g_string_new (_ ("Reset the eUICC:"));
  g_autoptr (JsonBuilder) b = NULL;
  EsimMemoryResetOptions options = 0;

  if (ctl->reset_operational) {
    options |= ESIM_MEMORY_RESET_DELETE_OPERATIONAL_PROFILES;
    g_string_append_printf (question, "\n  %s", _ ("delete every operational profile"));
  }
  if (ctl->reset_test) {
    options |= ESIM_MEMORY_RESET_DELETE_FIELD_LOADED_TEST_PROFILES;
    g_string_append_printf (question, "\n  %s", _ ("delete every field-loaded test profile"));
  }
  if (ctl->reset_default_smdp) {
    options |= ESIM_MEMORY_RESET_RESET_DEFAULT_SMDP_ADDRESS;
    g_string_append_printf (question, "\n  %s", _ ("forget the default SM-DP+ address"));
  }
  if (!esimctl_confirm (ctl, question->str, error))
    return FALSE;
  esim_es10_euicc_memory_reset_async (ctl->es10, options, NULL, esimctl_result_cb, &res);
  if (!esim_es10_euicc_memory_reset_finish (ctl->es10, esimctl_wait (&res), error))
    return FALSE;
  b = esimctl_result_new (ctl);
  esimctl_json_add_bool (b, "operational", ctl->reset_operational);
  esimctl_json_add_bool (b, "test", ctl->reset_test);
  esimctl_json_add_bool (b, "default_smdp", ctl->reset_default_smdp);
  esimctl_result_print (ctl, b, _ ("eUICC memory reset."));
  return TRUE;
}

static void
esimctl_card_progress_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  EsimDownload *download = ESIM_DOWNLOAD (object);

  esimctl_progress_update (user_data, esim_download_get_progress (download),
                           esim_download_stage_to_string (esim_download_get_stage (download)));
}

gboolean
esimctl_card_install (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimActivationCode) ac = NULL;
  g_autoptr (EsimHttp) http = NULL;
  g_autoptr (EsimDownload) download = NULL;
  g_autoptr (EsimInstallResult) result = NULL;
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (EsimCtlProgress) progress = esimctl_progress_new ();

  /* without an activation code the eUICC's default SM-DP+ is asked; the
   * argument check has parsed it once already */
  if (ctl->activation_code != NULL) {
    ac = esim_activation_code_parse (ctl->activation_code, error);
    if (ac == NULL)
      return FALSE;
  }
  http = esimctl_http_new (ctl, error);
  if (http == NULL)
    return FALSE;
  download = esim_download_new (ctl->es10, http, ac != NULL ? ac->smdp_address : NULL,
                                ac != NULL ? ac->matching_id : NULL);
  if (ctl->confirmation_code != NULL)
    esim_download_set_confirmation_code (download, ctl->confirmation_code);
  g_signal_connect (download, "notify::progress", G_CALLBACK (esimctl_card_progress_cb), progress);
  esim_download_run_async (download, NULL, esimctl_result_cb, &res);
  result = esim_download_run_finish (download, esimctl_wait (&res), error);
  g_signal_handlers_disconnect_by_data (download, progress);
  g_clear_pointer (&progress, esimctl_progress_free);
  if (result == NULL)
    return FALSE;
  if (ctl->enable && result->iccid != NULL) {
    g_clear_object (&res);
    esim_es10_enable_profile_async (ctl->es10, result->iccid, NULL, TRUE, NULL, esimctl_result_cb,
                                    &res);
    if (!esim_es10_enable_profile_finish (ctl->es10, esimctl_wait (&res), error))
      return FALSE;
  }
  if (ctl->json) {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    g_autofree gchar *aid = esimctl_hex (result->isdp_aid);
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "iccid", result->iccid);
    esimctl_json_add_string (b, "isdp_aid", aid);
    esimctl_json_add_string (b, "state", ctl->enable ? "enabled" : "disabled");
    json_builder_end_object (b);
    esimctl_json_print (b);
  } else if (ctl->enable) {
    g_print (_ ("Profile %s installed and enabled.\n"), result->iccid != NULL ? result->iccid : "");
  } else {
    g_print (_ ("Profile %s installed.\n"), result->iccid != NULL ? result->iccid : "");
  }
  return TRUE;
}

gboolean
esimctl_card_discover (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimHttp) http = NULL;
  g_autoptr (EsimDiscovery) discovery = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  http = esimctl_http_new (ctl, error);
  if (http == NULL)
    return FALSE;
  discovery = esim_discovery_new (ctl->es10, http, ctl->smds);
  esim_discovery_run_async (discovery, NULL, esimctl_result_cb, &res);
  events = esim_discovery_run_finish (discovery, esimctl_wait (&res), error);
  if (events == NULL)
    return FALSE;
  json_builder_begin_array (b);
  for (guint i = 0; i < events->len; i++) {
    EsimRspEvent *e = g_ptr_array_index (events, i);
    g_autofree gchar *code = g_strdup_printf ("LPA:1$%s$%s", e->rsp_server_address, e->event_id);
    if (!ctl->json) {
      g_print ("%s\n", code);
      continue;
    }
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "smdp_address", e->rsp_server_address);
    esimctl_json_add_string (b, "matching_id", e->event_id);
    esimctl_json_add_string (b, "activation_code", code);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  if (ctl->json)
    esimctl_json_print (b);
  else if (events->len == 0)
    g_print ("%s\n", _ ("No profiles are waiting for this eUICC."));
  return TRUE;
}
