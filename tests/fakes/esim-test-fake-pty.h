/*
 * Test helper for the fake modems: a pseudo terminal whose slave path is
 * the modem's device node. The fake reads what the host writes on the
 * master side and writes its answers there, without ever blocking the
 * main loop. It keeps a slave descriptor of its own so that the host
 * closing and reopening the device does not hang the line up.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EsimTestFakePty EsimTestFakePty;

/* bytes the host wrote */
typedef void (*EsimTestFakePtyReadFunc) (const guint8 *data, gsize len, gpointer user_data);

EsimTestFakePty *esim_test_fake_pty_new (EsimTestFakePtyReadFunc func, gpointer user_data,
                                         GError **error);
const gchar *esim_test_fake_pty_get_path (EsimTestFakePty *self);
void esim_test_fake_pty_write (EsimTestFakePty *self, const void *data, gsize len);
/* the modem goes away: the host sees a hang-up, later writes are dropped */
void esim_test_fake_pty_hangup (EsimTestFakePty *self);
gboolean esim_test_fake_pty_is_up (EsimTestFakePty *self);
void esim_test_fake_pty_free (EsimTestFakePty *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimTestFakePty, esim_test_fake_pty_free)

G_END_DECLS
