/*
 * Test helper: runs the simulated eUICC program (tests/sim/esim-sim) in a
 * private temporary directory and tells where its socket is.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EsimTestSim EsimTestSim;

/* extra_args: further esim-sim arguments (--profile, --fault, ...), may be NULL.
 * The program comes from $ESIM_SIM_PATH, the SGP.26 PKI from
 * $ESIM_SHARED_DIR/fixtures/sgp26; both are set by meson for the tests. */
EsimTestSim *esim_test_sim_start (const gchar *const *extra_args, GError **error);
/* stop and start again on the same state file and socket (a card restart) */
gboolean esim_test_sim_restart (EsimTestSim *self, const gchar *const *extra_args, GError **error);
void esim_test_sim_stop (EsimTestSim *self);
void esim_test_sim_free (EsimTestSim *self);

const gchar *esim_test_sim_get_socket (EsimTestSim *self);
const gchar *esim_test_sim_get_state_path (EsimTestSim *self);
const gchar *esim_test_sim_get_dir (EsimTestSim *self);

/* a file below $ESIM_SHARED_DIR, e.g. "fixtures/upp/TS48v1_A.der" */
gchar *esim_test_shared_path (const gchar *relative);

/* run the default main context until *done is TRUE, with a generous
 * safety limit (a hung test fails instead of blocking CI) */
void esim_test_wait (gboolean *done);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimTestSim, esim_test_sim_free)

G_END_DECLS
