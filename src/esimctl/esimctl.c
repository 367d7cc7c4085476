/*
 * esimctl: the command-line client of esimd.
 *
 * By default it talks to esimd on the system bus; with --card KIND:DEVICE
 * it talks to one eUICC directly through a transport, without the daemon.
 * This file parses the command line, checks the arguments before anything
 * is contacted, and runs the command in its mode.
 *
 * Exit codes (esimctl(1)): 0 success, 1 the operation failed (the card or
 * a server refused), 2 usage error, 3 daemon, card or server unreachable,
 * 4 not authorized, 130 interrupted (Ctrl-C cancelled the job). With
 * --json a failure is a JSON object on stdout too, never only words on
 * stderr.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "esim-activation-code.h"
#include "esim-es10.h"
#include "esim-iccid.h"
#include "esimctl-qr.h"
#include "esimctl-output.h"
#include "esimctl.h"

typedef struct {
  gchar *name; /* the D-Bus error name, NULL for a local error */
} EsimCtlErrorPrivate;

static void
esimctl_error_private_init (EsimCtlErrorPrivate *priv)
{
  if (priv == NULL)
    return;
  priv->name = NULL;
}

static void
esimctl_error_private_copy (const EsimCtlErrorPrivate *src, EsimCtlErrorPrivate *dest)
{
  if (src == NULL || dest == NULL)
    return;
  dest->name = g_strdup (src->name);
}

static void
esimctl_error_private_clear (EsimCtlErrorPrivate *priv)
{
  if (priv == NULL)
    return;
  g_clear_pointer (&priv->name, g_free);
}

/* clang-format off */
G_DEFINE_EXTENDED_ERROR (EsimCtlError, esimctl_error)
/* clang-format on */

void
esimctl_error_set_name (GError *error, const gchar *name)
{
  EsimCtlErrorPrivate *priv = esimctl_error_get_private (error);

  g_return_if_fail (priv != NULL);
  g_free (priv->name);
  priv->name = g_strdup (name);
}

const gchar *
esimctl_error_get_name (const GError *error)
{
  EsimCtlErrorPrivate *priv = NULL;

  if (error->domain != ESIMCTL_ERROR)
    return "org.freedesktop.Esim1.Ctl.Error.Failed";
  priv = esimctl_error_get_private (error);
  if (priv != NULL && priv->name != NULL)
    return priv->name;
  switch ((EsimCtlExit) error->code) {
  case ESIMCTL_EXIT_USAGE:
    return "org.freedesktop.Esim1.Ctl.Error.Usage";
  case ESIMCTL_EXIT_UNREACHABLE:
    return "org.freedesktop.Esim1.Ctl.Error.Unreachable";
  case ESIMCTL_EXIT_NOT_AUTHORIZED:
    return "org.freedesktop.Esim1.Ctl.Error.NotAuthorized";
  case ESIMCTL_EXIT_INTERRUPTED:
    return "org.freedesktop.Esim1.Ctl.Error.Interrupted";
  case ESIMCTL_EXIT_OK:
  case ESIMCTL_EXIT_FAILED:
  default:
    return "org.freedesktop.Esim1.Ctl.Error.Failed";
  }
}

typedef struct {
  const gchar *name;
  EsimCtlFunc daemon; /* NULL: only with --card */
  EsimCtlFunc card;   /* NULL: only with the daemon */
  EsimCtlFunc check;  /* the arguments, before anything is contacted */
  guint options;      /* EsimCtlOption */
  guint min_args;
  guint max_args;
  const gchar *usage; /* the arguments, untranslated syntax */
  const gchar *help;
} EsimCtlCommand;

gboolean
esimctl_usage_error (GError **error, const gchar *format, ...)
{
  va_list ap;
  g_autofree gchar *message = NULL;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_USAGE, message);
  return FALSE;
}

gboolean
esimctl_confirm (EsimCtl *ctl, const gchar *question, GError **error)
{
  gchar answer[64] = { 0 };

  if (ctl->yes)
    return TRUE;
  /* without a terminal there is nobody to ask, and a script that forgot
   * --yes must not wipe anything */
  if (!isatty (STDIN_FILENO))
    return esimctl_usage_error (error, _ ("Not on a terminal: nobody to confirm this; give --yes "
                                          "to do it anyway"));
  /* TRANSLATORS: the y and N are the answers of the next string */
  g_printerr ("%s\n%s ", question, _ ("Continue? [y/N]"));
  if (fgets (answer, sizeof (answer), stdin) != NULL) {
    g_strstrip (answer);
    /* TRANSLATORS: the answer “yes” to “Continue? [y/N]”, lower case */
    if (g_ascii_strcasecmp (answer, "y") == 0 || g_ascii_strcasecmp (answer, "yes") == 0
        || g_utf8_collate (answer, C_ ("answer", "y")) == 0
        || g_utf8_collate (answer, C_ ("answer", "yes")) == 0)
      return TRUE;
  }
  g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED,
                       _ ("Not confirmed; nothing done"));
  return FALSE;
}

JsonBuilder *
esimctl_result_new (EsimCtl *ctl)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  esimctl_json_add_string (b, "command", ctl->command);
  esimctl_json_add_bool (b, "success", TRUE);
  return b;
}

void
esimctl_result_print (EsimCtl *ctl, JsonBuilder *b, const gchar *text)
{
  if (ctl->json) {
    json_builder_end_object (b);
    esimctl_json_print (b);
  } else if (text != NULL) {
    g_print ("%s\n", text);
  }
}

static gboolean
esimctl_check_iccid (const gchar *iccid, GError **error)
{
  if (esim_iccid_is_valid (iccid))
    return TRUE;
  return esimctl_usage_error (error, _ ("“%s” is not an ICCID (18 to 20 digits)"), iccid);
}

static gboolean
esimctl_check_first_iccid (EsimCtl *ctl, GError **error)
{
  return esimctl_check_iccid (ctl->args[0], error);
}

static gboolean
esimctl_check_show (EsimCtl *ctl, GError **error)
{
  const gchar *arg = ctl->n_args > 0 ? ctl->args[0] : NULL;
  gsize len = arg != NULL ? strlen (arg) : 0;

  if (arg == NULL || esim_iccid_is_valid (arg))
    return TRUE;
  if (len == 32 && strspn (arg, "0123456789") == len)
    return TRUE;
  return esimctl_usage_error (error,
                              _ ("“%s” is neither an ICCID (18 to 20 digits) nor an EID "
                                 "(32 digits)"),
                              arg);
}

static gboolean
esimctl_check_install (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimActivationCode) ac = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree gchar *text = NULL;

  if (ctl->qr != NULL && ctl->n_args > 0)
    return esimctl_usage_error (error,
                                _ ("Give either an activation code or --qr IMAGE, not both"));
  if (ctl->qr != NULL) {
    if (!esimctl_qr_supported ())
      return esimctl_usage_error (error, _ ("This esimctl was built without QR code support"));
    text = esimctl_qr_decode_file (ctl->qr, &local);
    if (text == NULL)
      return esimctl_usage_error (error, "%s", local->message);
  } else if (ctl->n_args == 1) {
    text = g_strdup (ctl->args[0]);
  }
  /* no code: the eUICC's default SM-DP+ is asked */
  if (text == NULL)
    return TRUE;
  ac = esim_activation_code_parse (text, &local);
  if (ac == NULL)
    return esimctl_usage_error (error, _ ("“%s” is not an activation code: %s"), text,
                                local->message);
  /* with --confirm the code can still be typed at the consent step */
  if (ac->confirmation_code_required && ctl->confirmation_code == NULL && !ctl->confirm)
    return esimctl_usage_error (error, _ ("This activation code needs --confirmation-code"));
  ctl->activation_code = g_steal_pointer (&text);
  return TRUE;
}

static gboolean
esimctl_check_notifications (EsimCtl *ctl, GError **error)
{
  const gchar *sub = ctl->args[0];
  guint64 seq = 0;

  if ((g_str_equal (sub, "list") || g_str_equal (sub, "process")) && ctl->n_args == 1)
    return TRUE;
  /* removing by hand bypasses delivery: only for diagnosis on the card */
  if (ctl->card != NULL && g_str_equal (sub, "remove") && ctl->n_args == 2) {
    if (g_ascii_string_to_unsigned (ctl->args[1], 10, 0, G_MAXINT64, &seq, NULL))
      return TRUE;
    return esimctl_usage_error (error, _ ("“%s” is not a notification sequence number"),
                                ctl->args[1]);
  }
  if (ctl->card != NULL)
    return esimctl_usage_error (error, _ ("Usage: esimctl notifications list|process|remove SEQ"));
  return esimctl_usage_error (error, _ ("Usage: esimctl notifications list|process"));
}

static gboolean
esimctl_check_set_default_smdp (EsimCtl *ctl, GError **error)
{
  g_autoptr (GError) local = NULL;

  /* "" clears the address */
  if (*ctl->args[0] == '\0' || esim_smdp_address_validate (ctl->args[0], &local))
    return TRUE;
  return esimctl_usage_error (error, _ ("“%s” is not an SM-DP+ address: %s"), ctl->args[0],
                              local->message);
}

static gboolean
esimctl_check_reset (EsimCtl *ctl, GError **error)
{
  if (ctl->reset_operational || ctl->reset_test || ctl->reset_default_smdp)
    return TRUE;
  return esimctl_usage_error (error, _ ("Say what to reset: --operational, --test and/or "
                                        "--default-smdp"));
}

static gboolean
esimctl_check_test_mode (EsimCtl *ctl, GError **error)
{
  if (ctl->n_args == 0 || g_str_equal (ctl->args[0], "on") || g_str_equal (ctl->args[0], "off"))
    return TRUE;
  return esimctl_usage_error (error, _ ("Usage: esimctl test-mode [on|off]"));
}

/* check-code: the same parser as the daemon's (src/lpa), here: it needs
 * neither the daemon nor a card, and nothing is contacted or logged */
static gboolean
esimctl_check_code (EsimCtl *ctl, GError **error)
{
  g_autoptr (EsimActivationCode) ac = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (JsonBuilder) b = NULL;

  ac = esim_activation_code_parse (ctl->args[0], &local);
  if (ac == NULL) {
    esimctl_usage_error (error, _ ("Not an activation code: %s"), local->message);
    esimctl_error_set_name (*error, "org.freedesktop.Esim1.Error.InvalidActivationCode");
    return FALSE;
  }
  if (ctl->json) {
    b = json_builder_new ();
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "smdp_address", ac->smdp_address);
    esimctl_json_add_bool (b, "matching_id_present",
                           ac->matching_id != NULL && ac->matching_id[0] != '\0');
    esimctl_json_add_bool (b, "confirmation_code_required", ac->confirmation_code_required);
    esimctl_json_add_optional (b, "smdp_oid", ac->smdp_oid);
    json_builder_end_object (b);
    esimctl_json_print (b);
    return TRUE;
  }
  g_print ("%s: %s\n", _ ("SM-DP+ address"), ac->smdp_address);
  g_print ("%s: %s\n", _ ("Matching ID"),
           ac->matching_id != NULL && ac->matching_id[0] != '\0' ? _ ("given") : _ ("none"));
  g_print ("%s: %s\n", _ ("Confirmation code"),
           ac->confirmation_code_required ? _ ("required") : _ ("not required"));
  if (ac->smdp_oid != NULL)
    g_print ("%s: %s\n", _ ("SM-DP+ OID"), ac->smdp_oid);
  return TRUE;
}

static const EsimCtlCommand esimctl_commands[] = {
  { "list", esimctl_daemon_list, esimctl_card_list, NULL, ESIMCTL_OPT_EUICC, 0, 0, "",
    N_ ("List the profiles (of every eUICC, or of --euicc)") },
  { "show", esimctl_daemon_show, esimctl_card_show, esimctl_check_show, ESIMCTL_OPT_EUICC, 0, 1,
    "[ICCID|EID]", N_ ("Show every property of a profile or of an eUICC") },
  { "info", esimctl_daemon_show, esimctl_card_info, NULL, ESIMCTL_OPT_EUICC, 0, 0, "",
    N_ ("Show the eUICC (the same as show without an argument)") },
  { "install", esimctl_daemon_install, esimctl_card_install, esimctl_check_install,
    ESIMCTL_OPT_EUICC | ESIMCTL_OPT_CONFIRMATION_CODE | ESIMCTL_OPT_ENABLE | ESIMCTL_OPT_QR
      | ESIMCTL_OPT_CA | ESIMCTL_OPT_SYSTEM_ROOTS | ESIMCTL_OPT_CONFIRM,
    0, 1, "[CODE | --qr IMAGE] [--confirmation-code CC] [--enable] [--confirm]",
    N_ ("Download and install a profile from an activation code") },
  { "check-code", esimctl_check_code, esimctl_check_code, NULL, 0, 1, 1, "CODE",
    N_ ("Check an activation code and tell what it says, contacting nobody") },
  { "discover", esimctl_daemon_discover, esimctl_card_discover, NULL,
    ESIMCTL_OPT_EUICC | ESIMCTL_OPT_SMDS | ESIMCTL_OPT_CA | ESIMCTL_OPT_SYSTEM_ROOTS, 0, 0,
    "[--smds ADDRESS]", N_ ("Ask an SM-DS for profiles waiting for the eUICC") },
  { "enable", esimctl_daemon_enable, esimctl_card_enable, esimctl_check_first_iccid,
    ESIMCTL_OPT_EUICC, 1, 1, "ICCID", N_ ("Enable a profile") },
  { "disable", esimctl_daemon_disable, esimctl_card_disable, esimctl_check_first_iccid,
    ESIMCTL_OPT_EUICC, 1, 1, "ICCID", N_ ("Disable a profile") },
  { "delete", esimctl_daemon_delete, esimctl_card_delete, esimctl_check_first_iccid,
    ESIMCTL_OPT_EUICC, 1, 1, "ICCID", N_ ("Delete a disabled profile") },
  { "nickname", esimctl_daemon_nickname, esimctl_card_nickname, esimctl_check_first_iccid,
    ESIMCTL_OPT_EUICC, 2, 2, "ICCID NAME", N_ ("Set the nickname of a profile (\"\" clears it)") },
  { "notifications", esimctl_daemon_notifications, esimctl_card_notifications,
    esimctl_check_notifications, ESIMCTL_OPT_EUICC | ESIMCTL_OPT_CA | ESIMCTL_OPT_SYSTEM_ROOTS, 1,
    2, "list|process", N_ ("List or deliver the pending notifications") },
  { "set-default-smdp", esimctl_daemon_set_default_smdp, esimctl_card_set_default_smdp,
    esimctl_check_set_default_smdp, ESIMCTL_OPT_EUICC, 1, 1, "ADDRESS",
    N_ ("Set the default SM-DP+ address of the eUICC") },
  { "reset", esimctl_daemon_reset, esimctl_card_reset, esimctl_check_reset,
    ESIMCTL_OPT_EUICC | ESIMCTL_OPT_RESET | ESIMCTL_OPT_YES, 0, 0,
    "[--operational] [--test] [--default-smdp] [--yes]", N_ ("Reset the eUICC memory") },
  { "test-mode", esimctl_daemon_test_mode, NULL, esimctl_check_test_mode, 0, 0, 1, "[on|off]",
    N_ ("Show or switch the daemon's test mode (SGP.26 test servers)") },
  { "rescan", esimctl_daemon_rescan, NULL, NULL, 0, 0, 0, "",
    N_ ("Look for eUICCs again and re-read their profiles") },
  { "version", esimctl_daemon_version, NULL, NULL, 0, 0, 0, "",
    N_ ("Show the versions of esimctl and esimd") },
  { "monitor", esimctl_daemon_monitor, NULL, NULL, 0, 0, 0, "",
    N_ ("Print the daemon's changes as they happen, one line each, until Ctrl-C") },
};

/* the long options of each EsimCtlOption, for errors and per-command help */
static const struct {
  EsimCtlOption option;
  const gchar *long_name;
} esimctl_option_names[] = {
  { ESIMCTL_OPT_EUICC, "euicc" },
  { ESIMCTL_OPT_CONFIRMATION_CODE, "confirmation-code" },
  { ESIMCTL_OPT_ENABLE, "enable" },
  { ESIMCTL_OPT_QR, "qr" },
  { ESIMCTL_OPT_SMDS, "smds" },
  { ESIMCTL_OPT_RESET, "operational" },
  { ESIMCTL_OPT_RESET, "test" },
  { ESIMCTL_OPT_RESET, "default-smdp" },
  { ESIMCTL_OPT_YES, "yes" },
  { ESIMCTL_OPT_CA, "ca" },
  { ESIMCTL_OPT_SYSTEM_ROOTS, "system-roots" },
  { ESIMCTL_OPT_SYSTEM_ROOTS, "system-roots-file" },
  { ESIMCTL_OPT_CONFIRM, "confirm" },
};

static guint
esimctl_options_given (EsimCtl *ctl)
{
  guint given = 0;

  if (ctl->euicc != NULL)
    given |= ESIMCTL_OPT_EUICC;
  if (ctl->confirmation_code != NULL)
    given |= ESIMCTL_OPT_CONFIRMATION_CODE;
  if (ctl->enable)
    given |= ESIMCTL_OPT_ENABLE;
  if (ctl->qr != NULL)
    given |= ESIMCTL_OPT_QR;
  if (ctl->smds != NULL)
    given |= ESIMCTL_OPT_SMDS;
  if (ctl->reset_operational || ctl->reset_test || ctl->reset_default_smdp)
    given |= ESIMCTL_OPT_RESET;
  if (ctl->yes)
    given |= ESIMCTL_OPT_YES;
  if (ctl->ca_files != NULL)
    given |= ESIMCTL_OPT_CA;
  if (ctl->system_roots || ctl->system_roots_file != NULL)
    given |= ESIMCTL_OPT_SYSTEM_ROOTS;
  if (ctl->confirm)
    given |= ESIMCTL_OPT_CONFIRM;
  return given;
}

/* "--operational/--test/--default-smdp" */
static gchar *
esimctl_option_display_name (EsimCtlOption option)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (esimctl_option_names); i++) {
    if (esimctl_option_names[i].option != option)
      continue;
    g_string_append_printf (s, "%s--%s", s->len > 0 ? "/" : "", esimctl_option_names[i].long_name);
  }
  return g_string_free (s, FALSE);
}

/* everything that can be told without the daemon or the card */
static gboolean
esimctl_check_command_line (EsimCtl *ctl, const EsimCtlCommand *cmd, GError **error)
{
  guint stray = esimctl_options_given (ctl) & ~cmd->options;

  if (ctl->card == NULL && cmd->daemon == NULL)
    return esimctl_usage_error (error, _ ("“%s” needs --card"), cmd->name);
  if (ctl->card != NULL && cmd->card == NULL)
    return esimctl_usage_error (error, _ ("“%s” is a daemon command; it does not work with --card"),
                                cmd->name);
  /* how to talk to the card is the daemon's configuration otherwise */
  if (ctl->card == NULL && (ctl->isdr_aid != NULL || ctl->segment_size != 0))
    return esimctl_usage_error (error, _ ("%s needs --card"),
                                ctl->isdr_aid != NULL ? "--isdr-aid" : "--segment-size");
  if (ctl->segment_size != 0
      && (ctl->segment_size < ESIM_ES10_SEGMENT_SIZE_MIN
          || ctl->segment_size > ESIM_ES10_SEGMENT_SIZE))
    return esimctl_usage_error (error, _ ("--segment-size: not a number from %d to %d"),
                                ESIM_ES10_SEGMENT_SIZE_MIN, ESIM_ES10_SEGMENT_SIZE);
  /* the daemon trusts its own roots, and there is one card with --card */
  if (ctl->card == NULL)
    stray |= esimctl_options_given (ctl) & (ESIMCTL_OPT_CA | ESIMCTL_OPT_SYSTEM_ROOTS);
  else
    stray |= esimctl_options_given (ctl) & (ESIMCTL_OPT_EUICC | ESIMCTL_OPT_CONFIRM);
  for (guint bit = 1; bit <= ESIMCTL_OPT_LAST; bit <<= 1) {
    g_autofree gchar *name = NULL;
    if ((stray & bit) == 0)
      continue;
    name = esimctl_option_display_name (bit);
    return esimctl_usage_error (error, _ ("%s does not go with “%s”%s"), name, cmd->name,
                                ctl->card != NULL ? " --card" : "");
  }
  if (ctl->n_args < cmd->min_args || ctl->n_args > cmd->max_args)
    return esimctl_usage_error (error, _ ("Usage: esimctl %s %s"), cmd->name, cmd->usage);
  return cmd->check == NULL || cmd->check (ctl, error);
}

static gboolean
esimctl_run (EsimCtl *ctl, const EsimCtlCommand *cmd, GError **error)
{
  gboolean ok;

  if (!esimctl_check_command_line (ctl, cmd, error))
    return FALSE;
  if (cmd->daemon == esimctl_check_code)
    return esimctl_check_code (ctl, error);
  if (ctl->card != NULL) {
    if (!esimctl_card_open (ctl, error))
      return FALSE;
    ok = cmd->card (ctl, error);
    esimctl_card_close (ctl);
    return ok;
  }
  /* version asks the daemon itself: it works without one */
  if (cmd->daemon != esimctl_daemon_version && !esimctl_daemon_open (ctl, error))
    return FALSE;
  ok = cmd->daemon (ctl, error);
  esimctl_daemon_close (ctl);
  return ok;
}

static const gchar *
esimctl_exit_status_text (void)
{
  return _ ("Exit status: 0 success, 1 the operation failed,\n"
            "2 usage error, 3 daemon, card or server unreachable,\n"
            "4 not authorized, 130 interrupted (Ctrl-C).");
}

static gchar *
esimctl_commands_summary (void)
{
  GString *s = g_string_new (_ ("Commands:"));

  for (guint i = 0; i < G_N_ELEMENTS (esimctl_commands); i++) {
    const EsimCtlCommand *cmd = &esimctl_commands[i];
    g_autofree gchar *syntax = g_strdup_printf ("%s %s", cmd->name, cmd->usage);
    g_string_append_printf (s, "\n  %s\n      %s", g_strstrip (syntax), _ (cmd->help));
  }
  g_string_append_printf (s, "\n  help [COMMAND]\n      %s",
                          _ ("Show the help of esimctl or of a command"));
  g_string_append_printf (s, "\n\n%s", esimctl_exit_status_text ());
  return g_string_free (s, FALSE);
}

static const EsimCtlCommand *
esimctl_command_lookup (const gchar *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (esimctl_commands); i++) {
    if (g_str_equal (esimctl_commands[i].name, name))
      return &esimctl_commands[i];
  }
  return NULL;
}

static gboolean
esimctl_entry_is_for (const GOptionEntry *entry, const EsimCtlCommand *cmd)
{
  gboolean known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (esimctl_option_names); i++) {
    if (!g_str_equal (esimctl_option_names[i].long_name, entry->long_name))
      continue;
    known = TRUE;
    if (cmd->options & esimctl_option_names[i].option)
      return TRUE;
  }
  /* --json, --card, --help: every command; --card only where it works */
  if (g_str_equal (entry->long_name, "card"))
    return cmd->card != NULL;
  if (g_str_equal (entry->long_name, "version"))
    return FALSE;
  return !known;
}

/* esimctl help COMMAND, esimctl COMMAND --help */
static gchar *
esimctl_command_help (const EsimCtlCommand *cmd, const GOptionEntry *entries)
{
  GString *s = g_string_new (NULL);
  g_autofree gchar *syntax = g_strdup_printf ("esimctl [OPTION…] %s %s", cmd->name, cmd->usage);

  g_string_append_printf (s, "%s %s\n\n%s\n", _ ("Usage:"), g_strstrip (syntax), _ (cmd->help));
  if (cmd->daemon == NULL)
    g_string_append_printf (s, "%s\n", _ ("This command needs --card."));
  else if (cmd->card == NULL)
    g_string_append_printf (s, "%s\n", _ ("This command works only with the daemon."));
  g_string_append_printf (s, "\n%s\n", _ ("Options:"));
  for (guint i = 0; entries[i].long_name != NULL; i++) {
    const GOptionEntry *e = &entries[i];
    g_autofree gchar *left = NULL;
    if (!esimctl_entry_is_for (e, cmd))
      continue;
    left = g_strdup_printf (
      "%s%c%s--%s%s%s", e->short_name != 0 ? "-" : "", e->short_name != 0 ? e->short_name : ' ',
      e->short_name != 0 ? ", " : "", e->long_name, e->arg_description != NULL ? "=" : "",
      e->arg_description != NULL ? e->arg_description : "");
    g_string_append_printf (s, "  %-32s %s\n", g_strstrip (left), _ (e->description));
  }
  g_string_append_printf (s, "\n%s\n%s\n", esimctl_exit_status_text (),
                          _ ("See esimctl(1) for the details."));
  return g_string_free (s, FALSE);
}

/* the error for people on stderr, and for scripts as JSON on stdout */
static gint
esimctl_report_error (gboolean json, const GError *error)
{
  gint code = error->domain == ESIMCTL_ERROR ? error->code : ESIMCTL_EXIT_FAILED;

  g_printerr ("esimctl: %s\n", error->message);
  if (json) {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "error");
    json_builder_begin_object (b);
    esimctl_json_add_string (b, "name", esimctl_error_get_name (error));
    esimctl_json_add_string (b, "message", error->message);
    esimctl_json_add_int (b, "exit_code", code);
    json_builder_end_object (b);
    json_builder_end_object (b);
    esimctl_json_print (b);
  }
  return code;
}

/* --json before the options were parsed: a bad command line is reported
 * in JSON too */
static gboolean
esimctl_argv_wants_json (gint argc, gchar **argv)
{
  for (gint i = 1; i < argc; i++) {
    if (g_str_equal (argv[i], "--"))
      break;
    if (g_str_equal (argv[i], "--json") || g_str_equal (argv[i], "-j"))
      return TRUE;
  }
  return FALSE;
}

static void
esimctl_clear (EsimCtl *ctl)
{
  g_free (ctl->card);
  g_free (ctl->euicc);
  g_free (ctl->qr);
  g_strfreev (ctl->ca_files);
  g_free (ctl->isdr_aid);
  g_free (ctl->system_roots_file);
  g_free (ctl->confirmation_code);
  g_free (ctl->smds);
  g_free (ctl->activation_code);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EsimCtl, esimctl_clear)

static gboolean
esimctl_main (EsimCtl *ctl, int argc, char **argv, GError **error)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autofree gchar *summary = NULL;
  const EsimCtlCommand *cmd = NULL;
  const GOptionEntry entries[] = {
    { "euicc", 'e', 0, G_OPTION_ARG_STRING, &ctl->euicc,
      N_ ("The eUICC to work on: its number (see list), EID or object path"), "N|EID|PATH" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &ctl->json,
      N_ ("Machine-readable JSON output, also for errors"), NULL },
    { "confirmation-code", 0, 0, G_OPTION_ARG_STRING, &ctl->confirmation_code,
      N_ ("The confirmation code the operator gave (install)"), "CODE" },
    { "enable", 0, 0, G_OPTION_ARG_NONE, &ctl->enable,
      N_ ("Enable the profile once installed (install)"), NULL },
    { "qr", 0, 0, G_OPTION_ARG_FILENAME, &ctl->qr,
      N_ ("Read the activation code from a QR code image, PNG or JPEG (install)"), "IMAGE" },
    { "smds", 0, 0, G_OPTION_ARG_STRING, &ctl->smds,
      N_ ("The SM-DS to ask instead of the eUICC's root SM-DS (discover)"), "ADDRESS" },
    { "operational", 0, 0, G_OPTION_ARG_NONE, &ctl->reset_operational,
      N_ ("Delete the operational profiles (reset)"), NULL },
    { "test", 0, 0, G_OPTION_ARG_NONE, &ctl->reset_test,
      N_ ("Delete the field-loaded test profiles (reset)"), NULL },
    { "default-smdp", 0, 0, G_OPTION_ARG_NONE, &ctl->reset_default_smdp,
      N_ ("Forget the default SM-DP+ address (reset)"), NULL },
    { "confirm", 0, 0, G_OPTION_ARG_NONE, &ctl->confirm,
      N_ ("Show the profile the SM-DP+ offers and ask before downloading it (install)"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &ctl->yes,
      N_ ("Do not ask for confirmation; needed without a terminal (reset)"), NULL },
    { "card", 'c', 0, G_OPTION_ARG_STRING, &ctl->card,
      N_ ("Talk to this card directly, without the daemon (KIND:DEVICE, e.g. socket:PATH, "
          "qmi:/dev/cdc-wdm0)"),
      "CARD" },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &ctl->ca_files,
      N_ ("With --card: trust only this CA for SM-DP+/SM-DS TLS (repeatable)"), "PEM" },
    { "isdr-aid", 0, 0, G_OPTION_ARG_STRING, &ctl->isdr_aid,
      N_ ("With --card: select the ISD-R by this AID (default: the standard one, then those "
          "of known removable eUICCs)"),
      "HEX" },
    { "segment-size", 0, 0, G_OPTION_ARG_INT, &ctl->segment_size,
      N_ ("With --card: send ES10 commands in STORE DATA blocks of at most N bytes (16 to 255; "
          "default 255, 120 once the card refuses that)"),
      "N" },
    { "system-roots", 0, 0, G_OPTION_ARG_NONE, &ctl->system_roots,
      N_ ("With --card: also trust the system's web CAs for SM-DP+/SM-DS TLS"), NULL },
    { "system-roots-file", 0, 0, G_OPTION_ARG_FILENAME, &ctl->system_roots_file,
      N_ ("With --card: the system CA bundle for --system-roots (implies it)"), "PEM" },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &ctl->help, N_ ("Show the help (of a command)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &ctl->version, N_ ("Show the version of esimctl"), NULL },
    { NULL },
  };

  summary = esimctl_commands_summary ();
  context = g_option_context_new (_ ("COMMAND [ARGUMENTS…]"));
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, _ ("See esimctl(1) for the details."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* --help is ours, so that “esimctl install --help” shows the command's */
  g_option_context_set_help_enabled (context, FALSE);
  /* options may come before or after the command, as in “install CODE
   * --enable”; a NAME starting with '-' goes after “--” */
  if (!g_option_context_parse (context, &argc, &argv, error)) {
    g_autoptr (GError) local = g_steal_pointer (error);
    return esimctl_usage_error (error, "%s", local->message);
  }
  /* GOption leaves the “--” that ended the options: drop it */
  for (gint i = 1; i < argc; i++) {
    if (!g_str_equal (argv[i], "--"))
      continue;
    memmove (&argv[i], &argv[i + 1], (gsize) (argc - i) * sizeof (gchar *));
    argc--;
    break;
  }
  if (ctl->version) {
    ctl->command = "--version";
    if (ctl->json) {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      esimctl_json_add_string (b, "esimctl", PACKAGE_VERSION);
      json_builder_end_object (b);
      esimctl_json_print (b);
    } else {
      g_print ("esimctl %s\n", PACKAGE_VERSION);
    }
    return TRUE;
  }
  /* “help”, “help COMMAND”, “--help”, “COMMAND --help” */
  if (argc >= 2 && g_str_equal (argv[1], "help")) {
    if (argc > 3)
      return esimctl_usage_error (error, _ ("Usage: esimctl help [COMMAND]"));
    ctl->help = TRUE;
    memmove (&argv[1], &argv[2], (gsize) (argc - 1) * sizeof (gchar *));
    argc--;
  }
  if (argc >= 2)
    cmd = esimctl_command_lookup (argv[1]);
  if (ctl->help) {
    g_autofree gchar *text = NULL;
    if (argc >= 2 && cmd == NULL)
      return esimctl_usage_error (error, _ ("unknown command “%s”; see esimctl help"), argv[1]);
    text = cmd != NULL ? esimctl_command_help (cmd, entries)
                       : g_option_context_get_help (context, TRUE, NULL);
    g_print ("%s", text);
    return TRUE;
  }
  if (argc < 2)
    return esimctl_usage_error (error, _ ("no command given; see esimctl help"));
  if (cmd == NULL)
    return esimctl_usage_error (error, _ ("unknown command “%s”; see esimctl help"), argv[1]);
  ctl->command = cmd->name;
  ctl->args = argv + 2;
  ctl->n_args = (guint) (argc - 2);
  return esimctl_run (ctl, cmd, error);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_auto (EsimCtl) ctl = { 0 };
  gboolean json = esimctl_argv_wants_json (argc, argv);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, ESIM_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (esimctl_main (&ctl, argc, argv, &error))
    return ESIMCTL_EXIT_OK;
  return esimctl_report_error (json || ctl.json, error);
}
