/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "esim-private.h"

#define ESIM_ERROR_PREFIX "org.freedesktop.Esim1.Error."

/* the same order as EsimError, which is the order of the daemon's list */
static const GDBusErrorEntry esim_error_entries[] = {
  { ESIM_ERROR_FAILED, ESIM_ERROR_PREFIX "Failed" },
  { ESIM_ERROR_NOT_AUTHORIZED, ESIM_ERROR_PREFIX "NotAuthorized" },
  { ESIM_ERROR_INVALID_ARGUMENT, ESIM_ERROR_PREFIX "InvalidArgument" },
  { ESIM_ERROR_INVALID_ACTIVATION_CODE, ESIM_ERROR_PREFIX "InvalidActivationCode" },
  { ESIM_ERROR_UNKNOWN_PROFILE, ESIM_ERROR_PREFIX "UnknownProfile" },
  { ESIM_ERROR_PROFILE_NOT_DISABLED, ESIM_ERROR_PREFIX "ProfileNotDisabled" },
  { ESIM_ERROR_PROFILE_NOT_ENABLED, ESIM_ERROR_PREFIX "ProfileNotEnabled" },
  { ESIM_ERROR_DISALLOWED_BY_POLICY, ESIM_ERROR_PREFIX "DisallowedByPolicy" },
  { ESIM_ERROR_NOTHING_TO_DELETE, ESIM_ERROR_PREFIX "NothingToDelete" },
  { ESIM_ERROR_CONFIRMATION_CODE_REQUIRED, ESIM_ERROR_PREFIX "ConfirmationCodeRequired" },
  { ESIM_ERROR_CONFIRMATION_CODE_REFUSED, ESIM_ERROR_PREFIX "ConfirmationCodeRefused" },
  { ESIM_ERROR_MATCHING_ID_REFUSED, ESIM_ERROR_PREFIX "MatchingIdRefused" },
  { ESIM_ERROR_SERVER_REFUSED, ESIM_ERROR_PREFIX "ServerRefused" },
  { ESIM_ERROR_SERVER_UNREACHABLE, ESIM_ERROR_PREFIX "ServerUnreachable" },
  { ESIM_ERROR_SERVER_UNTRUSTED, ESIM_ERROR_PREFIX "ServerUntrusted" },
  { ESIM_ERROR_TIMEOUT, ESIM_ERROR_PREFIX "Timeout" },
  { ESIM_ERROR_CANCELLED, ESIM_ERROR_PREFIX "Cancelled" },
  { ESIM_ERROR_CARD_ERROR, ESIM_ERROR_PREFIX "CardError" },
  { ESIM_ERROR_CARD_GONE, ESIM_ERROR_PREFIX "CardGone" },
  { ESIM_ERROR_INSTALL_FAILED, ESIM_ERROR_PREFIX "InstallFailed" },
  { ESIM_ERROR_ICCID_ALREADY_INSTALLED, ESIM_ERROR_PREFIX "IccidAlreadyInstalled" },
  { ESIM_ERROR_INSUFFICIENT_MEMORY, ESIM_ERROR_PREFIX "InsufficientMemory" },
  { ESIM_ERROR_NOT_SUPPORTED, ESIM_ERROR_PREFIX "NotSupported" },
  { ESIM_ERROR_BUSY, ESIM_ERROR_PREFIX "Busy" },
  { ESIM_ERROR_SERVER_UNKNOWN_ROOT, ESIM_ERROR_PREFIX "ServerUnknownRoot" },
  { ESIM_ERROR_SERVER_CERTIFICATE_EXPIRED, ESIM_ERROR_PREFIX "ServerCertificateExpired" },
  { ESIM_ERROR_SERVER_WRONG_HOST, ESIM_ERROR_PREFIX "ServerWrongHost" },
  { ESIM_ERROR_CARD_BUSY, ESIM_ERROR_PREFIX "CardBusy" },
  { ESIM_ERROR_ORDER_EXPIRED, ESIM_ERROR_PREFIX "OrderExpired" },
  { ESIM_ERROR_DOWNLOAD_RETRIES_EXCEEDED, ESIM_ERROR_PREFIX "DownloadRetriesExceeded" },
  { ESIM_ERROR_SERVER_INCOMPATIBLE, ESIM_ERROR_PREFIX "ServerIncompatible" },
  { ESIM_ERROR_SESSION_EXPIRED, ESIM_ERROR_PREFIX "SessionExpired" },
  { ESIM_ERROR_DECLINED, ESIM_ERROR_PREFIX "Declined" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (esim_error_entries) == ESIM_ERROR_DECLINED + 1);

/**
 * esim_error_quark:
 *
 * The #GQuark of the #EsimError domain ("esim-error-quark"). It is
 * registered with GDBus, so the remote errors of esimd arrive in this
 * domain from any method call on the connection.
 *
 * Returns: the error domain
 */
GQuark
esim_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("esim-error-quark", &quark, esim_error_entries,
                                      G_N_ELEMENTS (esim_error_entries));
  return (GQuark) quark;
}

/**
 * esim_error_to_dbus_name:
 * @code: an #EsimError
 *
 * The D-Bus error name of @code.
 *
 * Returns: (nullable): "org.freedesktop.Esim1.Error.<Name>", or %NULL for
 *   a code outside the enumeration
 */
const gchar *
esim_error_to_dbus_name (EsimError code)
{
  if ((guint) code >= G_N_ELEMENTS (esim_error_entries))
    return NULL;
  return esim_error_entries[code].dbus_error_name;
}

/**
 * esim_error_new_for_dbus_error:
 * @dbus_error_name: a D-Bus error name, e.g. from the Job's Completed signal
 * @message: (nullable): the message that came with it
 *
 * The #GError of a D-Bus error name: an #EsimError for esimd's names, the
 * registered domain of any other known name (e.g. %G_DBUS_ERROR), else
 * %G_IO_ERROR_DBUS_ERROR. The message carries no "GDBus.Error:" prefix.
 *
 * Returns: (transfer full): a new #GError
 */
GError *
esim_error_new_for_dbus_error (const gchar *dbus_error_name, const gchar *message)
{
  GError *error;

  g_return_val_if_fail (dbus_error_name != NULL, NULL);

  (void) esim_error_quark ();
  if (*dbus_error_name == '\0')
    dbus_error_name = ESIM_ERROR_PREFIX "Failed";
  if (message == NULL || *message == '\0')
    message = dbus_error_name;
  error = g_dbus_error_new_for_dbus_error (dbus_error_name, message);
  g_dbus_error_strip_remote_error (error);
  return error;
}

/* a method call's error: registered names were mapped by GDBus already,
 * so their "GDBus.Error:NAME: " prefix is noise for a user; an unknown name
 * (G_IO_ERROR_DBUS_ERROR) keeps it, it is all that tells what happened */
GError *
esim_error_from_call (GError *error)
{
  if (error->domain != G_IO_ERROR && g_dbus_error_is_remote_error (error))
    g_dbus_error_strip_remote_error (error);
  return error;
}

/**
 * esim_error_dup_dbus_name:
 * @error: an error of a libesim call or job
 *
 * The D-Bus error name @error came with, for a script or a log: the
 * org.freedesktop.Esim1.Error.* name of an #EsimError, the
 * org.freedesktop.DBus.Error.* name of a %G_DBUS_ERROR (e.g. ServiceUnknown
 * when esimd is not running), or the name of any other remote error.
 *
 * Returns: (transfer full) (nullable): the name, or %NULL for an error of
 *   this side (e.g. %G_IO_ERROR_CANCELLED, a timeout that never reached the
 *   bus)
 */
gchar *
esim_error_dup_dbus_name (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  (void) esim_error_quark ();
  /* a name GDBus does not know stays in the message: "GDBus.Error:NAME: …" */
  if (g_dbus_error_is_remote_error (error))
    return g_dbus_error_get_remote_error (error);
  if (error->domain == ESIM_ERROR)
    return g_strdup (esim_error_to_dbus_name ((EsimError) error->code));
  if (error->domain == G_DBUS_ERROR)
    return g_dbus_error_encode_gerror (error);
  return NULL;
}

static EsimErrorKind
esim_error_kind_of_esim (EsimError code)
{
  switch (code) {
  case ESIM_ERROR_NOT_AUTHORIZED:
    return ESIM_ERROR_KIND_NOT_AUTHORIZED;
  case ESIM_ERROR_INVALID_ARGUMENT:
  case ESIM_ERROR_INVALID_ACTIVATION_CODE:
    return ESIM_ERROR_KIND_INVALID;
  case ESIM_ERROR_SERVER_UNREACHABLE:
  case ESIM_ERROR_TIMEOUT:
  case ESIM_ERROR_CARD_GONE:
    return ESIM_ERROR_KIND_UNREACHABLE;
  case ESIM_ERROR_CANCELLED:
    return ESIM_ERROR_KIND_CANCELLED;
  case ESIM_ERROR_FAILED:
  case ESIM_ERROR_UNKNOWN_PROFILE:
  case ESIM_ERROR_PROFILE_NOT_DISABLED:
  case ESIM_ERROR_PROFILE_NOT_ENABLED:
  case ESIM_ERROR_DISALLOWED_BY_POLICY:
  case ESIM_ERROR_NOTHING_TO_DELETE:
  case ESIM_ERROR_CONFIRMATION_CODE_REQUIRED:
  case ESIM_ERROR_CONFIRMATION_CODE_REFUSED:
  case ESIM_ERROR_MATCHING_ID_REFUSED:
  case ESIM_ERROR_SERVER_REFUSED:
  case ESIM_ERROR_SERVER_UNTRUSTED:
  case ESIM_ERROR_CARD_ERROR:
  case ESIM_ERROR_INSTALL_FAILED:
  case ESIM_ERROR_ICCID_ALREADY_INSTALLED:
  case ESIM_ERROR_INSUFFICIENT_MEMORY:
  case ESIM_ERROR_NOT_SUPPORTED:
  case ESIM_ERROR_BUSY:
  default:
    return ESIM_ERROR_KIND_FAILED;
  }
}

/* the bus's own errors: the daemon is not there or cannot be started, the
 * bus or the daemon did not answer, the bus policy said no */
static EsimErrorKind
esim_error_kind_of_dbus (GDBusError code)
{
  switch (code) {
  case G_DBUS_ERROR_SERVICE_UNKNOWN:
  case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
  case G_DBUS_ERROR_NO_REPLY:
  case G_DBUS_ERROR_TIMEOUT:
  case G_DBUS_ERROR_TIMED_OUT:
  case G_DBUS_ERROR_DISCONNECTED:
  case G_DBUS_ERROR_NO_SERVER:
  case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
  case G_DBUS_ERROR_SPAWN_FORK_FAILED:
  case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
  case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
  case G_DBUS_ERROR_SPAWN_FAILED:
  case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
  case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
  case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
  case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
  case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
  case G_DBUS_ERROR_SPAWN_FILE_INVALID:
  case G_DBUS_ERROR_SPAWN_NO_MEMORY:
    return ESIM_ERROR_KIND_UNREACHABLE;
  case G_DBUS_ERROR_ACCESS_DENIED:
    return ESIM_ERROR_KIND_NOT_AUTHORIZED;
  default:
    return ESIM_ERROR_KIND_FAILED;
  }
}

/**
 * esim_error_get_kind:
 * @error: an error of a libesim call or job
 *
 * Sorts @error into what a user interface tells apart: an #EsimError by
 * its code, a bus error (%G_DBUS_ERROR) by what it means for reaching
 * esimd (ServiceUnknown, NameHasNoOwner, NoReply, Timeout, Disconnected
 * and a failed bus activation are %ESIM_ERROR_KIND_UNREACHABLE,
 * AccessDenied and InteractiveAuthorizationRequired
 * %ESIM_ERROR_KIND_NOT_AUTHORIZED), and the errors of this side
 * (%G_IO_ERROR_TIMED_OUT, a closed connection, %G_IO_ERROR_CANCELLED).
 *
 * Returns: the #EsimErrorKind; %ESIM_ERROR_KIND_FAILED for anything else
 */
EsimErrorKind
esim_error_get_kind (const GError *error)
{
  g_autofree gchar *name = NULL;

  g_return_val_if_fail (error != NULL, ESIM_ERROR_KIND_FAILED);

  (void) esim_error_quark ();
  if (error->domain == ESIM_ERROR)
    return esim_error_kind_of_esim ((EsimError) error->code);
  if (error->domain == G_DBUS_ERROR)
    return esim_error_kind_of_dbus ((GDBusError) error->code);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return ESIM_ERROR_KIND_CANCELLED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return ESIM_ERROR_KIND_UNREACHABLE;
  /* names GDBus has no code for */
  name = esim_error_dup_dbus_name (error);
  if (g_strcmp0 (name, "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired") == 0)
    return ESIM_ERROR_KIND_NOT_AUTHORIZED;
  return ESIM_ERROR_KIND_FAILED;
}
