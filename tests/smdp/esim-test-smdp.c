/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "esim-test-sim.h"
#include "esim-test-smdp.h"

struct _EsimTestSmdp {
  gchar *dir;
  gchar *port_file;
  gchar *stats_file;
  gchar *address;
  guint16 port;
  GPid pid;
};

static gboolean
esim_test_smdp_read_port (EsimTestSmdp *self)
{
  g_autofree gchar *text = NULL;
  guint64 port = 0;

  if (!g_file_get_contents (self->port_file, &text, NULL, NULL))
    return FALSE;
  g_strstrip (text);
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT16, &port, NULL))
    return FALSE;
  self->port = (guint16) port;
  return TRUE;
}

EsimTestSmdp *
esim_test_smdp_start (const gchar *const *extra_args, GError **error)
{
  g_autoptr (EsimTestSmdp) self = g_new0 (EsimTestSmdp, 1);
  const gchar *program = g_getenv ("ESIM_SMDP_PATH");
  g_autofree gchar *pki = esim_test_shared_path ("fixtures/sgp26");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) envp = NULL;
  gint status = 0;

  g_assert_nonnull (program);
  self->dir = g_dir_make_tmp ("esim-smdp-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  self->port_file = g_build_filename (self->dir, "port", NULL);
  self->stats_file = g_build_filename (self->dir, "stats.json", NULL);

  g_ptr_array_add (argv, (gpointer) program);
  g_ptr_array_add (argv, (gpointer) "--pki");
  g_ptr_array_add (argv, pki);
  g_ptr_array_add (argv, (gpointer) "--listen");
  g_ptr_array_add (argv, (gpointer) "127.0.0.1:0");
  g_ptr_array_add (argv, (gpointer) "--port-file");
  g_ptr_array_add (argv, self->port_file);
  g_ptr_array_add (argv, (gpointer) "--stats-file");
  g_ptr_array_add (argv, self->stats_file);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  /* libsoup 3.2 never frees the GSocket of an accepted connection; the
   * suppression in tests/lsan.supp names g_socket_accept, which only a full
   * (slow) unwind of GLib's frames reaches */
  envp = g_get_environ ();
  if (g_environ_getenv (envp, "ASAN_OPTIONS") != NULL) {
    g_autofree gchar *asan
      = g_strconcat (g_environ_getenv (envp, "ASAN_OPTIONS"), ":fast_unwind_on_malloc=0", NULL);

    envp = g_environ_setenv (envp, "ASAN_OPTIONS", asan, TRUE);
  }
  if (!g_spawn_async (NULL, (gchar **) argv->pdata, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                      &self->pid, error))
    return NULL;

  /* the program writes the port file once it listens; wait up to 10 s */
  for (guint i = 0; i < 1000; i++) {
    if (waitpid (self->pid, &status, WNOHANG) == self->pid) {
      self->pid = 0;
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                   "esim-smdp exited early with status %d", status);
      return NULL;
    }
    if (esim_test_smdp_read_port (self)) {
      self->address = g_strdup_printf ("127.0.0.1:%u", self->port);
      return g_steal_pointer (&self);
    }
    g_usleep (10 * 1000);
  }
  g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "esim-smdp did not start");
  return NULL;
}

void
esim_test_smdp_stop (EsimTestSmdp *self)
{
  if (self->pid == 0)
    return;
  kill (self->pid, SIGTERM);
  while (waitpid (self->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (self->pid);
  self->pid = 0;
}

void
esim_test_smdp_free (EsimTestSmdp *self)
{
  if (self == NULL)
    return;
  esim_test_smdp_stop (self);
  if (self->dir != NULL) {
    g_unlink (self->port_file);
    g_unlink (self->stats_file);
    g_rmdir (self->dir);
  }
  g_free (self->dir);
  g_free (self->port_file);
  g_free (self->stats_file);
  g_free (self->address);
  g_free (self);
}

guint16
esim_test_smdp_get_port (EsimTestSmdp *self)
{
  return self->port;
}

const gchar *
esim_test_smdp_get_address (EsimTestSmdp *self)
{
  return self->address;
}

gchar *
esim_test_smdp_get_url (EsimTestSmdp *self, const gchar *interface, const gchar *function)
{
  return g_strdup_printf ("https://%s/gsma/rsp2/%s/%s", self->address, interface, function);
}

const gchar *
esim_test_smdp_get_dir (EsimTestSmdp *self)
{
  return self->dir;
}

JsonObject *
esim_test_smdp_read_stats (EsimTestSmdp *self, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_file (parser, self->stats_file, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "stats: not an object");
    return NULL;
  }
  return json_object_ref (json_node_get_object (root));
}
