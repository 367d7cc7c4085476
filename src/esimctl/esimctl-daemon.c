/*
 * esimctl daemon mode: esimd on the system bus (or wherever
 * DBUS_SYSTEM_BUS_ADDRESS points). Profiles are found by ICCID through the
 * object manager; object paths are only counters.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "esim-activation-code.h"
#include "esim-iccid.h"
#include "esimctl-daemon-private.h"
#include "esimctl-output.h"

/* long enough for a polkit dialog, an SM-DS answer or a modem refresh */
#define ESIMCTL_CALL_TIMEOUT_MS (10 * 60 * 1000)

#define ESIMCTL_ERROR_PREFIX "org.freedesktop.Esim1.Error."

static const struct {
  const gchar *name;
  EsimCtlExit code;
  const gchar *text;
} esimctl_daemon_errors[] = {
  /* the bus: the daemon is not there or cannot be started */
  { "org.freedesktop.DBus.Error.ServiceUnknown", ESIMCTL_EXIT_UNREACHABLE,
    N_ ("The eSIM daemon (esimd) is not running") },
  { "org.freedesktop.DBus.Error.NameHasNoOwner", ESIMCTL_EXIT_UNREACHABLE,
    N_ ("The eSIM daemon (esimd) is not running") },
  { "org.freedesktop.DBus.Error.Spawn.ChildExited", ESIMCTL_EXIT_UNREACHABLE,
    N_ ("The eSIM daemon (esimd) could not be started") },
  { "org.freedesktop.DBus.Error.Spawn.Failed", ESIMCTL_EXIT_UNREACHABLE,
    N_ ("The eSIM daemon (esimd) could not be started") },
  { "org.freedesktop.DBus.Error.NoReply", ESIMCTL_EXIT_UNREACHABLE,
    N_ ("The eSIM daemon did not answer") },
  { "org.freedesktop.DBus.Error.Timeout", ESIMCTL_EXIT_UNREACHABLE,
    N_ ("The eSIM daemon did not answer") },
  { "org.freedesktop.DBus.Error.Disconnected", ESIMCTL_EXIT_UNREACHABLE,
    N_ ("The connection to the system bus was lost") },
  { "org.freedesktop.DBus.Error.UnknownObject", ESIMCTL_EXIT_FAILED,
    N_ ("The object went away (was it removed meanwhile?)") },
  { "org.freedesktop.DBus.Error.UnknownMethod", ESIMCTL_EXIT_FAILED,
    N_ ("The eSIM daemon does not know this method (is it older than esimctl?)") },
  { "org.freedesktop.DBus.Error.AccessDenied", ESIMCTL_EXIT_NOT_AUTHORIZED,
    N_ ("Access denied by the bus") },
  { "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", ESIMCTL_EXIT_NOT_AUTHORIZED,
    N_ ("Not authorized: this needs authentication, which is only possible on a terminal") },
  /* esimd's own errors */
  { ESIMCTL_ERROR_PREFIX "NotAuthorized", ESIMCTL_EXIT_NOT_AUTHORIZED, N_ ("Not authorized") },
  { ESIMCTL_ERROR_PREFIX "CardGone", ESIMCTL_EXIT_UNREACHABLE, N_ ("The eUICC is gone") },
  { ESIMCTL_ERROR_PREFIX "ServerUnreachable", ESIMCTL_EXIT_UNREACHABLE,
    N_ ("The server could not be reached") },
  { ESIMCTL_ERROR_PREFIX "Timeout", ESIMCTL_EXIT_UNREACHABLE, N_ ("Timed out") },
  { ESIMCTL_ERROR_PREFIX "InvalidArgument", ESIMCTL_EXIT_USAGE, N_ ("Invalid argument") },
  { ESIMCTL_ERROR_PREFIX "InvalidActivationCode", ESIMCTL_EXIT_USAGE,
    N_ ("Invalid activation code") },
  { ESIMCTL_ERROR_PREFIX "Failed", ESIMCTL_EXIT_FAILED, N_ ("Failed") },
  { ESIMCTL_ERROR_PREFIX "UnknownProfile", ESIMCTL_EXIT_FAILED, N_ ("Unknown profile") },
  { ESIMCTL_ERROR_PREFIX "ProfileNotDisabled", ESIMCTL_EXIT_FAILED,
    N_ ("The profile is not disabled") },
  { ESIMCTL_ERROR_PREFIX "ProfileNotEnabled", ESIMCTL_EXIT_FAILED,
    N_ ("The profile is not enabled") },
  { ESIMCTL_ERROR_PREFIX "DisallowedByPolicy", ESIMCTL_EXIT_FAILED,
    N_ ("The profile's policy rules do not allow this") },
  { ESIMCTL_ERROR_PREFIX "NothingToDelete", ESIMCTL_EXIT_FAILED, N_ ("Nothing to delete") },
  { ESIMCTL_ERROR_PREFIX "ConfirmationCodeRequired", ESIMCTL_EXIT_FAILED,
    N_ ("The SM-DP+ needs a confirmation code (use --confirmation-code)") },
  { ESIMCTL_ERROR_PREFIX "ConfirmationCodeRefused", ESIMCTL_EXIT_FAILED,
    N_ ("The SM-DP+ refused the confirmation code") },
  { ESIMCTL_ERROR_PREFIX "MatchingIdRefused", ESIMCTL_EXIT_FAILED,
    N_ ("The SM-DP+ refused the activation code") },
  { ESIMCTL_ERROR_PREFIX "ServerRefused", ESIMCTL_EXIT_FAILED, N_ ("The server refused") },
  { ESIMCTL_ERROR_PREFIX "ServerUntrusted", ESIMCTL_EXIT_FAILED,
    N_ ("The server's certificate is not trusted") },
  { ESIMCTL_ERROR_PREFIX "Cancelled", ESIMCTL_EXIT_FAILED, N_ ("Cancelled") },
  { ESIMCTL_ERROR_PREFIX "CardError", ESIMCTL_EXIT_FAILED, N_ ("The eUICC reported an error") },
  { ESIMCTL_ERROR_PREFIX "InstallFailed", ESIMCTL_EXIT_FAILED,
    N_ ("The eUICC could not install the profile") },
  { ESIMCTL_ERROR_PREFIX "IccidAlreadyInstalled", ESIMCTL_EXIT_FAILED,
    N_ ("A profile with this ICCID is already installed") },
  { ESIMCTL_ERROR_PREFIX "InsufficientMemory", ESIMCTL_EXIT_FAILED,
    N_ ("Not enough memory on the eUICC") },
  { ESIMCTL_ERROR_PREFIX "NotSupported", ESIMCTL_EXIT_FAILED, N_ ("Not supported by this eUICC") },
  { ESIMCTL_ERROR_PREFIX "Busy", ESIMCTL_EXIT_FAILED, N_ ("The eUICC is busy") },
  { ESIMCTL_ERROR_PREFIX "ServerUnknownRoot", ESIMCTL_EXIT_FAILED,
    N_ ("The server's certificate chain ends in an unknown root") },
  { ESIMCTL_ERROR_PREFIX "ServerCertificateExpired", ESIMCTL_EXIT_FAILED,
    N_ ("The server's certificate chain is not valid now") },
  { ESIMCTL_ERROR_PREFIX "ServerWrongHost", ESIMCTL_EXIT_FAILED,
    N_ ("The server's certificate is for another host") },
};

void
esimctl_daemon_set_error (GError **error, const gchar *name, const gchar *message)
{
  EsimCtlExit code = ESIMCTL_EXIT_FAILED;
  const gchar *text = NULL;
  GError *out;

  for (guint i = 0; i < G_N_ELEMENTS (esimctl_daemon_errors); i++) {
    if (!g_str_equal (esimctl_daemon_errors[i].name, name))
      continue;
    code = esimctl_daemon_errors[i].code;
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
  g_autofree gchar *name = g_dbus_error_get_remote_error (local);

  if (name != NULL) {
    g_dbus_error_strip_remote_error (local);
    esimctl_daemon_set_error (error, name, local->message);
    return;
  }
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE, "%s: %s",
                 _ ("The eSIM daemon did not answer"), local->message);
    return;
  }
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CLOSED)
      || g_error_matches (local, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
      || g_error_matches (local, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE, "%s: %s",
                 _ ("The eSIM daemon (esimd) is not reachable"), local->message);
    return;
  }
  if (g_error_matches (local, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED)) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_NOT_AUTHORIZED, "%s", local->message);
    return;
  }
  g_propagate_error (error, g_steal_pointer (&local));
}

GVariant *
esimctl_daemon_call (EsimCtl *ctl, gpointer proxy, const gchar *method, GVariant *parameters,
                     const gchar *reply_type, GError **error)
{
  EsimCtlDaemon *d = ctl->daemon;
  GError *local = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (
    d->bus, d->owner, g_dbus_proxy_get_object_path (G_DBUS_PROXY (proxy)),
    g_dbus_proxy_get_interface_name (G_DBUS_PROXY (proxy)), method, parameters,
    reply_type != NULL ? G_VARIANT_TYPE (reply_type) : NULL, d->call_flags, ESIMCTL_CALL_TIMEOUT_MS,
    NULL, &local);
  if (reply == NULL)
    esimctl_daemon_propagate_error (error, local);
  return reply;
}

static void
esimctl_daemon_free (EsimCtlDaemon *d)
{
  g_clear_object (&d->root);
  g_clear_object (&d->manager);
  g_clear_object (&d->bus);
  g_free (d->owner);
  g_free (d);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimCtlDaemon, esimctl_daemon_free)

gboolean
esimctl_daemon_open (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimCtlDaemon) d = g_new0 (EsimCtlDaemon, 1);
  GError *local = NULL;
  g_autoptr (GVariant) reply = NULL;

  d->bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &local);
  if (d->bus == NULL) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE, "%s: %s",
                 _ ("Cannot connect to the system bus"), local->message);
    g_error_free (local);
    return FALSE;
  }
  /* a ping starts esimd by bus activation when it is not running yet, and
   * tells clearly when it cannot be started */
  reply = g_dbus_connection_call_sync (d->bus, ESIMCTL_BUS_NAME, ESIMCTL_ROOT_PATH,
                                       "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &local);
  if (reply == NULL) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  d->manager = esim_dbus_object_manager_client_new_sync (
    d->bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, ESIMCTL_BUS_NAME,
    ESIMCTL_ROOT_PATH, NULL, &local);
  if (d->manager == NULL) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  d->owner
    = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (d->manager));
  if (d->owner == NULL) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE,
                         _ ("The eSIM daemon (esimd) quit while esimctl connected"));
    return FALSE;
  }
  /* the root object is not below the object manager: its own proxy */
  d->root = esim_dbus_manager_proxy_new_sync (d->bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                              d->owner, ESIMCTL_ROOT_PATH, NULL, &local);
  if (d->root == NULL) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  /* a password prompt needs someone at a terminal to answer it */
  if (isatty (STDIN_FILENO))
    d->call_flags = G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION;
  ctl->daemon = g_steal_pointer (&d);
  return TRUE;
}

void
esimctl_daemon_close (EsimCtl *ctl)
{
  g_clear_pointer (&ctl->daemon, esimctl_daemon_free);
}

guint
esimctl_path_number (const gchar *path)
{
  const gchar *slash = path != NULL ? strrchr (path, '/') : NULL;
  guint64 n = 0;

  if (slash == NULL || !g_ascii_string_to_unsigned (slash + 1, 10, 0, G_MAXUINT - 1, &n, NULL))
    return G_MAXUINT;
  return (guint) n;
}

static gint
esimctl_compare_proxies (gconstpointer a, gconstpointer b)
{
  GDBusProxy *pa = *(GDBusProxy *const *) a;
  GDBusProxy *pb = *(GDBusProxy *const *) b;
  guint na = esimctl_path_number (g_dbus_proxy_get_object_path (pa));
  guint nb = esimctl_path_number (g_dbus_proxy_get_object_path (pb));

  /* numbered paths (profiles) in number order, the others (an eUICC's
   * path is a hash of its EID) in path order: stable either way */
  if (na != G_MAXUINT || nb != G_MAXUINT)
    return na < nb ? -1 : na > nb ? 1 : 0;
  return g_strcmp0 (g_dbus_proxy_get_object_path (pa), g_dbus_proxy_get_object_path (pb));
}

guint
esimctl_daemon_euicc_number (EsimCtl *ctl, const gchar *path)
{
  g_autoptr (GPtrArray) euiccs = esimctl_daemon_euiccs (ctl);

  for (guint i = 0; i < euiccs->len; i++) {
    if (g_strcmp0 (g_dbus_proxy_get_object_path (g_ptr_array_index (euiccs, i)), path) == 0)
      return i;
  }
  return G_MAXUINT;
}

GPtrArray *
esimctl_daemon_euiccs (EsimCtl *ctl)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  GList *objects = g_dbus_object_manager_get_objects (ctl->daemon->manager);

  for (GList *l = objects; l != NULL; l = l->next) {
    EsimDbusEuicc *euicc = esim_dbus_object_get_euicc (ESIM_DBUS_OBJECT (l->data));
    if (euicc != NULL)
      g_ptr_array_add (out, euicc);
  }
  g_list_free_full (objects, g_object_unref);
  g_ptr_array_sort (out, esimctl_compare_proxies);
  return out;
}

GPtrArray *
esimctl_daemon_profiles (EsimCtl *ctl, const gchar *euicc_path)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  GList *objects = g_dbus_object_manager_get_objects (ctl->daemon->manager);

  for (GList *l = objects; l != NULL; l = l->next) {
    EsimDbusProfile *profile = esim_dbus_object_get_profile (ESIM_DBUS_OBJECT (l->data));
    if (profile == NULL)
      continue;
    if (euicc_path != NULL && g_strcmp0 (esim_dbus_profile_get_euicc (profile), euicc_path) != 0) {
      g_object_unref (profile);
      continue;
    }
    g_ptr_array_add (out, profile);
  }
  g_list_free_full (objects, g_object_unref);
  g_ptr_array_sort (out, esimctl_compare_proxies);
  return out;
}

EsimDbusEuicc *
esimctl_daemon_euicc_for_path (EsimCtl *ctl, const gchar *path)
{
  g_autoptr (GDBusObject) object = NULL;

  if (path == NULL || !g_variant_is_object_path (path))
    return NULL;
  object = g_dbus_object_manager_get_object (ctl->daemon->manager, path);
  if (object == NULL)
    return NULL;
  return esim_dbus_object_get_euicc (ESIM_DBUS_OBJECT (object));
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
static EsimDbusEuicc *
esimctl_daemon_lookup_euicc (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) euiccs = esimctl_daemon_euiccs (ctl);
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
    EsimDbusEuicc *euicc = g_ptr_array_index (euiccs, i);
    const gchar *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (euicc));
    const gchar *id = strrchr (path, '/') + 1;

    if (by_path     ? g_str_equal (path, want)
        : by_eid    ? g_strcmp0 (esim_dbus_euicc_get_eid (euicc), want) == 0
        : by_number ? i == (guint) g_ascii_strtoull (want, NULL, 10)
                    : g_str_equal (id, want))
      return g_object_ref (euicc);
  }
  g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED,
               _ ("There is no eUICC “%s” (see “esimctl list”)"), want);
  return NULL;
}

EsimDbusEuicc *
esimctl_daemon_select_euicc (EsimCtl *ctl, GError **error)
{
  g_autoptr (GPtrArray) euiccs = NULL;

  if (ctl->euicc != NULL)
    return esimctl_daemon_lookup_euicc (ctl, error);
  euiccs = esimctl_daemon_euiccs (ctl);
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
  g_autoptr (EsimDbusEuicc) euicc = NULL;

  if (ctl->euicc == NULL) {
    *out = esimctl_daemon_euiccs (ctl);
    return TRUE;
  }
  euicc = esimctl_daemon_lookup_euicc (ctl, error);
  if (euicc == NULL)
    return FALSE;
  *out = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (*out, g_steal_pointer (&euicc));
  return TRUE;
}

EsimDbusProfile *
esimctl_daemon_find_profile (EsimCtl *ctl, const gchar *iccid, GError **error)
{
  g_autoptr (EsimDbusEuicc) euicc = NULL;
  g_autoptr (GPtrArray) profiles = NULL;
  EsimDbusProfile *found = NULL;

  if (ctl->euicc != NULL) {
    euicc = esimctl_daemon_lookup_euicc (ctl, error);
    if (euicc == NULL)
      return NULL;
  }
  profiles = esimctl_daemon_profiles (
    ctl, euicc != NULL ? g_dbus_proxy_get_object_path (G_DBUS_PROXY (euicc)) : NULL);
  for (guint i = 0; i < profiles->len; i++) {
    EsimDbusProfile *profile = g_ptr_array_index (profiles, i);
    /* an ICCID may be written with its BCD filler F in either case */
    if (g_ascii_strcasecmp (esim_dbus_profile_get_iccid (profile), iccid) != 0)
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

EsimDbusProfile *
esimctl_daemon_profile_for_path (EsimCtl *ctl, const gchar *path, GError **error)
{
  g_autoptr (GDBusObject) object = g_dbus_object_manager_get_object (ctl->daemon->manager, path);
  GError *local = NULL;
  EsimDbusProfile *profile;

  if (object != NULL) {
    profile = esim_dbus_object_get_profile (ESIM_DBUS_OBJECT (object));
    if (profile != NULL)
      return profile;
  }
  profile = esim_dbus_profile_proxy_new_sync (
    ctl->daemon->bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, ctl->daemon->owner, path, NULL, &local);
  if (profile == NULL)
    esimctl_daemon_propagate_error (error, local);
  return profile;
}

/* the members every profile command's result has */
static JsonBuilder *
esimctl_daemon_profile_result (EsimCtl *ctl, EsimDbusProfile *profile, const gchar *state)
{
  JsonBuilder *b = esimctl_result_new (ctl);
  g_autoptr (EsimDbusEuicc) euicc
    = esimctl_daemon_euicc_for_path (ctl, esim_dbus_profile_get_euicc (profile));

  esimctl_json_add_string (b, "iccid", esim_dbus_profile_get_iccid (profile));
  if (state != NULL)
    esimctl_json_add_string (b, "state", state);
  esimctl_json_add_string (b, "object_path", g_dbus_proxy_get_object_path (G_DBUS_PROXY (profile)));
  if (euicc != NULL) {
    esimctl_json_add_int (b, "euicc",
                          esimctl_daemon_euicc_number (ctl, esim_dbus_profile_get_euicc (profile)));
    esimctl_json_add_string (b, "eid", esim_dbus_euicc_get_eid (euicc));
  }
  return b;
}

/* Enable, Disable, Delete: no arguments, no answer; state is the one the
 * profile has after it (NULL: gone) */
static gboolean
esimctl_daemon_profile_method (EsimCtl *ctl, const gchar *method, const gchar *state,
                               const gchar *text, GError **error)
{
  g_autoptr (EsimDbusProfile) profile = esimctl_daemon_find_profile (ctl, ctl->args[0], error);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (JsonBuilder) b = NULL;

  if (profile == NULL)
    return FALSE;
  reply = esimctl_daemon_call (ctl, profile, method, NULL, "()", error);
  if (reply == NULL)
    return FALSE;
  b = esimctl_daemon_profile_result (ctl, profile, state);
  esimctl_result_print (ctl, b, text);
  return TRUE;
}

gboolean
esimctl_daemon_enable (EsimCtl *ctl, GError **error)
{
  g_autofree gchar *text = g_strdup_printf (_ ("Profile %s enabled."), ctl->args[0]);
  return esimctl_daemon_profile_method (ctl, "Enable", "enabled", text, error);
}

gboolean
esimctl_daemon_disable (EsimCtl *ctl, GError **error)
{
  g_autofree gchar *text = g_strdup_printf (_ ("Profile %s disabled."), ctl->args[0]);
  return esimctl_daemon_profile_method (ctl, "Disable", "disabled", text, error);
}

gboolean
esimctl_daemon_delete (EsimCtl *ctl, GError **error)
{
  g_autofree gchar *text = g_strdup_printf (_ ("Profile %s deleted."), ctl->args[0]);
  return esimctl_daemon_profile_method (ctl, "Delete", "deleted", text, error);
}

gboolean
esimctl_daemon_nickname (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimDbusProfile) profile = esimctl_daemon_find_profile (ctl, ctl->args[0], error);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (JsonBuilder) b = NULL;

  if (profile == NULL)
    return FALSE;
  reply = esimctl_daemon_call (ctl, profile, "SetNickname", g_variant_new ("(s)", ctl->args[1]),
                               "()", error);
  if (reply == NULL)
    return FALSE;
  b = esimctl_daemon_profile_result (ctl, profile, NULL);
  esimctl_json_add_optional (b, "nickname", ctl->args[1]);
  esimctl_result_print (ctl, b, NULL);
  return TRUE;
}

/* the members every eUICC command's result has */
static JsonBuilder *
esimctl_daemon_euicc_result (EsimCtl *ctl, EsimDbusEuicc *euicc)
{
  JsonBuilder *b = esimctl_result_new (ctl);
  const gchar *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (euicc));

  esimctl_json_add_int (b, "euicc", esimctl_daemon_euicc_number (ctl, path));
  esimctl_json_add_string (b, "eid", esim_dbus_euicc_get_eid (euicc));
  esimctl_json_add_string (b, "object_path", path);
  return b;
}

gboolean
esimctl_daemon_discover (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimDbusEuicc) euicc = esimctl_daemon_select_euicc (ctl, error);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariantIter) iter = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const gchar *address, *matching_id, *code;
  guint n = 0;

  if (euicc == NULL)
    return FALSE;
  reply = esimctl_daemon_call (ctl, euicc, "Discover",
                               g_variant_new ("(s)", ctl->smds != NULL ? ctl->smds : ""),
                               "(a(sss))", error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(a(sss))", &iter);
  json_builder_begin_array (b);
  while (g_variant_iter_next (iter, "(&s&s&s)", &address, &matching_id, &code)) {
    n++;
    if (!ctl->json) {
      g_print ("%s\n", code);
      continue;
    }
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "smdp_address", address);
    esimctl_json_add_string (b, "matching_id", matching_id);
    esimctl_json_add_string (b, "activation_code", code);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  if (ctl->json)
    esimctl_json_print (b);
  else if (n == 0)
    g_print ("%s\n", _ ("No profiles are waiting for this eUICC."));
  return TRUE;
}

gboolean
esimctl_daemon_set_default_smdp (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimDbusEuicc) euicc = esimctl_daemon_select_euicc (ctl, error);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (JsonBuilder) b = NULL;

  if (euicc == NULL)
    return FALSE;
  reply = esimctl_daemon_call (ctl, euicc, "SetDefaultSmdpAddress",
                               g_variant_new ("(s)", ctl->args[0]), "()", error);
  if (reply == NULL)
    return FALSE;
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
    EsimDbusEuicc *euicc = g_ptr_array_index (euiccs, i);
    guint number
      = esimctl_daemon_euicc_number (ctl, g_dbus_proxy_get_object_path (G_DBUS_PROXY (euicc)));
    guint pending = esim_dbus_euicc_get_pending_notifications (euicc);
    g_autofree gchar *number_text = g_strdup_printf ("%u", number);
    g_autofree gchar *pending_text = g_strdup_printf ("%u", pending);

    esimctl_table_add_row (table, number_text, esim_dbus_euicc_get_eid (euicc), pending_text);
    json_builder_begin_object (b);
    esimctl_json_add_int (b, "euicc", number);
    esimctl_json_add_string (b, "eid", esim_dbus_euicc_get_eid (euicc));
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
    g_autoptr (GVariant) reply = NULL;
    guint d = 0, f = 0;

    reply = esimctl_daemon_call (ctl, g_ptr_array_index (euiccs, i), "ProcessNotifications", NULL,
                                 "(uu)", error);
    if (reply == NULL)
      return FALSE;
    g_variant_get (reply, "(uu)", &d, &f);
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
  g_autoptr (EsimDbusEuicc) euicc = esimctl_daemon_select_euicc (ctl, error);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GPtrArray) what = g_ptr_array_new ();
  g_autoptr (GString) question = g_string_new (NULL);
  g_autofree gchar *title = NULL;
  g_autoptr (JsonBuilder) b = NULL;

  if (euicc == NULL)
    return FALSE;
  title = esimctl_daemon_euicc_title (ctl, euicc);
  g_string_append_printf (question, _ ("Reset %s:"), title);
  if (ctl->reset_operational) {
    g_ptr_array_add (what, (gpointer) "operational");
    g_string_append_printf (question, "\n  %s", _ ("delete every operational profile"));
  }
  if (ctl->reset_test) {
    g_ptr_array_add (what, (gpointer) "test");
    g_string_append_printf (question, "\n  %s", _ ("delete every field-loaded test profile"));
  }
  if (ctl->reset_default_smdp) {
    g_ptr_array_add (what, (gpointer) "default-smdp");
    g_string_append_printf (question, "\n  %s", _ ("forget the default SM-DP+ address"));
  }
  g_ptr_array_add (what, NULL);
  if (!esimctl_confirm (ctl, question->str, error))
    return FALSE;
  reply = esimctl_daemon_call (ctl, euicc, "ResetMemory",
                               g_variant_new ("(^as)", (gchar **) what->pdata), "()", error);
  if (reply == NULL)
    return FALSE;
  b = esimctl_daemon_euicc_result (ctl, euicc);
  esimctl_json_add_strv (b, "reset", (const gchar *const *) what->pdata);
  esimctl_result_print (ctl, b, _ ("eUICC memory reset."));
  return TRUE;
}

gboolean
esimctl_daemon_test_mode (EsimCtl *ctl, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  gboolean on;

  if (ctl->n_args == 0) {
    on = esim_dbus_manager_get_test_mode (ctl->daemon->root);
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
  reply = esimctl_daemon_call (ctl, ctl->daemon->root, "SetTestMode", g_variant_new ("(b)", on),
                               "()", error);
  if (reply == NULL)
    return FALSE;
  b = esimctl_result_new (ctl);
  esimctl_json_add_bool (b, "test_mode", on);
  esimctl_result_print (ctl, b, on ? _ ("Test mode is on.") : _ ("Test mode is off."));
  return TRUE;
}

gboolean
esimctl_daemon_rescan (EsimCtl *ctl, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (JsonBuilder) b = NULL;

  reply = esimctl_daemon_call (ctl, ctl->daemon->root, "Rescan", NULL, "()", error);
  if (reply == NULL)
    return FALSE;
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
    daemon_version = esim_dbus_manager_get_version (ctl->daemon->root);
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
