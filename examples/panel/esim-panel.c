/*
 * esim-panel: the reference panel of libesim, a small GTK 4 program that
 * lists the eUICCs and their profiles, installs a profile from an
 * activation code with a progress bar, and enables, disables and deletes
 * profiles. Everything goes through libesim; the panel keeps no state of
 * its own and redraws its lists from the client's objects whenever they
 * change.
 *
 * --self-test runs a script (install, enable) without a user, prints the
 * model it shows on stdout and saves a screenshot: the test of this panel.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <esim.h>
#include <gtk/gtk.h>

typedef struct {
  GtkApplication *app;
  EsimClient *client;
  GtkWidget *window;
  GtkWidget *status;   /* the daemon, or the last error */
  GtkWidget *euiccs;   /* a box of one frame per eUICC */
  GtkWidget *code;     /* the activation code entry */
  GtkWidget *install;  /* its button */
  GtkWidget *progress; /* the job's progress bar */
  EsimJob *job;        /* the install in progress */
  guint rebuild_id;
  /* --self-test */
  gboolean self_test;
  gchar *test_install;
  gboolean test_enable;
  gchar *test_screenshot;
  GdkPaintable *content_paintable; /* follows what the window draws */
  gchar *installed_iccid;
  gint exit_code;
} EsimPanel;

static void esim_panel_queue_rebuild (EsimPanel *self);
static void esim_panel_self_test_step (EsimPanel *self);

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
    g_autofree gchar *title
      = g_strdup_printf ("eUICC %s · EID %s · %s", esim_euicc_get_transport (euicc),
                         esim_euicc_get_eid (euicc), esim_euicc_get_sgp22_version (euicc));
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

static void
esim_panel_job_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimPanel *self = user_data;
  g_autoptr (EsimJob) job = g_steal_pointer (&self->job);
  g_autoptr (GError) error = NULL;
  EsimProfile *profile;

  g_signal_handlers_disconnect_by_data (job, self);
  esim_panel_queue_rebuild (self);
  if (!esim_job_wait_finish (job, res, &error)) {
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
  g_signal_connect (self->job, "notify::stage", G_CALLBACK (esim_panel_job_progress_cb), self);
  esim_panel_job_progress_cb (self->job, NULL, self);
  esim_job_wait_async (self->job, NULL, esim_panel_job_done_cb, self);
}

static void
esim_panel_install_cb (GtkButton *button, gpointer user_data)
{
  EsimPanel *self = user_data;
  g_autoptr (GPtrArray) euiccs = esim_client_get_euiccs (self->client);
  const gchar *code = gtk_editable_get_text (GTK_EDITABLE (self->code));

  if (euiccs->len == 0 || self->job != NULL)
    return;
  gtk_widget_set_sensitive (self->install, FALSE);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0.0);
  esim_panel_set_status (self, "Downloading…", FALSE);
  /* the first eUICC; a real panel lets the user choose */
  esim_euicc_install_profile_async (g_ptr_array_index (euiccs, 0), code, NULL,
                                    ESIM_INSTALL_FLAGS_NONE, NULL, esim_panel_install_started_cb,
                                    self);
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
esim_panel_save_screenshot (EsimPanel *self, GError **error)
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
  if (!gdk_texture_save_to_png (texture, self->test_screenshot)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", self->test_screenshot);
    return FALSE;
  }
  return TRUE;
}

static gboolean
esim_panel_finish_idle (gpointer user_data)
{
  EsimPanel *self = user_data;
  g_autoptr (GError) error = NULL;

  esim_panel_print_model (self);
  if (self->test_screenshot != NULL && !esim_panel_save_screenshot (self, &error)) {
    g_printerr ("esim-panel: screenshot: %s\n", error->message);
    self->exit_code = 1;
  }
  g_application_quit (G_APPLICATION (self->app));
  return G_SOURCE_REMOVE;
}

static void
esim_panel_after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (clock, esim_panel_after_paint_cb, user_data);
  /* the paintable takes the frame's image in a high-priority idle: after it */
  g_idle_add_full (G_PRIORITY_LOW, esim_panel_finish_idle, user_data, NULL);
}

/* the script's next step; each one continues from its own callback */
static void
esim_panel_self_test_step (EsimPanel *self)
{
  EsimProfile *profile;
  GdkFrameClock *clock;

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
  self->content_paintable
    = gtk_widget_paintable_new (gtk_window_get_child (GTK_WINDOW (self->window)));
  clock = gtk_widget_get_frame_clock (self->window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (esim_panel_after_paint_cb), self);
  gtk_widget_queue_draw (self->window);
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
  g_free (self.installed_iccid);
  return rc != 0 ? rc : self.exit_code;
}
