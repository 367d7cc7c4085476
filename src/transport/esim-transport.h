/*
 * An APDU pipe to one eUICC: connect, open a logical channel to an AID,
 * transmit command APDUs on it, close. Everything SGP.22 lives above.
 *
 * Callers serialize their requests: one operation at a time per transport.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ESIM_TRANSPORT_ERROR (esim_transport_error_quark ())
GQuark esim_transport_error_quark (void);

typedef enum {
  ESIM_TRANSPORT_ERROR_FAILED,     /* the backend failed for another reason */
  ESIM_TRANSPORT_ERROR_NOT_OPEN,   /* used before open() or after close() */
  ESIM_TRANSPORT_ERROR_BUSY,       /* an operation is already in flight */
  ESIM_TRANSPORT_ERROR_GONE,       /* the card, reader or modem went away */
  ESIM_TRANSPORT_ERROR_PROTOCOL,   /* the link spoke something unexpected */
  ESIM_TRANSPORT_ERROR_NO_CHANNEL, /* no logical channel could be opened */
  ESIM_TRANSPORT_ERROR_NOT_FOUND,  /* the AID to select does not exist */
} EsimTransportError;

#define ESIM_TYPE_TRANSPORT (esim_transport_get_type ())
G_DECLARE_DERIVABLE_TYPE (EsimTransport, esim_transport, ESIM, TRANSPORT, GObject)

struct _EsimTransportClass {
  GObjectClass parent_class;

  void (*open_async) (EsimTransport *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data);
  gboolean (*open_finish) (EsimTransport *self, GAsyncResult *result, GError **error);
  /* the select response (FCI) may be NULL when the backend has none;
   * the default sends MANAGE CHANNEL open on the basic channel and SELECT
   * by AID (with GET RESPONSE) on the new one through transmit_async, so
   * only backends that open channels natively override it */
  void (*open_channel_async) (EsimTransport *self, GBytes *aid, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*open_channel_finish) (EsimTransport *self, GAsyncResult *result, guint *channel,
                                   GBytes **select_response, GError **error);
  /* apdu: a whole command APDU whose CLA already names the channel;
   * returns the response data followed by SW1 SW2 */
  void (*transmit_async) (EsimTransport *self, guint channel, GBytes *apdu,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
  GBytes *(*transmit_finish) (EsimTransport *self, GAsyncResult *result, GError **error);
  /* the default sends MANAGE CHANNEL close through transmit_async */
  void (*close_channel_async) (EsimTransport *self, guint channel, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*close_channel_finish) (EsimTransport *self, GAsyncResult *result, GError **error);
  /* synchronous and idempotent: drops the link */
  void (*close) (EsimTransport *self);
  /* esim_transport_set_watch_presence() changed; NULL for backends whose
   * link reports its own end while idle (the HUP of a QMI or MBIM port,
   * the end of an AT tty, which they turn into ::gone anyway) */
  void (*watch_presence_changed) (EsimTransport *self, gboolean watch);

  gpointer padding[7];
};

/* the backend name, e.g. "socket", "qmi", "mbim" */
const gchar *esim_transport_get_kind (EsimTransport *self);
/* where it talks to: a socket path, a /dev node, a reader name */
const gchar *esim_transport_get_device (EsimTransport *self);
gboolean esim_transport_is_open (EsimTransport *self);
/* counters for benchmarks and tests */
guint64 esim_transport_get_apdu_count (EsimTransport *self);
/* whether ::refreshed can be expected after a profile switch: the modem
 * reports its card's refresh (QMI, MBIM and AT modems that send
 * indications); FALSE for sockets and readers, where the card does not
 * restart under a switch or nobody tells */
gboolean esim_transport_can_signal_refresh (EsimTransport *self);

void esim_transport_open_async (EsimTransport *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_transport_open_finish (EsimTransport *self, GAsyncResult *result, GError **error);
void esim_transport_open_channel_async (EsimTransport *self, GBytes *aid, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_transport_open_channel_finish (EsimTransport *self, GAsyncResult *result,
                                             guint *channel, GBytes **select_response,
                                             GError **error);
void esim_transport_transmit_async (EsimTransport *self, guint channel, GBytes *apdu,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
GBytes *esim_transport_transmit_finish (EsimTransport *self, GAsyncResult *result, GError **error);
void esim_transport_close_channel_async (EsimTransport *self, guint channel,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean esim_transport_close_channel_finish (EsimTransport *self, GAsyncResult *result,
                                              GError **error);
void esim_transport_close (EsimTransport *self);

/* presence: while watching, a backend that can notices the card, reader
 * or modem going away while the link is idle (::gone at once, not at the
 * next operation) and, where it can, coming back (::appeared). It never
 * sends an APDU for it and never touches an operation in flight (the
 * watch rests while one runs, or looks from outside the card's link). Off
 * by default; the daemon turns it on for the configured eUICCs. */
void esim_transport_set_watch_presence (EsimTransport *self, gboolean watch);
gboolean esim_transport_get_watch_presence (EsimTransport *self);

/* for backends: report that the link is gone (emits ::gone once) */
void esim_transport_set_gone (EsimTransport *self);
void esim_transport_set_open (EsimTransport *self, gboolean open);
/* for backends: the channels the default open_channel opened and nobody
 * closed yet (bit n for channel n), which a backend gives back when it
 * drops the link; forgotten once the link opens, goes or closes */
guint32 esim_transport_get_apdu_channels (EsimTransport *self);
gboolean esim_transport_has_apdu_channel (EsimTransport *self, guint channel);
/* for backends: the card, reader or modem that was gone (or never there)
 * may be back: worth opening again (emits ::appeared) */
void esim_transport_emit_appeared (EsimTransport *self);
/* for backends: whether they will emit ::refreshed (FALSE by default) */
void esim_transport_set_can_signal_refresh (EsimTransport *self, gboolean can_signal_refresh);
/* for backends: the modem said that the card refreshed or that its slot
 * is ready again (emits ::refreshed) */
void esim_transport_emit_refreshed (EsimTransport *self);

G_END_DECLS
