/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _GNU_SOURCE /* ptsname_r */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "esim-test-fake-pty.h"

struct _EsimTestFakePty {
  int master;
  int slave;
  gchar *path;
  guint read_id;
  guint write_id;
  GByteArray *out;
  EsimTestFakePtyReadFunc func;
  gpointer user_data;
};

static gboolean
fake_pty_read_cb (gint fd, GIOCondition condition, gpointer user_data)
{
  EsimTestFakePty *self = user_data;
  guint8 buf[4096];
  gssize n;

  n = read (fd, buf, sizeof (buf));
  if (n > 0) {
    self->func (buf, (gsize) n, self->user_data);
    return G_SOURCE_CONTINUE;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  /* cannot happen while we hold a slave descriptor; stop polling anyway */
  self->read_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
fake_pty_flush (EsimTestFakePty *self)
{
  while (self->out->len > 0) {
    gssize n = write (self->master, self->out->data, self->out->len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return FALSE;
    if (n <= 0) {
      g_byte_array_set_size (self->out, 0);
      return TRUE;
    }
    g_byte_array_remove_range (self->out, 0, (guint) n);
  }
  return TRUE;
}

static gboolean
fake_pty_write_cb (gint fd, GIOCondition condition, gpointer user_data)
{
  EsimTestFakePty *self = user_data;

  if (!fake_pty_flush (self))
    return G_SOURCE_CONTINUE;
  self->write_id = 0;
  return G_SOURCE_REMOVE;
}

void
esim_test_fake_pty_write (EsimTestFakePty *self, const void *data, gsize len)
{
  if (self->master < 0)
    return;
  g_byte_array_append (self->out, data, (guint) len);
  if (self->write_id == 0 && !fake_pty_flush (self))
    self->write_id = g_unix_fd_add (self->master, G_IO_OUT, fake_pty_write_cb, self);
}

EsimTestFakePty *
esim_test_fake_pty_new (EsimTestFakePtyReadFunc func, gpointer user_data, GError **error)
{
  g_autoptr (EsimTestFakePty) self = g_new0 (EsimTestFakePty, 1);
  struct termios tio;
  char name[128];

  self->slave = -1;
  self->func = func;
  self->user_data = user_data;
  self->out = g_byte_array_new ();
  self->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (self->master < 0 || grantpt (self->master) != 0 || unlockpt (self->master) != 0
      || ptsname_r (self->master, name, sizeof (name)) != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "posix_openpt: %s",
                 g_strerror (errno));
    return NULL;
  }
  self->path = g_strdup (name);
  /* a modem line is 8-bit clean: no echo, no line editing, no CR/LF games */
  if (tcgetattr (self->master, &tio) == 0) {
    cfmakeraw (&tio);
    tcsetattr (self->master, TCSANOW, &tio);
  }
  self->slave = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (self->slave < 0 || !g_unix_set_fd_nonblocking (self->master, TRUE, error)) {
    if (error != NULL && *error == NULL)
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", name,
                   g_strerror (errno));
    return NULL;
  }
  self->read_id = g_unix_fd_add (self->master, G_IO_IN, fake_pty_read_cb, self);
  return g_steal_pointer (&self);
}

const gchar *
esim_test_fake_pty_get_path (EsimTestFakePty *self)
{
  return self->path;
}

gboolean
esim_test_fake_pty_is_up (EsimTestFakePty *self)
{
  return self->master >= 0;
}

void
esim_test_fake_pty_hangup (EsimTestFakePty *self)
{
  g_clear_handle_id (&self->read_id, g_source_remove);
  g_clear_handle_id (&self->write_id, g_source_remove);
  if (self->slave >= 0)
    close (self->slave);
  if (self->master >= 0)
    close (self->master);
  self->slave = -1;
  self->master = -1;
  g_byte_array_set_size (self->out, 0);
}

void
esim_test_fake_pty_free (EsimTestFakePty *self)
{
  if (self == NULL)
    return;
  esim_test_fake_pty_hangup (self);
  g_byte_array_unref (self->out);
  g_free (self->path);
  g_free (self);
}
