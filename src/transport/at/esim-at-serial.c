/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "esim-at-serial.h"
#include "esim-transport.h"

/* clang-format off */
G_DEFINE_QUARK (esim-at-error-quark, esim_at_error)
/* clang-format on */

typedef struct {
  gchar *command;
  gchar *prefix;
  gboolean bare_digits;
  guint timeout_ms;
  GPtrArray *lines;
  GSource *cancel_source;
  gboolean returned; /* answered early: cancelled or timed out */
  gint cme;
} Command;

struct _EsimAtSerial {
  GObject parent_instance;
  gchar *path;
  int fd;
  GInputStream *input;
  GOutputStream *output;
  GCancellable *cancellable; /* the reads and writes of this open */
  guint8 buf[1024];
  GString *line;
  GQueue queue;   /* GTask of commands not yet sent */
  GTask *current; /* sent, waiting for its final result code */
  guint timeout_id;
  gchar *wire; /* the bytes being written */
};

G_DEFINE_TYPE (EsimAtSerial, esim_at_serial, G_TYPE_OBJECT)

enum { SIGNAL_GONE, SIGNAL_UNSOLICITED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void esim_at_serial_next (EsimAtSerial *self);

static void
command_free (Command *cmd)
{
  if (cmd->cancel_source != NULL) {
    g_source_destroy (cmd->cancel_source);
    g_source_unref (cmd->cancel_source);
  }
  g_free (cmd->command);
  g_free (cmd->prefix);
  g_ptr_array_unref (cmd->lines);
  g_free (cmd);
}

EsimAtSerial *
esim_at_serial_new (const gchar *path)
{
  EsimAtSerial *self = g_object_new (ESIM_TYPE_AT_SERIAL, NULL);

  self->path = g_strdup (path);
  return self;
}

gboolean
esim_at_serial_is_open (EsimAtSerial *self)
{
  return self->fd >= 0;
}

/* answer a command once; it may still hold the line */
static void
command_return_error (GTask *task, GError *error)
{
  Command *cmd = g_task_get_task_data (task);

  if (cmd->returned) {
    g_error_free (error);
    return;
  }
  cmd->returned = TRUE;
  g_task_return_error (task, error);
}

/* the port went away: every command fails */
static void
esim_at_serial_fail_all (EsimAtSerial *self, GError *error)
{
  GTask *task;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->current != NULL) {
    task = g_steal_pointer (&self->current);
    command_return_error (task, g_error_copy (error));
    g_object_unref (task);
  }
  while ((task = g_queue_pop_head (&self->queue)) != NULL) {
    command_return_error (task, g_error_copy (error));
    g_object_unref (task);
  }
  g_error_free (error);
}

static void
esim_at_serial_teardown (EsimAtSerial *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->input);
  g_clear_object (&self->output);
  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
  g_string_truncate (self->line, 0);
}

static void
esim_at_serial_gone (EsimAtSerial *self, const gchar *why)
{
  if (self->fd < 0)
    return;
  /* the callbacks may drop the last reference */
  g_object_ref (self);
  g_info ("serial port %s went away: %s", self->path, why);
  esim_at_serial_teardown (self);
  esim_at_serial_fail_all (self, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                                              "serial port %s went away: %s", self->path, why));
  g_signal_emit (self, signals[SIGNAL_GONE], 0);
  g_object_unref (self);
}

/* the current command is done with the line */
static void
esim_at_serial_finish_current (EsimAtSerial *self, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->current);
  Command *cmd = g_task_get_task_data (task);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (error != NULL) {
    command_return_error (task, error);
  } else if (!cmd->returned) {
    cmd->returned = TRUE;
    g_ptr_array_add (cmd->lines, NULL);
    g_task_return_pointer (task, g_strdupv ((gchar **) cmd->lines->pdata),
                           (GDestroyNotify) g_strfreev);
  }
  esim_at_serial_next (self);
}

static gboolean
line_is_digits (const gchar *line)
{
  if (*line == '\0')
    return FALSE;
  for (; *line != '\0'; line++)
    if (!g_ascii_isdigit (*line))
      return FALSE;
  return TRUE;
}

static void
esim_at_serial_line (EsimAtSerial *self, const gchar *line)
{
  Command *cmd;

  if (self->current == NULL) {
    g_debug ("AT %s: unsolicited “%s”", self->path, line);
    g_signal_emit (self, signals[SIGNAL_UNSOLICITED], 0, line);
    return;
  }
  cmd = g_task_get_task_data (self->current);
  if (g_str_equal (line, "OK")) {
    esim_at_serial_finish_current (self, NULL);
  } else if (g_str_equal (line, "ERROR") || g_str_has_prefix (line, "+CMS ERROR")) {
    esim_at_serial_finish_current (
      self, g_error_new (ESIM_AT_ERROR, ESIM_AT_ERROR_ERROR, "%s: %s", cmd->command, line));
  } else if (g_str_has_prefix (line, "+CME ERROR:")) {
    const gchar *arg = line + strlen ("+CME ERROR:");
    guint64 code = 0;

    while (*arg == ' ')
      arg++;
    cmd->cme = g_ascii_string_to_unsigned (arg, 10, 0, G_MAXINT, &code, NULL) ? (gint) code : -1;
    esim_at_serial_finish_current (
      self, g_error_new (ESIM_AT_ERROR, ESIM_AT_ERROR_CME, "%s: %s", cmd->command, line));
  } else if (g_str_equal (line, cmd->command)) {
    /* echo */
  } else if ((cmd->prefix == NULL || g_str_has_prefix (line, cmd->prefix))
             || (cmd->bare_digits && line_is_digits (line))) {
    g_ptr_array_add (cmd->lines, g_strdup (line));
  } else {
    g_debug ("AT %s: unsolicited “%s” during %s", self->path, line, cmd->command);
    g_signal_emit (self, signals[SIGNAL_UNSOLICITED], 0, line);
  }
}

static void
read_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimAtSerial *self = ESIM_AT_SERIAL (user_data);
  g_autoptr (GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_object_unref (self);
    return;
  }
  if (n <= 0) {
    esim_at_serial_gone (self, n == 0 ? "end of file" : error->message);
    g_object_unref (self);
    return;
  }
  for (gssize i = 0; i < n; i++) {
    gchar c = (gchar) self->buf[i];

    if (c == '\r' || c == '\n') {
      if (self->line->len > 0) {
        g_autofree gchar *line = g_strdup (self->line->str);

        g_string_truncate (self->line, 0);
        esim_at_serial_line (self, line);
      }
    } else if (self->line->len < 65536) {
      g_string_append_c (self->line, c);
    }
  }
  if (self->input != NULL)
    g_input_stream_read_async (self->input, self->buf, sizeof (self->buf), G_PRIORITY_DEFAULT,
                               self->cancellable, read_cb, g_object_ref (self));
  g_object_unref (self);
}

static gboolean
command_timeout_cb (gpointer user_data)
{
  EsimAtSerial *self = ESIM_AT_SERIAL (user_data);
  Command *cmd = g_task_get_task_data (self->current);

  self->timeout_id = 0;
  g_info ("AT %s: no answer to %s within %u ms", self->path, cmd->command, cmd->timeout_ms);
  esim_at_serial_finish_current (self, g_error_new (ESIM_AT_ERROR, ESIM_AT_ERROR_TIMEOUT,
                                                    "no answer to %s within %u ms", cmd->command,
                                                    cmd->timeout_ms));
  return G_SOURCE_REMOVE;
}

static void
write_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimAtSerial *self = ESIM_AT_SERIAL (user_data);
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->wire, g_free);
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    esim_at_serial_gone (self, error->message);
  g_object_unref (self);
}

static void
esim_at_serial_next (EsimAtSerial *self)
{
  Command *cmd;

  if (self->current != NULL || self->fd < 0)
    return;
  self->current = g_queue_pop_head (&self->queue);
  if (self->current == NULL)
    return;
  cmd = g_task_get_task_data (self->current);
  g_debug ("AT %s: → %s", self->path, cmd->command);
  self->wire = g_strconcat (cmd->command, "\r", NULL);
  self->timeout_id = g_timeout_add (cmd->timeout_ms, command_timeout_cb, self);
  g_output_stream_write_all_async (self->output, self->wire, strlen (self->wire),
                                   G_PRIORITY_DEFAULT, self->cancellable, write_cb,
                                   g_object_ref (self));
}

static gboolean
command_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimAtSerial *self = g_task_get_source_object (task);

  /* a queued command leaves the queue; a sent one keeps the line until
   * its answer, which is then dropped */
  if (g_queue_remove (&self->queue, task)) {
    command_return_error (task,
                          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
    g_object_unref (task);
  } else {
    command_return_error (task,
                          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
  }
  return G_SOURCE_REMOVE;
}

void
esim_at_serial_command_async (EsimAtSerial *self, const gchar *command, const gchar *prefix,
                              gboolean bare_digits, guint timeout_ms, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Command *cmd = g_new0 (Command, 1);

  g_task_set_source_tag (task, esim_at_serial_command_async);
  g_task_set_check_cancellable (task, FALSE);
  cmd->command = g_strdup (command);
  cmd->prefix = g_strdup (prefix);
  cmd->bare_digits = bare_digits;
  cmd->timeout_ms = timeout_ms;
  cmd->lines = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, cmd, (GDestroyNotify) command_free);
  if (self->fd < 0) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                             "serial port %s is not open", self->path);
    g_object_unref (task);
    return;
  }
  if (g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return;
  }
  if (cancellable != NULL) {
    cmd->cancel_source = g_cancellable_source_new (cancellable);
    g_source_set_callback (cmd->cancel_source, G_SOURCE_FUNC (command_cancelled_cb), task, NULL);
    g_source_attach (cmd->cancel_source, g_main_context_get_thread_default ());
  }
  g_queue_push_tail (&self->queue, task);
  esim_at_serial_next (self);
}

gchar **
esim_at_serial_command_finish (EsimAtSerial *self, GAsyncResult *result, gint *cme_error,
                               GError **error)
{
  Command *cmd = g_task_get_task_data (G_TASK (result));

  if (cme_error != NULL)
    *cme_error = cmd->cme;
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
esim_at_serial_open (EsimAtSerial *self, GError **error)
{
  struct termios tio;

  if (self->fd >= 0)
    return TRUE;
  self->fd = open (self->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (self->fd < 0) {
    int saved = errno;

    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                 "cannot open serial port %s: %s", self->path, g_strerror (saved));
    return FALSE;
  }
  /* raw 8N1 without flow control: AT lines are plain ASCII, answers must
   * not be echoed or rewritten by the line discipline */
  if (tcgetattr (self->fd, &tio) == 0) {
    cfmakeraw (&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(CRTSCTS | CSTOPB);
    cfsetispeed (&tio, B115200);
    cfsetospeed (&tio, B115200);
    tcsetattr (self->fd, TCSANOW, &tio);
    tcflush (self->fd, TCIOFLUSH);
  }
  self->cancellable = g_cancellable_new ();
  self->input = g_unix_input_stream_new (self->fd, FALSE);
  self->output = g_unix_output_stream_new (self->fd, FALSE);
  g_input_stream_read_async (self->input, self->buf, sizeof (self->buf), G_PRIORITY_DEFAULT,
                             self->cancellable, read_cb, g_object_ref (self));
  return TRUE;
}

void
esim_at_serial_close (EsimAtSerial *self, const gchar *const *last_words)
{
  if (self->fd < 0)
    return;
  /* best effort and without waiting: the modem is told, the line closes */
  for (guint i = 0; last_words != NULL && last_words[i] != NULL; i++) {
    g_autofree gchar *wire = g_strconcat (last_words[i], "\r", NULL);

    if (write (self->fd, wire, strlen (wire)) < 0)
      break;
  }
  esim_at_serial_teardown (self);
  esim_at_serial_fail_all (self, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN,
                                              "serial port %s was closed", self->path));
}

static void
esim_at_serial_dispose (GObject *object)
{
  esim_at_serial_close (ESIM_AT_SERIAL (object), NULL);
  G_OBJECT_CLASS (esim_at_serial_parent_class)->dispose (object);
}

static void
esim_at_serial_finalize (GObject *object)
{
  EsimAtSerial *self = ESIM_AT_SERIAL (object);

  g_free (self->path);
  g_free (self->wire);
  g_string_free (self->line, TRUE);
  G_OBJECT_CLASS (esim_at_serial_parent_class)->finalize (object);
}

static void
esim_at_serial_init (EsimAtSerial *self)
{
  self->fd = -1;
  self->line = g_string_new (NULL);
  g_queue_init (&self->queue);
}

static void
esim_at_serial_class_init (EsimAtSerialClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_at_serial_dispose;
  object_class->finalize = esim_at_serial_finalize;

  signals[SIGNAL_GONE] = g_signal_new ("gone", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* a line that answers no command, e.g. "+CPIN: READY" */
  signals[SIGNAL_UNSOLICITED]
    = g_signal_new ("unsolicited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}
