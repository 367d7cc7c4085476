/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-activation-code.h"
#include "esim-dbus-error.h"
#include "esim-es10-download.h"
#include "esim-es10-error.h"
#include "esim-http.h"
#include "esim-iccid.h"
#include "esim-lpa-error.h"
#include "esim-rsp-client.h"
#include "esim-apdu.h"
#include "esim-transport.h"

static const GDBusErrorEntry esim_dbus_error_entries[] = {
  { ESIM_DBUS_ERROR_FAILED, ESIM_DBUS_ERROR_PREFIX "Failed" },
  { ESIM_DBUS_ERROR_NOT_AUTHORIZED, ESIM_DBUS_ERROR_PREFIX "NotAuthorized" },
  { ESIM_DBUS_ERROR_INVALID_ARGUMENT, ESIM_DBUS_ERROR_PREFIX "InvalidArgument" },
  { ESIM_DBUS_ERROR_INVALID_ACTIVATION_CODE, ESIM_DBUS_ERROR_PREFIX "InvalidActivationCode" },
  { ESIM_DBUS_ERROR_UNKNOWN_PROFILE, ESIM_DBUS_ERROR_PREFIX "UnknownProfile" },
  { ESIM_DBUS_ERROR_PROFILE_NOT_DISABLED, ESIM_DBUS_ERROR_PREFIX "ProfileNotDisabled" },
  { ESIM_DBUS_ERROR_PROFILE_NOT_ENABLED, ESIM_DBUS_ERROR_PREFIX "ProfileNotEnabled" },
  { ESIM_DBUS_ERROR_DISALLOWED_BY_POLICY, ESIM_DBUS_ERROR_PREFIX "DisallowedByPolicy" },
  { ESIM_DBUS_ERROR_NOTHING_TO_DELETE, ESIM_DBUS_ERROR_PREFIX "NothingToDelete" },
  { ESIM_DBUS_ERROR_CONFIRMATION_CODE_REQUIRED, ESIM_DBUS_ERROR_PREFIX "ConfirmationCodeRequired" },
  { ESIM_DBUS_ERROR_CONFIRMATION_CODE_REFUSED, ESIM_DBUS_ERROR_PREFIX "ConfirmationCodeRefused" },
  { ESIM_DBUS_ERROR_MATCHING_ID_REFUSED, ESIM_DBUS_ERROR_PREFIX "MatchingIdRefused" },
  { ESIM_DBUS_ERROR_SERVER_REFUSED, ESIM_DBUS_ERROR_PREFIX "ServerRefused" },
  { ESIM_DBUS_ERROR_SERVER_UNREACHABLE, ESIM_DBUS_ERROR_PREFIX "ServerUnreachable" },
  { ESIM_DBUS_ERROR_SERVER_UNTRUSTED, ESIM_DBUS_ERROR_PREFIX "ServerUntrusted" },
  { ESIM_DBUS_ERROR_TIMEOUT, ESIM_DBUS_ERROR_PREFIX "Timeout" },
  { ESIM_DBUS_ERROR_CANCELLED, ESIM_DBUS_ERROR_PREFIX "Cancelled" },
  { ESIM_DBUS_ERROR_CARD_ERROR, ESIM_DBUS_ERROR_PREFIX "CardError" },
  { ESIM_DBUS_ERROR_CARD_GONE, ESIM_DBUS_ERROR_PREFIX "CardGone" },
  { ESIM_DBUS_ERROR_INSTALL_FAILED, ESIM_DBUS_ERROR_PREFIX "InstallFailed" },
  { ESIM_DBUS_ERROR_ICCID_ALREADY_INSTALLED, ESIM_DBUS_ERROR_PREFIX "IccidAlreadyInstalled" },
  { ESIM_DBUS_ERROR_INSUFFICIENT_MEMORY, ESIM_DBUS_ERROR_PREFIX "InsufficientMemory" },
  { ESIM_DBUS_ERROR_NOT_SUPPORTED, ESIM_DBUS_ERROR_PREFIX "NotSupported" },
  { ESIM_DBUS_ERROR_BUSY, ESIM_DBUS_ERROR_PREFIX "Busy" },
  { ESIM_DBUS_ERROR_SERVER_UNKNOWN_ROOT, ESIM_DBUS_ERROR_PREFIX "ServerUnknownRoot" },
  { ESIM_DBUS_ERROR_SERVER_CERTIFICATE_EXPIRED, ESIM_DBUS_ERROR_PREFIX "ServerCertificateExpired" },
  { ESIM_DBUS_ERROR_SERVER_WRONG_HOST, ESIM_DBUS_ERROR_PREFIX "ServerWrongHost" },
  { ESIM_DBUS_ERROR_CARD_BUSY, ESIM_DBUS_ERROR_PREFIX "CardBusy" },
  { ESIM_DBUS_ERROR_ORDER_EXPIRED, ESIM_DBUS_ERROR_PREFIX "OrderExpired" },
  { ESIM_DBUS_ERROR_DOWNLOAD_RETRIES_EXCEEDED, ESIM_DBUS_ERROR_PREFIX "DownloadRetriesExceeded" },
  { ESIM_DBUS_ERROR_SERVER_INCOMPATIBLE, ESIM_DBUS_ERROR_PREFIX "ServerIncompatible" },
  { ESIM_DBUS_ERROR_SESSION_EXPIRED, ESIM_DBUS_ERROR_PREFIX "SessionExpired" },
  { ESIM_DBUS_ERROR_DECLINED, ESIM_DBUS_ERROR_PREFIX "Declined" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (esim_dbus_error_entries) == ESIM_DBUS_ERROR_LAST + 1);

GQuark
esim_dbus_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("esim-dbus-error-quark", &quark, esim_dbus_error_entries,
                                      G_N_ELEMENTS (esim_dbus_error_entries));
  return (GQuark) quark;
}

const gchar *
esim_dbus_error_to_name (EsimDbusError code)
{
  if ((guint) code > ESIM_DBUS_ERROR_LAST)
    return NULL;
  return esim_dbus_error_entries[code].dbus_error_name;
}

static EsimDbusError
esim_dbus_error_for_es10 (gint code)
{
  switch (code) {
  case ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND:
  case ESIM_ES10_ERROR_ICCID_NOT_FOUND:
    return ESIM_DBUS_ERROR_UNKNOWN_PROFILE;
  case ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE:
    return ESIM_DBUS_ERROR_PROFILE_NOT_DISABLED;
  case ESIM_ES10_ERROR_PROFILE_NOT_IN_ENABLED_STATE:
    return ESIM_DBUS_ERROR_PROFILE_NOT_ENABLED;
  case ESIM_ES10_ERROR_DISALLOWED_BY_POLICY:
  case ESIM_ES10_ERROR_WRONG_PROFILE_REENABLING:
    return ESIM_DBUS_ERROR_DISALLOWED_BY_POLICY;
  case ESIM_ES10_ERROR_NOTHING_TO_DELETE:
    return ESIM_DBUS_ERROR_NOTHING_TO_DELETE;
  case ESIM_ES10_ERROR_INCORRECT_INPUT_VALUES:
    return ESIM_DBUS_ERROR_INVALID_ARGUMENT;
  case ESIM_ES10_ERROR_CAT_BUSY:
    return ESIM_DBUS_ERROR_CARD_BUSY;
  case ESIM_ES10_ERROR_NOT_SUPPORTED:
    return ESIM_DBUS_ERROR_NOT_SUPPORTED;
  case ESIM_ES10_ERROR_NOT_ENOUGH_MEMORY:
    return ESIM_DBUS_ERROR_INSUFFICIENT_MEMORY;
  default:
    return ESIM_DBUS_ERROR_CARD_ERROR;
  }
}

/* the card refused the server during a download */
static EsimDbusError
esim_dbus_error_for_download (gint code)
{
  switch (code) {
  case ESIM_DOWNLOAD_ERROR_INVALID_CERTIFICATE:
  case ESIM_DOWNLOAD_ERROR_INVALID_SIGNATURE:
  case ESIM_DOWNLOAD_ERROR_INVALID_OID:
  case ESIM_DOWNLOAD_ERROR_CI_PK_UNKNOWN:
    return ESIM_DBUS_ERROR_SERVER_UNTRUSTED;
  case ESIM_DOWNLOAD_ERROR_UNSUPPORTED_CURVE:
    return ESIM_DBUS_ERROR_NOT_SUPPORTED;
  default:
    return ESIM_DBUS_ERROR_INSTALL_FAILED;
  }
}

static EsimDbusError
esim_dbus_error_for_install (gint code)
{
  switch (code) {
  case ESIM_INSTALL_ERROR_ICCID_ALREADY_EXISTS:
    return ESIM_DBUS_ERROR_ICCID_ALREADY_INSTALLED;
  case ESIM_INSTALL_ERROR_INSUFFICIENT_MEMORY:
    return ESIM_DBUS_ERROR_INSUFFICIENT_MEMORY;
  case ESIM_INSTALL_ERROR_PPR_NOT_ALLOWED:
    return ESIM_DBUS_ERROR_DISALLOWED_BY_POLICY;
  case ESIM_INSTALL_ERROR_UNSUPPORTED_PROFILE_CLASS:
  case ESIM_INSTALL_ERROR_UNSUPPORTED_REMOTE_OPERATION_TYPE:
  case ESIM_INSTALL_ERROR_UNSUPPORTED_CRT_VALUES:
    return ESIM_DBUS_ERROR_NOT_SUPPORTED;
  default:
    return ESIM_DBUS_ERROR_INSTALL_FAILED;
  }
}

static EsimDbusError
esim_dbus_error_for_rsp (gint code)
{
  switch (code) {
  case ESIM_RSP_ERROR_MATCHING_ID_REFUSED:
  case ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE:
  case ESIM_RSP_ERROR_EID_MISMATCH:
  case ESIM_RSP_ERROR_EVENT_UNKNOWN:
    return ESIM_DBUS_ERROR_MATCHING_ID_REFUSED;
  case ESIM_RSP_ERROR_CONFIRMATION_CODE_MISSING:
    return ESIM_DBUS_ERROR_CONFIRMATION_CODE_REQUIRED;
  case ESIM_RSP_ERROR_CONFIRMATION_CODE_REFUSED:
  case ESIM_RSP_ERROR_CONFIRMATION_CODE_RETRIES_EXCEEDED:
    return ESIM_DBUS_ERROR_CONFIRMATION_CODE_REFUSED;
  case ESIM_RSP_ERROR_UNSUPPORTED_VERSION:
  case ESIM_RSP_ERROR_EUICC_NOT_SUPPORTED:
    return ESIM_DBUS_ERROR_NOT_SUPPORTED;
  case ESIM_RSP_ERROR_PROFILE_UNKNOWN:
    return ESIM_DBUS_ERROR_MATCHING_ID_REFUSED;
  case ESIM_RSP_ERROR_INSUFFICIENT_MEMORY:
    return ESIM_DBUS_ERROR_INSUFFICIENT_MEMORY;
  case ESIM_RSP_ERROR_ORDER_EXPIRED:
    return ESIM_DBUS_ERROR_ORDER_EXPIRED;
  case ESIM_RSP_ERROR_ORDER_RETRIES_EXCEEDED:
    return ESIM_DBUS_ERROR_DOWNLOAD_RETRIES_EXCEEDED;
  case ESIM_RSP_ERROR_NO_COMMON_CERTIFICATE:
  case ESIM_RSP_ERROR_UNKNOWN_CI:
    return ESIM_DBUS_ERROR_SERVER_INCOMPATIBLE;
  case ESIM_RSP_ERROR_INVALID_OID:
    return ESIM_DBUS_ERROR_SERVER_UNTRUSTED;
  case ESIM_RSP_ERROR_UNKNOWN_TRANSACTION:
  case ESIM_RSP_ERROR_EXPIRED:
    /* functionExecutionStatus Expired: the server gave up on the session */
    return ESIM_DBUS_ERROR_SESSION_EXPIRED;
  case ESIM_RSP_ERROR_SMDS_UNAVAILABLE:
    return ESIM_DBUS_ERROR_SERVER_UNREACHABLE;
  default:
    return ESIM_DBUS_ERROR_SERVER_REFUSED;
  }
}

static EsimDbusError
esim_dbus_error_for_http (gint code)
{
  switch (code) {
  case ESIM_HTTP_ERROR_CERTIFICATE:
  case ESIM_HTTP_ERROR_TLS:
    return ESIM_DBUS_ERROR_SERVER_UNTRUSTED;
  case ESIM_HTTP_ERROR_UNKNOWN_ROOT:
    return ESIM_DBUS_ERROR_SERVER_UNKNOWN_ROOT;
  case ESIM_HTTP_ERROR_EXPIRED:
    return ESIM_DBUS_ERROR_SERVER_CERTIFICATE_EXPIRED;
  case ESIM_HTTP_ERROR_WRONG_HOST:
    return ESIM_DBUS_ERROR_SERVER_WRONG_HOST;
  case ESIM_HTTP_ERROR_TIMEOUT:
    return ESIM_DBUS_ERROR_TIMEOUT;
  case ESIM_HTTP_ERROR_TOO_LARGE:
    return ESIM_DBUS_ERROR_SERVER_REFUSED;
  default:
    return ESIM_DBUS_ERROR_SERVER_UNREACHABLE;
  }
}

static EsimDbusError
esim_dbus_error_for_transport (gint code)
{
  switch (code) {
  case ESIM_TRANSPORT_ERROR_GONE:
  case ESIM_TRANSPORT_ERROR_NOT_OPEN:
    return ESIM_DBUS_ERROR_CARD_GONE;
  case ESIM_TRANSPORT_ERROR_BUSY:
    return ESIM_DBUS_ERROR_BUSY;
  default:
    return ESIM_DBUS_ERROR_CARD_ERROR;
  }
}

static EsimDbusError
esim_dbus_error_for_apdu (gint code)
{
  switch (code) {
  case ESIM_APDU_ERROR_NOT_ENOUGH_MEMORY:
    return ESIM_DBUS_ERROR_INSUFFICIENT_MEMORY;
  case ESIM_APDU_ERROR_FUNCTION_NOT_SUPPORTED:
  case ESIM_APDU_ERROR_INS_NOT_SUPPORTED:
  case ESIM_APDU_ERROR_CLA_NOT_SUPPORTED:
    return ESIM_DBUS_ERROR_NOT_SUPPORTED;
  default:
    return ESIM_DBUS_ERROR_CARD_ERROR;
  }
}

static EsimDbusError
esim_dbus_error_for_lpa (gint code)
{
  switch (code) {
  case ESIM_LPA_ERROR_CONFIRMATION_CODE_REQUIRED:
    return ESIM_DBUS_ERROR_CONFIRMATION_CODE_REQUIRED;
  case ESIM_LPA_ERROR_SERVER_MISMATCH:
    return ESIM_DBUS_ERROR_SERVER_UNTRUSTED;
  case ESIM_LPA_ERROR_NO_DEFAULT_SMDP:
  case ESIM_LPA_ERROR_NO_ROOT_SMDS:
    return ESIM_DBUS_ERROR_INVALID_ARGUMENT;
  default:
    return ESIM_DBUS_ERROR_FAILED;
  }
}

static EsimDbusError
esim_dbus_error_for_io (gint code)
{
  switch (code) {
  case G_IO_ERROR_CANCELLED:
    return ESIM_DBUS_ERROR_CANCELLED;
  case G_IO_ERROR_INVALID_ARGUMENT:
    return ESIM_DBUS_ERROR_INVALID_ARGUMENT;
  case G_IO_ERROR_TIMED_OUT:
    return ESIM_DBUS_ERROR_TIMEOUT;
  case G_IO_ERROR_BUSY:
    return ESIM_DBUS_ERROR_BUSY;
  case G_IO_ERROR_NOT_SUPPORTED:
    return ESIM_DBUS_ERROR_NOT_SUPPORTED;
  default:
    return ESIM_DBUS_ERROR_FAILED;
  }
}

EsimDbusError
esim_dbus_error_code_for (const GError *error)
{
  if (error->domain == ESIM_DBUS_ERROR && (guint) error->code <= ESIM_DBUS_ERROR_LAST)
    return error->code;
  if (error->domain == ESIM_ES10_ERROR)
    return esim_dbus_error_for_es10 (error->code);
  if (error->domain == ESIM_DOWNLOAD_ERROR)
    return esim_dbus_error_for_download (error->code);
  if (error->domain == ESIM_INSTALL_ERROR)
    return esim_dbus_error_for_install (error->code);
  if (error->domain == ESIM_RSP_ERROR)
    return esim_dbus_error_for_rsp (error->code);
  if (error->domain == ESIM_HTTP_ERROR)
    return esim_dbus_error_for_http (error->code);
  if (error->domain == ESIM_TRANSPORT_ERROR)
    return esim_dbus_error_for_transport (error->code);
  if (error->domain == ESIM_APDU_ERROR)
    return esim_dbus_error_for_apdu (error->code);
  if (error->domain == ESIM_LPA_ERROR)
    return esim_dbus_error_for_lpa (error->code);
  if (error->domain == ESIM_ACTIVATION_CODE_ERROR)
    return ESIM_DBUS_ERROR_INVALID_ACTIVATION_CODE;
  if (error->domain == ESIM_ICCID_ERROR)
    return ESIM_DBUS_ERROR_INVALID_ARGUMENT;
  if (error->domain == G_IO_ERROR)
    return esim_dbus_error_for_io (error->code);
  return ESIM_DBUS_ERROR_FAILED;
}

GError *
esim_dbus_error_from_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  return g_error_new_literal (ESIM_DBUS_ERROR, esim_dbus_error_code_for (error), error->message);
}

void
esim_dbus_error_return (GDBusMethodInvocation *invocation, const GError *error)
{
  g_dbus_method_invocation_take_error (invocation, esim_dbus_error_from_error (error));
}
