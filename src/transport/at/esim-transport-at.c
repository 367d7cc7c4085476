/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-apdu.h"
#include "esim-at-serial.h"
#include "esim-transport-at.h"

#define AT_COMMAND_TIMEOUT_MS 10000
/* STORE DATA of a bound profile package installs the profile */
#define AT_APDU_TIMEOUT_MS 120000
#define AT_MAX_CHANNEL 19

/* a session the modem opened (AT+CCHO); the channels opened with
 * MANAGE CHANNEL through AT+CSIM are the base class's */
typedef struct {
  guint sid;
} Channel;

struct _EsimTransportAt {
  EsimTransport parent_instance;
  EsimAtSerial *serial;
  gulong gone_id;
  gulong unsolicited_id;
  gboolean ccho;
  gboolean csim;
  gboolean gone;        /* the port went away (until a new open) */
  GHashTable *channels; /* channel number → Channel, for AT+CCHO sessions */
  guint command_timeout;
  guint apdu_timeout;
};

G_DEFINE_TYPE (EsimTransportAt, esim_transport_at, ESIM_TYPE_TRANSPORT)

enum { PROP_0, PROP_COMMAND_TIMEOUT, PROP_APDU_TIMEOUT, N_PROPS };
static GParamSpec *props[N_PROPS];

EsimTransport *
esim_transport_at_new (const gchar *device)
{
  return g_object_new (ESIM_TYPE_TRANSPORT_AT, "kind", "at", "device", device, NULL);
}

const gchar *
esim_transport_at_get_method (EsimTransportAt *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT_AT (self), NULL);
  if (self->serial == NULL)
    return NULL;
  return self->ccho ? "ccho" : self->csim ? "csim" : NULL;
}

static gchar *
hex_encode (const guint8 *data, gsize len)
{
  GString *s = g_string_sized_new (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

/* "<len>,"<hex>"" (quotes optional) after the prefix of an answer line */
static GBytes *
parse_hex_answer (const gchar *line, const gchar *prefix, GError **error)
{
  const gchar *p = line + strlen (prefix);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gchar *end = NULL;
  guint64 len;
  gsize n = 0;

  while (*p == ' ')
    p++;
  len = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != ',') {
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL, "cannot read “%s”",
                 line);
    return NULL;
  }
  p = end + 1;
  if (*p == '"')
    p++;
  while (g_ascii_isxdigit (p[n]))
    n++;
  if (n != len || n % 2 != 0 || (p[n] != '\0' && p[n] != '"')) {
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                 "malformed answer “%s”", line);
    return NULL;
  }
  for (gsize i = 0; i < n; i += 2) {
    guint8 b = (guint8) (g_ascii_xdigit_value (p[i]) << 4 | g_ascii_xdigit_value (p[i + 1]));
    g_byte_array_append (out, &b, 1);
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* a call: the steps of open and open_channel keep their state here */

typedef struct {
  guint step;
  GBytes *aid;
  guint channel;
  guint sid;
  GBytes *fci;
} Op;

static void
op_free (Op *op)
{
  g_clear_pointer (&op->aid, g_bytes_unref);
  g_clear_pointer (&op->fci, g_bytes_unref);
  g_free (op);
}

static GTask *
op_new (EsimTransportAt *self, gpointer tag, GCancellable *cancellable,
        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, g_new0 (Op, 1), (GDestroyNotify) op_free);
  return task;
}

static void
op_fail (GTask *task, GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
at_command (EsimTransportAt *self, GTask *task, const gchar *command, const gchar *prefix,
            gboolean bare_digits, guint timeout, GAsyncReadyCallback callback)
{
  esim_at_serial_command_async (self->serial, command, prefix, bare_digits, timeout,
                                g_task_get_cancellable (task), callback, task);
}

/* serial and AT errors in the transport's terms */
static GError *
at_map_error (EsimTransportAt *self, GError *error, gint cme, const gchar *what)
{
  EsimTransportError code = ESIM_TRANSPORT_ERROR_FAILED;
  GError *mapped;

  if (error->domain == G_IO_ERROR || error->domain == ESIM_TRANSPORT_ERROR)
    return error;
  if (g_error_matches (error, ESIM_AT_ERROR, ESIM_AT_ERROR_CME)
      && (cme == ESIM_AT_CME_SIM_NOT_INSERTED || cme == ESIM_AT_CME_SIM_FAILURE))
    code = ESIM_TRANSPORT_ERROR_GONE;
  mapped = g_error_new (ESIM_TRANSPORT_ERROR, code, "%s on %s: %s", what,
                        esim_transport_get_device (ESIM_TRANSPORT (self)), error->message);
  g_error_free (error);
  return mapped;
}

/* ERROR or +CME ERROR: 4: the modem does not have the command */
static gboolean
at_error_is_unsupported (GError *error, gint cme)
{
  return g_error_matches (error, ESIM_AT_ERROR, ESIM_AT_ERROR_ERROR)
         || (g_error_matches (error, ESIM_AT_ERROR, ESIM_AT_ERROR_CME)
             && cme == ESIM_AT_CME_NOT_SUPPORTED);
}

/* AT+CSIM: one APDU on the basic channel's command interface */
static void
csim_send (EsimTransportAt *self, GTask *task, GBytes *apdu, GAsyncReadyCallback callback)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (apdu, &len);
  g_autofree gchar *hex = hex_encode (data, len);
  g_autofree gchar *command = g_strdup_printf ("AT+CSIM=%" G_GSIZE_FORMAT ",\"%s\"", len * 2, hex);

  at_command (self, task, command, "+CSIM:", FALSE, self->apdu_timeout, callback);
}

/* the R-APDU of an AT+CSIM or AT+CGLA answer */
static GBytes *
apdu_answer_finish (EsimTransportAt *self, GObject *source, GAsyncResult *res, const gchar *prefix,
                    const gchar *what, GError **error)
{
  g_auto (GStrv) lines = NULL;
  GError *inner = NULL;
  gint cme = 0;
  GBytes *rapdu;

  lines = esim_at_serial_command_finish (ESIM_AT_SERIAL (source), res, &cme, &inner);
  if (lines == NULL) {
    g_propagate_error (error, at_map_error (self, inner, cme, what));
    return NULL;
  }
  if (lines[0] == NULL) {
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                 "%s on %s: OK without %s", what, esim_transport_get_device (ESIM_TRANSPORT (self)),
                 prefix);
    return NULL;
  }
  rapdu = parse_hex_answer (lines[0], prefix, error);
  if (rapdu != NULL && g_bytes_get_size (rapdu) < 2) {
    g_clear_pointer (&rapdu, g_bytes_unref);
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                 "%s on %s: response APDU without status word", what,
                 esim_transport_get_device (ESIM_TRANSPORT (self)));
  }
  return rapdu;
}

static void
ignore_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_strfreev (esim_at_serial_command_finish (ESIM_AT_SERIAL (source), res, NULL, NULL));
}

/* the command that gives a channel back: a session, or with no session
 * one of the base class's channels */
static gchar *
close_command (guint channel, Channel *ch)
{
  if (ch != NULL)
    return g_strdup_printf ("AT+CCHC=%u", ch->sid);
  return g_strdup_printf ("AT+CSIM=8,\"%02X7080%02X\"", esim_apdu_cla_for_channel (0x00, channel),
                          channel);
}

/* give back a channel without waiting for the answer */
static void
esim_transport_at_release (EsimTransportAt *self, guint channel, Channel *ch)
{
  g_autofree gchar *command = close_command (channel, ch);

  if (self->serial != NULL)
    esim_at_serial_command_async (self->serial, command, NULL, FALSE, self->command_timeout, NULL,
                                  ignore_cb, NULL);
}

/* the link */

static void esim_transport_at_drop (EsimTransportAt *self, const gchar *const *last_words);

static void
serial_gone_cb (EsimAtSerial *serial, gpointer user_data)
{
  EsimTransportAt *self = ESIM_TRANSPORT_AT (user_data);

  /* the engine has failed what was in flight; later calls fail early */
  esim_transport_at_drop (self, NULL);
  self->gone = TRUE;
  esim_transport_set_gone (ESIM_TRANSPORT (self));
}

static void
esim_transport_at_drop (EsimTransportAt *self, const gchar *const *last_words)
{
  if (self->serial == NULL)
    return;
  g_clear_signal_handler (&self->gone_id, self->serial);
  g_clear_signal_handler (&self->unsolicited_id, self->serial);
  esim_at_serial_close (self->serial, last_words);
  g_clear_object (&self->serial);
  g_hash_table_remove_all (self->channels);
}

/* modems say "+CPIN: READY" when the card is ready again after a refresh
 * (a profile switch makes the card restart) */
static void
serial_unsolicited_cb (EsimAtSerial *serial, const gchar *line, gpointer user_data)
{
  if (g_str_equal (line, "+CPIN: READY"))
    esim_transport_emit_refreshed (ESIM_TRANSPORT (user_data));
}

/* open: the port, then what the modem offers */

enum { OPEN_ECHO_OFF, OPEN_CMEE, OPEN_PROBE_CCHO, OPEN_PROBE_CGLA, OPEN_PROBE_CSIM, OPEN_DONE };

static void open_step (GTask *task);

static void
open_step_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportAt *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_auto (GStrv) lines = NULL;
  GError *error = NULL;
  gboolean ok;

  lines = esim_at_serial_command_finish (ESIM_AT_SERIAL (source), res, NULL, &error);
  ok = lines != NULL;
  if (!ok
      && (error->domain != ESIM_AT_ERROR
          || (op->step == OPEN_ECHO_OFF && error->code == ESIM_AT_ERROR_TIMEOUT))) {
    /* gone, cancelled, or nothing answering on the port */
    esim_transport_at_drop (self, NULL);
    op_fail (task, at_map_error (self, error, 0, "AT modem"));
    return;
  }
  g_clear_error (&error);
  switch (op->step) {
  case OPEN_PROBE_CCHO:
    self->ccho = ok;
    break;
  case OPEN_PROBE_CGLA:
    self->ccho = self->ccho && ok;
    break;
  case OPEN_PROBE_CSIM:
    self->csim = ok;
    break;
  default:
    break;
  }
  op->step++;
  open_step (task);
}

static void
open_step (GTask *task)
{
  EsimTransportAt *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  static const gchar *const commands[]
    = { "ATE0", "AT+CMEE=1", "AT+CCHO=?", "AT+CGLA=?", "AT+CSIM=?" };
  static const gchar *const prefixes[] = { NULL, NULL, "+CCHO", "+CGLA", "+CSIM" };

  if (op->step < OPEN_DONE) {
    at_command (self, task, commands[op->step], prefixes[op->step], FALSE, self->command_timeout,
                open_step_cb);
    return;
  }
  if (!self->ccho && !self->csim) {
    esim_transport_at_drop (self, NULL);
    op_fail (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL,
                                "the modem at %s has neither AT+CCHO/AT+CGLA nor AT+CSIM: "
                                "it offers no way to reach the eUICC",
                                esim_transport_get_device (ESIM_TRANSPORT (self))));
    return;
  }
  g_debug ("AT modem %s: logical channels through %s",
           esim_transport_get_device (ESIM_TRANSPORT (self)),
           self->ccho ? "AT+CCHO/AT+CGLA" : "AT+CSIM");
  self->gone = FALSE;
  esim_transport_set_open (ESIM_TRANSPORT (self), TRUE);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
esim_transport_at_open_async (EsimTransport *transport, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  EsimTransportAt *self = ESIM_TRANSPORT_AT (transport);
  GTask *task = op_new (self, esim_transport_at_open_async, cancellable, callback, user_data);
  GError *error = NULL;

  if (self->serial != NULL) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  self->serial = esim_at_serial_new (esim_transport_get_device (transport));
  if (!esim_at_serial_open (self->serial, &error)) {
    g_clear_object (&self->serial);
    op_fail (task, error);
    return;
  }
  self->gone_id = g_signal_connect (self->serial, "gone", G_CALLBACK (serial_gone_cb), self);
  self->unsolicited_id
    = g_signal_connect (self->serial, "unsolicited", G_CALLBACK (serial_unsolicited_cb), self);
  /* the usual modem sends +CPIN unsolicited after a SIM refresh */
  esim_transport_set_can_signal_refresh (transport, TRUE);
  open_step (task);
}

static gboolean
esim_transport_at_open_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* open a channel */

static gboolean
check_serial (EsimTransportAt *self, GTask *task)
{
  if (self->serial != NULL)
    return TRUE;
  op_fail (task,
           g_error_new (ESIM_TRANSPORT_ERROR,
                        self->gone ? ESIM_TRANSPORT_ERROR_GONE : ESIM_TRANSPORT_ERROR_NOT_OPEN,
                        self->gone ? "AT modem %s went away" : "AT modem %s is not open",
                        esim_transport_get_device (ESIM_TRANSPORT (self))));
  return FALSE;
}

static gboolean
esim_transport_at_channel_in_use (EsimTransportAt *self, guint channel)
{
  return g_hash_table_contains (self->channels, GUINT_TO_POINTER (channel))
         || esim_transport_has_apdu_channel (ESIM_TRANSPORT (self), channel);
}

/* the channel number callers see: the session id when it can be one */
static guint
esim_transport_at_pick_channel (EsimTransportAt *self, guint wanted)
{
  if (wanted >= 1 && wanted <= AT_MAX_CHANNEL && !esim_transport_at_channel_in_use (self, wanted))
    return wanted;
  for (guint c = 1; c <= AT_MAX_CHANNEL; c++)
    if (!esim_transport_at_channel_in_use (self, c))
      return c;
  return 0;
}

static void
esim_transport_at_add_channel (EsimTransportAt *self, guint channel, guint sid)
{
  Channel *ch = g_new0 (Channel, 1);

  ch->sid = sid;
  g_hash_table_insert (self->channels, GUINT_TO_POINTER (channel), ch);
}

static void
csim_close_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransport *transport = g_task_get_source_object (task);
  EsimTransportClass *parent_class = ESIM_TRANSPORT_CLASS (esim_transport_at_parent_class);
  Op *op = g_task_get_task_data (task);

  parent_class->close_channel_finish (transport, res, NULL);
  op_fail (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL,
                              "MANAGE CHANNEL open through AT+CSIM failed: the card gave "
                              "channel %u, which a session on %s has",
                              op->channel, esim_transport_get_device (transport)));
}

static void
csim_open_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportAt *self = g_task_get_source_object (task);
  EsimTransportClass *parent_class = ESIM_TRANSPORT_CLASS (esim_transport_at_parent_class);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!parent_class->open_channel_finish (ESIM_TRANSPORT (self), res, &op->channel, &op->fci,
                                          &error)) {
    op_fail (task, error);
    return;
  }
  /* a session opened before AT+CCHO was refused may hold the number */
  if (g_hash_table_contains (self->channels, GUINT_TO_POINTER (op->channel))) {
    parent_class->close_channel_async (ESIM_TRANSPORT (self), op->channel, NULL, csim_close_cb,
                                       task);
    return;
  }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* MANAGE CHANNEL and SELECT as the base class sends them, which transmit
 * passes through AT+CSIM on the basic channel's command interface */
static void
csim_open_start (GTask *task)
{
  EsimTransport *transport = g_task_get_source_object (task);
  EsimTransportClass *parent_class = ESIM_TRANSPORT_CLASS (esim_transport_at_parent_class);
  Op *op = g_task_get_task_data (task);

  parent_class->open_channel_async (transport, op->aid, g_task_get_cancellable (task), csim_open_cb,
                                    task);
}

static void
ccho_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportAt *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_auto (GStrv) lines = NULL;
  GError *error = NULL;
  gint cme = 0;
  const gchar *p;
  guint64 sid = 0;
  Channel ch = { 0 };

  lines = esim_at_serial_command_finish (ESIM_AT_SERIAL (source), res, &cme, &error);
  if (lines == NULL) {
    if (at_error_is_unsupported (error, cme) && self->csim) {
      g_info ("AT modem %s: AT+CCHO refused (%s), using AT+CSIM",
              esim_transport_get_device (ESIM_TRANSPORT (self)), error->message);
      g_error_free (error);
      self->ccho = FALSE;
      csim_open_start (task);
      return;
    }
    error = at_map_error (self, error, cme, "AT+CCHO");
    if (g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED)
        && strstr (error->message, "no answer") == NULL)
      error->code = ESIM_TRANSPORT_ERROR_NO_CHANNEL;
    op_fail (task, error);
    return;
  }
  p = lines[0] != NULL ? lines[0] : "";
  if (g_str_has_prefix (p, "+CCHO:"))
    p += strlen ("+CCHO:");
  while (*p == ' ')
    p++;
  if (!g_ascii_string_to_unsigned (p, 10, 1, G_MAXUINT32, &sid, NULL)) {
    op_fail (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                                "AT+CCHO on %s: no session id in “%s”",
                                esim_transport_get_device (ESIM_TRANSPORT (self)), p));
    return;
  }
  op->channel = esim_transport_at_pick_channel (self, (guint) sid);
  if (op->channel == 0) {
    ch.sid = (guint) sid;
    esim_transport_at_release (self, 0, &ch);
    op_fail (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL,
                                "AT modem %s: every channel number is in use",
                                esim_transport_get_device (ESIM_TRANSPORT (self))));
    return;
  }
  esim_transport_at_add_channel (self, op->channel, (guint) sid);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
esim_transport_at_open_channel_async (EsimTransport *transport, GBytes *aid,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  EsimTransportAt *self = ESIM_TRANSPORT_AT (transport);
  GTask *task
    = op_new (self, esim_transport_at_open_channel_async, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  g_autofree gchar *hex = NULL;
  g_autofree gchar *command = NULL;

  if (g_bytes_get_size (aid) < 5 || g_bytes_get_size (aid) > 16) {
    op_fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                "an AID has 5 to 16 bytes, not %" G_GSIZE_FORMAT,
                                g_bytes_get_size (aid)));
    return;
  }
  if (!check_serial (self, task))
    return;
  op->aid = g_bytes_ref (aid);
  if (!self->ccho) {
    csim_open_start (task);
    return;
  }
  hex = hex_encode (g_bytes_get_data (aid, NULL), g_bytes_get_size (aid));
  command = g_strdup_printf ("AT+CCHO=\"%s\"", hex);
  at_command (self, task, command, "+CCHO:", TRUE, self->command_timeout, ccho_cb);
}

static gboolean
esim_transport_at_open_channel_finish (EsimTransport *transport, GAsyncResult *res, guint *channel,
                                       GBytes **select_response, GError **error)
{
  Op *op = g_task_get_task_data (G_TASK (res));

  if (!g_task_propagate_boolean (G_TASK (res), error))
    return FALSE;
  if (channel != NULL)
    *channel = op->channel;
  /* AT+CCHO does not pass the SELECT response on */
  if (select_response != NULL && op->fci != NULL && g_bytes_get_size (op->fci) > 0)
    *select_response = g_bytes_ref (op->fci);
  return TRUE;
}

/* transmit */

static void
transmit_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimTransportAt *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *rapdu;

  rapdu = apdu_answer_finish (self, source, res, op->sid > 0 ? "+CGLA:" : "+CSIM:",
                              op->sid > 0 ? "AT+CGLA" : "AT+CSIM", &error);
  if (rapdu == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rapdu, (GDestroyNotify) g_bytes_unref);
}

static void
esim_transport_at_transmit_async (EsimTransport *transport, guint channel, GBytes *apdu,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  EsimTransportAt *self = ESIM_TRANSPORT_AT (transport);
  GTask *task = op_new (self, esim_transport_at_transmit_async, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  Channel *ch;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (apdu, &len);
  g_autofree gchar *hex = NULL;
  g_autofree gchar *command = NULL;

  if (!check_serial (self, task))
    return;
  ch = g_hash_table_lookup (self->channels, GUINT_TO_POINTER (channel));
  if (ch == NULL && channel != 0 && !esim_transport_has_apdu_channel (transport, channel)) {
    op_fail (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED,
                                "logical channel %u is not open on %s", channel,
                                esim_transport_get_device (transport)));
    return;
  }
  if (len < 4 || len > 261) {
    op_fail (task,
             g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                          "a short command APDU has 4 to 261 bytes, not %" G_GSIZE_FORMAT, len));
    return;
  }
  /* the basic channel and the base class's channels */
  if (ch == NULL || esim_transport_has_apdu_channel (transport, channel)) {
    csim_send (self, task, apdu, transmit_cb);
    return;
  }
  op->sid = ch->sid;
  hex = hex_encode (data, len);
  command = g_strdup_printf ("AT+CGLA=%u,%" G_GSIZE_FORMAT ",\"%s\"", ch->sid, len * 2, hex);
  at_command (self, task, command, "+CGLA:", FALSE, self->apdu_timeout, transmit_cb);
}

static GBytes *
esim_transport_at_transmit_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* close channel */

static void
close_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimTransportAt *self = g_task_get_source_object (task);
  g_auto (GStrv) lines = NULL;
  GError *error = NULL;
  gint cme = 0;

  lines = esim_at_serial_command_finish (ESIM_AT_SERIAL (source), res, &cme, &error);
  if (lines == NULL) {
    g_task_return_error (task, at_map_error (self, error, cme, "AT+CCHC"));
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
esim_transport_at_close_channel_async (EsimTransport *transport, guint channel,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  EsimTransportAt *self = ESIM_TRANSPORT_AT (transport);
  EsimTransportClass *parent_class = ESIM_TRANSPORT_CLASS (esim_transport_at_parent_class);
  GTask *task;
  Channel *ch;
  g_autofree gchar *command = NULL;

  /* a channel opened through AT+CSIM: MANAGE CHANNEL close, the same way */
  if (esim_transport_has_apdu_channel (transport, channel)) {
    parent_class->close_channel_async (transport, channel, cancellable, callback, user_data);
    return;
  }
  task = op_new (self, esim_transport_at_close_channel_async, cancellable, callback, user_data);
  if (!check_serial (self, task))
    return;
  ch = g_hash_table_lookup (self->channels, GUINT_TO_POINTER (channel));
  if (ch == NULL) {
    op_fail (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED,
                                "logical channel %u is not open on %s", channel,
                                esim_transport_get_device (transport)));
    return;
  }
  command = close_command (channel, ch);
  /* whatever the answer, the channel is not ours to close again */
  g_hash_table_remove (self->channels, GUINT_TO_POINTER (channel));
  at_command (self, task, command, "+CCHC", FALSE, self->command_timeout, close_channel_cb);
}

static gboolean
esim_transport_at_close_channel_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  EsimTransportClass *parent_class = ESIM_TRANSPORT_CLASS (esim_transport_at_parent_class);

  /* a channel opened through AT+CSIM went to the base class */
  if (!g_async_result_is_tagged (res, esim_transport_at_close_channel_async))
    return parent_class->close_channel_finish (transport, res, error);
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
esim_transport_at_close (EsimTransport *transport)
{
  EsimTransportAt *self = ESIM_TRANSPORT_AT (transport);
  g_autoptr (GPtrArray) last_words = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  /* the sessions and channels left open are closed on the way out */
  g_hash_table_iter_init (&iter, self->channels);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (last_words, close_command (GPOINTER_TO_UINT (key), value));
  for (guint channel = 1; channel <= AT_MAX_CHANNEL; channel++) {
    if (esim_transport_has_apdu_channel (transport, channel))
      g_ptr_array_add (last_words, close_command (channel, NULL));
  }
  g_ptr_array_add (last_words, NULL);
  esim_transport_at_drop (self, (const gchar *const *) last_words->pdata);
}

static void
esim_transport_at_dispose (GObject *object)
{
  esim_transport_at_close (ESIM_TRANSPORT (object));
  G_OBJECT_CLASS (esim_transport_at_parent_class)->dispose (object);
}

static void
esim_transport_at_finalize (GObject *object)
{
  EsimTransportAt *self = ESIM_TRANSPORT_AT (object);

  g_hash_table_unref (self->channels);
  G_OBJECT_CLASS (esim_transport_at_parent_class)->finalize (object);
}

static void
esim_transport_at_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimTransportAt *self = ESIM_TRANSPORT_AT (object);

  switch (prop_id) {
  case PROP_COMMAND_TIMEOUT:
    g_value_set_uint (value, self->command_timeout);
    break;
  case PROP_APDU_TIMEOUT:
    g_value_set_uint (value, self->apdu_timeout);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_transport_at_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  EsimTransportAt *self = ESIM_TRANSPORT_AT (object);

  switch (prop_id) {
  case PROP_COMMAND_TIMEOUT:
    self->command_timeout = g_value_get_uint (value);
    break;
  case PROP_APDU_TIMEOUT:
    self->apdu_timeout = g_value_get_uint (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_transport_at_init (EsimTransportAt *self)
{
  self->channels = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->command_timeout = AT_COMMAND_TIMEOUT_MS;
  self->apdu_timeout = AT_APDU_TIMEOUT_MS;
}

static void
esim_transport_at_class_init (EsimTransportAtClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  EsimTransportClass *transport_class = ESIM_TRANSPORT_CLASS (klass);

  object_class->dispose = esim_transport_at_dispose;
  object_class->finalize = esim_transport_at_finalize;
  object_class->get_property = esim_transport_at_get_property;
  object_class->set_property = esim_transport_at_set_property;
  transport_class->open_async = esim_transport_at_open_async;
  transport_class->open_finish = esim_transport_at_open_finish;
  transport_class->open_channel_async = esim_transport_at_open_channel_async;
  transport_class->open_channel_finish = esim_transport_at_open_channel_finish;
  transport_class->transmit_async = esim_transport_at_transmit_async;
  transport_class->transmit_finish = esim_transport_at_transmit_finish;
  transport_class->close_channel_async = esim_transport_at_close_channel_async;
  transport_class->close_channel_finish = esim_transport_at_close_channel_finish;
  transport_class->close = esim_transport_at_close;

  props[PROP_COMMAND_TIMEOUT]
    = g_param_spec_uint ("command-timeout", NULL, NULL, 1, G_MAXUINT, AT_COMMAND_TIMEOUT_MS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  props[PROP_APDU_TIMEOUT]
    = g_param_spec_uint ("apdu-timeout", NULL, NULL, 1, G_MAXUINT, AT_APDU_TIMEOUT_MS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}
