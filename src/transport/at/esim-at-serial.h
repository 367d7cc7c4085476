/*
 * An AT command engine on a serial port: the tty in raw mode, one command
 * at a time on the main loop, each with its own timeout. A command ends
 * with a final result code (OK, ERROR, +CME ERROR, +CMS ERROR); the lines
 * before it that carry the command's own prefix are its answer, anything
 * else (echo, unsolicited result codes) is skipped.
 *
 * A cancelled command keeps the line until its final result code arrives
 * (or its timeout), so that its answer is not taken for the next
 * command's; a command that times out gives the line up, and what it still
 * gets arrives with nothing pending and is dropped. The port closing under
 * us (a modem unplugged) emits "gone"; a line that answers no command
 * emits "unsolicited" with the line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ESIM_AT_ERROR (esim_at_error_quark ())
GQuark esim_at_error_quark (void);

typedef enum {
  ESIM_AT_ERROR_ERROR,   /* plain ERROR (or +CMS ERROR) */
  ESIM_AT_ERROR_CME,     /* +CME ERROR; the number is in the message */
  ESIM_AT_ERROR_TIMEOUT, /* no final result code in time */
} EsimAtError;

/* +CME ERROR numbers of 3GPP TS 27.007 that callers act on */
#define ESIM_AT_CME_NOT_ALLOWED 3
#define ESIM_AT_CME_NOT_SUPPORTED 4
#define ESIM_AT_CME_SIM_NOT_INSERTED 10
#define ESIM_AT_CME_SIM_FAILURE 13

#define ESIM_TYPE_AT_SERIAL (esim_at_serial_get_type ())
G_DECLARE_FINAL_TYPE (EsimAtSerial, esim_at_serial, ESIM, AT_SERIAL, GObject)

EsimAtSerial *esim_at_serial_new (const gchar *path);
gboolean esim_at_serial_open (EsimAtSerial *self, GError **error);
/* lines are written now, without waiting for answers: for teardown */
void esim_at_serial_close (EsimAtSerial *self, const gchar *const *last_words);
gboolean esim_at_serial_is_open (EsimAtSerial *self);

/* prefix: the answer lines to keep, e.g. "+CGLA:" (NULL keeps every
 * line); bare_digits: also keep lines of digits only (AT+CCHO answers
 * with a bare session id on many modems) */
void esim_at_serial_command_async (EsimAtSerial *self, const gchar *command, const gchar *prefix,
                                   gboolean bare_digits, guint timeout_ms,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* the kept lines, in order; an ESIM_AT_ERROR on ERROR/+CME ERROR/timeout,
 * ESIM_TRANSPORT_ERROR_GONE when the port went away */
gchar **esim_at_serial_command_finish (EsimAtSerial *self, GAsyncResult *result, gint *cme_error,
                                       GError **error);

G_END_DECLS
