/*
 * The eUICC side of a download, in process, for the tests of the test
 * SM-DP+: signs with the SGP.26 eUICC key, checks what the server signs,
 * and opens the bound profile package with esim-bsp.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TestEuicc TestEuicc;

TestEuicc *test_euicc_new (void);
void test_euicc_free (TestEuicc *self);

const gchar *test_euicc_get_eid (TestEuicc *self);
/* a fresh challenge for initiateAuthentication */
GBytes *test_euicc_get_challenge (TestEuicc *self);
/* EUICCInfo1 BF20 listing the SGP.26 CI, or an unknown key id */
GBytes *test_euicc_get_info1 (TestEuicc *self, gboolean known_ci);

/* ES10b.AuthenticateServer: checks the server certificate and signature,
 * returns BF38; matching_id NULL leaves it out */
GBytes *test_euicc_authenticate_server (TestEuicc *self, GBytes *server_signed1,
                                        GBytes *server_signature1, GBytes *server_certificate,
                                        const gchar *matching_id, GError **error);
/* ES10b.PrepareDownload: checks smdpSignature2, returns BF21; cc NULL
 * sends no hashCc */
GBytes *test_euicc_prepare_download (TestEuicc *self, GBytes *smdp_signed2, GBytes *smdp_signature2,
                                     GBytes *smdp_certificate, const gchar *cc, GError **error);
/* ES8+ on the card: verifies smdpSign and every MAC, decrypts; returns the
 * profile package and sets *metadata to the StoreMetadataRequest */
GBytes *test_euicc_load_bpp (TestEuicc *self, GBytes *bpp, GBytes **metadata, GError **error);
/* ProfileInstallationResult BF37 of the current transaction */
GBytes *test_euicc_install_result (TestEuicc *self, gboolean success, const gchar *address,
                                   gboolean corrupt);
/* OtherSignedNotification (30) for an enable (bit 1) etc. */
GBytes *test_euicc_other_notification (TestEuicc *self, guint event_bit, const gchar *address);
/* CancelSessionResponse BF41 of the current transaction */
GBytes *test_euicc_cancel_session (TestEuicc *self, gint reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestEuicc, test_euicc_free)

G_END_DECLS
