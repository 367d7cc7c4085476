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
 *   ModemManager=true
 *   RefreshTimeoutSeconds=20
 *   ConfirmationTimeoutSeconds=300
 *   (HttpConnectTimeoutSeconds=, HttpTimeoutSeconds=: the old names of
 *   [network] ConnectTimeoutSeconds=, RequestTimeoutSeconds=)
 *
 *   [tls]
 *   SystemRoots=false
 *   SystemRootsFile=
 *
 *   [network]
 *   ConnectTimeoutSeconds=15
 *   RequestTimeoutSeconds=60
 *   DownloadTimeoutSeconds=600
 *   StallTimeoutSeconds=30
 *
 *   [device]
 *   TAC=35290611
 *
 *   [euicc:NAME]
 *   Transport=socket:/run/esim-sim.sock
 *   IsdrAid=A0000005591010FFFFFFFF8900000100
 *   StoreDataSegmentSize=255
 *
 *   [eid:EID]            (any eUICC, configured or found on a modem)
 *   StoreDataSegmentSize=120
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
  gchar *name;        /* NAME of [euicc:NAME] */
  gchar *transport;   /* KIND:DEVICE[@SLOT] */
  GBytes *isdr_aid;   /* NULL: the SGP.22 default, then the known vendor ones */
  guint segment_size; /* STORE DATA block size; 0 for the default */
} EsimConfigEuicc;

typedef struct {
  gchar *eid;         /* 32 upper-case hex digits */
  guint segment_size; /* 0 for the default */
} EsimConfigEid;

typedef struct {
  gchar *path; /* where it was read from, NULL for the defaults */
  gboolean test_mode;
  gchar **trust_anchors; /* never NULL */
  gchar *test_ci;        /* NULL: the shipped test CIs */
  gchar *ca_directory;   /* NULL: $ESIMD_DATADIR/ci or the installed one */
  guint job_linger_seconds;
  guint notification_retry_seconds;
  guint notification_retry_max_seconds;
  guint http_connect_timeout_seconds;
  guint http_timeout_seconds;          /* each request */
  guint http_download_timeout_seconds; /* getBoundProfilePackage */
  guint http_stall_timeout_seconds;    /* nothing received */
  gboolean system_roots;               /* also trust the system CA store */
  gchar *system_roots_file;            /* NULL: found (esim_http_find_system_roots) */
  gboolean modem_manager;
  /* how long a profile switch waits for the modem to report the card's
   * refresh (or ModemManager the SIM change) */
  guint refresh_timeout_seconds;
  /* how long a download with "confirm" waits for Confirm() or Decline() */
  guint confirmation_timeout_seconds;
  GPtrArray *euiccs; /* of EsimConfigEuicc, in file order */
  GPtrArray *eids;   /* of EsimConfigEid */
  /* [device] TAC: 8 digits sent when no modem tells its own; NULL for the
   * default */
  gchar *device_tac;
} EsimConfig;

/* the defaults, no eUICCs */
EsimConfig *esim_config_new (void);
/* missing_ok: a file that does not exist gives the defaults */
EsimConfig *esim_config_new_from_file (const gchar *path, gboolean missing_ok, GError **error);
/* source names the data in error messages */
EsimConfig *esim_config_new_from_data (const gchar *data, const gchar *source, GError **error);
void esim_config_free (EsimConfig *self);

/* the STORE DATA block size to start with for the eUICC of that [euicc:]
 * name (NULL for one found on a modem) and EID ([eid:] wins); 0 for the
 * default */
guint esim_config_get_segment_size (const EsimConfig *self, const gchar *name, const gchar *eid);

/* the directory of the shipped GSMA roots; the test CI file (TestCi=) or
 * the directory of the shipped test CIs */
gchar *esim_config_get_ca_directory (const EsimConfig *self);
gchar *esim_config_get_test_ci (const EsimConfig *self);
/* the system CA bundle: SystemRootsFile= or the one found; NULL if none */
gchar *esim_config_get_system_roots_file (const EsimConfig *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimConfig, esim_config_free)

G_END_DECLS
