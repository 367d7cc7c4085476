/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-apdu.h"
#include "esim-test-fake-at.h"
#include "esim-test-fake-card.h"
#include "esim-test-fake-pty.h"
#include "at/esim-transport-at.h"

struct _EsimTestFakeAt {
  EsimTestFakePty *pty;
  EsimTestFakeCard *card;
  GString *line;
  GQueue commands; /* command lines waiting, one handled at a time */
  gboolean busy;
  gboolean dying;
  gboolean echo;
  EsimTestFakeAtMode mode;
  GHashTable *sessions; /* session id → channel */
  guint max_sessions;
  guint session_offset;
  guint fail_nth;
  guint fail_cme;
  guint delay_ms;
  guint delay_id;
  gchar *delayed;
  GPtrArray *history;
};

static void fake_at_next (EsimTestFakeAt *self);

static gboolean
fake_at_delayed_cb (gpointer user_data)
{
  EsimTestFakeAt *self = user_data;

  self->delay_id = 0;
  esim_test_fake_pty_write (self->pty, self->delayed, strlen (self->delayed));
  g_clear_pointer (&self->delayed, g_free);
  self->busy = FALSE;
  fake_at_next (self);
  return G_SOURCE_REMOVE;
}

/* the whole answer to the command in hand: information lines, then the
 * final result code */
static void
fake_at_answer (EsimTestFakeAt *self, const gchar *info, const gchar *final)
{
  g_autofree gchar *text = NULL;

  if (self->dying)
    return;
  text = info != NULL ? g_strdup_printf ("\r\n%s\r\n\r\n%s\r\n", info, final)
                      : g_strdup_printf ("\r\n%s\r\n", final);
  if (self->delay_ms > 0) {
    self->delayed = g_steal_pointer (&text);
    self->delay_id = g_timeout_add (self->delay_ms, fake_at_delayed_cb, self);
    return;
  }
  esim_test_fake_pty_write (self->pty, text, strlen (text));
  self->busy = FALSE;
  fake_at_next (self);
}

/* "<n>," then an optionally quoted hex string of n characters */
static GBytes *
parse_len_hex (const gchar *p)
{
  gchar *end = NULL;
  guint64 len = g_ascii_strtoull (p, &end, 10);
  gsize n;

  if (end == p || *end != ',')
    return NULL;
  p = end + 1;
  if (*p == '"')
    p++;
  n = strspn (p, "0123456789ABCDEFabcdef");
  if (n != len || (p[n] != '\0' && !(p[n] == '"' && p[n + 1] == '\0')))
    return NULL;
  return esim_test_fake_unhex (p, n);
}

typedef struct {
  EsimTestFakeAt *self;
  gchar *prefix;
} Pending;

static void
pending_free (Pending *p)
{
  g_free (p->prefix);
  g_free (p);
}

static void
apdu_done (GBytes *rapdu, gpointer user_data)
{
  Pending *p = user_data;
  g_autofree gchar *hex = NULL;
  g_autofree gchar *info = NULL;
  gsize len = 0;
  const guint8 *r;

  if (p->self->dying || rapdu == NULL) {
    /* a card that went is a modem that went: the pty hangs up */
    pending_free (p);
    return;
  }
  r = g_bytes_get_data (rapdu, &len);
  hex = esim_test_fake_hex (r, len);
  info = g_strdup_printf ("%s: %" G_GSIZE_FORMAT ",\"%s\"", p->prefix, len * 2, hex);
  fake_at_answer (p->self, info, "OK");
  pending_free (p);
}

static void
fake_at_relay (EsimTestFakeAt *self, GBytes *apdu, const gchar *prefix)
{
  Pending *p = g_new0 (Pending, 1);

  p->self = self;
  p->prefix = g_strdup (prefix);
  esim_test_fake_card_apdu (self->card, apdu, apdu_done, p);
}

static void
ccho_done (guint channel, GBytes *fci, guint16 sw, gpointer user_data)
{
  EsimTestFakeAt *self = user_data;
  g_autofree gchar *sid = NULL;

  if (self->dying)
    return;
  if (channel == 0) {
    /* 27.007 leaves the error open; modems answer "not found" or "unknown" */
    fake_at_answer (self, NULL, sw == 0x6A82 ? "+CME ERROR: 22" : "+CME ERROR: 100");
    return;
  }
  g_hash_table_insert (self->sessions, GUINT_TO_POINTER (channel + self->session_offset),
                       GUINT_TO_POINTER (channel));
  sid = g_strdup_printf ("%u", channel + self->session_offset);
  fake_at_answer (self, sid, "OK");
}

static void
handle_ccho (EsimTestFakeAt *self, const gchar *arg)
{
  gsize n;
  g_autoptr (GBytes) aid = NULL;

  if (*arg == '"')
    arg++;
  n = strspn (arg, "0123456789ABCDEFabcdef");
  aid = esim_test_fake_unhex (arg, n);
  if (aid == NULL || n < 10 || n > 32) {
    fake_at_answer (self, NULL, "+CME ERROR: 50");
    return;
  }
  if (g_hash_table_size (self->sessions) >= self->max_sessions) {
    fake_at_answer (self, NULL, "+CME ERROR: 100");
    return;
  }
  esim_test_fake_card_open_channel (self->card, aid, 0x00, ccho_done, self);
}

static void
handle_cgla (EsimTestFakeAt *self, const gchar *arg)
{
  gchar *end = NULL;
  guint64 sid = g_ascii_strtoull (arg, &end, 10);
  gpointer channel = NULL;
  g_autoptr (GBytes) apdu = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len = 0;

  if (end == arg || *end != ','
      || !g_hash_table_lookup_extended (self->sessions, GUINT_TO_POINTER ((guint) sid), NULL,
                                        &channel)) {
    fake_at_answer (self, NULL, "+CME ERROR: 21");
    return;
  }
  apdu = parse_len_hex (end + 1);
  if (apdu == NULL || g_bytes_get_size (apdu) < 4) {
    fake_at_answer (self, NULL, "+CME ERROR: 50");
    return;
  }
  /* the modem codes the session's channel into the class byte */
  copy = g_memdup2 (g_bytes_get_data (apdu, &len), g_bytes_get_size (apdu));
  copy[0] = esim_apdu_cla_for_channel (copy[0] & 0x80, GPOINTER_TO_UINT (channel));
  g_clear_pointer (&apdu, g_bytes_unref);
  apdu = g_bytes_new (copy, len);
  fake_at_relay (self, apdu, "+CGLA");
}

static void
handle_cchc (EsimTestFakeAt *self, const gchar *arg)
{
  guint64 sid = 0;
  gpointer channel = NULL;

  if (!g_ascii_string_to_unsigned (arg, 10, 0, G_MAXUINT, &sid, NULL)
      || !g_hash_table_lookup_extended (self->sessions, GUINT_TO_POINTER ((guint) sid), NULL,
                                        &channel)) {
    fake_at_answer (self, NULL, "+CME ERROR: 21");
    return;
  }
  g_hash_table_remove (self->sessions, GUINT_TO_POINTER ((guint) sid));
  esim_test_fake_card_close_channel (self->card, GPOINTER_TO_UINT (channel), NULL, NULL);
  fake_at_answer (self, NULL, "OK");
}

static void
fake_at_handle (EsimTestFakeAt *self, const gchar *line)
{
  g_autofree gchar *cmd = g_ascii_strup (line, -1);
  gboolean ccho = self->mode == ESIM_TEST_FAKE_AT_FULL;
  gboolean csim = self->mode != ESIM_TEST_FAKE_AT_NEITHER;

  g_ptr_array_add (self->history, g_strdup (cmd));
  if (self->history->len == self->fail_nth) {
    g_autofree gchar *final = g_strdup_printf ("+CME ERROR: %u", self->fail_cme);

    fake_at_answer (self, NULL, final);
    return;
  }
  if (g_str_equal (cmd, "AT") || g_str_equal (cmd, "AT+CMEE=1")) {
    fake_at_answer (self, NULL, "OK");
  } else if (g_str_equal (cmd, "ATE0") || g_str_equal (cmd, "ATE1")) {
    self->echo = cmd[3] == '1';
    fake_at_answer (self, NULL, "OK");
  } else if (g_str_equal (cmd, "AT+CCHO=?") || g_str_equal (cmd, "AT+CGLA=?")
             || g_str_equal (cmd, "AT+CCHC=?")) {
    fake_at_answer (self, NULL, ccho ? "OK" : "ERROR");
  } else if (g_str_equal (cmd, "AT+CSIM=?")) {
    fake_at_answer (self, NULL, csim ? "OK" : "ERROR");
  } else if (g_str_has_prefix (cmd, "AT+CCHO=")) {
    if (ccho)
      handle_ccho (self, line + strlen ("AT+CCHO="));
    else
      fake_at_answer (self, NULL, csim ? "+CME ERROR: 4" : "ERROR");
  } else if (g_str_has_prefix (cmd, "AT+CGLA=") && ccho) {
    handle_cgla (self, line + strlen ("AT+CGLA="));
  } else if (g_str_has_prefix (cmd, "AT+CCHC=") && ccho) {
    handle_cchc (self, line + strlen ("AT+CCHC="));
  } else if (g_str_has_prefix (cmd, "AT+CSIM=") && csim) {
    g_autoptr (GBytes) apdu = parse_len_hex (line + strlen ("AT+CSIM="));

    if (apdu == NULL || g_bytes_get_size (apdu) < 4)
      fake_at_answer (self, NULL, "+CME ERROR: 50");
    else
      fake_at_relay (self, apdu, "+CSIM");
  } else {
    fake_at_answer (self, NULL, "ERROR");
  }
}

static void
fake_at_next (EsimTestFakeAt *self)
{
  while (!self->busy && !self->dying && !g_queue_is_empty (&self->commands)) {
    g_autofree gchar *line = g_queue_pop_head (&self->commands);

    self->busy = TRUE;
    fake_at_handle (self, line);
  }
}

static void
fake_at_read_cb (const guint8 *data, gsize len, gpointer user_data)
{
  EsimTestFakeAt *self = user_data;

  for (gsize i = 0; i < len; i++) {
    gchar c = (gchar) data[i];

    if (c != '\r' && c != '\n') {
      g_string_append_c (self->line, c);
      continue;
    }
    if (c == '\n' || self->line->len == 0)
      continue;
    if (self->echo) {
      esim_test_fake_pty_write (self->pty, self->line->str, self->line->len);
      esim_test_fake_pty_write (self->pty, "\r", 1);
    }
    g_queue_push_tail (&self->commands, g_strdup (self->line->str));
    g_string_truncate (self->line, 0);
  }
  fake_at_next (self);
}

static void
fake_at_card_event (EsimTestFakeCardEvent event, gpointer user_data)
{
  EsimTestFakeAt *self = user_data;
  static const gchar refresh[] = "\r\n+CPIN: NOT READY\r\n\r\n+CPIN: READY\r\n";

  if (self->dying)
    return;
  if (event == ESIM_TEST_FAKE_CARD_GONE)
    esim_test_fake_pty_hangup (self->pty);
  else
    esim_test_fake_pty_write (self->pty, refresh, strlen (refresh));
}

EsimTestFakeAt *
esim_test_fake_at_new (EsimTestSim *sim, GError **error)
{
  g_autoptr (EsimTestFakeAt) self = g_new0 (EsimTestFakeAt, 1);

  self->line = g_string_new (NULL);
  g_queue_init (&self->commands);
  self->sessions = g_hash_table_new (NULL, NULL);
  self->history = g_ptr_array_new_with_free_func (g_free);
  self->echo = TRUE;
  self->max_sessions = 3;
  self->card
    = esim_test_fake_card_new (esim_test_sim_get_socket (sim), fake_at_card_event, self, error);
  if (self->card == NULL)
    return NULL;
  self->pty = esim_test_fake_pty_new (fake_at_read_cb, self, error);
  if (self->pty == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
esim_test_fake_at_free (EsimTestFakeAt *self)
{
  if (self == NULL)
    return;
  self->dying = TRUE;
  g_clear_handle_id (&self->delay_id, g_source_remove);
  g_clear_pointer (&self->delayed, g_free);
  g_clear_pointer (&self->card, esim_test_fake_card_free);
  g_clear_pointer (&self->pty, esim_test_fake_pty_free);
  g_queue_clear_full (&self->commands, g_free);
  g_string_free (self->line, TRUE);
  g_hash_table_unref (self->sessions);
  g_ptr_array_unref (self->history);
  g_free (self);
}

const gchar *
esim_test_fake_at_get_path (EsimTestFakeAt *self)
{
  return esim_test_fake_pty_get_path (self->pty);
}

void
esim_test_fake_at_set_mode (EsimTestFakeAt *self, EsimTestFakeAtMode mode)
{
  self->mode = mode;
}

void
esim_test_fake_at_set_max_sessions (EsimTestFakeAt *self, guint max)
{
  self->max_sessions = max;
}

void
esim_test_fake_at_set_session_offset (EsimTestFakeAt *self, guint offset)
{
  self->session_offset = offset;
}

void
esim_test_fake_at_set_fail_command (EsimTestFakeAt *self, guint n, guint cme)
{
  self->fail_nth = n;
  self->fail_cme = cme;
}

void
esim_test_fake_at_set_delay (EsimTestFakeAt *self, guint delay_ms)
{
  self->delay_ms = delay_ms;
}

void
esim_test_fake_at_hangup (EsimTestFakeAt *self)
{
  esim_test_fake_pty_hangup (self->pty);
}

guint
esim_test_fake_at_get_open_sessions (EsimTestFakeAt *self)
{
  return g_hash_table_size (self->sessions);
}

guint
esim_test_fake_at_get_command_count (EsimTestFakeAt *self)
{
  return self->history->len;
}

guint
esim_test_fake_at_count_commands (EsimTestFakeAt *self, const gchar *prefix)
{
  guint n = 0;

  for (guint i = 0; i < self->history->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (self->history, i), prefix))
      n++;
  return n;
}

EsimTransport *
esim_test_fake_at_transport_new (EsimTestSim *sim, GError **error)
{
  EsimTestFakeAt *fake = esim_test_fake_at_new (sim, error);
  EsimTransport *transport;

  if (fake == NULL)
    return NULL;
  transport = esim_transport_at_new (esim_test_fake_at_get_path (fake));
  g_object_set_data_full (G_OBJECT (transport), "esim-test-fake-at", fake,
                          (GDestroyNotify) esim_test_fake_at_free);
  return transport;
}

EsimTestFakeAt *
esim_test_fake_at_from_transport (EsimTransport *transport)
{
  return g_object_get_data (G_OBJECT (transport), "esim-test-fake-at");
}
