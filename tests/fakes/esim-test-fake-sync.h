/*
 * Synchronous wrappers around EsimTransport for the transport tests of
 * the fake modems (header-only: each test program includes it once).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-test-sim.h"
#include "esim-transport.h"

#define ISDR_AID "A0000005591010FFFFFFFF8900000100"

typedef struct {
  gboolean done;
  GAsyncResult *result;
} SyncWaiter;

static void
sync_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  SyncWaiter *w = user_data;

  w->result = g_object_ref (res);
  w->done = TRUE;
}

static GBytes *
sync_bytes (const gchar *hex)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2) {
    guint8 b = (guint8) (g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]));
    g_byte_array_append (out, &b, 1);
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
sync_open (EsimTransport *t, GError **error)
{
  SyncWaiter w = { 0 };
  gboolean ok;

  esim_transport_open_async (t, NULL, sync_cb, &w);
  esim_test_wait (&w.done);
  ok = esim_transport_open_finish (t, w.result, error);
  g_object_unref (w.result);
  return ok;
}

static guint
sync_open_channel_aid (EsimTransport *t, const gchar *aid_hex, GBytes **fci, GError **error)
{
  g_autoptr (GBytes) aid = sync_bytes (aid_hex);
  SyncWaiter w = { 0 };
  guint channel = 0;

  esim_transport_open_channel_async (t, aid, NULL, sync_cb, &w);
  esim_test_wait (&w.done);
  if (!esim_transport_open_channel_finish (t, w.result, &channel, fci, error))
    channel = 0;
  g_object_unref (w.result);
  return channel;
}

static guint
sync_open_channel (EsimTransport *t, GError **error)
{
  return sync_open_channel_aid (t, ISDR_AID, NULL, error);
}

static GBytes *
sync_transmit (EsimTransport *t, guint channel, GBytes *apdu, GError **error)
{
  SyncWaiter w = { 0 };
  GBytes *out;

  esim_transport_transmit_async (t, channel, apdu, NULL, sync_cb, &w);
  esim_test_wait (&w.done);
  out = esim_transport_transmit_finish (t, w.result, error);
  g_object_unref (w.result);
  return out;
}

static gboolean
sync_close_channel (EsimTransport *t, guint channel, GError **error)
{
  SyncWaiter w = { 0 };
  gboolean ok;

  esim_transport_close_channel_async (t, channel, NULL, sync_cb, &w);
  esim_test_wait (&w.done);
  ok = esim_transport_close_channel_finish (t, w.result, error);
  g_object_unref (w.result);
  return ok;
}

/* GetEID on the channel: STORE DATA BF3E 5C 5A, then GET RESPONSE; the
 * status word of the last response */
static guint16
sync_get_eid (EsimTransport *t, guint channel, GError **error)
{
  guint8 cla = (guint8) (channel < 4 ? 0x80 | channel : 0xC0 | (channel - 4));
  g_autofree gchar *store = g_strdup_printf ("%02XE2910006BF3E035C015A", cla);
  g_autoptr (GBytes) apdu = sync_bytes (store);
  g_autoptr (GBytes) r = sync_transmit (t, channel, apdu, error);
  gsize len = 0;
  const guint8 *d;

  if (r == NULL)
    return 0;
  d = g_bytes_get_data (r, &len);
  if (d[len - 2] == 0x61) {
    g_autofree gchar *get = g_strdup_printf ("%02XC00000%02X", cla & 0x7F, d[len - 1]);
    g_autoptr (GBytes) get_apdu = sync_bytes (get);
    g_autoptr (GBytes) r2 = sync_transmit (t, channel, get_apdu, error);

    if (r2 == NULL)
      return 0;
    d = g_bytes_get_data (r2, &len);
    return (guint16) (d[len - 2] << 8 | d[len - 1]);
  }
  return (guint16) (d[len - 2] << 8 | d[len - 1]);
}

static void
sync_gone_cb (EsimTransport *t, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
sync_true_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* run the main loop for a while */
static void
sync_sleep (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, sync_true_cb, &done);
  esim_test_wait (&done);
}
