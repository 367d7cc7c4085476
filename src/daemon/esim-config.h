/*
 * The daemon's configuration, /etc/esimd/esimd.conf (GKeyFile):
 *
 *   [daemon]
 *   TestMode=false
 *   TrustAnchors=/etc/ssl/extra.pem;...
 *   TestCi=
 *   CaDirectory=
 *   JobLingerSeconds=30
 *   NotificationRetrySeconds=30
 *   NotificationRetryMaxSeconds=3600
 *   HttpConnectTimeoutSeconds=15
 *   HttpTimeoutSeconds=60
 *   ModemManager=true
 *   RefreshTimeoutSeconds=20
 *   ConfirmationTimeoutSeconds=300
 *
 *   [euicc:NAME]
 *   Transport=socket:/run/esim-sim.sock
 *   IsdrAid=A0000005591010FFFFFFFF8900000100
 *
 * Validation is strict: an unknown group or key, a bad value or an unknown
 * transport kind is an error naming the file, the group and the key.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gchar *name;      /* NAME of [euicc:NAME] */
  gchar *transport; /* KIND:DEVICE[@SLOT] */
  GBytes *isdr_aid; /* NULL for the SGP.22 default */
} EsimConfigEuicc;

typedef struct {
  gchar *path; /* where it was read from, NULL for the defaults */
  gboolean test_mode;
  gchar **trust_anchors; /* never NULL */
  gchar *test_ci;        /* NULL: the shipped SGP.26 CI */
  gchar *ca_directory;   /* NULL: $ESIMD_DATADIR/ci or the installed one */
  guint job_linger_seconds;
  guint notification_retry_seconds;
  guint notification_retry_max_seconds;
  guint http_connect_timeout_seconds;
  guint http_timeout_seconds;
  gboolean modem_manager;
  /* how long a profile switch waits for the modem to report the card's
   * refresh (or ModemManager the SIM change) */
  guint refresh_timeout_seconds;
  /* how long a download with "confirm" waits for Confirm() or Decline() */
  guint confirmation_timeout_seconds;
  GPtrArray *euiccs; /* of EsimConfigEuicc, in file order */
} EsimConfig;

/* the defaults, no eUICCs */
EsimConfig *esim_config_new (void);
/* missing_ok: a file that does not exist gives the defaults */
EsimConfig *esim_config_new_from_file (const gchar *path, gboolean missing_ok, GError **error);
/* source names the data in error messages */
EsimConfig *esim_config_new_from_data (const gchar *data, const gchar *source, GError **error);
void esim_config_free (EsimConfig *self);

/* the directory of the shipped GSMA roots, and the default test CI */
gchar *esim_config_get_ca_directory (const EsimConfig *self);
gchar *esim_config_get_test_ci (const EsimConfig *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimConfig, esim_config_free)

G_END_DECLS
