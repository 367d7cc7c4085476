/*
 * esimctl: what the command modules share: the parsed command line, the
 * error domain whose codes are the exit codes, and the command functions
 * of the two modes (the daemon on the system bus, or one card directly).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* the card of --card (esim-es10.h); not included here, the daemon mode's
 * files see libesim's types, whose names the card's own headers share */
typedef struct _EsimEs10 EsimEs10;

/* the documented exit codes; also the codes of ESIMCTL_ERROR */
typedef enum {
  ESIMCTL_EXIT_OK = 0,
  ESIMCTL_EXIT_FAILED = 1,         /* the card or a server refused or failed */
  ESIMCTL_EXIT_USAGE = 2,          /* bad command line or bad input */
  ESIMCTL_EXIT_UNREACHABLE = 3,    /* daemon, card or server not reachable */
  ESIMCTL_EXIT_NOT_AUTHORIZED = 4, /* polkit or the bus said no */
  ESIMCTL_EXIT_INTERRUPTED = 130,  /* Ctrl-C: the job was cancelled */
} EsimCtlExit;

/* an extended error domain: besides its exit code, an error may carry the
 * D-Bus error name it came from, for --json */
#define ESIMCTL_ERROR (esimctl_error_quark ())
GQuark esimctl_error_quark (void);
void esimctl_error_set_name (GError *error, const gchar *name);
/* the D-Bus name of the error, or a local org.freedesktop.Esim1.Ctl.Error.* */
const gchar *esimctl_error_get_name (const GError *error);

/* the options a command may take besides --json and --card */
typedef enum {
  ESIMCTL_OPT_EUICC = 1 << 0,
  ESIMCTL_OPT_CONFIRMATION_CODE = 1 << 1,
  ESIMCTL_OPT_ENABLE = 1 << 2,
  ESIMCTL_OPT_QR = 1 << 3,
  ESIMCTL_OPT_SMDS = 1 << 4,
  ESIMCTL_OPT_RESET = 1 << 5, /* --operational, --test, --default-smdp */
  ESIMCTL_OPT_YES = 1 << 6,
  ESIMCTL_OPT_CA = 1 << 7,
  ESIMCTL_OPT_SYSTEM_ROOTS = 1 << 8, /* --system-roots, --system-roots-file */
  ESIMCTL_OPT_CONFIRM = 1 << 9,      /* install: the consent step */
  ESIMCTL_OPT_LAST = ESIMCTL_OPT_CONFIRM,
} EsimCtlOption;

typedef struct _EsimCtlDaemon EsimCtlDaemon;

typedef struct {
  /* the command line */
  gchar *card;
  gchar *euicc;
  gboolean json;
  gboolean help;
  gboolean version;
  gboolean enable;
  gboolean yes;
  gboolean confirm; /* install: show the offered profile, ask before the download */
  gboolean reset_operational;
  gboolean reset_test;
  gboolean reset_default_smdp;
  gchar *qr;
  gchar **ca_files;
  gchar *isdr_aid;   /* --card: the ISD-R AID in hex */
  gint segment_size; /* --card: STORE DATA block size, 0 for the default */
  gboolean system_roots;
  gchar *system_roots_file;
  gchar *confirmation_code;
  gchar *smds;
  const gchar *command;
  gchar **args; /* after the command name, NULL-terminated */
  guint n_args;

  /* what the argument check found: the activation code to install
   * (from the arguments or the QR code), NULL for the default SM-DP+ */
  gchar *activation_code;

  /* the mode's connection: one of them is set while a command runs */
  EsimEs10 *es10;
  EsimCtlDaemon *daemon;
} EsimCtl;

typedef gboolean (*EsimCtlFunc) (EsimCtl *ctl, GError **error);

/* esimctl.c: helpers for both modes */
gboolean esimctl_usage_error (GError **error, const gchar *format, ...) G_GNUC_PRINTF (2, 3);
gboolean esimctl_confirm (EsimCtl *ctl, const gchar *question, GError **error);
/* the outcome of a command that changed something: TEXT for people, or
 * with --json the object {"command": NAME, "success": true, ...} that
 * esimctl_result_new began and the caller filled */
JsonBuilder *esimctl_result_new (EsimCtl *ctl);
void esimctl_result_print (EsimCtl *ctl, JsonBuilder *b, const gchar *text);

/* esimctl-card.c: one card through a transport, without the daemon */
gboolean esimctl_card_open (EsimCtl *ctl, GError **error);
void esimctl_card_close (EsimCtl *ctl);
gboolean esimctl_card_info (EsimCtl *ctl, GError **error);
gboolean esimctl_card_show (EsimCtl *ctl, GError **error);
gboolean esimctl_card_list (EsimCtl *ctl, GError **error);
gboolean esimctl_card_install (EsimCtl *ctl, GError **error);
gboolean esimctl_card_discover (EsimCtl *ctl, GError **error);
gboolean esimctl_card_enable (EsimCtl *ctl, GError **error);
gboolean esimctl_card_disable (EsimCtl *ctl, GError **error);
gboolean esimctl_card_delete (EsimCtl *ctl, GError **error);
gboolean esimctl_card_nickname (EsimCtl *ctl, GError **error);
gboolean esimctl_card_notifications (EsimCtl *ctl, GError **error);
gboolean esimctl_card_set_default_smdp (EsimCtl *ctl, GError **error);
gboolean esimctl_card_reset (EsimCtl *ctl, GError **error);

/* esimctl-daemon.c: esimd on the system bus */
gboolean esimctl_daemon_open (EsimCtl *ctl, GError **error);
void esimctl_daemon_close (EsimCtl *ctl);
gboolean esimctl_daemon_list (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_show (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_install (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_discover (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_enable (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_disable (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_delete (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_nickname (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_notifications (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_set_default_smdp (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_reset (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_test_mode (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_rescan (EsimCtl *ctl, GError **error);
gboolean esimctl_daemon_version (EsimCtl *ctl, GError **error);

/* esimctl-daemon-monitor.c: the daemon's changes as a stream of lines */
gboolean esimctl_daemon_monitor (EsimCtl *ctl, GError **error);

G_END_DECLS
