/*
 * Every result code of every ES10 function in rsp.asn has an error of its
 * own with a readable message: the test reads ../shared/reference/rsp.asn,
 * finds each INTEGER { name(n), ... } enumeration, and asks
 * esim_es10_result_lookup() for every non-zero value. An enumeration the
 * test cannot place fails it, so that a new rsp.asn cannot leave the table
 * silently incomplete.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-es10-download.h"
#include "esim-es10-error.h"
#include "esim-test-sim.h"

/* enumerations of types defined on their own, and the function whose
 * response carries them */
static const struct {
  const gchar *type;
  guint32 tag;
} named_results[] = {
  { "ProfileInfoListError", 0xBF2D },  /* GetProfilesInfo */
  { "DownloadErrorCode", 0xBF21 },     /* PrepareDownload */
  { "AuthenticateErrorCode", 0xBF38 }, /* AuthenticateServer */
  { "ErrorReason", 0xBF37 },           /* ProfileInstallationResult */
  { "LoadCRLResponseError", 0xBF35 },  /* LoadCRL */
};

/* enumerations that are no ES10 result: values, request parameters, and
 * the ASN.1 binding of the ES9+/ES11 server answers (esimd speaks the JSON
 * binding; its subject/reason codes are in esim-rsp-client.c) */
static const gchar *const not_results[] = {
  "RemoteOpId",
  "EUICCInfo2",
  "IconType",
  "ProfileState",
  "ProfileClass",
  "CancelSessionReason",
  "BppCommandId",
  "InitiateAuthenticationResponse",
  "AuthenticateClientResponseEs9",
  "GetBoundProfilePackageResponse",
  "CancelSessionResponseEs9",
  "AuthenticateClientResponseEs11",
  NULL,
};

/* the [N] of "Name ::= [N] SEQUENCE/CHOICE": the response tag BF<N> */
static guint32
definition_tag (const gchar *definition)
{
  const gchar *p = strstr (definition, "::=");
  guint64 n = 0;

  if (p == NULL)
    return 0;
  p += 3;
  while (*p == ' ')
    p++;
  if (*p != '[' || !g_ascii_isdigit (p[1]))
    return 0;
  n = g_ascii_strtoull (p + 1, NULL, 10);
  /* context-specific, constructed, a tag number of two bytes */
  if (n < 31 || n > 127)
    return 0;
  return 0xBF00 | (guint32) n;
}

static guint
check_enumeration (const gchar *name, guint32 tag, const gchar *list, GString *missing)
{
  g_autoptr (GRegex) value_re
    = g_regex_new ("([A-Za-z][A-Za-z0-9-]*) *\\( *([0-9]+) *\\)", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  guint checked = 0;

  g_regex_match (value_re, list, 0, &match);
  while (g_match_info_matches (match)) {
    g_autofree gchar *value_name = g_match_info_fetch (match, 1);
    g_autofree gchar *number = g_match_info_fetch (match, 2);
    gint64 value = g_ascii_strtoll (number, NULL, 10);
    const gchar *text = NULL;
    GQuark domain = 0;
    gint code = -1;

    g_match_info_next (match, NULL);
    if (value == 0)
      continue;
    checked++;
    if (!esim_es10_result_lookup (tag, value, &domain, &code, &text)) {
      g_string_append_printf (missing, "  %s %s(%" G_GINT64_FORMAT ") [tag %X]\n", name, value_name,
                              value, tag);
      continue;
    }
    /* a readable message, in one of the three ES10 domains */
    g_assert_true (domain == ESIM_ES10_ERROR || domain == ESIM_DOWNLOAD_ERROR
                   || domain == ESIM_INSTALL_ERROR);
    g_assert_nonnull (text);
    g_assert_cmpuint (strlen (text), >, 5);
    /* the specific code: only undefinedError may be the undefined one */
    if (!g_str_has_prefix (value_name, "undefinedError")
        && !g_str_has_prefix (value_name, "installFailedDueToUnknownError")) {
      if (domain == ESIM_ES10_ERROR)
        g_assert_cmpint (code, !=, ESIM_ES10_ERROR_UNDEFINED);
      else if (domain == ESIM_DOWNLOAD_ERROR)
        g_assert_cmpint (code, !=, ESIM_DOWNLOAD_ERROR_UNDEFINED);
      else
        g_assert_cmpint (code, !=, ESIM_INSTALL_ERROR_UNKNOWN);
    }
  }
  return checked;
}

/* the name of a top-level definition starting on this line, or NULL */
static gchar *
definition_name (const gchar *line)
{
  const gchar *p = line;
  const gchar *end;

  if (!g_ascii_isalpha (*p))
    return NULL;
  while (g_ascii_isalnum (*p) || *p == '-')
    p++;
  end = p;
  while (*p == ' ')
    p++;
  if (!g_str_has_prefix (p, "::="))
    return NULL;
  return g_strndup (line, (gsize) (end - line));
}

static void
check_definition (const gchar *name, const gchar *whole, guint *enumerations, guint *checked,
                  GString *missing, GString *unplaced)
{
  guint32 tag = definition_tag (whole);
  const gchar *p = whole;

  while ((p = strstr (p, "INTEGER")) != NULL) {
    const gchar *open = p + strlen ("INTEGER");
    const gchar *close;
    g_autofree gchar *list = NULL;
    guint32 t = tag;

    p = open;
    while (*open == ' ')
      open++;
    if (*open != '{')
      continue;
    close = strchr (open, '}');
    g_assert_nonnull (close);
    list = g_strndup (open + 1, (gsize) (close - open - 1));
    p = close;
    (*enumerations)++;
    if (g_strv_contains (not_results, name))
      continue;
    for (guint i = 0; i < G_N_ELEMENTS (named_results); i++)
      if (g_str_equal (named_results[i].type, name))
        t = named_results[i].tag;
    if (t == 0) {
      g_string_append_printf (unplaced, "  %s\n", name);
      continue;
    }
    *checked += check_enumeration (name, t, list, missing);
  }
}

static void
test_results_cover_rsp_asn (void)
{
  g_autofree gchar *path = esim_test_shared_path ("reference/rsp.asn");
  g_autofree gchar *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) missing = g_string_new (NULL);
  g_autoptr (GString) unplaced = g_string_new (NULL);
  g_autoptr (GString) current = g_string_new (NULL);
  g_autofree gchar *current_name = NULL;
  g_auto (GStrv) lines = NULL;
  guint checked = 0, enumerations = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  /* one top-level definition runs from "Name ::=" up to the next one */
  for (guint i = 0;; i++) {
    g_autofree gchar *name = lines[i] != NULL ? definition_name (lines[i]) : NULL;

    if (lines[i] == NULL || name != NULL) {
      if (current_name != NULL)
        check_definition (current_name, current->str, &enumerations, &checked, missing, unplaced);
      if (lines[i] == NULL)
        break;
      g_free (current_name);
      current_name = g_steal_pointer (&name);
      g_string_truncate (current, 0);
    }
    /* comments may hold braces */
    {
      const gchar *comment = strstr (lines[i], "--");
      g_string_append_len (current, lines[i], comment != NULL ? (gssize) (comment - lines[i]) : -1);
      g_string_append_c (current, '\n');
    }
  }
  if (unplaced->len > 0)
    g_error ("enumerations of rsp.asn this test cannot place (add them to named_results or "
             "not_results):\n%s",
             unplaced->str);
  if (missing->len > 0)
    g_error ("result codes of rsp.asn without an error in esim_es10_result_lookup():\n%s",
             missing->str);
  /* the parse found the file's enumerations, not nothing */
  g_assert_cmpuint (enumerations, >=, 25);
  g_assert_cmpuint (checked, >=, 60);
}

/* the codes later SGP.22 versions added, which rsp.asn v2.2 lacks */
static void
test_results_later_versions (void)
{
  GQuark domain = 0;
  gint code = 0;
  const gchar *text = NULL;

  for (guint i = 0; i < 3; i++) {
    const guint32 tags[] = { 0xBF31, 0xBF32, 0xBF34 };

    g_assert_true (esim_es10_result_lookup (tags[i], 5, &domain, &code, &text));
    g_assert_true (domain == ESIM_ES10_ERROR);
    g_assert_cmpint (code, ==, ESIM_ES10_ERROR_CAT_BUSY);
    g_assert_nonnull (strstr (text, "busy"));
  }
  /* no version names these */
  g_assert_false (esim_es10_result_lookup (0xBF31, 6, NULL, NULL, NULL));
  g_assert_false (esim_es10_result_lookup (0xBF31, 0, NULL, NULL, NULL));
  g_assert_false (esim_es10_result_lookup (0xBF99, 1, NULL, NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/es10/results/cover-rsp-asn", test_results_cover_rsp_asn);
  g_test_add_func ("/es10/results/later-versions", test_results_later_versions);
  return g_test_run ();
}
