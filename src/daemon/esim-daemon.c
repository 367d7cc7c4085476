/*
 * esimd: the eSIM daemon (GSMA SGP.22 LPA) on the system bus.
 *
 *   esimd [--config FILE] [--state-dir DIR] [-v|--verbose] [--replace]
 *
 * Environment: STATE_DIRECTORY (systemd's StateDirectory=) when no
 * --state-dir is given; ESIMD_DATADIR instead of the installed data
 * directory (the GSMA roots in ci/, the SGP.26 test CI in ci-test/), for
 * running from a build tree; DBUS_SYSTEM_BUS_ADDRESS for another bus.
 *
 * Exits 0 on SIGTERM or SIGINT once every eUICC finished its current
 * operation (a download is cancelled cleanly first), 1 on a bad
 * configuration or when the bus name is taken.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#ifdef ESIM_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "esim-context.h"
#include "esim-log.h"
#include "esim-manager.h"

/* a download cancels its sessions within 30 s (esim-download.c); a little
 * more for the card operation in front of it */
#define ESIM_DAEMON_SHUTDOWN_TIMEOUT_S 35

typedef struct {
  GMainLoop *loop;
  EsimManager *manager;
  gboolean shutting_down;
  gint exit_code;
  guint watchdog_id;
} EsimDaemon;

static void
esim_daemon_notify (const gchar *state)
{
#ifdef ESIM_HAVE_SYSTEMD
  sd_notify (0, state);
#endif
}

static void
esim_daemon_status (EsimDaemon *daemon)
{
  g_autofree gchar *status = esim_manager_get_status (daemon->manager);
  g_autofree gchar *state = g_strdup_printf ("STATUS=%s", status);

  esim_daemon_notify (state);
}

static gboolean
watchdog_cb (gpointer user_data)
{
  esim_daemon_notify ("WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

static void
esim_daemon_start_watchdog (EsimDaemon *daemon)
{
#ifdef ESIM_HAVE_SYSTEMD
  guint64 usec = 0;

  /* the main loop answers for the whole daemon: it never blocks */
  if (sd_watchdog_enabled (0, &usec) > 0 && usec > 0)
    daemon->watchdog_id = g_timeout_add (MAX (usec / 2000, 1), watchdog_cb, daemon);
#endif
}

static void
shutdown_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimDaemon *daemon = user_data;

  esim_manager_shutdown_finish (ESIM_MANAGER (source), res, NULL);
  g_message ("stopped");
  g_main_loop_quit (daemon->loop);
}

static void
esim_daemon_shutdown (EsimDaemon *daemon)
{
  if (daemon->shutting_down)
    return;
  daemon->shutting_down = TRUE;
  esim_daemon_notify ("STOPPING=1\nSTATUS=finishing the current card operations");
  esim_manager_shutdown_async (daemon->manager, ESIM_DAEMON_SHUTDOWN_TIMEOUT_S, shutdown_cb,
                               daemon);
}

static gboolean
signal_cb (gpointer user_data)
{
  EsimDaemon *daemon = user_data;

  g_message ("asked to stop");
  esim_daemon_shutdown (daemon);
  return G_SOURCE_CONTINUE;
}

static void
name_lost_cb (EsimManager *manager, gpointer user_data)
{
  esim_daemon_shutdown (user_data);
}

static void
probe_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimDaemon *daemon = user_data;
  g_autoptr (GError) error = NULL;

  if (!esim_manager_probe_finish (ESIM_MANAGER (source), res, &error)) {
    g_printerr ("esimd: %s\n", error->message);
    daemon->exit_code = EXIT_FAILURE;
    esim_daemon_shutdown (daemon);
    return;
  }
  if (daemon->shutting_down)
    return;
  esim_daemon_notify ("READY=1");
  esim_daemon_status (daemon);
  esim_daemon_start_watchdog (daemon);
}

static gchar *
esim_daemon_state_dir (const gchar *option)
{
  const gchar *env = g_getenv ("STATE_DIRECTORY");

  if (option != NULL)
    return g_strdup (option);
  /* systemd may list several, separated by colons: ours is the first */
  if (env != NULL && env[0] != '\0') {
    g_auto (GStrv) dirs = g_strsplit (env, ":", 2);
    return g_strdup (dirs[0]);
  }
  return g_strdup (ESIM_LOCALSTATEDIR);
}

static gint
esim_daemon_run (gchar *config_path, gchar *state_dir_option, gboolean replace)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimConfig) config = NULL;
  g_autoptr (EsimContext) context = NULL;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (EsimManager) manager = NULL;
  g_autofree gchar *state_dir = esim_daemon_state_dir (state_dir_option);
  EsimDaemon daemon = { 0 };
  guint sigterm_id;
  guint sigint_id;

  /* the default file may be missing; one asked for by name may not */
  if (config_path != NULL)
    config = esim_config_new_from_file (config_path, FALSE, &error);
  else
    config = esim_config_new_from_file (ESIM_SYSCONFDIR "/esimd.conf", TRUE, &error);
  if (config == NULL) {
    g_printerr ("esimd: %s\n", error->message);
    return EXIT_FAILURE;
  }
  if (g_mkdir_with_parents (state_dir, 0700) != 0) {
    g_printerr ("esimd: cannot create the state directory %s: %s\n", state_dir, g_strerror (errno));
    return EXIT_FAILURE;
  }
  context = esim_context_new (g_steal_pointer (&config), state_dir, &error);
  if (context == NULL) {
    g_printerr ("esimd: %s\n", error->message);
    return EXIT_FAILURE;
  }
  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (bus == NULL) {
    g_printerr ("esimd: cannot connect to the system bus: %s\n", error->message);
    return EXIT_FAILURE;
  }
  manager = esim_manager_new (context, bus);
  if (!esim_manager_start (manager, replace, &error)) {
    g_printerr ("esimd: %s\n", error->message);
    return EXIT_FAILURE;
  }

  loop = g_main_loop_new (NULL, FALSE);
  daemon.loop = loop;
  daemon.manager = manager;
  sigterm_id = g_unix_signal_add (SIGTERM, signal_cb, &daemon);
  sigint_id = g_unix_signal_add (SIGINT, signal_cb, &daemon);
  g_signal_connect (manager, "name-lost", G_CALLBACK (name_lost_cb), &daemon);
  g_message ("esimd %s starting%s", PACKAGE_VERSION,
             esim_context_get_test_mode (context) ? " in test mode" : "");
  esim_daemon_notify ("STATUS=reading the eUICCs");
  esim_manager_probe_async (manager, probe_cb, &daemon);
  g_main_loop_run (loop);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  g_clear_handle_id (&daemon.watchdog_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (manager, &daemon);
  return daemon.exit_code;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *config_path = NULL;
  g_autofree gchar *state_dir = NULL;
  gboolean verbose = FALSE;
  gboolean replace = FALSE;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      N_ ("The configuration file (default: " ESIM_SYSCONFDIR "/esimd.conf)"), N_ ("FILE") },
    { "state-dir", 's', 0, G_OPTION_ARG_FILENAME, &state_dir,
      N_ ("Where to keep state (default: $STATE_DIRECTORY or " ESIM_LOCALSTATEDIR ")"),
      N_ ("DIR") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_ ("Log debug messages, EIDs and ICCIDs included"), NULL },
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace,
      N_ ("Take over the bus name from a running esimd"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_ ("Print the version"), NULL },
    { NULL },
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, ESIM_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _ ("The eSIM daemon (GSMA SGP.22 LPA)"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("esimd: %s\n", error->message);
    return EXIT_FAILURE;
  }
  if (version) {
    g_print ("esimd %s\n", PACKAGE_VERSION);
    return EXIT_SUCCESS;
  }
  esim_log_set_verbose (verbose);
  return esim_daemon_run (config_path, state_dir, replace);
}
