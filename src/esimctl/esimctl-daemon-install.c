/*
 * esimctl daemon mode: install. EsimEuicc starts the download and hands
 * back its EsimJob at once; esimctl draws the job's Stage and Progress
 * until it completed, and turns Ctrl-C into a cancel of the job so that no
 * half-installed profile stays (exit 130 once the job ended cancelled).
 *
 * With --confirm the job stops once the SM-DP+ named the profile; esimctl
 * shows it and reads the answer from the terminal without blocking the
 * loop (Ctrl-C still cancels): yes confirms, no postpones (the code works
 * again later), r rejects the profile for good.
 *
 * A job that fails before esimctl could look at it keeps its error:
 * libesim learns the outcome from the Completed signal or, when that went
 * by before the job was watched, from the job's properties.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "esimctl-daemon-private.h"
#include "esimctl-output.h"

/* how long a new profile may take to be announced after its job completed */
#define ESIMCTL_PROFILE_WAIT_MS 5000

typedef struct {
  EsimCtl *ctl;
  EsimCtlProgress *progress;
  GAsyncResult *started; /* the InstallProfile call */
  EsimJob *job;
  GCancellable *cancel_call; /* the Cancel call, dropped when done */
  gboolean cancel_requested;
  gboolean cancel_sent;
  gboolean abandoned;   /* a second Ctrl-C: stop waiting */
  gboolean daemon_gone; /* the daemon left the bus */
  /* the job completed because the daemon left, not with its own outcome */
  gboolean ended_by_vanishing;
  /* --confirm: asked once; the terminal is read while waiting for an answer */
  gboolean asked;
  gboolean reading_code; /* the answer was yes; now the confirmation code */
  gboolean answered;     /* Confirm or Decline sent */
  guint stdin_id;
  struct termios saved_termios;
  gboolean termios_saved;
  GError *answer_error; /* Confirm or Decline refused: the job is cancelled */
} EsimCtlInstall;

static void
esimctl_install_echo (EsimCtlInstall *self, gboolean on)
{
  struct termios t;

  if (!on) {
    if (tcgetattr (STDIN_FILENO, &self->saved_termios) != 0)
      return;
    self->termios_saved = TRUE;
    t = self->saved_termios;
    t.c_lflag &= ~(tcflag_t) ECHO;
    /* TCSANOW, not TCSAFLUSH: what was typed already is the answer */
    tcsetattr (STDIN_FILENO, TCSANOW, &t);
  } else if (self->termios_saved) {
    tcsetattr (STDIN_FILENO, TCSANOW, &self->saved_termios);
    self->termios_saved = FALSE;
  }
}

static void
esimctl_install_clear (EsimCtlInstall *self)
{
  if (self->cancel_call != NULL)
    g_cancellable_cancel (self->cancel_call);
  g_clear_object (&self->cancel_call);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_object (&self->started);
  g_clear_pointer (&self->progress, esimctl_progress_free);
  g_clear_handle_id (&self->stdin_id, g_source_remove);
  esimctl_install_echo (self, TRUE);
  g_clear_error (&self->answer_error);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EsimCtlInstall, esimctl_install_clear)

static gboolean
esimctl_install_daemon_present (EsimCtlInstall *self)
{
  g_autofree gchar *owner = esim_client_dup_name_owner (self->ctl->daemon->client);

  return owner != NULL;
}

static void
esimctl_install_owner_cb (GObject *client, GParamSpec *pspec, gpointer user_data)
{
  EsimCtlInstall *self = user_data;

  if (!esimctl_install_daemon_present (self))
    self->daemon_gone = TRUE;
}

static void
esimctl_install_draw (EsimCtlInstall *self)
{
  /* the bar would overwrite the question while the person types */
  if (self->job == NULL || self->progress == NULL || (self->asked && !self->answered))
    return;
  esimctl_progress_update (self->progress, esim_job_get_progress (self->job),
                           esim_job_get_stage (self->job));
}

static void
esimctl_install_notify_cb (GObject *job, GParamSpec *pspec, gpointer user_data)
{
  esimctl_install_draw (user_data);
}

static void
esimctl_install_completed_cb (EsimJob *job, gboolean success, gpointer user_data)
{
  EsimCtlInstall *self = user_data;

  /* the client drops the daemon's objects before it tells the name owner
   * changed: a job that completes without a daemon ended with it */
  if (!success && !esimctl_install_daemon_present (self))
    self->ended_by_vanishing = TRUE;
}

static void
esimctl_install_cancel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) mapped = NULL;
  EsimCtlInstall *self;

  if (esim_job_cancel_finish (ESIM_JOB (source), res, &error))
    return;
  /* cancelled by esimctl_install_clear: self is gone */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  g_clear_object (&self->cancel_call);
  /* the job may have ended on its own meanwhile: its completion tells */
  esimctl_daemon_propagate_error (&mapped, g_steal_pointer (&error));
  if (self->progress != NULL) {
    g_autofree gchar *text = g_strdup_printf (_ ("Could not cancel: %s"), mapped->message);
    esimctl_progress_message (self->progress, text);
  }
}

static void
esimctl_install_send_cancel (EsimCtlInstall *self)
{
  if (self->cancel_sent || self->job == NULL)
    return;
  self->cancel_sent = TRUE;
  esimctl_progress_message (self->progress, _ ("Cancelling…"));
  self->cancel_call = g_cancellable_new ();
  esim_job_cancel_async (self->job, self->cancel_call, esimctl_install_cancel_cb, self);
}

static gboolean
esimctl_install_sigint_cb (gpointer user_data)
{
  EsimCtlInstall *self = user_data;

  if (self->cancel_requested) {
    self->abandoned = TRUE;
    return G_SOURCE_CONTINUE;
  }
  self->cancel_requested = TRUE;
  esimctl_install_send_cancel (self);
  return G_SOURCE_CONTINUE;
}

/* the consent step */

static const gchar *
esimctl_install_meta_string (GVariant *meta, const gchar *key)
{
  const gchar *value = NULL;

  if (meta == NULL || !g_variant_lookup (meta, key, "&s", &value) || *value == '\0')
    return "-";
  return value;
}

static gboolean
esimctl_install_code_required (EsimCtlInstall *self)
{
  GVariant *meta = esim_job_get_profile_metadata (self->job);
  gboolean required = FALSE;

  if (meta != NULL)
    g_variant_lookup (meta, "confirmation-code-required", "b", &required);
  return required && self->ctl->confirmation_code == NULL;
}

/* Confirm or Decline refused (polkit, for one): nobody is left to
 * answer, so the job goes */
static void
esimctl_install_answer_refused (EsimCtlInstall *self, GError *error)
{
  g_clear_error (&self->answer_error);
  self->answer_error = error;
  esimctl_install_send_cancel (self);
}

static void
esimctl_install_confirmed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GError *error = NULL;

  if (!esim_job_confirm_finish (ESIM_JOB (source), res, &error))
    esimctl_install_answer_refused (user_data, error);
}

static void
esimctl_install_declined_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GError *error = NULL;

  if (!esim_job_decline_finish (ESIM_JOB (source), res, &error))
    esimctl_install_answer_refused (user_data, error);
}

static void
esimctl_install_answer (EsimCtlInstall *self, const gchar *line)
{
  EsimCtl *ctl = self->ctl;

  if (self->reading_code) {
    g_printerr ("\n");
    self->answered = TRUE;
    esim_job_confirm_async (self->job, line, NULL, esimctl_install_confirmed_cb, self);
    return;
  }
  /* TRANSLATORS: the answers “yes” and “reject” to the question above, lower case */
  if (g_ascii_strcasecmp (line, "y") == 0 || g_ascii_strcasecmp (line, "yes") == 0
      || g_utf8_collate (line, C_ ("answer", "y")) == 0
      || g_utf8_collate (line, C_ ("answer", "yes")) == 0) {
    if (esimctl_install_code_required (self)) {
      self->reading_code = TRUE;
      /* no echo before the prompt: a quick typist's code is never shown */
      esimctl_install_echo (self, FALSE);
      g_printerr ("%s ", _ ("Confirmation code:"));
      return;
    }
    self->answered = TRUE;
    esim_job_confirm_async (self->job, ctl->confirmation_code, NULL, esimctl_install_confirmed_cb,
                            self);
    return;
  }
  if (g_ascii_strcasecmp (line, "r") == 0 || g_ascii_strcasecmp (line, "reject") == 0
      || g_utf8_collate (line, C_ ("answer", "r")) == 0
      || g_utf8_collate (line, C_ ("answer", "reject")) == 0) {
    self->answered = TRUE;
    esim_job_decline_async (self->job, ESIM_DECLINE_FLAGS_REJECT, NULL, esimctl_install_declined_cb,
                            self);
    return;
  }
  self->answered = TRUE;
  esim_job_decline_async (self->job, ESIM_DECLINE_FLAGS_NONE, NULL, esimctl_install_declined_cb,
                          self);
}

/* a line from the terminal; end of input is "no" */
static gboolean
esimctl_install_stdin_cb (gint fd, GIOCondition condition, gpointer user_data)
{
  EsimCtlInstall *self = user_data;
  gchar line[256] = { 0 };
  gssize n = 0;

  if (condition & G_IO_IN)
    n = read (fd, line, sizeof (line) - 1);
  if (n < 0 && errno == EINTR)
    return G_SOURCE_CONTINUE;
  line[MAX (n, 0)] = '\0';
  g_strstrip (line);
  /* end of input while asked for the code: no code, so no */
  if (n <= 0 && self->reading_code) {
    self->reading_code = FALSE;
    line[0] = '\0';
  }
  esimctl_install_answer (self, line);
  /* the code is kept no longer than needed */
  memset (line, 0, sizeof (line));
  if (!self->answered)
    return G_SOURCE_CONTINUE;
  esimctl_install_echo (self, TRUE);
  self->stdin_id = 0;
  return G_SOURCE_REMOVE;
}

static void
esimctl_install_ask (EsimCtlInstall *self)
{
  GVariant *meta = esim_job_get_profile_metadata (self->job);
  g_autoptr (GString) text = g_string_new (_ ("The SM-DP+ offers this profile:"));

  self->asked = TRUE;
  g_string_append_printf (text, "\n  %s: %s", _ ("Name"),
                          esimctl_install_meta_string (meta, "name"));
  g_string_append_printf (text, "\n  %s: %s", _ ("Provider"),
                          esimctl_install_meta_string (meta, "service-provider"));
  g_string_append_printf (text, "\n  %s: %s", _ ("Class"),
                          esimctl_install_meta_string (meta, "class"));
  g_string_append_printf (text, "\n  ICCID: %s", esimctl_install_meta_string (meta, "iccid"));
  if (esimctl_install_code_required (self))
    g_string_append_printf (text, "\n  %s", _ ("A confirmation code is needed."));
  esimctl_progress_message (self->progress, text->str);
  /* TRANSLATORS: y, N and r are the answers of the next strings */
  g_printerr ("%s ", _ ("Install it? [y/N, r: reject for good]"));
  self->stdin_id
    = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, esimctl_install_stdin_cb, self);
}

static void
esimctl_install_stage_cb (GObject *job, GParamSpec *pspec, gpointer user_data)
{
  EsimCtlInstall *self = user_data;

  esimctl_install_draw (self);
  if (self->ctl->confirm && !self->asked && !self->cancel_requested
      && esim_job_get_awaiting_confirmation (self->job))
    esimctl_install_ask (self);
}

static gboolean
esimctl_install_start (EsimCtlInstall *self, EsimEuicc *euicc, GError **error)
{
  EsimCtl *ctl = self->ctl;
  GError *local = NULL;
  EsimInstallFlags flags = ESIM_INSTALL_FLAGS_NONE;

  if (ctl->enable)
    flags |= ESIM_INSTALL_FLAGS_ENABLE;
  if (ctl->confirm)
    flags |= ESIM_INSTALL_FLAGS_CONFIRM;
  esim_euicc_install_profile_async (euicc, ctl->activation_code, ctl->confirmation_code, flags,
                                    NULL, esimctl_daemon_store_result_cb, &self->started);
  self->job
    = esim_euicc_install_profile_finish (euicc, esimctl_daemon_wait (&self->started), &local);
  if (self->job == NULL) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  g_signal_connect (self->job, "notify::progress", G_CALLBACK (esimctl_install_notify_cb), self);
  g_signal_connect (self->job, "notify::stage", G_CALLBACK (esimctl_install_stage_cb), self);
  g_signal_connect (self->job, "completed", G_CALLBACK (esimctl_install_completed_cb), self);
  esimctl_install_stage_cb (G_OBJECT (self->job), NULL, self);
  /* Ctrl-C during the call above: cancel now that the job is known */
  if (self->cancel_requested)
    esimctl_install_send_cancel (self);
  return TRUE;
}

static gboolean
esimctl_install_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* the job's new profile: libesim knows it once the daemon announced it,
 * which it does before the job completes; a short wait otherwise */
static EsimProfile *
esimctl_install_result_profile (EsimCtlInstall *self)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  if (esim_job_get_result_profile (self->job) != NULL)
    return esim_job_get_result_profile (self->job);
  timeout_id = g_timeout_add (ESIMCTL_PROFILE_WAIT_MS, esimctl_install_timeout_cb, &timed_out);
  while (esim_job_get_result_profile (self->job) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  return esim_job_get_result_profile (self->job);
}

static gboolean
esimctl_install_report (EsimCtlInstall *self, GError **error)
{
  EsimCtl *ctl = self->ctl;
  const GError *job_error = esim_job_get_error (self->job);
  const gchar *result_path = esim_job_get_result (self->job);
  EsimProfile *profile;
  const gchar *iccid;

  if (!esim_job_get_success (self->job) && self->cancel_requested
      && g_error_matches (job_error, ESIM_ERROR, ESIM_ERROR_CANCELLED)) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_INTERRUPTED,
                         _ ("Interrupted; the download was cancelled"));
    esimctl_error_set_name (*error, esim_error_to_dbus_name (ESIM_ERROR_CANCELLED));
    return FALSE;
  }
  if (!esim_job_get_success (self->job) && self->answer_error != NULL) {
    esimctl_daemon_propagate_error (error, g_steal_pointer (&self->answer_error));
    return FALSE;
  }
  if (!esim_job_get_success (self->job) && self->ended_by_vanishing) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE,
                         _ ("The eSIM daemon quit during the download"));
    return FALSE;
  }
  if (!esim_job_get_success (self->job)) {
    esimctl_daemon_propagate_error (error, g_error_copy (job_error));
    return FALSE;
  }
  g_clear_pointer (&self->progress, esimctl_progress_free);
  if (result_path == NULL || g_strcmp0 (result_path, "/") == 0) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED,
                         _ ("The eSIM daemon reported success but no profile"));
    return FALSE;
  }
  profile = esimctl_install_result_profile (self);
  if (profile == NULL) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED,
                 _ ("The eSIM daemon did not announce the new profile %s"), result_path);
    return FALSE;
  }
  if (ctl->json) {
    g_autoptr (JsonBuilder) b = esimctl_result_new (ctl);
    esimctl_json_add_string (b, "job", esim_job_get_object_path (self->job));
    esimctl_json_add_string (b, "object_path", result_path);
    esimctl_daemon_profile_to_json (ctl, b, profile, FALSE);
    esimctl_result_print (ctl, b, NULL);
    return TRUE;
  }
  iccid = esim_profile_get_iccid (profile);
  if (esim_profile_get_enabled (profile))
    g_print (_ ("Profile %s installed and enabled.\n"), iccid != NULL ? iccid : "");
  else
    g_print (_ ("Profile %s installed.\n"), iccid != NULL ? iccid : "");
  return TRUE;
}

gboolean
esimctl_daemon_install (EsimCtl *ctl, GError **error)
{
  g_auto (EsimCtlInstall) self = { 0 };
  g_autoptr (EsimEuicc) euicc = esimctl_daemon_select_euicc (ctl, error);
  EsimClient *client = ctl->daemon->client;
  gulong owner_id;
  guint sigint;
  gboolean ok;

  if (euicc == NULL)
    return FALSE;
  /* the answer comes from the terminal: a script says yes by leaving
   * --confirm out */
  if (ctl->confirm && !isatty (STDIN_FILENO))
    return esimctl_usage_error (error, _ ("--confirm asks on the terminal, and there is none; "
                                          "leave it out to install without asking"));
  self.ctl = ctl;
  self.progress = esimctl_progress_new ();
  owner_id
    = g_signal_connect (client, "notify::name-owner", G_CALLBACK (esimctl_install_owner_cb), &self);
  sigint = g_unix_signal_add (SIGINT, esimctl_install_sigint_cb, &self);

  ok = esimctl_install_start (&self, euicc, error);
  if (ok) {
    while (!esim_job_get_finished (self.job) && !self.abandoned && !self.daemon_gone)
      g_main_context_iteration (NULL, TRUE);
    /* a completion already queued wins over a vanished daemon */
    for (guint i = 0;
         i < 100 && !esim_job_get_finished (self.job) && g_main_context_iteration (NULL, FALSE);
         i++)
      ;
  }

  g_source_remove (sigint);
  g_signal_handler_disconnect (client, owner_id);
  if (!ok)
    return FALSE;
  if (esim_job_get_finished (self.job))
    return esimctl_install_report (&self, error);
  if (self.abandoned) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_INTERRUPTED,
                         _ ("Interrupted; the eSIM daemon goes on cancelling the download"));
    return FALSE;
  }
  g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE,
                       _ ("The eSIM daemon quit during the download"));
  return FALSE;
}
