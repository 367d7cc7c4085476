/*
 * esimctl daemon mode: esimd on the system bus (or wherever
 * DBUS_SYSTEM_BUS_ADDRESS points), through libesim. Profiles are found by
 * ICCID among the client's objects; object paths are only counters.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "esimctl-daemon-private.h"
#include "esimctl-output.h"

#define ESIMCTL_ERROR_PREFIX "org.freedesktop.Esim1.Error."

/* the words for each error name; the exit code is libesim's kind of the
 * error (esimctl_exit_for_kind) */
static const struct {
  const gchar *name;
  const gchar *text;
} esimctl_daemon_errors[] = {
  /* the bus: the daemon is not there or cannot be started */
  { "org.freedesktop.DBus.Error.ServiceUnknown", N_ ("The eSIM daemon (esimd) is not running") },
  { "org.freedesktop.DBus.Error.NameHasNoOwner", N_ ("The eSIM daemon (esimd) is not running") },
  { "org.freedesktop.DBus.Error.Spawn.ChildExited",
    N_ ("The eSIM daemon (esimd) could not be started") },
  { "org.freedesktop.DBus.Error.Spawn.Failed",
    N_ ("The eSIM daemon (esimd) could not be started") },
  { "org.freedesktop.DBus.Error.NoReply", N_ ("The eSIM daemon did not answer") },
  { "org.freedesktop.DBus.Error.Timeout", N_ ("The eSIM daemon did not answer") },
  { "org.freedesktop.DBus.Error.Disconnected", N_ ("The connection to the system bus was lost") },
  { "org.freedesktop.DBus.Error.UnknownObject",
    N_ ("The object went away (was it removed meanwhile?)") },
  { "org.freedesktop.DBus.Error.UnknownMethod",
    N_ ("The eSIM daemon does not know this method (is it older than esimctl?)") },
  { "org.freedesktop.DBus.Error.AccessDenied", N_ ("Access denied by the bus") },
  { "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired",
    N_ ("Not authorized: this needs authentication, which is only possible on a terminal") },
  /* esimd's own errors */
  { ESIMCTL_ERROR_PREFIX "NotAuthorized", N_ ("Not authorized") },
  { ESIMCTL_ERROR_PREFIX "CardGone", N_ ("The eUICC is gone") },
  { ESIMCTL_ERROR_PREFIX "ServerUnreachable", N_ ("The server could not be reached") },
  { ESIMCTL_ERROR_PREFIX "Timeout", N_ ("Timed out") },
  { ESIMCTL_ERROR_PREFIX "InvalidArgument", N_ ("Invalid argument") },
  { ESIMCTL_ERROR_PREFIX "InvalidActivationCode", N_ ("Invalid activation code") },
  { ESIMCTL_ERROR_PREFIX "Failed", N_ ("Failed") },
  { ESIMCTL_ERROR_PREFIX "UnknownProfile", N_ ("Unknown profile") },
  { ESIMCTL_ERROR_PREFIX "ProfileNotDisabled", N_ ("The profile is not disabled") },
  { ESIMCTL_ERROR_PREFIX "ProfileNotEnabled", N_ ("The profile is not enabled") },
  { ESIMCTL_ERROR_PREFIX "DisallowedByPolicy",
    N_ ("The profile's policy rules do not allow this") },
  { ESIMCTL_ERROR_PREFIX "NothingToDelete", N_ ("Nothing to delete") },
  { ESIMCTL_ERROR_PREFIX "ConfirmationCodeRequired",
    N_ ("The SM-DP+ needs a confirmation code (use --confirmation-code)") },
  { ESIMCTL_ERROR_PREFIX "ConfirmationCodeRefused",
    N_ ("The SM-DP+ refused the confirmation code") },
  { ESIMCTL_ERROR_PREFIX "MatchingIdRefused", N_ ("The SM-DP+ refused the activation code") },
  { ESIMCTL_ERROR_PREFIX "ServerRefused", N_ ("The server refused") },
  { ESIMCTL_ERROR_PREFIX "ServerUntrusted", N_ ("The server's certificate is not trusted") },
  { ESIMCTL_ERROR_PREFIX "Cancelled", N_ ("Cancelled") },
  { ESIMCTL_ERROR_PREFIX "CardError", N_ ("The eUICC reported an error") },
  { ESIMCTL_ERROR_PREFIX "InstallFailed", N_ ("The eUICC could not install the profile") },
  { ESIMCTL_ERROR_PREFIX "IccidAlreadyInstalled",
    N_ ("A profile with this ICCID is already installed") },
  { ESIMCTL_ERROR_PREFIX "InsufficientMemory", N_ ("Not enough memory on the eUICC") },
  { ESIMCTL_ERROR_PREFIX "NotSupported", N_ ("Not supported by this eUICC") },
  { ESIMCTL_ERROR_PREFIX "Busy", N_ ("The eUICC is busy") },
  { ESIMCTL_ERROR_PREFIX "ServerUnknownRoot",
    N_ ("The server's certificate chain ends in an unknown root") },
  { ESIMCTL_ERROR_PREFIX "ServerCertificateExpired",
    N_ ("The server's certificate chain is not valid now") },
  { ESIMCTL_ERROR_PREFIX "ServerWrongHost", N_ ("The server's certificate is for another host") },
};

static EsimCtlExit
esimctl_exit_for_kind (EsimErrorKind kind)
{
  switch (kind) {
  case ESIM_ERROR_KIND_INVALID:
    return ESIMCTL_EXIT_USAGE;
  case ESIM_ERROR_KIND_UNREACHABLE:
    return ESIMCTL_EXIT_UNREACHABLE;
  case ESIM_ERROR_KIND_NOT_AUTHORIZED:
    return ESIMCTL_EXIT_NOT_AUTHORIZED;
  /* only a Ctrl-C that cancelled the job is 130 (esimctl-daemon-install.c) */
  case ESIM_ERROR_KIND_CANCELLED:
  case ESIM_ERROR_KIND_FAILED:
  default:
    return ESIMCTL_EXIT_FAILED;
  }
}

/* an error of a D-Bus peer (by name) as an ESIMCTL_ERROR with its exit code */
static void
esimctl_daemon_set_error (GError **error, EsimCtlExit code, const gchar *name, const gchar *message)
{
  const gchar *text = NULL;
  GError *out;

  for (guint i = 0; i < G_N_ELEMENTS (esimctl_daemon_errors); i++) {
    if (!g_str_equal (esimctl_daemon_errors[i].name, name))
      continue;
    text = _ (esimctl_daemon_errors[i].text);
    break;
  }
  if (text == NULL)
    out = g_error_new (ESIMCTL_ERROR, code, "%s (%s)",
                       message != NULL && *message != '\0' ? message : _ ("Failed"), name);
  /* the daemon's message carries the SGP.22 reason: keep it */
  else if (message == NULL || *message == '\0' || g_str_equal (message, text))
    out = g_error_new_literal (ESIMCTL_ERROR, code, text);
  else
    out = g_error_new (ESIMCTL_ERROR, code, "%s: %s", text, message);
  /* scripts read the name in the --json error */
  esimctl_error_set_name (out, name);
  g_propagate_error (error, out);
}

void
esimctl_daemon_propagate_error (GError **error, GError *local_error)
{
  g_autoptr (GError) local = local_error;
  g_autofree gchar *name = esim_error_dup_dbus_name (local);
  EsimCtlExit code = esimctl_exit_for_kind (esim_error_get_kind (local));

  if (name != NULL) {
    /* a name GDBus has no code for is still in the message */
    g_dbus_error_strip_remote_error (local);
    esimctl_daemon_set_error (error, code, name, local->message);
    return;
  }
  /* errors of this side: the call did not come back */
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
    g_set_error (error, ESIMCTL_ERROR, code, "%s: %s", _ ("The eSIM daemon did not answer"),
                 local->message);
    return;
  }
  if (code == ESIMCTL_EXIT_UNREACHABLE) {
    g_set_error (error, ESIMCTL_ERROR, code, "%s: %s",
                 _ ("The eSIM daemon (esimd) is not reachable"), local->message);
    return;
  }
  g_propagate_error (error, g_steal_pointer (&local));
}

void
esimctl_daemon_store_result_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

GAsyncResult *
esimctl_daemon_wait (GAsyncResult **res)
{
  while (*res == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *res;
}

static void
esimctl_daemon_free (EsimCtlDaemon *d)
{
  g_clear_object (&d->client);
  g_free (d);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimCtlDaemon, esimctl_daemon_free)

/* the client, made when the daemon runs: making it starts esimd by bus
 * activation; when there is no daemon after all, a ping says why */
static EsimClient *
esimctl_daemon_connect (GDBusConnection *bus, gboolean *absent, GError **error)
{
  g_autoptr (EsimClient) client = NULL;
  g_autoptr (GAsyncResult) res = NULL;
  g_autofree gchar *owner = NULL;
  GError *local = NULL;

  client = esim_client_new_for_connection_sync (bus, NULL, &local);
  if (client == NULL) {
    esimctl_daemon_propagate_error (error, local);
    return NULL;
  }
  owner = esim_client_dup_name_owner (client);
  if (owner != NULL)
    return g_steal_pointer (&client);
  esim_client_ping_async (client, NULL, esimctl_daemon_store_result_cb, &res);
  if (!esim_client_ping_finish (client, esimctl_daemon_wait (&res), &local)) {
    esimctl_daemon_propagate_error (error, local);
    return NULL;
  }
  /* it answers now: it started meanwhile, before its objects were read */
  *absent = TRUE;
  return NULL;
}

gboolean
esimctl_daemon_open (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimCtlDaemon) d = g_new0 (EsimCtlDaemon, 1);
  g_autoptr (GDBusConnection) bus = NULL;
  GError *local = NULL;
  gboolean absent = FALSE;

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &local);
  if (bus == NULL) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE, "%s: %s",
                 _ ("Cannot connect to the system bus"), local->message);
    g_error_free (local);
    return FALSE;
  }
  d->client = esimctl_daemon_connect (bus, &absent, error);
  if (d->client == NULL && absent) {
    absent = FALSE;
    d->client = esimctl_daemon_connect (bus, &absent, error);
  }
  if (d->client == NULL && absent) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE,
                         _ ("The eSIM daemon (esimd) quit while esimctl connected"));
    return FALSE;
  }
  if (d->client == NULL)
    return FALSE;
  /* a password prompt needs someone at a terminal to answer it */
  if (isatty (STDIN_FILENO))
    esim_client_set_allow_interactive_authorization (d->client, TRUE);
  ctl->daemon = g_steal_pointer (&d);
  return TRUE;
}

void
esimctl_daemon_close (EsimCtl *ctl)
{
  g_clear_pointer (&ctl->daemon, esimctl_daemon_free);
}

guint
esimctl_daemon_euicc_number (EsimCtl *ctl, EsimEuicc *euicc)
{
  g_autoptr (GPtrArray) euiccs = esim_client_get_euiccs (ctl->daemon->client);
  guint index;

  if (euicc != NULL && g_ptr_array_find (euiccs, euicc, &index))
    return index;
  return G_MAXUINT;
}

EsimEuicc *
esimctl_daemon_euicc_of_profile (EsimCtl *ctl, EsimProfile *profile)
{
  return esim_client_get_euicc_by_path (ctl->daemon->client, esim_profile_get_euicc_path (profile));
}

static gboolean
esimctl_is_digits (const gchar *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const gchar *p = text; *p != '\0'; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
  }
  return TRUE;
}

/* the last element of an eUICC's path: hex digits of a hash of the EID,
 * with _N for a second object of the same EID */
static gboolean
esimctl_is_path_element (const gchar *text)
{
  if (*text == '\0')
    return FALSE;
  for (const gchar *p = text; *p != '\0'; p++) {
    if (!g_ascii_isxdigit (*p) && *p != '_')
      return FALSE;
  }
  return TRUE;
}

/* --euicc N (the eUICC's number in "esimctl list", in path order), EID
 * (32 digits), the object path or its last element */
static EsimEuicc *
esimctl_daemon_lookup_euicc (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) euiccs = esim_client_get_euiccs (ctl->daemon->client);
  const gchar *want = ctl->euicc;
  gboolean by_path = want[0] == '/';
  gboolean by_eid = strlen (want) == 32 && esimctl_is_digits (want);
  gboolean by_number = !by_eid && esimctl_is_digits (want) && strlen (want) <= 9;
  gboolean by_id = !by_path && !by_eid && !by_number && esimctl_is_path_element (want);

  if (by_path ? !g_variant_is_object_path (want) : !by_eid && !by_number && !by_id) {
    esimctl_usage_error (error,
                         _ ("--euicc takes an eUICC number, a 32-digit EID, an object path or its "
                            "last element, not “%s”"),
                         want);
    return NULL;
  }
  for (guint i = 0; i < euiccs->len; i++) {
    EsimEuicc *euicc = g_ptr_array_index (euiccs, i);
    const gchar *path = esim_euicc_get_object_path (euicc);
    const gchar *id = strrchr (path, '/') + 1;

    if (by_path     ? g_str_equal (path, want)
        : by_eid    ? g_strcmp0 (esim_euicc_get_eid (euicc), want) == 0
        : by_number ? i == (guint) g_ascii_strtoull (want, NULL, 10)
                    : g_str_equal (id, want))
      return g_object_ref (euicc);
  }
  g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED,
               _ ("There is no eUICC “%s” (see “esimctl list”)"), want);
  return NULL;
}

EsimEuicc *
esimctl_daemon_select_euicc (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) euiccs = NULL;

  if (ctl->euicc != NULL)
    return esimctl_daemon_lookup_euicc (ctl, error);
  euiccs = esim_client_get_euiccs (ctl->daemon->client);
  if (euiccs->len == 1)
    return g_object_ref (g_ptr_array_index (euiccs, 0));
  if (euiccs->len == 0) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE,
                         _ ("The eSIM daemon knows no eUICC"));
    return NULL;
  }
  esimctl_usage_error (error, _ ("There are %u eUICCs: choose one with --euicc N or --euicc EID"),
                       euiccs->len);
  return NULL;
}

gboolean
esimctl_daemon_selected_euiccs (EsimCtl *ctl, GPtrArray **out, GError **error)
{
  g_autoptr (EsimEuicc) euicc = NULL;

  if (ctl->euicc == NULL) {
    *out = esim_client_get_euiccs (ctl->daemon->client);
    return TRUE;
  }
  euicc = esimctl_daemon_lookup_euicc (ctl, error);
  if (euicc == NULL)
    return FALSE;
  *out = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (*out, g_steal_pointer (&euicc));
  return TRUE;
}

EsimProfile *
esimctl_daemon_find_profile (EsimCtl *ctl, const gchar *iccid, GError **error)
{
  g_autoptr (EsimEuicc) euicc = NULL;
  g_autoptr (GPtrArray) profiles = NULL;
  EsimProfile *found = NULL;

  if (ctl->euicc != NULL) {
    euicc = esimctl_daemon_lookup_euicc (ctl, error);
    if (euicc == NULL)
      return NULL;
  }
  profiles = euicc != NULL ? esim_euicc_get_profiles (euicc)
                           : esim_client_get_profiles (ctl->daemon->client);
  for (guint i = 0; i < profiles->len; i++) {
    EsimProfile *profile = g_ptr_array_index (profiles, i);
    /* an ICCID may be written with its BCD filler F in either case */
    if (g_ascii_strcasecmp (esim_profile_get_iccid (profile), iccid) != 0)
      continue;
    if (found != NULL) {
      esimctl_usage_error (error, _ ("Profile %s is on several eUICCs: choose one with --euicc"),
                           iccid);
      return NULL;
    }
    found = profile;
  }
  if (found == NULL) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED, _ ("There is no profile %s"), iccid);
    return NULL;
  }
  return g_object_ref (found);
}

/* the members every profile command's result has */
static JsonBuilder *
esimctl_daemon_profile_result (EsimCtl *ctl, EsimProfile *profile, const gchar *state)
{
  JsonBuilder *b = esimctl_result_new (ctl);
  EsimEuicc *euicc = esimctl_daemon_euicc_of_profile (ctl, profile);

  esimctl_json_add_string (b, "iccid", esim_profile_get_iccid (profile));
  if (state != NULL)
    esimctl_json_add_string (b, "state", state);
  esimctl_json_add_string (b, "object_path", esim_profile_get_object_path (profile));
  if (euicc != NULL) {
    esimctl_json_add_int (b, "euicc", esimctl_daemon_euicc_number (ctl, euicc));
    esimctl_json_add_string (b, "eid", esim_euicc_get_eid (euicc));
  }
  return b;
}

typedef void (*EsimCtlProfileAsync) (EsimProfile *profile, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
typedef gboolean (*EsimCtlProfileFinish) (EsimProfile *profile, GAsyncResult *res, GError **error);

/* Enable, Disable, Delete: no arguments, no answer; state is the one the
 * profile has after it (NULL: gone) */
static gboolean
esimctl_daemon_profile_method (EsimCtl *ctl, EsimCtlProfileAsync method_async,
                               EsimCtlProfileFinish method_finish, const gchar *state,
                               const gchar *text, GError **error)
{
  g_autoptr (EsimProfile) profile = esimctl_daemon_find_profile (ctl, ctl->args[0], error);
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  GError *local = NULL;

  if (profile == NULL)
    return FALSE;
  method_async (profile, NULL, esimctl_daemon_store_result_cb, &res);
  if (!method_finish (profile, esimctl_daemon_wait (&res), &local)) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  b = esimctl_daemon_profile_result (ctl, profile, state);
  esimctl_result_print (ctl, b, text);
  return TRUE;
}

gboolean
esimctl_daemon_enable (EsimCtl *ctl, GError **error)
{
  g_autofree gchar *text = g_strdup_printf (_ ("Profile %s enabled."), ctl->args[0]);
  return esimctl_daemon_profile_method (ctl, esim_profile_enable_async, esim_profile_enable_finish,
                                        "enabled", text, error);
}

gboolean
esimctl_daemon_disable (EsimCtl *ctl, GError **error)
{
  g_autofree gchar *text = g_strdup_printf (_ ("Profile %s disabled."), ctl->args[0]);
  return esimctl_daemon_profile_method (ctl, esim_profile_disable_async,
                                        esim_profile_disable_finish, "disabled", text, error);
}

gboolean
esimctl_daemon_delete (EsimCtl *ctl, GError **error)
{
  g_autofree gchar *text = g_strdup_printf (_ ("Profile %s deleted."), ctl->args[0]);
  return esimctl_daemon_profile_method (ctl, esim_profile_delete_async, esim_profile_delete_finish,
                                        "deleted", text, error);
}

gboolean
esimctl_daemon_nickname (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimProfile) profile = esimctl_daemon_find_profile (ctl, ctl->args[0], error);
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  GError *local = NULL;

  if (profile == NULL)
    return FALSE;
  esim_profile_set_nickname_async (profile, ctl->args[1], NULL, esimctl_daemon_store_result_cb,
                                   &res);
  if (!esim_profile_set_nickname_finish (profile, esimctl_daemon_wait (&res), &local)) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  b = esimctl_daemon_profile_result (ctl, profile, NULL);
  esimctl_json_add_optional (b, "nickname", ctl->args[1]);
  esimctl_result_print (ctl, b, NULL);
  return TRUE;
}

/* the members every eUICC command's result has */
static JsonBuilder *
esimctl_daemon_euicc_result (EsimCtl *ctl, EsimEuicc *euicc)
{
  JsonBuilder *b = esimctl_result_new (ctl);

  esimctl_json_add_int (b, "euicc", esimctl_daemon_euicc_number (ctl, euicc));
  esimctl_json_add_string (b, "eid", esim_euicc_get_eid (euicc));
  esimctl_json_add_string (b, "object_path", esim_euicc_get_object_path (euicc));
  return b;
}

gboolean
esimctl_daemon_discover (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimEuicc) euicc = esimctl_daemon_select_euicc (ctl, error);
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  GError *local = NULL;

  if (euicc == NULL)
    return FALSE;
  esim_euicc_discover_async (euicc, ctl->smds, NULL, esimctl_daemon_store_result_cb, &res);
  found = esim_euicc_discover_finish (euicc, esimctl_daemon_wait (&res), &local);
  if (found == NULL) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  json_builder_begin_array (b);
  for (guint i = 0; i < found->len; i++) {
    EsimDiscoveredProfile *p = g_ptr_array_index (found, i);
    if (!ctl->json) {
      g_print ("%s\n", esim_discovered_profile_get_activation_code (p));
      continue;
    }
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "smdp_address", esim_discovered_profile_get_smdp_address (p));
    esimctl_json_add_string (b, "matching_id", esim_discovered_profile_get_matching_id (p));
    esimctl_json_add_string (b, "activation_code", esim_discovered_profile_get_activation_code (p));
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  if (ctl->json)
    esimctl_json_print (b);
  else if (found->len == 0)
    g_print ("%s\n", _ ("No profiles are waiting for this eUICC."));
  return TRUE;
}

gboolean
esimctl_daemon_set_default_smdp (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimEuicc) euicc = esimctl_daemon_select_euicc (ctl, error);
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  GError *local = NULL;

  if (euicc == NULL)
    return FALSE;
  esim_euicc_set_default_smdp_address_async (euicc, ctl->args[0], NULL,
                                             esimctl_daemon_store_result_cb, &res);
  if (!esim_euicc_set_default_smdp_address_finish (euicc, esimctl_daemon_wait (&res), &local)) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  b = esimctl_daemon_euicc_result (ctl, euicc);
  esimctl_json_add_optional (b, "default_smdp_address", ctl->args[0]);
  esimctl_result_print (ctl, b, NULL);
  return TRUE;
}

static gboolean
esimctl_daemon_notifications_list (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) euiccs = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (EsimCtlTable) table = NULL;

  if (!esimctl_daemon_selected_euiccs (ctl, &euiccs, error))
    return FALSE;
  /* TRANSLATORS: table headers of “esimctl notifications list” */
  table = esimctl_table_new (_ ("eUICC"), _ ("EID"), _ ("Pending notifications"), NULL);
  json_builder_begin_array (b);
  for (guint i = 0; i < euiccs->len; i++) {
    EsimEuicc *euicc = g_ptr_array_index (euiccs, i);
    guint number = esimctl_daemon_euicc_number (ctl, euicc);
    guint pending = esim_euicc_get_pending_notifications (euicc);
    g_autofree gchar *number_text = g_strdup_printf ("%u", number);
    g_autofree gchar *pending_text = g_strdup_printf ("%u", pending);

    esimctl_table_add_row (table, number_text, esim_euicc_get_eid (euicc), pending_text);
    json_builder_begin_object (b);
    esimctl_json_add_int (b, "euicc", number);
    esimctl_json_add_string (b, "eid", esim_euicc_get_eid (euicc));
    esimctl_json_add_int (b, "pending_notifications", pending);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  if (ctl->json)
    esimctl_json_print (b);
  else if (euiccs->len == 0)
    g_print ("%s\n", _ ("No eUICC found."));
  else
    esimctl_table_print (table);
  return TRUE;
}

static gboolean
esimctl_daemon_notifications_process (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) euiccs = NULL;
  guint delivered = 0, failed = 0;

  /* delivering is harmless: without --euicc every eUICC sends its own */
  if (!esimctl_daemon_selected_euiccs (ctl, &euiccs, error))
    return FALSE;
  for (guint i = 0; i < euiccs->len; i++) {
    EsimEuicc *euicc = g_ptr_array_index (euiccs, i);
    g_autoptr (GAsyncResult) res = NULL;
    GError *local = NULL;
    guint d = 0, f = 0;

    esim_euicc_process_notifications_async (euicc, NULL, esimctl_daemon_store_result_cb, &res);
    if (!esim_euicc_process_notifications_finish (euicc, esimctl_daemon_wait (&res), &d, &f,
                                                  &local)) {
      esimctl_daemon_propagate_error (error, local);
      return FALSE;
    }
    delivered += d;
    failed += f;
  }
  return esimctl_report_delivery (ctl->json, delivered, failed, error);
}

gboolean
esimctl_daemon_notifications (EsimCtl *ctl, GError **error)
{
  if (g_str_equal (ctl->args[0], "process"))
    return esimctl_daemon_notifications_process (ctl, error);
  return esimctl_daemon_notifications_list (ctl, error);
}

gboolean
esimctl_daemon_reset (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimEuicc) euicc = esimctl_daemon_select_euicc (ctl, error);
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GPtrArray) what = g_ptr_array_new ();
  g_autoptr (GString) question = g_string_new (NULL);
  g_autofree gchar *title = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  EsimResetFlags flags = ESIM_RESET_FLAGS_NONE;
  GError *local = NULL;

  if (euicc == NULL)
    return FALSE;
  title = esimctl_daemon_euicc_title (ctl, euicc);
  g_string_append_printf (question, _ ("Reset %s:"), title);
  if (ctl->reset_operational) {
    flags |= ESIM_RESET_FLAGS_OPERATIONAL;
    g_ptr_array_add (what, (gpointer) "operational");
    g_string_append_printf (question, "\n  %s", _ ("delete every operational profile"));
  }
  if (ctl->reset_test) {
    flags |= ESIM_RESET_FLAGS_TEST;
    g_ptr_array_add (what, (gpointer) "test");
    g_string_append_printf (question, "\n  %s", _ ("delete every field-loaded test profile"));
  }
  if (ctl->reset_default_smdp) {
    flags |= ESIM_RESET_FLAGS_DEFAULT_SMDP;
    g_ptr_array_add (what, (gpointer) "default-smdp");
    g_string_append_printf (question, "\n  %s", _ ("forget the default SM-DP+ address"));
  }
  g_ptr_array_add (what, NULL);
  if (!esimctl_confirm (ctl, question->str, error))
    return FALSE;
  esim_euicc_reset_memory_async (euicc, flags, NULL, esimctl_daemon_store_result_cb, &res);
  if (!esim_euicc_reset_memory_finish (euicc, esimctl_daemon_wait (&res), &local)) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  b = esimctl_daemon_euicc_result (ctl, euicc);
  esimctl_json_add_strv (b, "reset", (const gchar *const *) what->pdata);
  esimctl_result_print (ctl, b, _ ("eUICC memory reset."));
  return TRUE;
}

gboolean
esimctl_daemon_test_mode (EsimCtl *ctl, GError **error)
{
  EsimClient *client = ctl->daemon->client;
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  GError *local = NULL;
  gboolean on;

  if (ctl->n_args == 0) {
    on = esim_client_get_test_mode (client);
    if (ctl->json) {
      b = json_builder_new ();
      json_builder_begin_object (b);
      esimctl_json_add_bool (b, "test_mode", on);
      json_builder_end_object (b);
      esimctl_json_print (b);
    } else {
      g_print ("%s\n", on ? _ ("Test mode is on.") : _ ("Test mode is off."));
    }
    return TRUE;
  }
  on = g_str_equal (ctl->args[0], "on");
  esim_client_set_test_mode_async (client, on, NULL, esimctl_daemon_store_result_cb, &res);
  if (!esim_client_set_test_mode_finish (client, esimctl_daemon_wait (&res), &local)) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  b = esimctl_result_new (ctl);
  esimctl_json_add_bool (b, "test_mode", on);
  esimctl_result_print (ctl, b, on ? _ ("Test mode is on.") : _ ("Test mode is off."));
  return TRUE;
}

gboolean
esimctl_daemon_rescan (EsimCtl *ctl, GError **error)
{
  EsimClient *client = ctl->daemon->client;
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  GError *local = NULL;

  esim_client_rescan_async (client, NULL, esimctl_daemon_store_result_cb, &res);
  if (!esim_client_rescan_finish (client, esimctl_daemon_wait (&res), &local)) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  b = esimctl_result_new (ctl);
  esimctl_result_print (ctl, b, NULL);
  return TRUE;
}

gboolean
esimctl_daemon_version (EsimCtl *ctl, GError **error)
{
  g_autoptr (GError) daemon_error = NULL;
  const gchar *daemon_version = NULL;

  /* the client's version is worth printing even without a daemon */
  if (esimctl_daemon_open (ctl, &daemon_error))
    daemon_version = esim_client_get_version (ctl->daemon->client);
  if (ctl->json) {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "esimctl", PACKAGE_VERSION);
    esimctl_json_add_optional (b, "esimd", daemon_version);
    json_builder_end_object (b);
    esimctl_json_print (b);
    return TRUE;
  }
  g_print ("esimctl %s\n", PACKAGE_VERSION);
  if (daemon_version != NULL)
    g_print ("esimd %s\n", daemon_version);
  else
    g_print ("esimd: %s\n", daemon_error != NULL ? daemon_error->message : _ ("unknown"));
  return TRUE;
}
