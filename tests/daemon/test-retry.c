/*
 * The notification back-off: the delay schedule and its persistence in
 * the state directory.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "esim-retry.h"

static void
test_retry_delay (void)
{
  g_assert_cmpuint (esim_retry_delay (1, 30, 3600), ==, 30);
  g_assert_cmpuint (esim_retry_delay (2, 30, 3600), ==, 60);
  g_assert_cmpuint (esim_retry_delay (3, 30, 3600), ==, 120);
  g_assert_cmpuint (esim_retry_delay (7, 30, 3600), ==, 1920);
  g_assert_cmpuint (esim_retry_delay (8, 30, 3600), ==, 3600);
  g_assert_cmpuint (esim_retry_delay (G_MAXUINT, 30, 3600), ==, 3600);
  g_assert_cmpuint (esim_retry_delay (5, 10, 10), ==, 10);
  g_assert_cmpuint (esim_retry_delay (0, 30, 3600), ==, 30);
}

static void
test_retry_schedule (void)
{
  EsimRetry retry = { 0 };

  /* the delays 30, 60, 100 (capped), each with jitter: half to all */
  esim_retry_failed (&retry, 1000, 30, 100);
  g_assert_cmpuint (retry.attempts, ==, 1);
  g_assert_cmpint (retry.next_due, >=, 1015);
  g_assert_cmpint (retry.next_due, <=, 1030);
  esim_retry_failed (&retry, 1030, 30, 100);
  g_assert_cmpint (retry.next_due, >=, 1060);
  g_assert_cmpint (retry.next_due, <=, 1090);
  esim_retry_failed (&retry, 1090, 30, 100);
  g_assert_cmpuint (retry.attempts, ==, 3);
  g_assert_cmpint (retry.next_due, >=, 1140);
  g_assert_cmpint (retry.next_due, <=, 1190);
  esim_retry_succeeded (&retry);
  g_assert_cmpuint (retry.attempts, ==, 0);
  g_assert_cmpint (retry.next_due, ==, 0);
}

static void
test_retry_jitter (void)
{
  g_autoptr (GRand) a = g_rand_new_with_seed (42);
  g_autoptr (GRand) b = g_rand_new_with_seed (42);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  /* never below 1 s, never above the delay */
  g_assert_cmpuint (esim_retry_jitter (0, NULL), ==, 1);
  g_assert_cmpuint (esim_retry_jitter (1, NULL), ==, 1);
  for (guint i = 0; i < 1000; i++) {
    guint d = esim_retry_jitter (3600, a);
    g_assert_cmpuint (d, >=, 1800);
    g_assert_cmpuint (d, <=, 3600);
    /* the same seed, the same schedule */
    g_assert_cmpuint (d, ==, esim_retry_jitter (3600, b));
    g_hash_table_add (seen, GUINT_TO_POINTER (d));
  }
  /* devices that failed together spread out */
  g_assert_cmpuint (g_hash_table_size (seen), >, 100);
  for (guint i = 0; i < 1000; i++) {
    guint d = esim_retry_jitter (G_MAXUINT, NULL);
    g_assert_cmpuint (d, >=, G_MAXUINT / 2);
  }
}

static void
test_retry_seeded_schedule (void)
{
  g_autoptr (GRand) a = g_rand_new_with_seed (7);
  g_autoptr (GRand) b = g_rand_new_with_seed (7);
  EsimRetry x = { 0 };
  EsimRetry y = { 0 };

  for (guint i = 0; i < 10; i++) {
    esim_retry_failed_with_rand (&x, 1000, 30, 3600, a);
    esim_retry_failed_with_rand (&y, 1000, 30, 3600, b);
    g_assert_cmpint (x.next_due, ==, y.next_due);
    g_assert_cmpint (x.next_due, >=, 1000 + esim_retry_delay (x.attempts, 30, 3600) / 2);
    g_assert_cmpint (x.next_due, <=, 1000 + esim_retry_delay (x.attempts, 30, 3600));
  }
}

static void
test_retry_persistence (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("esim-retry-XXXXXX", NULL);
  g_autofree gchar *path
    = g_build_filename (dir, "notify-89049032123451234512345678901235.json", NULL);
  g_autoptr (GError) error = NULL;
  EsimRetry retry = { 0 };
  EsimRetry loaded = { 7, 7 };
  GStatBuf st;

  /* nothing persisted: a fresh state */
  g_assert_true (esim_retry_load (&loaded, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (loaded.attempts, ==, 0);

  esim_retry_failed (&retry, 1718000000, 30, 3600);
  esim_retry_failed (&retry, 1718000030, 30, 3600);
  g_assert_true (esim_retry_save (&retry, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* a restarted daemon continues the back-off */
  g_assert_true (esim_retry_load (&loaded, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (loaded.attempts, ==, 2);
  g_assert_cmpint (loaded.next_due, ==, retry.next_due);

  /* everything delivered: the file goes */
  esim_retry_succeeded (&loaded);
  g_assert_true (esim_retry_save (&loaded, path, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (esim_retry_save (&loaded, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_retry_corrupt (void)
{
  const gchar *bad[] = {
    "not json",
    "[1, 2]",
    "{\"attempts\": 1}",
    "{\"attempts\": -1, \"nextDue\": 5}",
    "{\"attempts\": \"1\", \"nextDue\": 5}",
    "{\"attempts\": 1, \"nextDue\": 1.5}",
  };
  g_autofree gchar *dir = g_dir_make_tmp ("esim-retry-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "notify.json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    EsimRetry loaded = { 3, 3 };

    g_assert_true (g_file_set_contents (path, bad[i], -1, NULL));
    g_assert_false (esim_retry_load (&loaded, path, &error));
    g_assert_nonnull (error);
    /* a corrupt file starts afresh rather than never retrying */
    g_assert_cmpuint (loaded.attempts, ==, 0);
  }
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/daemon/retry/delay", test_retry_delay);
  g_test_add_func ("/daemon/retry/schedule", test_retry_schedule);
  g_test_add_func ("/daemon/retry/jitter", test_retry_jitter);
  g_test_add_func ("/daemon/retry/seeded-schedule", test_retry_seeded_schedule);
  g_test_add_func ("/daemon/retry/persistence", test_retry_persistence);
  g_test_add_func ("/daemon/retry/corrupt", test_retry_corrupt);
  return g_test_run ();
}
