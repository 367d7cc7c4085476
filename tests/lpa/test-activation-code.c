/*
 * Activation code parsing and confirmation code hashing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-activation-code.h"

static void
test_ac_valid (void)
{
  struct {
    const gchar *text;
    const gchar *address;
    const gchar *matching_id;
    const gchar *oid;
    gboolean cc;
    const gchar *canonical;
  } cases[] = {
    { "LPA:1$SMDP.GSMA.COM$04386-AGYFT-A74Y8-3F815", "SMDP.GSMA.COM", "04386-AGYFT-A74Y8-3F815",
      NULL, FALSE, "LPA:1$SMDP.GSMA.COM$04386-AGYFT-A74Y8-3F815" },
    { "1$smdp.example.com$ABC", "smdp.example.com", "ABC", NULL, FALSE,
      "LPA:1$smdp.example.com$ABC" },
    { "lpa:1$smdp.example.com$ABC$1.3.6.1.4.1.31746", "smdp.example.com", "ABC",
      "1.3.6.1.4.1.31746", FALSE, "LPA:1$smdp.example.com$ABC$1.3.6.1.4.1.31746" },
    { "LPA:1$smdp.example.com$ABC$1.3.6.1.4.1.31746$1", "smdp.example.com", "ABC",
      "1.3.6.1.4.1.31746", TRUE, "LPA:1$smdp.example.com$ABC$1.3.6.1.4.1.31746$1" },
    { "LPA:1$smdp.example.com$ABC$$1", "smdp.example.com", "ABC", NULL, TRUE,
      "LPA:1$smdp.example.com$ABC$$1" },
    { "LPA:1$smdp.example.com$ABC$$0", "smdp.example.com", "ABC", NULL, FALSE,
      "LPA:1$smdp.example.com$ABC" },
    { "  LPA:1$127.0.0.1:8443$MID-1\n", "127.0.0.1:8443", "MID-1", NULL, FALSE,
      "LPA:1$127.0.0.1:8443$MID-1" },
    { "LPA:1$[::1]:8443$X", "[::1]:8443", "X", NULL, FALSE, "LPA:1$[::1]:8443$X" },
    /* SGP.22 v3 allows an empty matching ID */
    { "LPA:1$smdp.example.com$", "smdp.example.com", "", NULL, FALSE, "LPA:1$smdp.example.com$" },
    { "LPA:1$rsp.example.com.$A", "rsp.example.com.", "A", NULL, FALSE,
      "LPA:1$rsp.example.com.$A" },
    /* beyond the 0-9 A-Z '-' of SGP.22 4.1: what operators really issue */
    { "LPA:1$smdp.example.com$qr-7f3a_b.c+d/e=", "smdp.example.com", "qr-7f3a_b.c+d/e=", NULL,
      FALSE, "LPA:1$smdp.example.com$qr-7f3a_b.c+d/e=" },
    { "LPA:1$smdp.example.com$AB C", "smdp.example.com", "AB C", NULL, FALSE,
      "LPA:1$smdp.example.com$AB C" },
    { "LPA:1$smdp.example.com$ÄBC$$1", "smdp.example.com", "ÄBC", NULL, TRUE,
      "LPA:1$smdp.example.com$ÄBC$$1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimActivationCode) ac = esim_activation_code_parse (cases[i].text, &error);
    g_autoptr (EsimActivationCode) copy = NULL;
    g_autofree gchar *canonical = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (ac);
    g_assert_cmpstr (ac->smdp_address, ==, cases[i].address);
    g_assert_cmpstr (ac->matching_id, ==, cases[i].matching_id);
    g_assert_cmpstr (ac->smdp_oid, ==, cases[i].oid);
    g_assert_cmpint (ac->confirmation_code_required, ==, cases[i].cc);
    copy = esim_activation_code_copy (ac);
    canonical = esim_activation_code_to_string (copy);
    g_assert_cmpstr (canonical, ==, cases[i].canonical);
  }
}

static void
test_ac_invalid (void)
{
  struct {
    const gchar *text;
    EsimActivationCodeError code;
  } cases[] = {
    { "", ESIM_ACTIVATION_CODE_ERROR_EMPTY },
    { "LPA:", ESIM_ACTIVATION_CODE_ERROR_EMPTY },
    { "   ", ESIM_ACTIVATION_CODE_ERROR_EMPTY },
    { "2$smdp.example.com$ABC", ESIM_ACTIVATION_CODE_ERROR_FORMAT },
    { "LPA:smdp.example.com$ABC", ESIM_ACTIVATION_CODE_ERROR_FORMAT },
    { "LPA:1$smdp.example.com", ESIM_ACTIVATION_CODE_ERROR_FIELDS },
    { "LPA:1$a.com$B$1.2$1$extra", ESIM_ACTIVATION_CODE_ERROR_FIELDS },
    { "LPA:1$$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$smdp example.com$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$-smdp.example.com$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$smdp..example.com$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$smdp.example.com:0$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$smdp.example.com:65536$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$smdp.example.com:x$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$[::1$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$[1.2.3.4]$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$https://smdp.example.com$ABC", ESIM_ACTIVATION_CODE_ERROR_ADDRESS },
    { "LPA:1$smdp.example.com$A\tBC", ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID },
    { "LPA:1$smdp.example.com$A\x7f"
      "BC",
      ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID },
    { "LPA:1$smdp.example.com$A\xc2\x85"
      "BC",
      ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID },
    { "LPA:1$smdp.example.com$ABC $$0", ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID },
    { "LPA:1$smdp.example.com$ ABC$1.2", ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID },
    { "LPA:1$smdp.example.com$ABC$1", ESIM_ACTIVATION_CODE_ERROR_OID },
    { "LPA:1$smdp.example.com$ABC$1..2", ESIM_ACTIVATION_CODE_ERROR_OID },
    { "LPA:1$smdp.example.com$ABC$1.02", ESIM_ACTIVATION_CODE_ERROR_OID },
    { "LPA:1$smdp.example.com$ABC$3.1", ESIM_ACTIVATION_CODE_ERROR_OID },
    { "LPA:1$smdp.example.com$ABC$1.x", ESIM_ACTIVATION_CODE_ERROR_OID },
    { "LPA:1$smdp.example.com$ABC$$2", ESIM_ACTIVATION_CODE_ERROR_CONFIRMATION_FLAG },
    { "LPA:1$smdp.example.com$ABC$$yes", ESIM_ACTIVATION_CODE_ERROR_CONFIRMATION_FLAG },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimActivationCode) ac = esim_activation_code_parse (cases[i].text, &error);

    g_test_message ("%s", cases[i].text);
    g_assert_null (ac);
    g_assert_error (error, ESIM_ACTIVATION_CODE_ERROR, (gint) cases[i].code);
    /* the message never repeats the matching ID, which may be a secret */
    g_assert_null (strstr (error->message, "ABC"));
  }
}

static void
test_ac_limits (void)
{
  g_autoptr (GString) long_id = g_string_new ("LPA:1$smdp.example.com$");
  g_autoptr (GString) too_long = NULL;
  g_autoptr (GString) host = g_string_new ("LPA:1$");
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimActivationCode) ac = NULL;
  g_autoptr (EsimActivationCode) ac2 = NULL;
  g_autoptr (EsimActivationCode) ac3 = NULL;
  g_autoptr (EsimActivationCode) ac4 = NULL;
  const gchar bad_utf8[] = { 'L', 'P', 'A', ':', '1', '$', (gchar) 0xC3, '(', '$', 'A', 0 };

  for (guint i = 0; i < ESIM_MATCHING_ID_MAX_LENGTH; i++)
    g_string_append_c (long_id, 'A');
  ac = esim_activation_code_parse (long_id->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (ac->matching_id), ==, ESIM_MATCHING_ID_MAX_LENGTH);

  g_string_append_c (long_id, 'A');
  ac2 = esim_activation_code_parse (long_id->str, &error);
  g_assert_null (ac2);
  g_assert_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID);
  g_clear_error (&error);

  too_long = g_string_new (long_id->str);
  while (too_long->len <= ESIM_ACTIVATION_CODE_MAX_LENGTH + strlen ("LPA:"))
    g_string_append_c (too_long, 'A');
  ac3 = esim_activation_code_parse (too_long->str, &error);
  g_assert_null (ac3);
  g_assert_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_TOO_LONG);
  g_clear_error (&error);

  /* a 64-character label is one too many */
  for (guint i = 0; i < 64; i++)
    g_string_append_c (host, 'a');
  g_string_append (host, ".example.com$A");
  ac4 = esim_activation_code_parse (host->str, &error);
  g_assert_null (ac4);
  g_assert_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_ADDRESS);
  g_clear_error (&error);

  g_assert_null (esim_activation_code_parse (bad_utf8, &error));
  g_assert_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_FORMAT);
}

static void
test_matching_and_event_ids (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) long_id = g_string_new (NULL);

  g_assert_true (esim_matching_id_validate ("", NULL));
  g_assert_true (esim_matching_id_validate ("lower-case_and.dots", NULL));
  g_assert_false (esim_matching_id_validate ("A$B", &error));
  g_assert_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID);
  g_clear_error (&error);

  /* an event ID is taken as the SM-DS gave it, '$' and spaces included */
  g_assert_true (esim_event_id_validate ("evt$1 two", NULL));
  g_assert_true (esim_event_id_validate (" padded ", NULL));
  g_assert_false (esim_event_id_validate ("", &error));
  g_assert_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID);
  g_clear_error (&error);
  g_assert_false (esim_event_id_validate ("a\nb", &error));
  g_assert_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID);
  g_clear_error (&error);
  for (guint i = 0; i <= ESIM_MATCHING_ID_MAX_LENGTH; i++)
    g_string_append_c (long_id, 'e');
  g_assert_false (esim_event_id_validate (long_id->str, &error));
  g_assert_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID);
}

static void
test_confirmation_code_hash (void)
{
  guint8 txid[16];
  g_autoptr (GBytes) tx = NULL;
  g_autoptr (GBytes) hash = NULL;
  g_autoptr (GString) hex = g_string_new (NULL);
  const guint8 *data;

  for (guint i = 0; i < sizeof (txid); i++)
    txid[i] = (guint8) (i + 1);
  tx = g_bytes_new (txid, sizeof (txid));
  hash = esim_confirmation_code_hash ("12345678", tx);
  g_assert_cmpuint (g_bytes_get_size (hash), ==, 32);
  data = g_bytes_get_data (hash, NULL);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02X", data[i]);
  /* SHA-256 (SHA-256 ("12345678") || 01..10), computed independently */
  g_assert_cmpstr (hex->str, ==,
                   "87B0215C5D8F952804B1C92D5F2AE9966568B47CD659519536D862E7A9470D2D");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/activation-code/valid", test_ac_valid);
  g_test_add_func ("/activation-code/invalid", test_ac_invalid);
  g_test_add_func ("/activation-code/limits", test_ac_limits);
  g_test_add_func ("/activation-code/matching-and-event-ids", test_matching_and_event_ids);
  g_test_add_func ("/activation-code/confirmation-code-hash", test_confirmation_code_hash);
  return g_test_run ();
}
