/*
 * The SM-DP+ and SM-DS status codes (subjectCode / reasonCode of a Failed
 * functionExecutionStatus): each known one its own error and text, the
 * others by their reason class, the server's message kept.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-rsp-client.h"

static GError *
parse_failed (const gchar *subject, const gchar *reason, const gchar *message)
{
  g_autofree gchar *json = g_strdup_printf (
    "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\",\"statusCodeData\":"
    "{\"subjectCode\":\"%s\",\"reasonCode\":\"%s\",\"message\":\"%s\"}}}}",
    subject, reason, message);
  g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));
  GError *error = NULL;
  JsonObject *answer = esim_rsp_parse_answer ("authenticateClient", 200, body, &error);

  g_assert_null (answer);
  g_assert_nonnull (error);
  return error;
}

static void
test_rsp_status_known (void)
{
  const struct {
    const gchar *subject;
    const gchar *reason;
    EsimRspError code;
    const gchar *words;
  } cases[] = {
    { "8.8.5", "4.1", ESIM_RSP_ERROR_ORDER_EXPIRED, "expired" },
    { "8.8.5", "4.10", ESIM_RSP_ERROR_ORDER_EXPIRED, "expired" },
    { "8.8.5", "6.4", ESIM_RSP_ERROR_ORDER_RETRIES_EXCEEDED, "too often" },
    { "8.1", "4.8", ESIM_RSP_ERROR_INSUFFICIENT_MEMORY, "memory" },
    { "8.2.6", "3.8", ESIM_RSP_ERROR_MATCHING_ID_REFUSED, "matching ID" },
    { "8.8", "3.10", ESIM_RSP_ERROR_INVALID_OID, "OID" },
    { "8.8.4", "3.7", ESIM_RSP_ERROR_NO_COMMON_CERTIFICATE, "certificate" },
    { "8.2.1", "3.9", ESIM_RSP_ERROR_PROFILE_UNKNOWN, "profile" },
    { "8.11.1", "3.9", ESIM_RSP_ERROR_UNKNOWN_CI, "trust" },
    { "8.10.1", "3.9", ESIM_RSP_ERROR_UNKNOWN_TRANSACTION, "session" },
    { "8.9", "5.1", ESIM_RSP_ERROR_SMDS_UNAVAILABLE, "SM-DS" },
    { "8.2.7", "6.4", ESIM_RSP_ERROR_CONFIRMATION_CODE_RETRIES_EXCEEDED, "confirmation" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = parse_failed (cases[i].subject, cases[i].reason, "why");
    g_autofree gchar *codes
      = g_strdup_printf ("(subject %s, reason %s): why", cases[i].subject, cases[i].reason);

    g_test_message ("%s / %s: %s", cases[i].subject, cases[i].reason, error->message);
    g_assert_error (error, ESIM_RSP_ERROR, (gint) cases[i].code);
    g_assert_nonnull (strstr (error->message, cases[i].words));
    g_assert_true (g_str_has_suffix (error->message, codes));
  }
}

static void
test_rsp_status_classes (void)
{
  const struct {
    const gchar *reason;
    EsimRspError code;
  } cases[] = {
    { "1.1", ESIM_RSP_ERROR_NOT_ALLOWED },  { "2.1", ESIM_RSP_ERROR_BAD_REQUEST },
    { "2.2", ESIM_RSP_ERROR_BAD_REQUEST },  { "3.5", ESIM_RSP_ERROR_FAILED },
    { "4.2", ESIM_RSP_ERROR_SERVER_ERROR }, { "5.3", ESIM_RSP_ERROR_SERVER_ERROR },
    { "9.9", ESIM_RSP_ERROR_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = parse_failed ("1.2", cases[i].reason, "");

    g_assert_error (error, ESIM_RSP_ERROR, (gint) cases[i].code);
    g_assert_nonnull (strstr (error->message, "subject 1.2"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rsp/status/known", test_rsp_status_known);
  g_test_add_func ("/rsp/status/classes", test_rsp_status_classes);
  return g_test_run ();
}
