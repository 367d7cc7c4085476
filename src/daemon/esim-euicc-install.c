/*
 * InstallProfile (a Job around an EsimDownload) and Discover (an
 * EsimDiscovery) of EsimEuicc.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-activation-code.h"
#include "esim-authority.h"
#include "esim-dbus-error.h"
#include "esim-discovery.h"
#include "esim-download.h"
#include "esim-euicc-private.h"
#include "esim-es10-parse.h"
#include "esim-log.h"
#include "esim-profile-object.h"
#include "esim-tlv.h"

/* SGP.22 leaves the length open; nobody types more */
#define ESIM_CONFIRMATION_CODE_MAX 64

typedef struct {
  EsimEuicc *self;
  GDBusMethodInvocation *invocation;
  gchar *activation_code;
  gchar *confirmation_code;
  GVariant *options;
  gchar *smds_address; /* Discover */
  gboolean enable;
  gchar *event_address; /* options smdp-address and matching-id */
  gchar *event_id;
  gboolean confirm; /* wait for the caller's consent after authentication */
  guint uid;
  EsimActivationCode *code; /* NULL: the eUICC's default SM-DP+ */
  EsimJob *job;
  EsimDownload *download;
  gchar *iccid;
  GBytes *isdp_aid;
  GPtrArray *events; /* Discover: of EsimRspEvent */
} InstallCall;

static void
install_call_free (InstallCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->invocation);
  g_free (call->activation_code);
  g_free (call->confirmation_code);
  g_clear_pointer (&call->options, g_variant_unref);
  g_free (call->smds_address);
  g_free (call->event_address);
  g_free (call->event_id);
  g_clear_pointer (&call->code, esim_activation_code_free);
  g_clear_object (&call->job);
  g_clear_object (&call->download);
  g_free (call->iccid);
  g_clear_pointer (&call->isdp_aid, g_bytes_unref);
  g_clear_pointer (&call->events, g_ptr_array_unref);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InstallCall, install_call_free)

static InstallCall *
install_call_new (EsimEuicc *self, GDBusMethodInvocation *invocation)
{
  InstallCall *call = g_new0 (InstallCall, 1);

  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  return call;
}

static gboolean
install_call_fail (InstallCall *call, EsimDbusError code, const gchar *message)
{
  g_dbus_method_invocation_return_error_literal (call->invocation, ESIM_DBUS_ERROR, code, message);
  return FALSE;
}

/* InstallProfile */

static void
install_enabled_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  GError *error = NULL;

  if (!esim_es10_enable_profile_finish (ESIM_ES10 (source), res, &error)) {
    g_prefix_error (&error, "installed, but enabling failed: ");
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
install_downloaded_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  InstallCall *call = g_task_get_task_data (task);
  EsimEuicc *self = g_task_get_source_object (task);
  g_autoptr (EsimInstallResult) result = NULL;
  GError *error = NULL;

  result = esim_download_run_finish (ESIM_DOWNLOAD (source), res, &error);
  if (result == NULL) {
    g_task_return_error (task, error);
    return;
  }
  call->iccid = g_strdup (result->iccid);
  call->isdp_aid = result->isdp_aid != NULL ? g_bytes_ref (result->isdp_aid) : NULL;
  g_message ("%s: profile %s installed", esim_euicc_get_object_path (self),
             esim_log_personal (call->iccid));
  if (!call->enable) {
    g_task_return_boolean (task, TRUE);
    return;
  }
  /* the installation is done: enabling is no longer cancellable */
  esim_es10_enable_profile_async (esim_euicc_get_es10 (self), call->iccid,
                                  call->iccid == NULL ? call->isdp_aid : NULL, TRUE, NULL,
                                  install_enabled_cb, g_steal_pointer (&task));
}

/* StoreMetadataRequest (BF25) has the tags of ProfileInfo (E3) */
static EsimProfileInfo *
install_parse_metadata (GBytes *metadata)
{
  g_autoptr (GError) error = NULL;
  EsimProfileInfo *info;
  EsimTlv tlv;

  if (metadata == NULL)
    return NULL;
  if (!esim_tlv_decode_bytes (metadata, &tlv, &error) || tlv.tag != 0xBF25) {
    g_debug ("profileMetadata is no StoreMetadataRequest: %s",
             error != NULL ? error->message : "another tag");
    return NULL;
  }
  tlv.tag = 0xE3;
  info = esim_profile_info_parse (&tlv, &error);
  if (info == NULL)
    g_debug ("profileMetadata: %s", error->message);
  return info;
}

static GVariant *
install_metadata_to_variant (const EsimProfileInfo *info, gboolean cc_required)
{
  GVariantBuilder b;
  g_auto (GStrv) rules = NULL;
  g_autofree gchar *operator_id = NULL;
  g_autoptr (GBytes) icon = NULL;
  const gchar *icon_type = "";

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "confirmation-code-required",
                         g_variant_new_boolean (cc_required));
  if (info == NULL)
    return g_variant_builder_end (&b);
  rules = esim_profile_object_policy_rules_to_strv (info->policy_rules);
  if (info->owner != NULL && info->owner->mcc != NULL && info->owner->mnc != NULL)
    operator_id = g_strdup_printf ("%s-%s", info->owner->mcc, info->owner->mnc);
  if (info->icon != NULL && info->icon_type != ESIM_ICON_TYPE_NONE) {
    icon_type = info->icon_type == ESIM_ICON_TYPE_PNG ? "png" : "jpg";
    icon = g_bytes_ref (info->icon);
  } else {
    icon = g_bytes_new_static ("", 0);
  }
  g_variant_builder_add (&b, "{sv}", "iccid",
                         g_variant_new_string (info->iccid != NULL ? info->iccid : ""));
  g_variant_builder_add (&b, "{sv}", "name",
                         g_variant_new_string (info->name != NULL ? info->name : ""));
  g_variant_builder_add (
    &b, "{sv}", "service-provider",
    g_variant_new_string (info->service_provider != NULL ? info->service_provider : ""));
  g_variant_builder_add (&b, "{sv}", "class",
                         g_variant_new_string (esim_profile_class_to_string (info->profile_class)));
  g_variant_builder_add (&b, "{sv}", "icon-type", g_variant_new_string (icon_type));
  g_variant_builder_add (&b, "{sv}", "icon",
                         g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, icon, TRUE));
  g_variant_builder_add (&b, "{sv}", "policy-rules",
                         g_variant_new_strv ((const gchar *const *) rules, -1));
  g_variant_builder_add (&b, "{sv}", "operator-id",
                         g_variant_new_string (operator_id != NULL ? operator_id : ""));
  return g_variant_builder_end (&b);
}

static gboolean
install_iccid_on_card (EsimEuicc *self, const gchar *iccid)
{
  GPtrArray *infos = esim_euicc_get_profile_infos (self);

  /* hidden test profiles count too: the card would refuse the ICCID */
  for (guint i = 0; iccid != NULL && i < infos->len; i++) {
    EsimProfileInfo *info = g_ptr_array_index (infos, i);
    if (g_strcmp0 (info->iccid, iccid) == 0)
      return TRUE;
  }
  return FALSE;
}

static void
install_consent_cb (EsimJob *job, EsimJobConsent consent, const gchar *confirmation_code,
                    gpointer user_data)
{
  InstallCall *call = user_data;

  switch (consent) {
  case ESIM_JOB_CONSENT_CONFIRMED:
    if (confirmation_code != NULL && confirmation_code[0] != '\0')
      esim_download_set_confirmation_code (call->download, confirmation_code);
    esim_download_resume (call->download);
    break;
  case ESIM_JOB_CONSENT_DECLINED:
    /* "not now": postponed keeps the order usable, so the same activation
     * code works again; refusing for good is the caller's explicit choice */
    esim_download_abort (call->download, ESIM_CANCEL_SESSION_REASON_POSTPONED,
                         g_error_new_literal (ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_DECLINED,
                                              "the profile was declined; the order stays usable "
                                              "at the SM-DP+ (cancelSession postponed)"));
    break;
  case ESIM_JOB_CONSENT_REJECTED:
    /* SGP.22: the end user rejected the profile; the SM-DP+ may end the order */
    esim_download_abort (call->download, ESIM_CANCEL_SESSION_REASON_END_USER_REJECTION,
                         g_error_new_literal (ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_DECLINED,
                                              "the profile was rejected "
                                              "(cancelSession endUserRejection)"));
    break;
  case ESIM_JOB_CONSENT_CALLER_GONE:
    esim_download_abort (call->download, ESIM_CANCEL_SESSION_REASON_POSTPONED,
                         g_error_new_literal (ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_CANCELLED,
                                              "the caller left before confirming "
                                              "(cancelSession postponed)"));
    break;
  case ESIM_JOB_CONSENT_TIMED_OUT:
  default:
    esim_download_abort (call->download, ESIM_CANCEL_SESSION_REASON_POSTPONED,
                         g_error_new_literal (ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_TIMEOUT,
                                              "no confirmation in time "
                                              "(cancelSession postponed)"));
    break;
  }
}

/* the SM-DP+ named the profile: a profile already on the card stops the
 * download before the package is made; then the caller's consent */
static void
install_authenticated_cb (EsimDownload *download, gpointer user_data)
{
  InstallCall *call = user_data;
  g_autoptr (EsimProfileInfo) info
    = install_parse_metadata (esim_download_get_profile_metadata (download));

  if (info != NULL && install_iccid_on_card (call->self, info->iccid)) {
    g_message ("%s: profile %s is already installed; not downloading it again",
               esim_euicc_get_object_path (call->self), esim_log_personal (info->iccid));
    /* not refused by the user: postponed leaves the order at the SM-DP+ */
    esim_download_abort (download, ESIM_CANCEL_SESSION_REASON_POSTPONED,
                         g_error_new_literal (ESIM_DBUS_ERROR,
                                              ESIM_DBUS_ERROR_ICCID_ALREADY_INSTALLED,
                                              "a profile with this ICCID is already installed "
                                              "on the eUICC"));
    return;
  }
  if (!call->confirm) {
    esim_download_resume (download);
    return;
  }
  esim_job_await_consent (
    call->job,
    install_metadata_to_variant (info, esim_download_get_confirmation_code_required (download)),
    install_consent_cb, call);
}

static void
install_work (EsimEuicc *self, GTask *task)
{
  InstallCall *call = g_task_get_task_data (task);
  EsimContext *context = esim_euicc_get_context (self);
  EsimDeviceInfo device;

  /* the modem's TAC and IMEI from ModemManager, or a generic Linux host */
  esim_euicc_get_device_info (self, &device);
  call->download = esim_download_new (esim_euicc_get_es10 (self), esim_context_get_http (context),
                                      call->code != NULL ? call->code->smdp_address : NULL,
                                      call->code != NULL ? call->code->matching_id : NULL);
  if (call->confirmation_code[0] != '\0')
    esim_download_set_confirmation_code (call->download, call->confirmation_code);
  esim_download_set_device_info (call->download, &device);
  esim_download_set_hold (call->download, TRUE);
  g_signal_connect (call->download, "authenticated", G_CALLBACK (install_authenticated_cb), call);
  esim_euicc_set_current_job (self, esim_job_get_object_path (call->job));
  esim_job_set_stage (call->job, "authenticating");
  esim_job_follow_download (call->job, call->download);
  esim_download_run_async (call->download, g_task_get_cancellable (task), install_downloaded_cb,
                           task);
}

static void
install_run_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimEuicc *self = ESIM_EUICC (source);
  InstallCall *call = esim_euicc_run_get_data (res);
  g_autoptr (GError) error = NULL;
  const gchar *path = NULL;

  esim_euicc_run_finish (self, res, &error);
  if (call->iccid != NULL)
    path = esim_euicc_find_profile_path (self, call->iccid);
  else if (call->isdp_aid != NULL)
    path = esim_euicc_find_profile_path_by_aid (self, call->isdp_aid);
  esim_euicc_set_current_job (self, NULL);
  esim_job_complete (call->job, path, error);
}

static gboolean
install_parse_options (InstallCall *call)
{
  GVariantIter iter;
  const gchar *key;
  GVariant *value;

  g_variant_iter_init (&iter, call->options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr (GVariant) v = value;
    if (g_strcmp0 (key, "enable") == 0 && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN)) {
      call->enable = g_variant_get_boolean (v);
      continue;
    }
    /* an SM-DS event (or any address and ID) as given, without the
     * grammar of an activation code */
    if (g_strcmp0 (key, "smdp-address") == 0 && g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)) {
      g_free (call->event_address);
      call->event_address = g_variant_dup_string (v, NULL);
      continue;
    }
    if (g_strcmp0 (key, "matching-id") == 0 && g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)) {
      g_free (call->event_id);
      call->event_id = g_variant_dup_string (v, NULL);
      continue;
    }
    if (g_strcmp0 (key, "confirm") == 0 && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN)) {
      call->confirm = g_variant_get_boolean (v);
      continue;
    }
    g_autofree gchar *msg
      = g_strdup_printf ("unknown option “%s” of type %s (known: enable b, confirm b, "
                         "smdp-address s, matching-id s)",
                         key, g_variant_get_type_string (v));
    return install_call_fail (call, ESIM_DBUS_ERROR_INVALID_ARGUMENT, msg);
  }
  return TRUE;
}

static gboolean
install_validate (InstallCall *call)
{
  g_autoptr (GError) error = NULL;

  if (!install_parse_options (call))
    return FALSE;
  if (call->event_address != NULL || call->event_id != NULL) {
    if (call->activation_code[0] != '\0' || call->event_address == NULL || call->event_id == NULL)
      return install_call_fail (call, ESIM_DBUS_ERROR_INVALID_ARGUMENT,
                                "smdp-address and matching-id go together, with an empty "
                                "activation code");
    if (!esim_smdp_address_validate (call->event_address, &error))
      return install_call_fail (call, ESIM_DBUS_ERROR_INVALID_ARGUMENT, error->message);
    if (!esim_event_id_validate (call->event_id, &error))
      return install_call_fail (call, ESIM_DBUS_ERROR_INVALID_ARGUMENT, error->message);
    call->code = g_new0 (EsimActivationCode, 1);
    call->code->smdp_address = g_strdup (call->event_address);
    call->code->matching_id = g_strdup (call->event_id);
  } else if (call->activation_code[0] != '\0') {
    call->code = esim_activation_code_parse (call->activation_code, &error);
    if (call->code == NULL)
      return install_call_fail (call, ESIM_DBUS_ERROR_INVALID_ACTIVATION_CODE, error->message);
    /* with consent, the code can come with Confirm() */
    if (call->code->confirmation_code_required && call->confirmation_code[0] == '\0'
        && !call->confirm)
      return install_call_fail (call, ESIM_DBUS_ERROR_CONFIRMATION_CODE_REQUIRED,
                                "the activation code asks for a confirmation code");
  }
  if (strlen (call->confirmation_code) > ESIM_CONFIRMATION_CODE_MAX
      || !g_utf8_validate (call->confirmation_code, -1, NULL))
    return install_call_fail (call, ESIM_DBUS_ERROR_INVALID_ARGUMENT,
                              "a confirmation code has at most 64 bytes");
  if (!esim_euicc_is_exported (call->self))
    return install_call_fail (call, ESIM_DBUS_ERROR_CARD_GONE, "the eUICC is not reachable");
  return TRUE;
}

static void
install_uid_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (InstallCall) call = user_data;
  EsimEuicc *self = call->self;
  EsimContext *context = esim_euicc_get_context (self);
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;
  EsimEuiccRunFlags flags;

  if (!esim_authority_get_uid_finish (ESIM_AUTHORITY (source), res, &call->uid, &error)) {
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  if (!install_validate (call))
    return;
  call->job
    = esim_job_new (context, ESIM_JOB_OPERATION_INSTALL_PROFILE, ESIM_ACTION_INSTALL_PROFILE,
                    esim_euicc_get_object_path (self), call->uid);
  esim_job_set_starter (call->job, g_dbus_method_invocation_get_sender (call->invocation));
  esim_euicc_add_job (self, call->job);
  g_message ("%s: job %s installs %s", esim_euicc_get_object_path (self),
             esim_job_get_object_path (call->job),
             call->code != NULL ? esim_log_personal (
               call->activation_code[0] != '\0' ? call->activation_code : call->event_id)
                                : "from the default SM-DP+");
  esim_dbus_euicc_complete_install_profile (NULL, call->invocation,
                                            esim_job_get_object_path (call->job));
  cancellable = esim_job_get_cancellable (call->job);
  flags = ESIM_EUICC_RUN_REFRESH | ESIM_EUICC_RUN_NOTIFY;
  /* enabling the new profile restarts the card */
  if (call->enable)
    flags |= ESIM_EUICC_RUN_WAIT_REFRESH;
  esim_euicc_run_async (self, install_work, g_steal_pointer (&call),
                        (GDestroyNotify) install_call_free, flags, cancellable, install_run_cb,
                        NULL);
}

static void
install_authorized_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (InstallCall) call = user_data;
  g_autoptr (GError) error = NULL;
  GDBusMethodInvocation *invocation = call->invocation;

  if (!esim_authority_check_finish (ESIM_AUTHORITY (source), res, &error)) {
    esim_dbus_error_return (invocation, error);
    return;
  }
  esim_authority_get_uid_async (ESIM_AUTHORITY (source), invocation, NULL, install_uid_cb,
                                g_steal_pointer (&call));
}

gboolean
esim_euicc_handle_install_profile (EsimDbusEuicc *iface, GDBusMethodInvocation *invocation,
                                   const gchar *activation_code, const gchar *confirmation_code,
                                   GVariant *options, gpointer user_data)
{
  EsimEuicc *self = ESIM_EUICC (user_data);
  InstallCall *call = install_call_new (self, invocation);

  call->activation_code = g_strdup (activation_code);
  call->confirmation_code = g_strdup (confirmation_code);
  call->options = g_variant_ref (options);
  esim_authority_check_async (esim_context_get_authority (esim_euicc_get_context (self)),
                              invocation, ESIM_ACTION_INSTALL_PROFILE, NULL, install_authorized_cb,
                              call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Discover */

static void
discovered_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  InstallCall *call = g_task_get_task_data (task);
  GError *error = NULL;

  call->events = esim_discovery_run_finish (ESIM_DISCOVERY (source), res, &error);
  if (call->events == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
discover_work (EsimEuicc *self, GTask *task)
{
  InstallCall *call = g_task_get_task_data (task);
  g_autoptr (EsimDiscovery) discovery = NULL;
  EsimDeviceInfo device;

  esim_euicc_get_device_info (self, &device);
  discovery = esim_discovery_new (esim_euicc_get_es10 (self),
                                  esim_context_get_http (esim_euicc_get_context (self)),
                                  call->smds_address[0] != '\0' ? call->smds_address : NULL);
  esim_discovery_set_device_info (discovery, &device);
  esim_discovery_run_async (discovery, NULL, discovered_cb, task);
}

static void
discover_run_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  InstallCall *call = esim_euicc_run_get_data (res);
  g_autoptr (GError) error = NULL;
  GVariantBuilder b;

  if (!esim_euicc_run_finish (ESIM_EUICC (source), res, &error)) {
    g_message ("%s: discovery failed: %s", esim_euicc_get_object_path (call->self), error->message);
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(sss)"));
  for (guint i = 0; i < call->events->len; i++) {
    EsimRspEvent *event = g_ptr_array_index (call->events, i);
    EsimActivationCode code = { 0 };
    g_autofree gchar *text = NULL;

    code.smdp_address = event->rsp_server_address;
    code.matching_id = event->event_id;
    text = esim_activation_code_to_string (&code);
    /* an event ID an activation code cannot carry ('$', ...) would come
     * back as another ID: then no code, InstallProfile takes the pair */
    {
      g_autoptr (EsimActivationCode) back = esim_activation_code_parse (text, NULL);

      if (back == NULL || g_strcmp0 (back->matching_id, event->event_id) != 0
          || g_strcmp0 (back->smdp_address, event->rsp_server_address) != 0)
        g_clear_pointer (&text, g_free);
    }
    g_variant_builder_add (&b, "(sss)", event->rsp_server_address, event->event_id,
                           text != NULL ? text : "");
  }
  g_message ("%s: the SM-DS knows %u profile(s) for this eUICC",
             esim_euicc_get_object_path (call->self), call->events->len);
  esim_dbus_euicc_complete_discover (NULL, call->invocation, g_variant_builder_end (&b));
}

static void
discover_authorized_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (InstallCall) call = user_data;
  g_autoptr (GError) error = NULL;
  EsimEuicc *self;

  if (!esim_authority_check_finish (ESIM_AUTHORITY (source), res, &error)) {
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  if (call->smds_address[0] != '\0' && !esim_smdp_address_validate (call->smds_address, &error)) {
    install_call_fail (call, ESIM_DBUS_ERROR_INVALID_ARGUMENT, error->message);
    return;
  }
  self = call->self;
  esim_euicc_run_async (self, discover_work, g_steal_pointer (&call),
                        (GDestroyNotify) install_call_free, ESIM_EUICC_RUN_NONE, NULL,
                        discover_run_cb, NULL);
}

gboolean
esim_euicc_handle_discover (EsimDbusEuicc *iface, GDBusMethodInvocation *invocation,
                            const gchar *smds_address, gpointer user_data)
{
  EsimEuicc *self = ESIM_EUICC (user_data);
  InstallCall *call = install_call_new (self, invocation);

  call->smds_address = g_strdup (smds_address);
  esim_authority_check_async (esim_context_get_authority (esim_euicc_get_context (self)),
                              invocation, ESIM_ACTION_INSTALL_PROFILE, NULL, discover_authorized_cb,
                              call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}
