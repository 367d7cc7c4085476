/*
 * The eUICC side of a profile download (SGP.22 ES10b): AuthenticateServer,
 * PrepareDownload and LoadBoundProfilePackage, and the pieces the LPA needs
 * around them: the ctxParams1 it sends, the BPP cut into its ES10
 * commands, and the ProfileInstallationResult.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-es10.h"

G_BEGIN_DECLS

/* the card refused AuthenticateServer or PrepareDownload */
#define ESIM_DOWNLOAD_ERROR (esim_download_error_quark ())
GQuark esim_download_error_quark (void);

typedef enum {
  ESIM_DOWNLOAD_ERROR_UNDEFINED,              /* undefinedError(127) or unnamed */
  ESIM_DOWNLOAD_ERROR_INVALID_CERTIFICATE,    /* invalidCertificate(1) */
  ESIM_DOWNLOAD_ERROR_INVALID_SIGNATURE,      /* invalidSignature(2) */
  ESIM_DOWNLOAD_ERROR_UNSUPPORTED_CURVE,      /* unsupportedCurve(3) */
  ESIM_DOWNLOAD_ERROR_NO_SESSION_CONTEXT,     /* noSessionContext(4) */
  ESIM_DOWNLOAD_ERROR_INVALID_OID,            /* invalidOid(5), AuthenticateServer */
  ESIM_DOWNLOAD_ERROR_INVALID_TRANSACTION_ID, /* invalidTransactionId(5), PrepareDownload */
  ESIM_DOWNLOAD_ERROR_CHALLENGE_MISMATCH,     /* euiccChallengeMismatch(6) */
  ESIM_DOWNLOAD_ERROR_CI_PK_UNKNOWN,          /* ciPKUnknown(7) */
  ESIM_DOWNLOAD_ERROR_BAD_PACKAGE,            /* the BPP from the server is malformed */
} EsimDownloadError;

/* the installation failed on the card: the code is the SGP.22 ErrorReason */
#define ESIM_INSTALL_ERROR (esim_install_error_quark ())
GQuark esim_install_error_quark (void);

typedef enum {
  ESIM_INSTALL_ERROR_INCORRECT_INPUT_VALUES = 1,
  ESIM_INSTALL_ERROR_INVALID_SIGNATURE = 2,
  ESIM_INSTALL_ERROR_INVALID_TRANSACTION_ID = 3,
  ESIM_INSTALL_ERROR_UNSUPPORTED_CRT_VALUES = 4,
  ESIM_INSTALL_ERROR_UNSUPPORTED_REMOTE_OPERATION_TYPE = 5,
  ESIM_INSTALL_ERROR_UNSUPPORTED_PROFILE_CLASS = 6,
  ESIM_INSTALL_ERROR_SCP03T_STRUCTURE_ERROR = 7,
  ESIM_INSTALL_ERROR_SCP03T_SECURITY_ERROR = 8,
  ESIM_INSTALL_ERROR_ICCID_ALREADY_EXISTS = 9,
  ESIM_INSTALL_ERROR_INSUFFICIENT_MEMORY = 10,
  ESIM_INSTALL_ERROR_INTERRUPTED = 11,
  ESIM_INSTALL_ERROR_PE_PROCESSING_ERROR = 12,
  ESIM_INSTALL_ERROR_ICCID_MISMATCH = 13,
  ESIM_INSTALL_ERROR_TEST_PROFILE_INVALID_NAA_KEY = 14,
  ESIM_INSTALL_ERROR_PPR_NOT_ALLOWED = 15,
  ESIM_INSTALL_ERROR_UNKNOWN = 127,
} EsimInstallError;

/* what the device tells the SM-DP+ about itself (SGP.22 DeviceInfo) */
typedef struct {
  guint8 tac[4]; /* type allocation code, BCD */
  gboolean has_imei;
  guint8 imei[8];
  /* highest fully supported releases, 0.0.0 when not supported */
  guint8 gsm_release[3];
  guint8 utran_release[3];
  guint8 eutran_release[3];
} EsimDeviceInfo;

/* CtxParams1 for AuthenticateServer: matching_id NULL for SM-DS or none */
GBytes *esim_es10_build_ctx_params1 (const gchar *matching_id, const EsimDeviceInfo *device);

/* the result of LoadBoundProfilePackage, successful or not */
typedef struct {
  GBytes *raw; /* the signed BF37, for ES9+ handleNotification */
  GBytes *transaction_id;
  guint64 seq_number; /* of the install notification on the card */
  gchar *notification_address;
  gchar *iccid; /* NULL when the card left it out */
  gboolean success;
  GBytes *isdp_aid;              /* on success */
  guint bpp_command_id;          /* on failure */
  EsimInstallError error_reason; /* on failure */
} EsimInstallResult;

void esim_install_result_free (EsimInstallResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimInstallResult, esim_install_result_free)

EsimInstallResult *esim_install_result_parse (GBytes *pir, GError **error);
/* the failure of an unsuccessful result as an ESIM_INSTALL_ERROR */
GError *esim_install_result_to_error (const EsimInstallResult *self);

/* the ES10 commands of a BPP in order: BF36 header + BF23, A0, A1 header,
 * each 88, A2 (if any), A3 header, each 86 */
GPtrArray *esim_bpp_split (GBytes *bpp, GError **error);

typedef void (*EsimBppProgressFunc) (guint done, guint total, gpointer user_data);

/* returns the eUICC's BF38, to be passed on to the server as it is */
void esim_es10_authenticate_server_async (EsimEs10 *self, GBytes *server_signed1,
                                          GBytes *server_signature1, GBytes *euicc_ci_pkid,
                                          GBytes *server_certificate, GBytes *ctx_params1,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
GBytes *esim_es10_authenticate_server_finish (EsimEs10 *self, GAsyncResult *result, GError **error);

/* returns the eUICC's BF21; hash_cc may be NULL */
void esim_es10_prepare_download_async (EsimEs10 *self, GBytes *smdp_signed2,
                                       GBytes *smdp_signature2, GBytes *hash_cc,
                                       GBytes *smdp_certificate, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
GBytes *esim_es10_prepare_download_finish (EsimEs10 *self, GAsyncResult *result, GError **error);

/* returns the installation result whenever the card produced one (check
 * ->success); fails only when the card could not be driven or the package
 * was malformed. Cancelling between commands leaves the card to end its
 * session on the next AuthenticateServer or CancelSession. */
void esim_es10_load_bound_profile_package_async (EsimEs10 *self, GBytes *bpp,
                                                 EsimBppProgressFunc progress,
                                                 gpointer progress_data, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
EsimInstallResult *
esim_es10_load_bound_profile_package_finish (EsimEs10 *self, GAsyncResult *result, GError **error);

G_END_DECLS
