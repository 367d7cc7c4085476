/*
 * esimctl as a program: usage errors (exit 2 with a clear message), no
 * daemon on an empty bus (exit 3), and --card against the simulated eUICC
 * with --json. The daemon mode is covered by tests/integration.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "esim-test-sim.h"

typedef struct {
  gint status;
  gchar *out;
  gchar *err;
} EsimCtlRun;

static void
esimctl_run_free (EsimCtlRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimCtlRun, esimctl_run_free)

/* envp NULL: ours; the program comes from $ESIMCTL_PATH */
static EsimCtlRun *
esimctl_runv (gchar **envp, const gchar *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  EsimCtlRun *run = g_new0 (EsimCtlRun, 1);

  g_ptr_array_add (argv, (gpointer) g_getenv ("ESIMCTL_PATH"));
  g_assert_nonnull (argv->pdata[0]);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (envp != NULL)
    g_subprocess_launcher_set_environ (launcher, envp);
  process = g_subprocess_launcher_spawnv (launcher, (const gchar *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
  return run;
}

static EsimCtlRun *
esimctl_run_env (gchar **envp, const gchar *first_arg, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const gchar *arg = first_arg; arg != NULL; arg = va_arg (ap, const gchar *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return esimctl_runv (envp, (const gchar *const *) args->pdata);
}

#define esimctl_run(...) esimctl_run_env (NULL, __VA_ARGS__)

static JsonNode *
parse_json (const gchar *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
assert_usage (EsimCtlRun *run, const gchar *message)
{
  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "esimctl: "));
  g_assert_nonnull (strstr (run->err, message));
}

static void
test_usage (void)
{
  const gchar *iccid = "8949449999999990163";
  struct {
    const gchar *args[6];
    const gchar *message;
  } cases[] = {
    { { NULL }, "no command given" },
    { { "frobnicate", NULL }, "unknown command “frobnicate”" },
    { { "--no-such-option", "list", NULL }, "Unknown option --no-such-option" },
    { { "list", "extra", NULL }, "Usage: esimctl list" },
    { { "list", "--enable", NULL }, "--enable does not go with “list”" },
    { { "list", "--ca", "x.pem", NULL }, "--ca does not go with “list”" },
    { { "enable", NULL }, "Usage: esimctl enable ICCID" },
    { { "enable", "12345", NULL }, "“12345” is not an ICCID" },
    { { "disable", "89494499999999901X3", NULL }, "is not an ICCID" },
    { { "delete", iccid, iccid, NULL }, "Usage: esimctl delete ICCID" },
    { { "nickname", iccid, NULL }, "Usage: esimctl nickname ICCID NAME" },
    { { "show", "123", NULL }, "neither an ICCID" },
    { { "install", "LPA:1$only-two", NULL }, "is not an activation code" },
    { { "install", "LPA:1$smdp.example.com$ABC", "--qr", "x.png", NULL }, "not both" },
    { { "install", "LPA:1$smdp.example.com$ABC$$1", NULL }, "needs --confirmation-code" },
    { { "install", "--qr", "/nonexistent/code.png", NULL }, "/nonexistent/code.png" },
    { { "notifications", NULL }, "Usage: esimctl notifications" },
    { { "notifications", "remove", "3", NULL }, "list|process" },
    { { "notifications", "frob", NULL }, "list|process" },
    { { "set-default-smdp", "not a host!", NULL }, "is not an SM-DP+ address" },
    { { "reset", NULL }, "Say what to reset" },
    { { "reset", "--operational", "now", NULL }, "Usage: esimctl reset" },
    { { "test-mode", "maybe", NULL }, "test-mode [on|off]" },
    { { "--euicc", "0", "test-mode", NULL }, "--euicc does not go with “test-mode”" },
    { { "--card", "socket:/nonexistent", "rescan", NULL }, "does not work with --card" },
    { { "--card", "socket:/nonexistent", "--euicc", "1", "list", NULL }, "--euicc does not go" },
    { { "--card", "nosuchkind:/dev/null", "list", NULL }, "--card" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (EsimCtlRun) run = esimctl_runv (NULL, cases[i].args);
    assert_usage (run, cases[i].message);
  }
}

static void
test_help (void)
{
  g_autoptr (EsimCtlRun) run = esimctl_run ("--help", NULL);
  const gchar *commands[]
    = { "list",    "show",      "install",  "discover",      "enable",
        "disable", "delete",    "nickname", "notifications", "set-default-smdp",
        "reset",   "test-mode", "rescan",   "version" };

  g_assert_cmpint (run->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
    g_autofree gchar *line = g_strdup_printf ("\n  %s", commands[i]);
    g_assert_nonnull (strstr (run->out, line));
  }
  g_assert_nonnull (strstr (run->out, "--json"));
  g_assert_nonnull (strstr (run->out, "130 interrupted"));
}

/* --version, help, help COMMAND, COMMAND --help: no daemon needed */
static void
test_help_command (void)
{
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--version", NULL);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpstr (run->out, ==, "esimctl " PACKAGE_VERSION "\n");
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--version", "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "esimctl"), ==,
                     PACKAGE_VERSION);
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("help", NULL);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (strstr (run->out, "\n  monitor"));
    g_assert_nonnull (strstr (run->out, "\n  help [COMMAND]"));
  }
  for (guint i = 0; i < 2; i++) {
    /* the command's usage and only its options */
    g_autoptr (EsimCtlRun) run
      = i == 0 ? esimctl_run ("help", "install", NULL) : esimctl_run ("install", "--help", NULL);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpstr (run->err, ==, "");
    g_assert_true (g_str_has_prefix (run->out, "Usage: esimctl [OPTION…] install [CODE"));
    g_assert_nonnull (strstr (run->out, "--confirmation-code"));
    g_assert_nonnull (strstr (run->out, "--json"));
    g_assert_null (strstr (run->out, "--operational"));
    g_assert_null (strstr (run->out, "\n  list"));
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("reset", "-h", NULL);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (strstr (run->out, "--yes"));
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("help", "frobnicate", NULL);
    assert_usage (run, "unknown command “frobnicate”");
  }
}

/* --json: usage errors are JSON too, whatever went wrong */
static void
test_json_usage_error (void)
{
  const gchar *cases[][4] = {
    { "--json", "frobnicate", NULL },
    { "--json", "--no-such-option", "list", NULL },
    { "enable", "12345", "--json", NULL },
    { "-j", "reset", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (EsimCtlRun) run = esimctl_runv (NULL, cases[i]);
    g_autoptr (JsonNode) node = parse_json (run->out);
    JsonObject *e = json_object_get_object_member (json_node_get_object (node), "error");
    g_assert_cmpint (run->status, ==, 2);
    g_assert_cmpstr (json_object_get_string_member (e, "name"), ==,
                     "org.freedesktop.Esim1.Ctl.Error.Usage");
    g_assert_cmpint (json_object_get_int_member (e, "exit_code"), ==, 2);
    g_assert_nonnull (strstr (run->err, json_object_get_string_member (e, "message")));
  }
}

/* a private bus with nobody on it, as the system bus */
static void
test_no_daemon (void)
{
  const gchar *argv[] = { "dbus-daemon", "--session", "--nofork", "--print-address=1", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) bus = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree gchar *address = NULL;
  g_auto (GStrv) envp = NULL;
  g_autofree gchar *program = g_find_program_in_path ("dbus-daemon");

  if (program == NULL) {
    g_test_skip ("no dbus-daemon");
    return;
  }
  bus = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  address = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);

  envp = g_environ_setenv (g_get_environ (), "DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  {
    g_autoptr (EsimCtlRun) run = esimctl_run_env (envp, "list", NULL);
    g_assert_cmpint (run->status, ==, 3);
    g_assert_cmpstr (run->out, ==, "");
    g_assert_nonnull (strstr (run->err, "esimctl: The eSIM daemon (esimd) is not running"));
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run_env (envp, "enable", "8949449999999990163", NULL);
    g_assert_cmpint (run->status, ==, 3);
  }
  {
    /* version still tells the client's version */
    g_autoptr (EsimCtlRun) run = esimctl_run_env (envp, "version", "--json", NULL);
    g_autoptr (JsonNode) node = json_from_string (run->out, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "esimctl"), ==,
                     PACKAGE_VERSION);
    g_assert_true (json_object_get_null_member (json_node_get_object (node), "esimd"));
  }
  {
    /* the QR code is read before the daemon is asked */
    g_autofree gchar *qrencode = g_find_program_in_path ("qrencode");
    g_autofree gchar *dir = g_dir_make_tmp ("esimctl-XXXXXX", NULL);
    g_autofree gchar *png = g_build_filename (dir, "code.png", NULL);
    const gchar *qr_argv[] = { qrencode, "-o", png, "LPA:1$smdp.example.com$ABC-1", NULL };
    gint status = -1;

    if (qrencode != NULL
        && g_spawn_sync (NULL, (gchar **) qr_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                         &status, NULL)
        && status == 0) {
      g_autoptr (EsimCtlRun) run = esimctl_run_env (envp, "install", "--qr", png, NULL);
      g_assert_cmpint (run->status, ==, 3);
      g_assert_nonnull (strstr (run->err, "not running"));
    }
    g_unlink (png);
    g_rmdir (dir);
  }
  g_subprocess_force_exit (bus);
  g_subprocess_wait (bus, NULL, NULL);

  /* no bus at all */
  g_strfreev (envp);
  envp = g_environ_setenv (g_get_environ (), "DBUS_SYSTEM_BUS_ADDRESS",
                           "unix:path=/nonexistent/esimctl-test-bus", TRUE);
  {
    g_autoptr (EsimCtlRun) run = esimctl_run_env (envp, "list", NULL);
    g_assert_cmpint (run->status, ==, 3);
    g_assert_nonnull (strstr (run->err, "Cannot connect to the system bus"));
  }
}

static void
test_card (void)
{
  g_autofree gchar *upp = esim_test_shared_path ("fixtures/upp/TS48V1-A-UNIQUE.der");
  g_autofree gchar *profile_arg
    = g_strdup_printf ("%s,state=enabled,name=TS.48 v1 A,spn=GSMA Test", upp);
  const gchar *sim_args[] = { "--profile", profile_arg, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTestSim) sim = esim_test_sim_start (sim_args, &error);
  g_autofree gchar *card = NULL;
  g_autofree gchar *iccid = NULL;

  g_assert_no_error (error);
  card = g_strdup_printf ("socket:%s", esim_test_sim_get_socket (sim));

  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "list", "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    JsonArray *list;
    JsonObject *p;

    g_assert_cmpint (run->status, ==, 0);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
    list = json_node_get_array (node);
    g_assert_cmpuint (json_array_get_length (list), ==, 1);
    p = json_array_get_object_element (list, 0);
    iccid = g_strdup (json_object_get_string_member (p, "iccid"));
    g_assert_cmpuint (strlen (iccid), >=, 18);
    g_assert_cmpstr (json_object_get_string_member (p, "state"), ==, "enabled");
    g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, "TS.48 v1 A");
    g_assert_cmpstr (json_object_get_string_member (p, "service_provider"), ==, "GSMA Test");
    g_assert_true (json_object_get_null_member (p, "nickname"));
    g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (p, "policy_rules")));
    g_assert_true (json_object_has_member (p, "class"));
    g_assert_true (json_object_has_member (p, "isdp_aid"));
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "info", "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    JsonObject *o = json_node_get_object (node);
    const gchar *keys[] = { "eid",
                            "sgp22_version",
                            "profile_version",
                            "firmware_version",
                            "free_memory",
                            "installed_applications",
                            "ci_key_ids",
                            "default_smdp_address",
                            "root_smds_address" };

    g_assert_cmpint (run->status, ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      g_assert_true (json_object_has_member (o, keys[i]));
    g_assert_cmpuint (strlen (json_object_get_string_member (o, "eid")), ==, 32);
    g_assert_cmpint (json_object_get_int_member (o, "free_memory"), >, 0);
  }
  {
    g_autoptr (EsimCtlRun) run
      = esimctl_run ("--card", card, "nickname", iccid, "--", "-Travel", NULL);
    g_assert_cmpint (run->status, ==, 0);
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "show", iccid, "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    g_assert_cmpint (run->status, ==, 0);
    /* after “--” a leading dash is the name's */
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "nickname"), ==,
                     "-Travel");
  }
  {
    /* people get a table with translated words */
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "list", NULL);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_true (g_str_has_prefix (run->out, "ICCID"));
    g_assert_nonnull (strstr (run->out, iccid));
    g_assert_nonnull (strstr (run->out, "Travel"));
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "disable", iccid, NULL);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (strstr (run->out, "disabled"));
  }
  {
    /* the card refuses: exit 1 */
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "disable", iccid, NULL);
    g_assert_cmpint (run->status, ==, 1);
    g_assert_true (g_str_has_prefix (run->err, "esimctl: "));
  }
  {
    /* and with --json the failure is an error object on stdout */
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "disable", iccid, "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    JsonObject *e = json_object_get_object_member (json_node_get_object (node), "error");
    g_assert_cmpint (run->status, ==, 1);
    g_assert_cmpint (json_object_get_int_member (e, "exit_code"), ==, 1);
    g_assert_nonnull (json_object_get_string_member (e, "name"));
    g_assert_cmpstr (json_object_get_string_member (e, "message"), !=, "");
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "enable", iccid, "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    JsonObject *o = json_node_get_object (node);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpstr (json_object_get_string_member (o, "command"), ==, "enable");
    g_assert_cmpstr (json_object_get_string_member (o, "iccid"), ==, iccid);
    g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "enabled");
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "show", "89000000000000000000", NULL);
    g_assert_cmpint (run->status, ==, 1);
    g_assert_nonnull (strstr (run->err, "There is no profile 89000000000000000000"));
  }
  {
    g_autoptr (EsimCtlRun) run
      = esimctl_run ("--card", card, "notifications", "list", "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  }
  {
    /* without a terminal nobody can confirm: a script must say --yes */
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "reset", "--operational", NULL);
    assert_usage (run, "--yes");
  }
  {
    /* nothing was wiped */
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "list", "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), >, 0);
  }
  {
    g_autoptr (EsimCtlRun) run
      = esimctl_run ("--card", card, "reset", "--operational", "--yes", "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    JsonObject *o = json_node_get_object (node);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpstr (json_object_get_string_member (o, "command"), ==, "reset");
    g_assert_true (json_object_get_boolean_member (o, "success"));
    g_assert_true (json_object_get_boolean_member (o, "operational"));
  }
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "list", "--json", NULL);
    g_autoptr (JsonNode) node = parse_json (run->out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 0);
  }

  /* the card is gone: exit 3 */
  esim_test_sim_stop (sim);
  {
    g_autoptr (EsimCtlRun) run = esimctl_run ("--card", card, "list", NULL);
    g_assert_cmpint (run->status, ==, 3);
    g_assert_nonnull (strstr (run->err, "Cannot reach the card"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/esimctl/usage", test_usage);
  g_test_add_func ("/esimctl/help", test_help);
  g_test_add_func ("/esimctl/help-command", test_help_command);
  g_test_add_func ("/esimctl/json-usage-error", test_json_usage_error);
  g_test_add_func ("/esimctl/no-daemon", test_no_daemon);
  g_test_add_func ("/esimctl/card", test_card);
  return g_test_run ();
}
