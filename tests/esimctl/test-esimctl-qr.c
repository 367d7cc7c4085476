/*
 * esimctl QR codes: activation codes encoded with qrencode at test time,
 * as PNG, as JPEG (converted with gdk-pixbuf), with transparency and
 * scaled down; decoded by esimctl's decoder and compared.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "esimctl-qr.h"

#define CODE "LPA:1$smdp.example.com$04386-AGYFT-A74Y8-3F815"

typedef struct {
  gchar *dir;
  gchar *png;
} Fixture;

/* qrencode -o FILE TEXT; extra: further qrencode options or NULL */
static gboolean
qrencode (const gchar *path, const gchar *text, const gchar *extra)
{
  g_autofree gchar *program = g_find_program_in_path ("qrencode");
  g_autoptr (GError) error = NULL;
  gint status = 0;
  const gchar *argv[] = { program, "-s", "4", "-m", "4", "-o", path, text, extra, NULL };

  if (program == NULL)
    return FALSE;
  g_assert_true (g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  return TRUE;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("esimctl-qr-XXXXXX", &error);
  g_assert_no_error (error);
  f->png = g_build_filename (f->dir, "code.png", NULL);
  if (!qrencode (f->png, CODE, NULL))
    g_test_skip ("qrencode is not installed");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = g_build_filename (f->dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (f->dir);
  g_free (f->png);
  g_free (f->dir);
}

static void
assert_decodes (const gchar *path, const gchar *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = esimctl_qr_decode_file (path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_png (Fixture *f, gconstpointer data)
{
  if (!g_file_test (f->png, G_FILE_TEST_EXISTS))
    return;
  assert_decodes (f->png, CODE);
}

static void
test_jpeg (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autofree gchar *jpeg = g_build_filename (f->dir, "code.jpg", NULL);

  if (!g_file_test (f->png, G_FILE_TEST_EXISTS))
    return;
  pixbuf = gdk_pixbuf_new_from_file (f->png, &error);
  g_assert_no_error (error);
  /* a photo's compression artefacts, roughly */
  g_assert_true (gdk_pixbuf_save (pixbuf, jpeg, "jpeg", &error, "quality", "60", NULL));
  g_assert_no_error (error);
  assert_decodes (jpeg, CODE);
}

static void
test_alpha_scaled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GdkPixbuf) alpha = NULL;
  g_autoptr (GdkPixbuf) scaled = NULL;
  g_autofree gchar *path = g_build_filename (f->dir, "alpha.png", NULL);

  if (!g_file_test (f->png, G_FILE_TEST_EXISTS))
    return;
  pixbuf = gdk_pixbuf_new_from_file (f->png, &error);
  g_assert_no_error (error);
  /* white made transparent: decoded as if on white paper */
  alpha = gdk_pixbuf_add_alpha (pixbuf, TRUE, 255, 255, 255);
  scaled = gdk_pixbuf_scale_simple (alpha, gdk_pixbuf_get_width (alpha) * 3 / 2,
                                    gdk_pixbuf_get_height (alpha) * 3 / 2, GDK_INTERP_BILINEAR);
  g_assert_true (gdk_pixbuf_save (scaled, path, "png", &error, NULL));
  g_assert_no_error (error);
  assert_decodes (path, CODE);
}

static void
test_confirmation_flag (Fixture *f, gconstpointer data)
{
  g_autofree gchar *path = g_build_filename (f->dir, "cc.png", NULL);
  const gchar *code = "LPA:1$127.0.0.1:8443$MATCHING-ID-1$$1";

  if (!qrencode (path, code, NULL))
    return;
  assert_decodes (path, code);
}

static void
test_no_qr (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) blank = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 64);
  g_autofree gchar *path = g_build_filename (f->dir, "blank.png", NULL);
  g_autofree gchar *text = NULL;

  gdk_pixbuf_fill (blank, 0xffffffff);
  g_assert_true (gdk_pixbuf_save (blank, path, "png", &error, NULL));
  g_assert_no_error (error);
  text = esimctl_qr_decode_file (path, &error);
  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "No QR code found"));
}

static void
test_not_an_image (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = g_build_filename (f->dir, "text.png", NULL);
  g_autofree gchar *text = NULL;

  g_assert_true (g_file_set_contents (path, "not a picture", -1, &error));
  text = esimctl_qr_decode_file (path, &error);
  g_assert_null (text);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Cannot read the image"));
  g_clear_error (&error);

  text = esimctl_qr_decode_file ("/nonexistent/esimctl.png", &error);
  g_assert_null (text);
  g_assert_nonnull (error);
}

static void
test_unsupported (void)
{
  g_test_skip ("built without zbar");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!esimctl_qr_supported ()) {
    g_test_add_func ("/esimctl/qr/unsupported", test_unsupported);
    return g_test_run ();
  }
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/esimctl/qr/png", test_png);
  ADD ("/esimctl/qr/jpeg", test_jpeg);
  ADD ("/esimctl/qr/alpha-scaled", test_alpha_scaled);
  ADD ("/esimctl/qr/confirmation-flag", test_confirmation_flag);
  ADD ("/esimctl/qr/no-qr", test_no_qr);
  ADD ("/esimctl/qr/not-an-image", test_not_an_image);
#undef ADD
  return g_test_run ();
}
