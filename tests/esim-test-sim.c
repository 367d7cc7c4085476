/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "esim-test-sim.h"

struct _EsimTestSim {
  gchar *dir;
  gchar *socket_path;
  gchar *state_path;
  GPid pid;
};

gchar *
esim_test_shared_path (const gchar *relative)
{
  const gchar *shared = g_getenv ("ESIM_SHARED_DIR");

  g_assert_nonnull (shared);
  return g_build_filename (shared, relative, NULL);
}

static gboolean
esim_test_sim_socket_ready (const gchar *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  g_strlcpy (addr.sun_path, path, sizeof (addr.sun_path));
  ok = connect (fd, (struct sockaddr *) &addr, sizeof (addr)) == 0;
  close (fd);
  return ok;
}

static gboolean
esim_test_sim_spawn (EsimTestSim *self, const gchar *const *extra_args, GError **error)
{
  const gchar *program = g_getenv ("ESIM_SIM_PATH");
  g_autofree gchar *pki = esim_test_shared_path ("fixtures/sgp26");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  gint status = 0;

  g_assert_nonnull (program);
  g_ptr_array_add (argv, (gpointer) program);
  g_ptr_array_add (argv, (gpointer) "--socket");
  g_ptr_array_add (argv, self->socket_path);
  g_ptr_array_add (argv, (gpointer) "--state");
  g_ptr_array_add (argv, self->state_path);
  g_ptr_array_add (argv, (gpointer) "--pki");
  g_ptr_array_add (argv, pki);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  g_unlink (self->socket_path);
  if (!g_spawn_async (NULL, (gchar **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                      &self->pid, error))
    return FALSE;

  /* the program binds its socket after loading state; wait up to 10 s */
  for (guint i = 0; i < 1000; i++) {
    if (waitpid (self->pid, &status, WNOHANG) == self->pid) {
      self->pid = 0;
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                   "esim-sim exited early with status %d", status);
      return FALSE;
    }
    if (esim_test_sim_socket_ready (self->socket_path))
      return TRUE;
    g_usleep (10 * 1000);
  }
  g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "esim-sim did not start");
  return FALSE;
}

EsimTestSim *
esim_test_sim_start (const gchar *const *extra_args, GError **error)
{
  g_autoptr (EsimTestSim) self = g_new0 (EsimTestSim, 1);

  self->dir = g_dir_make_tmp ("esim-sim-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  self->socket_path = g_build_filename (self->dir, "card.sock", NULL);
  self->state_path = g_build_filename (self->dir, "card.state", NULL);
  if (!esim_test_sim_spawn (self, extra_args, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
esim_test_sim_stop (EsimTestSim *self)
{
  if (self->pid == 0)
    return;
  kill (self->pid, SIGTERM);
  while (waitpid (self->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (self->pid);
  self->pid = 0;
}

gboolean
esim_test_sim_restart (EsimTestSim *self, const gchar *const *extra_args, GError **error)
{
  esim_test_sim_stop (self);
  return esim_test_sim_spawn (self, extra_args, error);
}

static void
esim_test_rm_rf (const gchar *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);
    if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
      esim_test_rm_rf (child);
    else
      g_unlink (child);
  }
  g_rmdir (path);
}

void
esim_test_sim_free (EsimTestSim *self)
{
  if (self == NULL)
    return;
  esim_test_sim_stop (self);
  if (self->dir != NULL)
    esim_test_rm_rf (self->dir);
  g_free (self->dir);
  g_free (self->socket_path);
  g_free (self->state_path);
  g_free (self);
}

const gchar *
esim_test_sim_get_socket (EsimTestSim *self)
{
  return self->socket_path;
}

const gchar *
esim_test_sim_get_state_path (EsimTestSim *self)
{
  return self->state_path;
}

const gchar *
esim_test_sim_get_dir (EsimTestSim *self)
{
  return self->dir;
}

static gboolean
esim_test_wait_timeout_cb (gpointer user_data)
{
  g_error ("test timed out waiting for an asynchronous operation");
  return G_SOURCE_REMOVE;
}

void
esim_test_wait (gboolean *done)
{
  guint id = g_timeout_add_seconds (60, esim_test_wait_timeout_cb, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}
