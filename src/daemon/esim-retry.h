/*
 * The back-off of an eUICC's notification delivery, kept in the state
 * directory so that a restarted daemon continues where it stopped:
 *
 *   { "attempts": 3, "nextDue": 1718000000 }
 *
 * attempts counts the failed passes in a row; nextDue is the wall-clock
 * time (seconds since the epoch) of the next pass. The delay after the
 * n-th failure is first * 2^(n-1), at most max, with jitter: a random
 * value between half of it and all of it (at least 1 s), so that a fleet
 * of devices that failed together does not retry together. A pass that
 * delivers everything removes the file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint attempts;
  gint64 next_due; /* seconds since the epoch, 0 when nothing is due */
} EsimRetry;

/* seconds to wait after the attempts-th failure in a row (attempts >= 1) */
guint esim_retry_delay (guint attempts, guint first_seconds, guint max_seconds);

/* delay with jitter: in [MAX (delay / 2, 1), delay]; rand NULL for the
 * global generator, a seeded one for a reproducible schedule */
guint esim_retry_jitter (guint delay, GRand *rand);

void esim_retry_failed (EsimRetry *self, gint64 now, guint first_seconds, guint max_seconds);
void esim_retry_failed_with_rand (EsimRetry *self, gint64 now, guint first_seconds,
                                  guint max_seconds, GRand *rand);
void esim_retry_succeeded (EsimRetry *self);

/* a missing file is a fresh state; a corrupt one is an error */
gboolean esim_retry_load (EsimRetry *self, const gchar *path, GError **error);
/* written atomically, mode 0600; a fresh state removes the file */
gboolean esim_retry_save (const EsimRetry *self, const gchar *path, GError **error);

G_END_DECLS
