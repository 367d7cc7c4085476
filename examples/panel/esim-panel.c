/*
 * esim-panel: the reference panel of libesim, a small GTK 4 program that
 * lists the eUICCs and their profiles, installs a profile from an
 * activation code with a progress bar and a consent step (the SM-DP+'s
 * name, provider, class and icon of the profile, to install, postpone or
 * reject before anything is downloaded), and enables, disables and
 * deletes profiles. Everything goes through libesim; the panel keeps no
 * state of its own and redraws its lists from the client's objects
 * whenever they change.
 *
 * --self-test runs a script (install with an answer to the consent step,
 * enable) without a user, prints the model it shows on stdout and saves
 * screenshots: the test of this panel.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <esim.h>
#include <gtk/gtk.h>

typedef struct _EsimPanel EsimPanel;

struct _EsimPanel {
  GtkApplication *app;
  EsimClient *client;
  GtkWidget *window;
  GtkWidget *status;   /* the daemon, or the last error */
  GtkWidget *euiccs;   /* a box of one frame per eUICC */
  GtkWidget *code;     /* the activation code entry */
  GtkWidget *install;  /* its button */
  GtkWidget *progress; /* the job's progress bar */
  GtkWidget *consent;  /* the consent step: shown while the job waits */
  GtkWidget *consent_icon;
  GtkWidget *consent_title;
  GtkWidget *consent_details;
  GtkWidget *consent_code; /* the confirmation code, when the SM-DP+ wants one */
  EsimJob *job;            /* the install in progress */
  guint rebuild_id;
  /* --self-test */
  gboolean self_test;
  gchar *test_install;
  gboolean test_enable;
  gchar *test_consent; /* "confirm", "decline" or "reject" */
  gchar *test_confirmation_code;
  gchar *test_screenshot;
  gchar *test_consent_screenshot;
  GdkPaintable *content_paintable; /* follows what the window draws */
  const gchar *capture_path;       /* the screenshot being taken, NULL for none */
  void (*capture_then) (EsimPanel *self);
  gchar *installed_iccid;
  gint exit_code;
};

static void esim_panel_queue_rebuild (EsimPanel *self);
static void esim_panel_self_test_step (EsimPanel *self);
static void esim_panel_self_test_consent (EsimPanel *self);
static void esim_panel_capture (EsimPanel *self, const gchar *path, void (*then) (EsimPanel *self));

static void
esim_panel_set_status (EsimPanel *self, const gchar *text, gboolean error)
{
  gtk_label_set_text (GTK_LABEL (self->status), text);
  if (error)
    gtk_widget_add_css_class (self->status, "error");
  else
    gtk_widget_remove_css_class (self->status, "error");
}

static void
esim_panel_fail (EsimPanel *self, const gchar *what, const GError *error)
{
  g_autofree gchar *text = g_strdup_printf ("%s: %s", what, error->message);

  esim_panel_set_status (self, text, TRUE);
  if (self->self_test) {
    g_printerr ("esim-panel: %s\n", text);
    self->exit_code = 1;
    g_application_quit (G_APPLICATION (self->app));
  }
}

/* profile buttons */

typedef struct {
  EsimPanel *self;
  gchar *what;
} EsimPanelAction;

static void
esim_panel_profile_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimPanelAction *action = user_data;
  EsimPanel *self = action->self;
  g_autofree gchar *what = action->what;
  EsimProfile *profile = ESIM_PROFILE (source);
  g_autoptr (GError) error = NULL;
  gboolean ok;

  g_free (action);
  if (g_strcmp0 (what, "enable") == 0)
    ok = esim_profile_enable_finish (profile, res, &error);
  else if (g_strcmp0 (what, "disable") == 0)
    ok = esim_profile_disable_finish (profile, res, &error);
  else
    ok = esim_profile_delete_finish (profile, res, &error);
  if (!ok) {
    esim_panel_fail (self, what, error);
    return;
  }
  esim_panel_set_status (self, "Done.", FALSE);
  if (self->self_test)
    esim_panel_self_test_step (self);
}

static void
esim_panel_profile_action (EsimPanel *self, EsimProfile *profile, const gchar *what)
{
  EsimPanelAction *action = g_new0 (EsimPanelAction, 1);

  action->self = self;
  action->what = g_strdup (what);
  esim_panel_set_status (self, "Working…", FALSE);
  if (g_strcmp0 (what, "enable") == 0)
    esim_profile_enable_async (profile, NULL, esim_panel_profile_done_cb, action);
  else if (g_strcmp0 (what, "disable") == 0)
    esim_profile_disable_async (profile, NULL, esim_panel_profile_done_cb, action);
  else
    esim_profile_delete_async (profile, NULL, esim_panel_profile_done_cb, action);
}

static void
esim_panel_button_cb (GtkButton *button, gpointer user_data)
{
  EsimPanel *self = user_data;
  EsimProfile *profile = g_object_get_data (G_OBJECT (button), "esim-profile");
  const gchar *what = g_object_get_data (G_OBJECT (button), "esim-what");

  esim_panel_profile_action (self, profile, what);
}

static GtkWidget *
esim_panel_button (EsimPanel *self, EsimProfile *profile, const gchar *label, const gchar *what)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  g_object_set_data_full (G_OBJECT (button), "esim-profile", g_object_ref (profile),
                          g_object_unref);
  g_object_set_data (G_OBJECT (button), "esim-what", (gpointer) what);
  g_signal_connect (button, "clicked", G_CALLBACK (esim_panel_button_cb), self);
  return button;
}

static GtkWidget *
esim_panel_profile_row (EsimPanel *self, EsimProfile *profile)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  const gchar *nickname = esim_profile_get_nickname (profile);
  g_autofree gchar *title = NULL;
  g_autofree gchar *subtitle = NULL;
  GtkWidget *label;
  gboolean enabled = esim_profile_get_enabled (profile);

  if (nickname != NULL && *nickname != '\0')
    title = g_strdup_printf ("%s (%s)", esim_profile_get_name (profile), nickname);
  else
    title = g_strdup (esim_profile_get_name (profile));
  subtitle = g_strdup_printf ("%s · ICCID %s", esim_profile_get_service_provider (profile),
                              esim_profile_get_iccid (profile));
  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (text), label);
  label = gtk_label_new (subtitle);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (text), label);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);

  label = gtk_label_new (enabled ? "Enabled" : "Disabled");
  if (enabled)
    gtk_widget_add_css_class (label, "success");
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), enabled ? esim_panel_button (self, profile, "Disable", "disable")
                                         : esim_panel_button (self, profile, "Enable", "enable"));
  gtk_box_append (GTK_BOX (row), esim_panel_button (self, profile, "Delete", "delete"));
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_widget_set_margin_start (row, 6);
  gtk_widget_set_margin_end (row, 6);
  return row;
}

/* the lists: rebuilt from the client after every change */

static void
esim_panel_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  esim_panel_queue_rebuild (user_data);
}

static void
esim_panel_profile_cb (EsimEuicc *euicc, EsimProfile *profile, gpointer user_data)
{
  esim_panel_queue_rebuild (user_data);
}

static void
esim_panel_euicc_cb (EsimClient *client, EsimEuicc *euicc, gpointer user_data)
{
  esim_panel_queue_rebuild (user_data);
}

static void
esim_panel_watch (EsimPanel *self, gpointer object, const gchar *key)
{
  /* connect each object once; the handler goes with the object */
  if (g_object_get_data (object, key) != NULL)
    return;
  g_object_set_data (object, key, GINT_TO_POINTER (1));
  g_signal_connect (object, "notify", G_CALLBACK (esim_panel_notify_cb), self);
}

static gboolean
esim_panel_rebuild (gpointer user_data)
{
  EsimPanel *self = user_data;
  g_autoptr (GPtrArray) euiccs = esim_client_get_euiccs (self->client);
  GtkWidget *child;

  self->rebuild_id = 0;
  while ((child = gtk_widget_get_first_child (self->euiccs)) != NULL)
    gtk_box_remove (GTK_BOX (self->euiccs), child);

  for (guint i = 0; i < euiccs->len; i++) {
    EsimEuicc *euicc = g_ptr_array_index (euiccs, i);
    g_autoptr (GPtrArray) profiles = esim_euicc_get_profiles (euicc);
    g_autofree gchar *title = g_strdup_printf (
      "%s · EID %s · SGP.22 %s%s", esim_euicc_get_label (euicc), esim_euicc_get_eid (euicc),
      esim_euicc_get_sgp22_version (euicc), esim_euicc_get_busy (euicc) ? " · busy" : "");
    GtkWidget *frame = gtk_frame_new (title);
    GtkWidget *list = gtk_list_box_new ();

    esim_panel_watch (self, euicc, "esim-panel-watched");
    if (g_object_get_data (G_OBJECT (euicc), "esim-panel-profiles") == NULL) {
      g_object_set_data (G_OBJECT (euicc), "esim-panel-profiles", GINT_TO_POINTER (1));
      g_signal_connect (euicc, "profile-added", G_CALLBACK (esim_panel_profile_cb), self);
      g_signal_connect (euicc, "profile-removed", G_CALLBACK (esim_panel_profile_cb), self);
    }
    gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
    for (guint j = 0; j < profiles->len; j++) {
      EsimProfile *profile = g_ptr_array_index (profiles, j);
      esim_panel_watch (self, profile, "esim-panel-watched");
      gtk_list_box_append (GTK_LIST_BOX (list), esim_panel_profile_row (self, profile));
    }
    if (profiles->len == 0)
      gtk_list_box_append (GTK_LIST_BOX (list), gtk_label_new ("No profiles."));
    gtk_frame_set_child (GTK_FRAME (frame), list);
    gtk_box_append (GTK_BOX (self->euiccs), frame);
  }
  if (euiccs->len == 0)
    gtk_box_append (GTK_BOX (self->euiccs), gtk_label_new ("No eUICC found."));
  gtk_widget_set_sensitive (self->install, euiccs->len > 0 && self->job == NULL);
  if (esim_client_get_version (self->client) == NULL)
    esim_panel_set_status (self, "The eSIM daemon (esimd) is not running.", TRUE);
  return G_SOURCE_REMOVE;
}

static void
esim_panel_queue_rebuild (EsimPanel *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (esim_panel_rebuild, self);
}

/* install */

static void
esim_panel_job_progress_cb (EsimJob *job, GParamSpec *pspec, gpointer user_data)
{
  EsimPanel *self = user_data;

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), esim_job_get_progress (job));
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), esim_job_get_stage (job));
}

/* consent: what the SM-DP+ offers, before anything is downloaded */

static const gchar *
esim_panel_lookup (GVariant *meta, const gchar *key)
{
  const gchar *value = NULL;

  if (meta == NULL || !g_variant_lookup (meta, key, "&s", &value))
    return "";
  return value;
}

static void
esim_panel_show_consent (EsimPanel *self, EsimJob *job)
{
  GVariant *meta = esim_job_get_profile_metadata (job);
  g_autoptr (GVariant) icon = NULL;
  g_autofree gchar *title = NULL;
  g_autofree gchar *details = NULL;
  gboolean cc_required = FALSE;
  const gchar *name = esim_panel_lookup (meta, "name");

  if (meta != NULL)
    g_variant_lookup (meta, "confirmation-code-required", "b", &cc_required);
  title = g_strdup_printf ("Install “%s”?", *name != '\0' ? name : "a profile");
  details
    = g_strdup_printf ("%s · %s profile · ICCID %s", esim_panel_lookup (meta, "service-provider"),
                       esim_panel_lookup (meta, "class"), esim_panel_lookup (meta, "iccid"));
  gtk_label_set_text (GTK_LABEL (self->consent_title), title);
  gtk_label_set_text (GTK_LABEL (self->consent_details), details);
  gtk_picture_set_paintable (GTK_PICTURE (self->consent_icon), NULL);
  if (meta != NULL && *esim_panel_lookup (meta, "icon-type") != '\0'
      && (icon = g_variant_lookup_value (meta, "icon", G_VARIANT_TYPE_BYTESTRING)) != NULL) {
    g_autoptr (GBytes) bytes = g_variant_get_data_as_bytes (icon);
    g_autoptr (GdkTexture) texture = gdk_texture_new_from_bytes (bytes, NULL);
    /* an icon the toolkit cannot read is left out, not an error */
    if (texture != NULL)
      gtk_picture_set_paintable (GTK_PICTURE (self->consent_icon), GDK_PAINTABLE (texture));
  }
  gtk_editable_set_text (GTK_EDITABLE (self->consent_code), "");
  gtk_widget_set_visible (self->consent_code, cc_required);
  gtk_widget_set_visible (self->consent, TRUE);
  esim_panel_set_status (self, "The SM-DP+ offers this profile: install it?", FALSE);
  if (self->self_test) {
    g_print ("consent %s|%s|%s|%s|%s\n", esim_panel_lookup (meta, "iccid"), name,
             esim_panel_lookup (meta, "service-provider"), esim_panel_lookup (meta, "class"),
             cc_required ? "code" : "no-code");
    esim_panel_capture (self, self->test_consent_screenshot, esim_panel_self_test_consent);
  }
}

static void
esim_panel_job_stage_cb (EsimJob *job, GParamSpec *pspec, gpointer user_data)
{
  EsimPanel *self = user_data;

  esim_panel_job_progress_cb (job, pspec, self);
  if (esim_job_get_awaiting_confirmation (job)) {
    if (!gtk_widget_get_visible (self->consent))
      esim_panel_show_consent (self, job);
  } else {
    gtk_widget_set_visible (self->consent, FALSE);
  }
}

/* the job tells how it ends; a refused answer leaves it waiting */
static void
esim_panel_answer_refused (EsimPanel *self, const GError *error)
{
  gtk_widget_set_visible (self->consent, TRUE);
  esim_panel_fail (self, "Consent", error);
}

static void
esim_panel_confirmed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!esim_job_confirm_finish (ESIM_JOB (source), res, &error))
    esim_panel_answer_refused (user_data, error);
}

static void
esim_panel_declined_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!esim_job_decline_finish (ESIM_JOB (source), res, &error))
    esim_panel_answer_refused (user_data, error);
}

/* install: the code entry; not now: postponed, the code works again
 * later; reject: the SM-DP+ may end the order */
static void
esim_panel_consent_cb (GtkButton *button, gpointer user_data)
{
  EsimPanel *self = user_data;
  const gchar *answer = g_object_get_data (G_OBJECT (button), "esim-answer");

  if (self->job == NULL || !esim_job_get_awaiting_confirmation (self->job))
    return;
  gtk_widget_set_visible (self->consent, FALSE);
  if (g_strcmp0 (answer, "confirm") == 0) {
    esim_panel_set_status (self, "Downloading…", FALSE);
    esim_job_confirm_async (self->job, gtk_editable_get_text (GTK_EDITABLE (self->consent_code)),
                            NULL, esim_panel_confirmed_cb, self);
  } else {
    esim_job_decline_async (self->job,
                            g_strcmp0 (answer, "reject") == 0 ? ESIM_DECLINE_FLAGS_REJECT
                                                              : ESIM_DECLINE_FLAGS_NONE,
                            NULL, esim_panel_declined_cb, self);
  }
}

static void
esim_panel_job_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimPanel *self = user_data;
  g_autoptr (EsimJob) job = g_steal_pointer (&self->job);
  g_autoptr (GError) error = NULL;
  EsimProfile *profile;

  g_signal_handlers_disconnect_by_data (job, self);
  gtk_widget_set_visible (self->consent, FALSE);
  esim_panel_queue_rebuild (self);
  if (!esim_job_wait_finish (job, res, &error)) {
    /* the user's own answer is no failure */
    if (g_error_matches (error, ESIM_ERROR, ESIM_ERROR_DECLINED)) {
      g_autofree gchar *text = g_strdup_printf ("Not installed: %s", error->message);
      esim_panel_set_status (self, text, FALSE);
      if (self->self_test)
        esim_panel_self_test_step (self);
      return;
    }
    esim_panel_fail (self, "Install", error);
    return;
  }
  esim_panel_job_progress_cb (job, NULL, self);
  profile = esim_job_get_result_profile (job);
  if (profile != NULL) {
    g_autofree gchar *text = g_strdup_printf ("Installed %s.", esim_profile_get_name (profile));
    esim_panel_set_status (self, text, FALSE);
    g_free (self->installed_iccid);
    self->installed_iccid = g_strdup (esim_profile_get_iccid (profile));
  }
  if (self->self_test)
    esim_panel_self_test_step (self);
}

static void
esim_panel_install_started_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimPanel *self = user_data;
  g_autoptr (GError) error = NULL;

  self->job = esim_euicc_install_profile_finish (ESIM_EUICC (source), res, &error);
  if (self->job == NULL) {
    esim_panel_queue_rebuild (self);
    esim_panel_fail (self, "Install", error);
    return;
  }
  g_signal_connect (self->job, "notify::progress", G_CALLBACK (esim_panel_job_progress_cb), self);
  g_signal_connect (self->job, "notify::stage", G_CALLBACK (esim_panel_job_stage_cb), self);
  esim_panel_job_progress_cb (self->job, NULL, self);
  esim_job_wait_async (self->job, NULL, esim_panel_job_done_cb, self);
}

static void
esim_panel_install_start (EsimPanel *self)
{
  g_autoptr (GPtrArray) euiccs = esim_client_get_euiccs (self->client);
  const gchar *code = gtk_editable_get_text (GTK_EDITABLE (self->code));

  if (euiccs->len == 0 || self->job != NULL) {
    esim_panel_queue_rebuild (self);
    return;
  }
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0.0);
  esim_panel_set_status (self, "Asking the SM-DP+…", FALSE);
  /* the first eUICC (a real panel lets the user choose); nothing is
   * downloaded before the user saw the profile and said yes */
  esim_euicc_install_profile_async (g_ptr_array_index (euiccs, 0), code, NULL,
                                    ESIM_INSTALL_FLAGS_CONFIRM, NULL, esim_panel_install_started_cb,
                                    self);
}

static void
esim_panel_parsed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimPanel *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) info
    = esim_client_parse_activation_code_finish (ESIM_CLIENT (source), res, &error);

  if (info == NULL) {
    esim_panel_queue_rebuild (self);
    esim_panel_fail (self, "Activation code", error);
    return;
  }
  esim_panel_install_start (self);
}

static void
esim_panel_install_cb (GtkButton *button, gpointer user_data)
{
  EsimPanel *self = user_data;
  const gchar *code = gtk_editable_get_text (GTK_EDITABLE (self->code));

  if (self->job != NULL)
    return;
  gtk_widget_set_sensitive (self->install, FALSE);
  /* an empty code asks the eUICC's default SM-DP+; any other is checked
   * first, without contacting anyone, so a typo is named at once */
  if (*code == '\0') {
    esim_panel_install_start (self);
    return;
  }
  esim_client_parse_activation_code_async (self->client, code, NULL, esim_panel_parsed_cb, self);
}

/* --self-test: install, enable, then print the model and a screenshot */

static void
esim_panel_print_model (EsimPanel *self)
{
  g_autoptr (GPtrArray) euiccs = esim_client_get_euiccs (self->client);

  for (guint i = 0; i < euiccs->len; i++) {
    EsimEuicc *euicc = g_ptr_array_index (euiccs, i);
    g_autoptr (GPtrArray) profiles = esim_euicc_get_profiles (euicc);

    g_print ("euicc %s\n", esim_euicc_get_eid (euicc));
    for (guint j = 0; j < profiles->len; j++) {
      EsimProfile *p = g_ptr_array_index (profiles, j);
      g_print ("profile %s %s %s\n", esim_profile_get_iccid (p), esim_profile_get_state (p),
               esim_profile_get_name (p));
    }
  }
  g_print ("progress %.2f\n", gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (self->progress)));
  g_print ("status %s\n", gtk_label_get_text (GTK_LABEL (self->status)));
}

/* the window as the user sees it: its content (a toplevel cannot be a
 * paintable of itself) on the theme's window background. The paintable
 * was made before the last frame: it holds what that frame drew */
static gboolean
esim_panel_save_screenshot (EsimPanel *self, const gchar *path, GError **error)
{
  GtkWidget *content = gtk_window_get_child (GTK_WINDOW (self->window));
  GdkPaintable *paintable = self->content_paintable;
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  gint width = gtk_widget_get_width (self->window);
  gint height = gtk_widget_get_height (self->window);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (self->window));
  GdkRGBA background = { 0.98, 0.98, 0.98, 1.0 };
  graphene_point_t origin;

  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gtk_widget_compute_point (content, self->window, &GRAPHENE_POINT_INIT (0, 0), &origin))
    origin = GRAPHENE_POINT_INIT (0, 0);
  gtk_snapshot_translate (snapshot, &origin);
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (content),
                          gtk_widget_get_height (content));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL || renderer == NULL || width <= 0 || height <= 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nothing drawn yet");
    return FALSE;
  }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", path);
    return FALSE;
  }
  return TRUE;
}

static gboolean
esim_panel_capture_idle (gpointer user_data)
{
  EsimPanel *self = user_data;
  g_autoptr (GError) error = NULL;
  const gchar *path = g_steal_pointer (&self->capture_path);

  if (path != NULL && !esim_panel_save_screenshot (self, path, &error)) {
    g_printerr ("esim-panel: screenshot: %s\n", error->message);
    self->exit_code = 1;
  }
  self->capture_then (self);
  return G_SOURCE_REMOVE;
}

static void
esim_panel_after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (clock, esim_panel_after_paint_cb, user_data);
  /* the paintable takes the frame's image in a high-priority idle: after it */
  g_idle_add_full (G_PRIORITY_LOW, esim_panel_capture_idle, user_data, NULL);
}

/* the window as the next frame draws it saved to path (none when NULL),
 * then the script goes on with then() */
static void
esim_panel_capture (EsimPanel *self, const gchar *path, void (*then) (EsimPanel *self))
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (self->window);

  self->capture_path = path;
  self->capture_then = then;
  g_clear_object (&self->content_paintable);
  self->content_paintable
    = gtk_widget_paintable_new (gtk_window_get_child (GTK_WINDOW (self->window)));
  g_signal_connect (clock, "after-paint", G_CALLBACK (esim_panel_after_paint_cb), self);
  gtk_widget_queue_draw (self->window);
}

static void
esim_panel_self_test_done (EsimPanel *self)
{
  esim_panel_print_model (self);
  g_application_quit (G_APPLICATION (self->app));
}

/* the script's answer at the consent step, as a user would click it */
static void
esim_panel_self_test_consent (EsimPanel *self)
{
  const gchar *answer = self->test_consent != NULL ? self->test_consent : "confirm";
  GtkWidget *button = g_object_get_data (G_OBJECT (self->consent), answer);

  if (button == NULL) {
    g_printerr ("esim-panel: --consent: unknown answer %s\n", answer);
    self->exit_code = 1;
    g_application_quit (G_APPLICATION (self->app));
    return;
  }
  if (self->test_confirmation_code != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->consent_code), self->test_confirmation_code);
  g_signal_emit_by_name (button, "clicked");
}

/* the script's next step; each one continues from its own callback */
static void
esim_panel_self_test_step (EsimPanel *self)
{
  EsimProfile *profile;

  if (self->test_install != NULL) {
    g_autofree gchar *code = g_steal_pointer (&self->test_install);
    gtk_editable_set_text (GTK_EDITABLE (self->code), code);
    esim_panel_install_cb (GTK_BUTTON (self->install), self);
    return;
  }
  if (self->test_enable && self->installed_iccid != NULL) {
    self->test_enable = FALSE;
    profile = esim_client_find_profile (self->client, self->installed_iccid);
    if (profile != NULL) {
      esim_panel_profile_action (self, profile, "enable");
      return;
    }
  }
  /* done: draw what the client holds now, then show it */
  esim_panel_rebuild (self);
  esim_panel_capture (self, self->test_screenshot, esim_panel_self_test_done);
}

static GtkWidget *
esim_panel_consent_button (EsimPanel *self, const gchar *label, const gchar *answer)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  g_object_set_data (G_OBJECT (button), "esim-answer", (gpointer) answer);
  g_object_set_data (G_OBJECT (self->consent), answer, button);
  g_signal_connect (button, "clicked", G_CALLBACK (esim_panel_consent_cb), self);
  return button;
}

static void
esim_panel_build_consent (EsimPanel *self)
{
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button;

  self->consent = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->consent_icon = gtk_picture_new ();
  gtk_widget_set_size_request (self->consent_icon, 48, 48);
  gtk_box_append (GTK_BOX (self->consent), self->consent_icon);
  self->consent_title = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->consent_title), 0.0);
  gtk_widget_add_css_class (self->consent_title, "heading");
  gtk_box_append (GTK_BOX (text), self->consent_title);
  self->consent_details = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->consent_details), 0.0);
  gtk_widget_add_css_class (self->consent_details, "dim-label");
  gtk_box_append (GTK_BOX (text), self->consent_details);
  self->consent_code = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (self->consent_code), TRUE);
  g_object_set (self->consent_code, "placeholder-text", "Confirmation code", NULL);
  gtk_box_append (GTK_BOX (text), self->consent_code);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (self->consent), text);

  button = esim_panel_consent_button (self, "Install", "confirm");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), button);
  gtk_box_append (GTK_BOX (buttons), esim_panel_consent_button (self, "Not now", "decline"));
  button = esim_panel_consent_button (self, "Reject", "reject");
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_box_append (GTK_BOX (buttons), button);
  gtk_widget_set_valign (buttons, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->consent), buttons);
  gtk_widget_set_visible (self->consent, FALSE);
}

/* startup */

static void
esim_panel_build (EsimPanel *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->window = gtk_application_window_new (self->app);
  g_object_set_data (G_OBJECT (self->window), "esim-panel", self);
  gtk_window_set_title (GTK_WINDOW (self->window), "eSIM");
  gtk_window_set_default_size (GTK_WINDOW (self->window), 720, 480);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  self->euiccs = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->euiccs);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), scroller);

  self->code = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->code), "LPA:1$smdp.example.com$MATCHING-ID");
  gtk_widget_set_hexpand (self->code, TRUE);
  self->install = gtk_button_new_with_label ("Install");
  g_signal_connect (self->install, "clicked", G_CALLBACK (esim_panel_install_cb), self);
  gtk_box_append (GTK_BOX (row), self->code);
  gtk_box_append (GTK_BOX (row), self->install);
  gtk_box_append (GTK_BOX (box), row);

  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), "");
  gtk_box_append (GTK_BOX (box), self->progress);
  esim_panel_build_consent (self);
  gtk_box_append (GTK_BOX (box), self->consent);
  self->status = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->status), 0.0);
  gtk_box_append (GTK_BOX (box), self->status);

  gtk_window_set_child (GTK_WINDOW (self->window), box);
  g_signal_connect (self->client, "euicc-added", G_CALLBACK (esim_panel_euicc_cb), self);
  g_signal_connect (self->client, "euicc-removed", G_CALLBACK (esim_panel_euicc_cb), self);
  g_signal_connect (self->client, "notify", G_CALLBACK (esim_panel_notify_cb), self);
  esim_panel_rebuild (self);
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
esim_panel_client_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimPanel *self = user_data;
  g_autoptr (GError) error = NULL;

  self->client = esim_client_new_finish (res, &error);
  if (self->client == NULL) {
    g_printerr ("esim-panel: %s\n", error->message);
    self->exit_code = 1;
    g_application_release (G_APPLICATION (self->app));
    return;
  }
  /* a person at the panel can answer a polkit dialog */
  esim_client_set_allow_interactive_authorization (self->client, !self->self_test);
  esim_panel_build (self);
  g_application_release (G_APPLICATION (self->app));
  if (self->self_test)
    esim_panel_self_test_step (self);
}

static void
esim_panel_activate_cb (GtkApplication *app, gpointer user_data)
{
  EsimPanel *self = user_data;

  if (self->window != NULL) {
    gtk_window_present (GTK_WINDOW (self->window));
    return;
  }
  g_application_hold (G_APPLICATION (app));
  esim_client_new (NULL, esim_panel_client_cb, self);
}

int
main (int argc, char **argv)
{
  EsimPanel self = { 0 };
  gint rc;
  const GOptionEntry entries[] = {
    { "self-test", 0, 0, G_OPTION_ARG_NONE, &self.self_test,
      "Run the script below without a user, print the model, quit", NULL },
    { "install", 0, 0, G_OPTION_ARG_STRING, &self.test_install,
      "With --self-test: install from this activation code", "CODE" },
    { "consent", 0, 0, G_OPTION_ARG_STRING, &self.test_consent,
      "With --self-test: the answer to the consent step: confirm (default), decline, reject",
      "ANSWER" },
    { "confirmation-code", 0, 0, G_OPTION_ARG_STRING, &self.test_confirmation_code,
      "With --self-test: type this confirmation code at the consent step", "CODE" },
    { "consent-screenshot", 0, 0, G_OPTION_ARG_FILENAME, &self.test_consent_screenshot,
      "With --self-test: save the window at the consent step as this PNG", "FILE" },
    { "enable", 0, 0, G_OPTION_ARG_NONE, &self.test_enable,
      "With --self-test: then enable the installed profile", NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &self.test_screenshot,
      "With --self-test: save the window as this PNG at the end", "FILE" },
    { NULL },
  };

  self.app = gtk_application_new ("org.freedesktop.Esim1.Panel", G_APPLICATION_NON_UNIQUE);
  g_application_add_main_option_entries (G_APPLICATION (self.app), entries);
  g_signal_connect (self.app, "activate", G_CALLBACK (esim_panel_activate_cb), &self);
  rc = g_application_run (G_APPLICATION (self.app), argc, argv);
  if (self.rebuild_id != 0)
    g_source_remove (self.rebuild_id);
  g_clear_object (&self.job);
  g_clear_object (&self.content_paintable);
  g_clear_object (&self.client);
  g_object_unref (self.app);
  g_free (self.test_install);
  g_free (self.test_screenshot);
  g_free (self.test_consent);
  g_free (self.test_confirmation_code);
  g_free (self.test_consent_screenshot);
  g_free (self.installed_iccid);
  return rc != 0 ? rc : self.exit_code;
}
