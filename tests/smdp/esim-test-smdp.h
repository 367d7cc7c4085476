/*
 * Test helper: runs the test SM-DP+ program (tests/smdp/esim-smdp) in a
 * private temporary directory on a free loopback port, and reads its
 * statistics file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _EsimTestSmdp EsimTestSmdp;

/* extra_args: further esim-smdp arguments (--profile, --fault, ...), may be
 * NULL. The program comes from $ESIM_SMDP_PATH, the SGP.26 PKI from
 * $ESIM_SHARED_DIR/fixtures/sgp26; both are set by meson for the tests. */
EsimTestSmdp *esim_test_smdp_start (const gchar *const *extra_args, GError **error);
void esim_test_smdp_stop (EsimTestSmdp *self);
void esim_test_smdp_free (EsimTestSmdp *self);

guint16 esim_test_smdp_get_port (EsimTestSmdp *self);
/* "127.0.0.1:PORT", the server's own address */
const gchar *esim_test_smdp_get_address (EsimTestSmdp *self);
/* https://127.0.0.1:PORT/gsma/rsp2/INTERFACE/FUNCTION */
gchar *esim_test_smdp_get_url (EsimTestSmdp *self, const gchar *interface, const gchar *function);
const gchar *esim_test_smdp_get_dir (EsimTestSmdp *self);
/* the statistics file as last written */
JsonObject *esim_test_smdp_read_stats (EsimTestSmdp *self, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimTestSmdp, esim_test_smdp_free)

G_END_DECLS
