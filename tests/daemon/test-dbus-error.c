/*
 * The D-Bus errors: every name registered, and the mapping of the lower
 * layers' errors with their messages kept.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-activation-code.h"
#include "esim-apdu.h"
#include "esim-dbus-error.h"
#include "esim-es10-download.h"
#include "esim-http.h"
#include "esim-iccid.h"
#include "esim-lpa-error.h"
#include "esim-rsp-client.h"
#include "esim-transport.h"

static void
test_dbus_error_names (void)
{
  const gchar *names[] = {
    "Failed",
    "NotAuthorized",
    "InvalidArgument",
    "InvalidActivationCode",
    "UnknownProfile",
    "ProfileNotDisabled",
    "ProfileNotEnabled",
    "DisallowedByPolicy",
    "NothingToDelete",
    "ConfirmationCodeRequired",
    "ConfirmationCodeRefused",
    "MatchingIdRefused",
    "ServerRefused",
    "ServerUnreachable",
    "ServerUntrusted",
    "Timeout",
    "Cancelled",
    "CardError",
    "CardGone",
    "InstallFailed",
    "IccidAlreadyInstalled",
    "InsufficientMemory",
    "NotSupported",
    "Busy",
    "ServerUnknownRoot",
    "ServerCertificateExpired",
    "ServerWrongHost",
    "CardBusy",
    "OrderExpired",
    "DownloadRetriesExceeded",
    "ServerIncompatible",
    "SessionExpired",
    "Declined",
  };

  g_assert_cmpuint (G_N_ELEMENTS (names), ==, ESIM_DBUS_ERROR_LAST + 1);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autofree gchar *expected = g_strconcat (ESIM_DBUS_ERROR_PREFIX, names[i], NULL);
    g_autoptr (GError) error = g_error_new_literal (ESIM_DBUS_ERROR, i, "why");
    g_autofree gchar *encoded = g_dbus_error_encode_gerror (error);
    g_autoptr (GError) decoded = g_dbus_error_new_for_dbus_error (expected, "why");

    g_assert_cmpstr (esim_dbus_error_to_name (i), ==, expected);
    /* registered: GDBus sends and receives the name itself */
    g_assert_cmpstr (encoded, ==, expected);
    g_assert_error (decoded, ESIM_DBUS_ERROR, (gint) i);
  }
  g_assert_null (esim_dbus_error_to_name (ESIM_DBUS_ERROR_LAST + 1));
}

static const struct {
  const gchar *domain;
  gint code;
  EsimDbusError expected;
} mappings[] = {
  { "es10", ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND, ESIM_DBUS_ERROR_UNKNOWN_PROFILE },
  { "es10", ESIM_ES10_ERROR_ICCID_NOT_FOUND, ESIM_DBUS_ERROR_UNKNOWN_PROFILE },
  { "es10", ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE, ESIM_DBUS_ERROR_PROFILE_NOT_DISABLED },
  { "es10", ESIM_ES10_ERROR_PROFILE_NOT_IN_ENABLED_STATE, ESIM_DBUS_ERROR_PROFILE_NOT_ENABLED },
  { "es10", ESIM_ES10_ERROR_DISALLOWED_BY_POLICY, ESIM_DBUS_ERROR_DISALLOWED_BY_POLICY },
  { "es10", ESIM_ES10_ERROR_NOTHING_TO_DELETE, ESIM_DBUS_ERROR_NOTHING_TO_DELETE },
  { "es10", ESIM_ES10_ERROR_INCORRECT_INPUT_VALUES, ESIM_DBUS_ERROR_INVALID_ARGUMENT },
  { "es10", ESIM_ES10_ERROR_MALFORMED_RESPONSE, ESIM_DBUS_ERROR_CARD_ERROR },
  { "download", ESIM_DOWNLOAD_ERROR_INVALID_CERTIFICATE, ESIM_DBUS_ERROR_SERVER_UNTRUSTED },
  { "download", ESIM_DOWNLOAD_ERROR_CI_PK_UNKNOWN, ESIM_DBUS_ERROR_SERVER_UNTRUSTED },
  { "download", ESIM_DOWNLOAD_ERROR_UNSUPPORTED_CURVE, ESIM_DBUS_ERROR_NOT_SUPPORTED },
  { "download", ESIM_DOWNLOAD_ERROR_BAD_PACKAGE, ESIM_DBUS_ERROR_INSTALL_FAILED },
  { "install", ESIM_INSTALL_ERROR_ICCID_ALREADY_EXISTS, ESIM_DBUS_ERROR_ICCID_ALREADY_INSTALLED },
  { "install", ESIM_INSTALL_ERROR_INSUFFICIENT_MEMORY, ESIM_DBUS_ERROR_INSUFFICIENT_MEMORY },
  { "install", ESIM_INSTALL_ERROR_PPR_NOT_ALLOWED, ESIM_DBUS_ERROR_DISALLOWED_BY_POLICY },
  { "install", ESIM_INSTALL_ERROR_SCP03T_SECURITY_ERROR, ESIM_DBUS_ERROR_INSTALL_FAILED },
  { "rsp", ESIM_RSP_ERROR_MATCHING_ID_REFUSED, ESIM_DBUS_ERROR_MATCHING_ID_REFUSED },
  { "rsp", ESIM_RSP_ERROR_EID_MISMATCH, ESIM_DBUS_ERROR_MATCHING_ID_REFUSED },
  { "rsp", ESIM_RSP_ERROR_CONFIRMATION_CODE_MISSING, ESIM_DBUS_ERROR_CONFIRMATION_CODE_REQUIRED },
  { "rsp", ESIM_RSP_ERROR_CONFIRMATION_CODE_REFUSED, ESIM_DBUS_ERROR_CONFIRMATION_CODE_REFUSED },
  { "rsp", ESIM_RSP_ERROR_CONFIRMATION_CODE_RETRIES_EXCEEDED,
    ESIM_DBUS_ERROR_CONFIRMATION_CODE_REFUSED },
  { "rsp", ESIM_RSP_ERROR_INVALID_SIGNATURE, ESIM_DBUS_ERROR_SERVER_REFUSED },
  { "rsp", ESIM_RSP_ERROR_HTTP_STATUS, ESIM_DBUS_ERROR_SERVER_REFUSED },
  { "rsp", ESIM_RSP_ERROR_INSUFFICIENT_MEMORY, ESIM_DBUS_ERROR_INSUFFICIENT_MEMORY },
  { "rsp", ESIM_RSP_ERROR_ORDER_EXPIRED, ESIM_DBUS_ERROR_ORDER_EXPIRED },
  { "rsp", ESIM_RSP_ERROR_ORDER_RETRIES_EXCEEDED, ESIM_DBUS_ERROR_DOWNLOAD_RETRIES_EXCEEDED },
  { "rsp", ESIM_RSP_ERROR_NO_COMMON_CERTIFICATE, ESIM_DBUS_ERROR_SERVER_INCOMPATIBLE },
  { "rsp", ESIM_RSP_ERROR_INVALID_OID, ESIM_DBUS_ERROR_SERVER_UNTRUSTED },
  { "rsp", ESIM_RSP_ERROR_UNKNOWN_TRANSACTION, ESIM_DBUS_ERROR_SESSION_EXPIRED },
  { "es10", ESIM_ES10_ERROR_CAT_BUSY, ESIM_DBUS_ERROR_CARD_BUSY },
  { "http", ESIM_HTTP_ERROR_RESOLVE, ESIM_DBUS_ERROR_SERVER_UNREACHABLE },
  { "http", ESIM_HTTP_ERROR_CONNECT, ESIM_DBUS_ERROR_SERVER_UNREACHABLE },
  { "http", ESIM_HTTP_ERROR_CERTIFICATE, ESIM_DBUS_ERROR_SERVER_UNTRUSTED },
  { "http", ESIM_HTTP_ERROR_TIMEOUT, ESIM_DBUS_ERROR_TIMEOUT },
  { "http", ESIM_HTTP_ERROR_UNKNOWN_ROOT, ESIM_DBUS_ERROR_SERVER_UNKNOWN_ROOT },
  { "http", ESIM_HTTP_ERROR_EXPIRED, ESIM_DBUS_ERROR_SERVER_CERTIFICATE_EXPIRED },
  { "http", ESIM_HTTP_ERROR_WRONG_HOST, ESIM_DBUS_ERROR_SERVER_WRONG_HOST },
  { "transport", ESIM_TRANSPORT_ERROR_GONE, ESIM_DBUS_ERROR_CARD_GONE },
  { "transport", ESIM_TRANSPORT_ERROR_BUSY, ESIM_DBUS_ERROR_BUSY },
  { "transport", ESIM_TRANSPORT_ERROR_PROTOCOL, ESIM_DBUS_ERROR_CARD_ERROR },
  { "apdu", ESIM_APDU_ERROR_NOT_ENOUGH_MEMORY, ESIM_DBUS_ERROR_INSUFFICIENT_MEMORY },
  { "apdu", ESIM_APDU_ERROR_INS_NOT_SUPPORTED, ESIM_DBUS_ERROR_NOT_SUPPORTED },
  { "apdu", ESIM_APDU_ERROR_SECURITY_STATUS, ESIM_DBUS_ERROR_CARD_ERROR },
  { "lpa", ESIM_LPA_ERROR_CONFIRMATION_CODE_REQUIRED, ESIM_DBUS_ERROR_CONFIRMATION_CODE_REQUIRED },
  { "lpa", ESIM_LPA_ERROR_SERVER_MISMATCH, ESIM_DBUS_ERROR_SERVER_UNTRUSTED },
  { "lpa", ESIM_LPA_ERROR_NO_DEFAULT_SMDP, ESIM_DBUS_ERROR_INVALID_ARGUMENT },
  { "ac", ESIM_ACTIVATION_CODE_ERROR_FIELDS, ESIM_DBUS_ERROR_INVALID_ACTIVATION_CODE },
  { "iccid", ESIM_ICCID_ERROR_INVALID_LENGTH, ESIM_DBUS_ERROR_INVALID_ARGUMENT },
  { "io", G_IO_ERROR_CANCELLED, ESIM_DBUS_ERROR_CANCELLED },
  { "io", G_IO_ERROR_INVALID_ARGUMENT, ESIM_DBUS_ERROR_INVALID_ARGUMENT },
  { "io", G_IO_ERROR_TIMED_OUT, ESIM_DBUS_ERROR_TIMEOUT },
  { "io", G_IO_ERROR_FAILED, ESIM_DBUS_ERROR_FAILED },
  { "dbus", ESIM_DBUS_ERROR_BUSY, ESIM_DBUS_ERROR_BUSY },
  { "other", 3, ESIM_DBUS_ERROR_FAILED },
};

static GQuark
test_domain (const gchar *name)
{
  const struct {
    const gchar *name;
    GQuark quark;
  } domains[] = {
    { "es10", ESIM_ES10_ERROR },
    { "download", ESIM_DOWNLOAD_ERROR },
    { "install", ESIM_INSTALL_ERROR },
    { "rsp", ESIM_RSP_ERROR },
    { "http", ESIM_HTTP_ERROR },
    { "transport", ESIM_TRANSPORT_ERROR },
    { "apdu", ESIM_APDU_ERROR },
    { "lpa", ESIM_LPA_ERROR },
    { "ac", ESIM_ACTIVATION_CODE_ERROR },
    { "iccid", ESIM_ICCID_ERROR },
    { "io", G_IO_ERROR },
    { "dbus", ESIM_DBUS_ERROR },
    { "other", G_FILE_ERROR },
  };

  for (guint i = 0; i < G_N_ELEMENTS (domains); i++) {
    if (g_strcmp0 (domains[i].name, name) == 0)
      return domains[i].quark;
  }
  g_assert_not_reached ();
}

static void
test_dbus_error_mapping (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (mappings); i++) {
    g_autoptr (GError) error = g_error_new (test_domain (mappings[i].domain), mappings[i].code,
                                            "case %u (subject 8.2.6, reason 3.8)", i);
    g_autoptr (GError) mapped = esim_dbus_error_from_error (error);

    g_test_message ("%s %d", mappings[i].domain, mappings[i].code);
    g_assert_error (mapped, ESIM_DBUS_ERROR, (gint) mappings[i].expected);
    /* the SGP.22 reason stays in the message */
    g_assert_cmpstr (mapped->message, ==, error->message);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/daemon/dbus-error/names", test_dbus_error_names);
  g_test_add_func ("/daemon/dbus-error/mapping", test_dbus_error_mapping);
  return g_test_run ();
}
