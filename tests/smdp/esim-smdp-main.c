/*
 * esim-smdp: a test SM-DP+ (ES9+) and SM-DS (ES11) over HTTPS, for the
 * tests and benchmarks of esimd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib-unix.h>

#include "esim-smdp-server.h"
#include "esim-smdp-tls.h"

static const gchar description[]
  = "Serves SGP.22 ES9+ (/gsma/rsp2/es9plus/...) and ES11 (/gsma/rsp2/es11/...)\n"
    "over HTTPS with the SGP.26 test PKI. The TLS certificate is issued at start\n"
    "under the SGP.26 CI for 127.0.0.1, ::1 and localhost.\n"
    "\n"
    "Catalog, --profile MATCHINGID=UPPFILE[,option]...:\n"
    "  cc=CODE          confirmation code required\n"
    "  eid=EID          only for this eUICC (32 digits)\n"
    "  iccid=DIGITS     override the package's ICCID (the header is rewritten)\n"
    "  name=TEXT spn=TEXT class=test|provisioning|operational ppr=1|2|12\n"
    "  default          served for an empty matching ID (default SM-DP+)\n"
    "SM-DS events, --event EID=EVENTID[@ADDRESS] (address default: this server).\n"
    "--role smds signs ES11 with a CERT.DSauth issued at start (default smdp:\n"
    "CERT.DP2auth, an SM-DP+ certificate).\n"
    "\n"
    "Faults, --fault SPEC (FUNC: the last path element, or *):\n"
    "  http500:FUNC[:N]   HTTP 500 for the N-th call (default every call)\n"
    "  timeout:FUNC       accept the request and never answer\n"
    "  malformed-json:FUNC  a truncated JSON body\n"
    "  bad-signature:FUNC   corrupt serverSignature1 / smdpSignature2 / smdpSign\n"
    "  tamper-segment:FUNC  flip a ciphertext byte of the BPP's last segment\n"
    "  latency:FUNC:MS    answer MS milliseconds late\n"
    "  redirect:FUNC      HTTP 302 to another server\n"
    "  http4xx-json:FUNC  HTTP 400 with SGP.22 codes (8.2.6 / 3.8) in a JSON body\n"
    "  expired:FUNC       functionExecutionStatus Expired\n"
    "  slow-body:FUNC:BYTES_PER_S  trickle the answer's body at this rate\n"
    "  stall-body:FUNC[:BYTES]  send the headers and BYTES of the body\n"
    "                     (default half of it), then nothing more\n"
    "  status:FUNC:SUBJECT/REASON[:N]  answer the N-th call (default every call)\n"
    "                     Failed with that subjectCode/reasonCode, e.g. 8.8.5/4.1\n"
    "\n"
    "Quirks of deployed servers, --quirk NAME:\n"
    "  wrap-base64[:64|:76]      wrap base64 members with CRLF\n"
    "  unpadded-base64           base64 members without '=' padding\n"
    "  lowercase-transaction-id  lower-case hex, the echo compared exactly\n"
    "  empty-200-notification    handleNotification: 200 with an empty body\n"
    "  es11-on-es9plus-path      an SM-DS on /gsma/rsp2/es9plus/ only (es11/ 404)\n"
    "  reject-uppercase-host     400 for upper-case letters in Host or smdpAddress\n"
    "  json-charset              Content-Type application/json;charset=UTF-8\n"
    "  event-without-id          an ES11 event entry without eventId first\n"
    "--address HOST:0 stands for HOST with the port bound.\n"
    "\n"
    "TLS, --tls-mode MODE: good, unknown-ci (a fresh self-signed CA), expired,\n"
    "wrong-host, web-ca (a throw-away public web CA: root, issuing CA, server),\n"
    "legacy-expired (a throw-away root whose validity ended a year ago).\n"
    "--tls-root-file FILE gets the PEM of the root the chain ends in."
    "\n"
    "Catalog usage is kept in memory only: a restart makes every order\n"
    "available again. esim-smdp exits on SIGTERM/SIGINT and when its parent does.";

typedef struct {
  gchar *pki;
  gchar *listen;
  gchar *port_file;
  gchar *address;
  gchar **profiles;
  gchar **events;
  gchar **faults;
  gchar **quirks;
  gint latency_ms;
  gchar *stats_file;
  gchar *tls_mode;
  gchar *tls_root_file;
  gchar *role;
  gboolean verbose;
} EsimSmdpOptions;

static void
esim_smdp_options_clear (EsimSmdpOptions *o)
{
  g_free (o->pki);
  g_free (o->listen);
  g_free (o->port_file);
  g_free (o->address);
  g_strfreev (o->profiles);
  g_strfreev (o->events);
  g_strfreev (o->faults);
  g_strfreev (o->quirks);
  g_free (o->stats_file);
  g_free (o->tls_mode);
  g_free (o->tls_root_file);
  g_free (o->role);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EsimSmdpOptions, esim_smdp_options_clear)

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* HOST:PORT or [V6]:PORT */
static gboolean
parse_listen (const gchar *text, GInetAddress **address, guint16 *port, GError **error)
{
  const gchar *colon = strrchr (text, ':');
  g_autofree gchar *host = NULL;
  guint64 value = 0;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT16, &value, NULL)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--listen wants ADDRESS:PORT, not “%s”", text);
    return FALSE;
  }
  host = g_strndup (text, colon - text);
  if (host[0] == '[' && host[strlen (host) - 1] == ']') {
    gchar *inner = g_strndup (host + 1, strlen (host) - 2);

    g_free (host);
    host = inner;
  }
  *address = g_inet_address_new_from_string (host);
  if (*address == NULL) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "“%s” is not an IP address",
                 host);
    return FALSE;
  }
  *port = (guint16) value;
  return TRUE;
}

static gboolean
run (EsimSmdpOptions *o, GError **error)
{
  g_autoptr (EsimSmdpCatalog) catalog = esim_smdp_catalog_new ();
  g_autoptr (EsimSmdpRsp) rsp = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (EsimSmdpServer) server = NULL;
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree gchar *host = NULL;
  g_autofree gchar *own = NULL;
  g_autofree gchar *port_text = NULL;
  g_autofree gchar *root_pem = NULL;
  EsimSmdpTlsMode tls_mode = ESIM_SMDP_TLS_GOOD;
  guint16 port = 0, bound = 0;
  guint sigterm, sigint;

  if (o->pki == NULL || o->listen == NULL) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                         "--pki and --listen are required");
    return FALSE;
  }
  if (o->tls_mode != NULL && !esim_smdp_tls_mode_from_string (o->tls_mode, &tls_mode)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--tls-mode is good, unknown-ci, expired, wrong-host, web-ca or legacy-expired, "
                 "not “%s”",
                 o->tls_mode);
    return FALSE;
  }
  if (o->role != NULL && g_strcmp0 (o->role, "smdp") != 0 && g_strcmp0 (o->role, "smds") != 0) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--role is smdp or smds, not “%s”", o->role);
    return FALSE;
  }
  if (o->latency_ms < 0) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "--latency-ms must not be negative");
    return FALSE;
  }
  if (!parse_listen (o->listen, &address, &port, error))
    return FALSE;
  for (guint i = 0; o->profiles != NULL && o->profiles[i] != NULL; i++) {
    if (!esim_smdp_catalog_add_profile_spec (catalog, o->profiles[i], error))
      return FALSE;
  }
  for (guint i = 0; o->events != NULL && o->events[i] != NULL; i++) {
    if (!esim_smdp_catalog_add_event_spec (catalog, o->events[i], error))
      return FALSE;
  }
  rsp = esim_smdp_rsp_new (o->pki, catalog, error);
  if (rsp == NULL)
    return FALSE;
  if (g_strcmp0 (o->role, "smds") == 0 && !esim_smdp_rsp_use_ds_auth (rsp, o->pki, error))
    return FALSE;
  certificate = esim_smdp_tls_make_certificate (o->pki, tls_mode, &root_pem, error);
  if (certificate == NULL)
    return FALSE;
  /* before the port file: a client that sees the port finds the root */
  if (o->tls_root_file != NULL && !g_file_set_contents (o->tls_root_file, root_pem, -1, error))
    return FALSE;
  server = esim_smdp_server_new (rsp, certificate, error);
  if (server == NULL)
    return FALSE;
  for (guint i = 0; o->faults != NULL && o->faults[i] != NULL; i++) {
    if (!esim_smdp_server_add_fault (server, o->faults[i], error))
      return FALSE;
  }
  for (guint i = 0; o->quirks != NULL && o->quirks[i] != NULL; i++) {
    if (!esim_smdp_server_add_quirk (server, o->quirks[i], error))
      return FALSE;
  }
  esim_smdp_server_set_latency (server, (guint) o->latency_ms);
  esim_smdp_server_set_stats_file (server, o->stats_file);
  if (!esim_smdp_server_listen (server, address, port, &bound, error))
    return FALSE;

  host = g_inet_address_to_string (address);
  /* HOST:0 is HOST with the port bound */
  if (o->address != NULL && g_str_has_suffix (o->address, ":0"))
    own = g_strdup_printf ("%.*s:%u", (int) strlen (o->address) - 2, o->address, bound);
  else if (o->address != NULL)
    own = g_strdup (o->address);
  else if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    own = g_strdup_printf ("[%s]:%u", host, bound);
  else
    own = g_strdup_printf ("%s:%u", host, bound);
  esim_smdp_rsp_set_address (rsp, own);
  g_message ("serving on %s:%u as %s", host, bound, own);

  /* the port file last: when it exists, the server answers */
  port_text = g_strdup_printf ("%u\n", bound);
  if (o->port_file != NULL && !g_file_set_contents (o->port_file, port_text, -1, error))
    return FALSE;

  sigterm = g_unix_signal_add (SIGTERM, quit_cb, loop);
  sigint = g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigterm);
  g_source_remove (sigint);
  /* open connections close from the main context: let them */
  g_clear_object (&server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_auto (EsimSmdpOptions) o = { 0 };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[]
    = { { "pki", 0, 0, G_OPTION_ARG_FILENAME, &o.pki, "SGP.26 certificate folder", "DIR" },
        { "listen", 0, 0, G_OPTION_ARG_STRING, &o.listen, "Listen address (port 0: any)",
          "ADDR:PORT" },
        { "port-file", 0, 0, G_OPTION_ARG_FILENAME, &o.port_file, "Write the port here", "FILE" },
        { "address", 0, 0, G_OPTION_ARG_STRING, &o.address,
          "The address clients use (default: the listen address)", "HOST:PORT" },
        { "profile", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.profiles, "A download order",
          "MATCHINGID=UPPFILE[,...]" },
        { "event", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.events, "An SM-DS event",
          "EID=EVENTID[@ADDRESS]" },
        { "quirk", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.quirks, "Behave like some deployed servers",
          "NAME" },
        { "latency-ms", 0, 0, G_OPTION_ARG_INT, &o.latency_ms, "Delay every response", "MS" },
        { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.faults, "Inject a fault", "SPEC" },
        { "stats-file", 0, 0, G_OPTION_ARG_FILENAME, &o.stats_file, "Statistics (JSON)", "FILE" },
        { "tls-mode", 0, 0, G_OPTION_ARG_STRING, &o.tls_mode,
          "good, unknown-ci, expired, wrong-host, web-ca or legacy-expired", "MODE" },
        { "tls-root-file", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_root_file,
          "Write the root of the TLS chain here (PEM)", "FILE" },
        { "role", 0, 0, G_OPTION_ARG_STRING, &o.role,
          "smdp (ES11 signed with CERT.DP2auth) or smds (a CERT.DSauth)", "ROLE" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &o.verbose, "Debug messages", NULL },
        { NULL } };

  setlocale (LC_ALL, "");
  /* a test helper must not outlive the test that started it */
  prctl (PR_SET_PDEATHSIG, SIGTERM);

  context = g_option_context_new ("- test SM-DP+ and SM-DS");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, description);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("esim-smdp: %s\n", error->message);
    return 2;
  }
  if (o.verbose)
    g_log_set_debug_enabled (TRUE);
  if (!run (&o, &error)) {
    g_printerr ("esim-smdp: %s\n", error->message);
    return 1;
  }
  return 0;
}
