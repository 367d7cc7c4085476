/*
 * esim-sim: a simulated eUICC on a unix socket, for tests and benchmarks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib-unix.h>

#include "esim-sim-card.h"
#include "esim-sim-server.h"

static const gchar description[]
  = "Serves the card side of SGP.22 ES10a/b/c on a unix socket, with the framing\n"
    "of the esimd \"socket\" transport. One client is served at a time; each new\n"
    "connection finds a freshly reset card (logical channels closed).\n"
    "\n"
    "Profile seeding, --profile UPPFILE[,key=value]... (only when the state file\n"
    "does not exist yet; the ICCID comes from the package's ProfileHeader):\n"
    "  state=enabled|disabled       default disabled (at most one enabled)\n"
    "  class=test|provisioning|operational   default operational\n"
    "  ppr=1|2|12                   profile policy rules PPR1/PPR2\n"
    "  nickname=TEXT  name=TEXT (default: the header's profileType)\n"
    "  spn=TEXT (default \"Test Operator\")  iccid=DIGITS (override)\n"
    "  notify=FQDN (default smdp.example.test; empty: no notifications)\n"
    "  events=all|none|install+enable+disable+delete   default all\n"
    "  mccmnc=DIGITS (profileOwner)  icon=FILE (.png is PNG, else JPG, <= 1 KiB)\n"
    "  size=BYTES (memory used; default the package size)\n"
    "A second profile with an ICCID already present is an error.\n"
    "\n"
    "RAT rules, --rat PPRS[:MCCMNC[+MCCMNC...]][:consent], e.g. --rat 12 (PPR1 and\n"
    "PPR2 allowed for every operator) or --rat 1:00101:consent. Default: empty RAT.\n"
    "\n"
    "Faults, --fault SPEC (APDU frames counted from 1 since start, across clients):\n"
    "  sw:N:XXXX    answer status word XXXX to the N-th APDU without running it\n"
    "  delay:N:MS   answer the N-th APDU MS milliseconds late (delay:*:MS: every one)\n"
    "  vanish:N     at the N-th APDU hang up and stop listening (the socket file is\n"
    "               removed); the program keeps running until SIGTERM\n"
    "  result:FUNCTION:CODE[:N]  answer the N-th call (default every call) of an ES10\n"
    "               function (EnableProfile, DisableProfile, DeleteProfile, ...) with\n"
    "               result CODE without running it, e.g. result:EnableProfile:5\n"
    "\n"
    "Quirks of cards in the field, --quirk NAME[,NAME...]:\n"
    "  sparse-euiccinfo2     GetEUICCInfo2 without the optional fields, firmware\n"
    "                        version, ppVersion and SAS number; a vendor tag DF21\n"
    "  no-root-ds            GetEuiccConfiguredAddresses without rootDsAddress\n"
    "  unknown-profile-tags  ProfileInfo with 9F63, DF01 and BF63 vendor tags, an\n"
    "                        unknown 9F63 in the list; notifications with event bit 6\n"
    "  no-select-p2-0c       SELECT with P2 0C (no FCI) refused with 6A86\n"
    "--max-segment N[:SW]: a STORE DATA block of more than N bytes gets SW (6700,\n"
    "or e.g. 6601) and the partial command is dropped.\n"
    "\n"
    "Status words: unopened channel 6881, no channel left 6A81, unknown AID 6A82,\n"
    "ES10 without ISD-R selected 6985, bad STORE DATA P1/P2 or block number 6A86,\n"
    "not exactly one TLV 6A80, unknown ES10 function 6A88, GET RESPONSE with\n"
    "nothing pending 6985, unknown INS 6D00, bad CLA 6E00, wrong length 6700.\n"
    "Responses always come through 61xx and GET RESPONSE; --strict-le answers\n"
    "6Cxx to a GET RESPONSE whose Le is not the exact remaining length (< 256).\n"
    "\n"
    "esim-sim gets SIGTERM when the process that started it exits, so that a\n"
    "failing test leaves no simulator behind.";

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autoptr (EsimSimConfig) config = esim_sim_config_new ();
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimSimCard) card = NULL;
  g_autoptr (EsimSimServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree gchar *socket_path = NULL;
  g_autofree gchar *memory = NULL;
  g_auto (GStrv) faults = NULL;
  g_auto (GStrv) quirks = NULL;
  g_autofree gchar *max_segment = NULL;
  gboolean verbose = FALSE;
  const GOptionEntry entries[]
    = { { "socket", 0, 0, G_OPTION_ARG_FILENAME, &socket_path, "Unix socket to listen on", "PATH" },
        { "state", 0, 0, G_OPTION_ARG_FILENAME, &config->state_path,
          "State file (JSON), created when missing", "FILE" },
        { "pki", 0, 0, G_OPTION_ARG_FILENAME, &config->pki_dir,
          "SGP.26 PKI directory (eUICC/, EUM/, CertificateIssuer/)", "DIR" },
        { "profile", 0, 0, G_OPTION_ARG_STRING_ARRAY, &config->profiles,
          "Seed a profile (repeatable; see below)", "SPEC" },
        { "isdr-aid", 0, 0, G_OPTION_ARG_STRING, &config->isdr_aid,
          "ISD-R AID in hex (default " ESIM_SIM_ISDR_AID ")", "HEX" },
        { "eid", 0, 0, G_OPTION_ARG_STRING, &config->eid,
          "EID, 32 digits (default: serialNumber of the eUICC certificate)", "EID" },
        { "memory", 0, 0, G_OPTION_ARG_STRING, &memory,
          "Total non-volatile memory for profiles (default 1048576)", "BYTES" },
        { "default-smdp", 0, 0, G_OPTION_ARG_STRING, &config->default_smdp,
          "Initial default SM-DP+ address (default none)", "FQDN" },
        { "root-smds", 0, 0, G_OPTION_ARG_STRING, &config->root_smds,
          "Root SM-DS address (default " ESIM_SIM_DEFAULT_ROOT_SMDS ")", "FQDN" },
        { "rat", 0, 0, G_OPTION_ARG_STRING_ARRAY, &config->rat,
          "Add a Rules Authorisation Table rule (repeatable)", "RULE" },
        { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults, "Inject a fault (repeatable)",
          "SPEC" },
        { "stats-file", 0, 0, G_OPTION_ARG_FILENAME, &config->stats_path,
          "Statistics (JSON): the STORE DATA blocks of each ES10 command", "FILE" },
        { "strict-le", 0, 0, G_OPTION_ARG_NONE, &config->strict_le,
          "Answer 6Cxx to a GET RESPONSE without the exact Le", NULL },
        { "max-segment", 0, 0, G_OPTION_ARG_STRING, &max_segment,
          "Refuse a STORE DATA block of more than N bytes with SW (default 6700)", "N[:SW]" },
        { "quirk", 0, 0, G_OPTION_ARG_STRING_ARRAY, &quirks,
          "Answer as a sloppy card does (repeatable; see below)", "NAME" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log every APDU (debug level)", NULL },
        { NULL } };

  setlocale (LC_ALL, "");
  /* a test that aborts must not leave its card running: go with the parent */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (getppid () == 1)
    return EXIT_FAILURE;
  context = g_option_context_new ("- simulated eUICC (SGP.22) on a unix socket");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, description);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("esim-sim: %s\n", error->message);
    return EXIT_FAILURE;
  }
  if (verbose)
    g_log_set_debug_enabled (TRUE);
  if (socket_path == NULL || config->state_path == NULL || config->pki_dir == NULL) {
    g_printerr ("esim-sim: --socket, --state and --pki are required (see --help)\n");
    return EXIT_FAILURE;
  }
  if (memory != NULL
      && !g_ascii_string_to_unsigned (memory, 10, 1, G_MAXINT64, &config->memory, &error)) {
    g_printerr ("esim-sim: --memory: %s\n", error->message);
    return EXIT_FAILURE;
  }

  if (max_segment != NULL) {
    g_auto (GStrv) parts = g_strsplit (max_segment, ":", 2);
    guint64 n = 0, sw = 0x6700;

    if (!g_ascii_string_to_unsigned (parts[0], 10, 1, 255, &n, &error)
        || (parts[1] != NULL
            && !g_ascii_string_to_unsigned (parts[1], 16, 0x6000, 0x6FFF, &sw, &error))) {
      g_printerr ("esim-sim: --max-segment: %s\n", error->message);
      return EXIT_FAILURE;
    }
    config->max_segment = (guint) n;
    config->max_segment_sw = (guint16) sw;
  }
  for (guint i = 0; quirks != NULL && quirks[i] != NULL; i++) {
    if (!esim_sim_quirks_parse (quirks[i], &config->quirks, &error)) {
      g_printerr ("esim-sim: %s\n", error->message);
      return EXIT_FAILURE;
    }
  }
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++) {
    if (!esim_sim_server_add_fault (NULL, faults[i], &error)) {
      g_printerr ("esim-sim: %s\n", error->message);
      return EXIT_FAILURE;
    }
  }
  card = esim_sim_card_new (config, &error);
  if (card == NULL) {
    g_printerr ("esim-sim: %s\n", error->message);
    return EXIT_FAILURE;
  }
  server = esim_sim_server_new (card, socket_path, &error);
  if (server == NULL) {
    g_printerr ("esim-sim: %s\n", error->message);
    return EXIT_FAILURE;
  }
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++) {
    if (!esim_sim_server_add_fault (server, faults[i], &error)) {
      g_printerr ("esim-sim: %s\n", error->message);
      return EXIT_FAILURE;
    }
  }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);

  esim_sim_server_stop (server);
  /* let cancelled operations finish so that nothing is left behind */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return EXIT_SUCCESS;
}
