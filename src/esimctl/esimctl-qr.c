/*
 * esimctl QR codes: gdk-pixbuf loads the image, it is flattened to 8-bit
 * greyscale (zbar's Y800) and zbar looks for a QR code in it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "esimctl-qr.h"

#if ESIM_HAVE_ZBAR

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <zbar.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (zbar_image_t, zbar_image_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (zbar_image_scanner_t, zbar_image_scanner_destroy)

gboolean
esimctl_qr_supported (void)
{
  return TRUE;
}

/* ITU-R BT.601 luma; transparent pixels are laid on white paper, which is
 * where a QR code with an alpha channel is meant to be seen */
static guint8 *
esimctl_qr_greyscale (GdkPixbuf *pixbuf)
{
  gint width = gdk_pixbuf_get_width (pixbuf);
  gint height = gdk_pixbuf_get_height (pixbuf);
  gint stride = gdk_pixbuf_get_rowstride (pixbuf);
  gint channels = gdk_pixbuf_get_n_channels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  guint8 *grey = g_malloc ((gsize) width * (gsize) height);

  for (gint y = 0; y < height; y++) {
    const guint8 *row = pixels + (gsize) y * (gsize) stride;
    for (gint x = 0; x < width; x++) {
      const guint8 *p = row + (gsize) x * (gsize) channels;
      guint luma = (299u * p[0] + 587u * p[1] + 114u * p[2]) / 1000u;
      if (alpha)
        luma = (luma * p[3] + 255u * (255u - p[3])) / 255u;
      grey[(gsize) y * (gsize) width + (gsize) x] = (guint8) luma;
    }
  }
  return grey;
}

gchar *
esimctl_qr_decode_file (const gchar *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GdkPixbuf) loaded = gdk_pixbuf_new_from_file (path, &local_error);
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (zbar_image_t) image = NULL;
  g_autoptr (zbar_image_scanner_t) scanner = NULL;
  g_autofree guint8 *grey = NULL;
  gint width, height;

  if (loaded == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("Cannot read the image “%s”: %s"),
                 path, local_error->message);
    return NULL;
  }
  /* a phone photo may be stored sideways with an EXIF orientation */
  pixbuf = gdk_pixbuf_apply_embedded_orientation (loaded);
  if (gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB
      || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || gdk_pixbuf_get_n_channels (pixbuf) < 3) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _ ("The image “%s” has a pixel format that cannot be scanned"), path);
    return NULL;
  }
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  grey = esimctl_qr_greyscale (pixbuf);

  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, (unsigned) width, (unsigned) height);
  /* the buffer stays ours: zbar only borrows it */
  zbar_image_set_data (image, grey, (unsigned long) width * (unsigned long) height, NULL);

  scanner = zbar_image_scanner_create ();
  /* activation codes come only as QR codes: other symbologies would
   * just be false positives in a photo */
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  if (zbar_scan_image (scanner, image) > 0) {
    for (const zbar_symbol_t *symbol = zbar_image_first_symbol (image); symbol != NULL;
         symbol = zbar_symbol_next (symbol)) {
      const char *data = zbar_symbol_get_data (symbol);
      if (zbar_symbol_get_type (symbol) != ZBAR_QRCODE || data == NULL)
        continue;
      /* QR text may end in a newline when it was made with echo */
      return g_strstrip (g_strndup (data, zbar_symbol_get_data_length (symbol)));
    }
  }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("No QR code found in “%s”"), path);
  return NULL;
}

#else /* !ESIM_HAVE_ZBAR */

gboolean
esimctl_qr_supported (void)
{
  return FALSE;
}

gchar *
esimctl_qr_decode_file (const gchar *path, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _ ("This esimctl was built without QR code support (zbar)"));
  return NULL;
}

#endif
