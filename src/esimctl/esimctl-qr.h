/*
 * esimctl QR codes: the activation code printed in an operator's QR code,
 * read from a PNG or JPEG image with gdk-pixbuf and zbar.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* FALSE when esimctl was built without zbar (meson -Dzbar=disabled) */
gboolean esimctl_qr_supported (void);

/* the text of the first QR code in the image, NULL with an error when the
 * image cannot be read or holds no QR code */
gchar *esimctl_qr_decode_file (const gchar *path, GError **error);

G_END_DECLS
