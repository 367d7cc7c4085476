/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-activation-code.h"
#include "esim-download.h"
#include "esim-transport.h"
#include "esim-tlv.h"

/* clang-format off */
G_DEFINE_QUARK (esim-lpa-error-quark, esim_lpa_error)
/* clang-format on */

/* cleanup after a failure must not hang on a dead server */
#define ESIM_DOWNLOAD_CLEANUP_TIMEOUT_S 30

struct _EsimDownload {
  GObject parent_instance;
  EsimEs10 *es10;
  EsimHttp *http;
  gchar *smdp_address;
  gchar *matching_id;
  gchar *confirmation_code;
  EsimDeviceInfo device;

  EsimDownloadStage stage;
  gdouble progress;
  GTask *task;
  EsimRspClient *client;
  GBytes *challenge;
  GBytes *info1;
  EsimRspAuthentication *auth;
  EsimRspClientAuthentication *client_auth;
  GBytes *transaction_id;
  gboolean card_session; /* the eUICC holds a session for transaction_id */
  EsimInstallResult *result;
  GError *failure; /* reported once cleanup is over */
  GCancellable *cleanup_cancellable;
  guint cleanup_timeout_id;
  gboolean hold;
  gboolean cc_required;
  GSource *held_cancel_source; /* while held: the user's cancellable */
  gint abort_reason;           /* -1: derived from the failure */
};

G_DEFINE_TYPE (EsimDownload, esim_download, G_TYPE_OBJECT)

enum { PROP_0, PROP_STAGE, PROP_PROGRESS, PROP_PROFILE_METADATA, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_AUTHENTICATED, N_SIGNALS };
static guint signals[N_SIGNALS];

const gchar *
esim_download_stage_to_string (EsimDownloadStage stage)
{
  switch (stage) {
  case ESIM_DOWNLOAD_STAGE_IDLE:
    return "idle";
  case ESIM_DOWNLOAD_STAGE_AUTHENTICATING:
    return "authenticating";
  case ESIM_DOWNLOAD_STAGE_PREPARING:
    return "preparing";
  case ESIM_DOWNLOAD_STAGE_INSTALLING:
    return "installing";
  case ESIM_DOWNLOAD_STAGE_NOTIFYING:
    return "notifying";
  case ESIM_DOWNLOAD_STAGE_CANCELLING:
    return "cancelling";
  case ESIM_DOWNLOAD_STAGE_DONE:
    return "done";
  default:
    return "unknown";
  }
}

/* TS 24.008 digit order, as SGP.22 DeviceInfo and other LPAs code TAC and
 * IMEI: the first digit in the low nibble, 'F' filling */
static void
esim_device_info_bcd (const gchar *digits, gsize n_digits, guint8 *out, gsize out_len)
{
  for (gsize i = 0; i < out_len; i++) {
    guint8 lo = 2 * i < n_digits ? (guint8) (digits[2 * i] - '0') : 0xF;
    guint8 hi = 2 * i + 1 < n_digits ? (guint8) (digits[2 * i + 1] - '0') : 0xF;
    out[i] = (guint8) (lo | (hi << 4));
  }
}

static gboolean
esim_device_info_digits (const gchar *text, gsize min, gsize max)
{
  gsize len = text != NULL ? strlen (text) : 0;

  if (len < min || len > max)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

gboolean
esim_device_info_set_tac (EsimDeviceInfo *device, const gchar *tac, GError **error)
{
  if (!esim_device_info_digits (tac, 8, 8)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "a TAC is 8 decimal digits");
    return FALSE;
  }
  esim_device_info_bcd (tac, 8, device->tac, sizeof (device->tac));
  return TRUE;
}

gboolean
esim_device_info_set_equipment_id (EsimDeviceInfo *device, const gchar *equipment_id)
{
  gsize len;

  /* IMEI (15 digits), IMEI without check digit (14), IMEISV (16): the
   * first 8 are the TAC; only a full IMEI is sent as one */
  if (!esim_device_info_digits (equipment_id, 14, 16))
    return FALSE;
  len = strlen (equipment_id);
  esim_device_info_bcd (equipment_id, 8, device->tac, sizeof (device->tac));
  device->has_imei = len == 15;
  if (device->has_imei)
    esim_device_info_bcd (equipment_id, len, device->imei, sizeof (device->imei));
  return TRUE;
}

void
esim_device_info_set_releases (EsimDeviceInfo *device, gboolean gsm_umts, gboolean lte)
{
  /* SGP.22 DeviceCapabilities: the highest fully supported release of
   * each radio the device has, and nothing for the others */
  memset (device->gsm_release, 0, sizeof (device->gsm_release));
  memset (device->utran_release, 0, sizeof (device->utran_release));
  memset (device->eutran_release, 0, sizeof (device->eutran_release));
  if (gsm_umts) {
    device->gsm_release[0] = 8;
    device->utran_release[0] = 8;
  }
  if (lte)
    device->eutran_release[0] = 15;
}

void
esim_device_info_init_default (EsimDeviceInfo *device)
{
  /* no modem to ask: the TAC of a common phone, as other LPAs send, and
   * the LTE release SM-DP+s check profiles against; listing GSM and UMTS
   * too would claim radios nobody knows of and make AuthenticateServer
   * spill into a fourth STORE DATA block with the usual certificates */
  memset (device, 0, sizeof (*device));
  esim_device_info_set_tac (device, ESIM_DEVICE_DEFAULT_TAC, NULL);
  esim_device_info_set_releases (device, FALSE, TRUE);
}

EsimDownload *
esim_download_new (EsimEs10 *es10, EsimHttp *http, const gchar *smdp_address,
                   const gchar *matching_id)
{
  EsimDownload *self = g_object_new (ESIM_TYPE_DOWNLOAD, NULL);

  self->es10 = g_object_ref (es10);
  self->http = g_object_ref (http);
  /* FQDNs are case-insensitive: the lower-case form is sent and compared */
  self->smdp_address = smdp_address != NULL ? g_ascii_strdown (smdp_address, -1) : NULL;
  self->matching_id = g_strdup (matching_id);
  return self;
}

void
esim_download_set_confirmation_code (EsimDownload *self, const gchar *code)
{
  g_free (self->confirmation_code);
  self->confirmation_code = g_strdup (code);
}

void
esim_download_set_device_info (EsimDownload *self, const EsimDeviceInfo *device)
{
  self->device = *device;
}

EsimDownloadStage
esim_download_get_stage (EsimDownload *self)
{
  return self->stage;
}

gdouble
esim_download_get_progress (EsimDownload *self)
{
  return self->progress;
}

GBytes *
esim_download_get_profile_metadata (EsimDownload *self)
{
  return self->client_auth != NULL ? self->client_auth->profile_metadata : NULL;
}

static void
esim_download_set_stage (EsimDownload *self, EsimDownloadStage stage, gdouble progress)
{
  if (self->stage != stage) {
    self->stage = stage;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STAGE]);
  }
  if (progress > self->progress) {
    self->progress = progress;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PROGRESS]);
  }
}

/* ending: report, cleaning the sessions first after a failure */

static void
esim_download_return (EsimDownload *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  g_clear_handle_id (&self->cleanup_timeout_id, g_source_remove);
  g_clear_object (&self->cleanup_cancellable);
  if (self->failure != NULL) {
    esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_DONE, self->progress);
    g_task_return_error (task, g_steal_pointer (&self->failure));
    return;
  }
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_DONE, 1.0);
  g_task_return_pointer (task, g_steal_pointer (&self->result),
                         (GDestroyNotify) esim_install_result_free);
}

static void
cleanup_server_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (GError) error = NULL;

  if (!esim_es9p_cancel_session_finish (ESIM_RSP_CLIENT (source), res, &error))
    g_debug ("SM-DP+ cancelSession failed: %s", error->message);
  esim_download_return (self);
}

static void
cleanup_card_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) signed_cancel = NULL;

  signed_cancel = esim_es10_cancel_session_finish (ESIM_ES10 (source), res, &error);
  self->card_session = FALSE;
  if (signed_cancel == NULL) {
    g_debug ("eUICC CancelSession failed: %s", error->message);
    esim_download_return (self);
    return;
  }
  /* the SM-DP+ learns it from the eUICC's signed statement */
  esim_es9p_cancel_session_async (self->client, self->transaction_id, signed_cancel,
                                  self->cleanup_cancellable, cleanup_server_cb,
                                  g_object_ref (self));
}

static gboolean
cleanup_timeout_cb (gpointer user_data)
{
  EsimDownload *self = ESIM_DOWNLOAD (user_data);

  self->cleanup_timeout_id = 0;
  g_cancellable_cancel (self->cleanup_cancellable);
  return G_SOURCE_REMOVE;
}

/* a user who stops a download has not rejected the profile: postponed
 * keeps it available at the SM-DP+, where endUserRejection would end it */
static EsimCancelSessionReason
esim_download_cancel_reason (const GError *error)
{
  if (g_error_matches (error, ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_TIMEOUT))
    return ESIM_CANCEL_SESSION_REASON_TIMEOUT;
  return ESIM_CANCEL_SESSION_REASON_POSTPONED;
}

static void
esim_download_fail (EsimDownload *self, GError *error)
{
  g_clear_error (&self->failure);
  self->failure = error;
  self->hold = FALSE;
  /* a card that went away cannot be asked to cancel anything */
  if (!self->card_session || self->transaction_id == NULL
      || g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE)) {
    esim_download_return (self);
    return;
  }
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_CANCELLING, self->progress);
  /* the user's cancellable may be the reason we are here: cleanup gets its
   * own, bounded in time */
  self->cleanup_cancellable = g_cancellable_new ();
  self->cleanup_timeout_id
    = g_timeout_add_seconds (ESIM_DOWNLOAD_CLEANUP_TIMEOUT_S, cleanup_timeout_cb, self);
  esim_es10_cancel_session_async (self->es10, self->transaction_id,
                                  self->abort_reason >= 0
                                    ? (EsimCancelSessionReason) self->abort_reason
                                    : esim_download_cancel_reason (error),
                                  self->cleanup_cancellable, cleanup_card_cb, g_object_ref (self));
}

static GCancellable *
esim_download_cancellable (EsimDownload *self)
{
  return g_task_get_cancellable (self->task);
}

/* 8: the installation notification, removed from the card once delivered */

static void
notify_removed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (GError) error = NULL;

  /* the server has it already; a leftover is retried by the notification
   * processing and answered as a duplicate */
  if (!esim_es10_remove_notification_from_list_finish (ESIM_ES10 (source), res, &error))
    g_debug ("removing the delivered installation notification failed: %s", error->message);
  esim_download_return (self);
}

static void
notify_sent_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (GError) error = NULL;
  EsimInstallResult *result = self->result;

  if (!esim_es9p_handle_notification_finish (ESIM_RSP_CLIENT (source), res, &error)) {
    /* it stays on the card; the notification processing delivers it later */
    g_debug ("installation notification not delivered yet: %s", error->message);
    esim_download_return (self);
    return;
  }
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_NOTIFYING, 0.98);
  esim_es10_remove_notification_from_list_async (self->es10, result->seq_number, NULL,
                                                 notify_removed_cb, g_object_ref (self));
}

static void
esim_download_notify (EsimDownload *self)
{
  EsimInstallResult *result = self->result;
  g_autoptr (EsimRspClient) client = NULL;

  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_NOTIFYING, 0.95);
  /* mostly the SM-DP+ itself, on the connection already open */
  if (result->notification_address == NULL
      || g_ascii_strcasecmp (result->notification_address, self->smdp_address) == 0)
    client = g_object_ref (self->client);
  else
    client = esim_rsp_client_new (self->http, result->notification_address, "es9plus");
  /* not cancellable: the installation is done, its notification must go */
  esim_es9p_handle_notification_async (client, result->raw, NULL, notify_sent_cb,
                                       g_object_ref (self));
}

/* 7: installation */

static void
load_progress_cb (guint done, guint total, gpointer user_data)
{
  EsimDownload *self = ESIM_DOWNLOAD (user_data);

  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_INSTALLING,
                           0.35 + 0.6 * (gdouble) done / (gdouble) total);
}

static void
load_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  GError *error = NULL;

  self->result = esim_es10_load_bound_profile_package_finish (ESIM_ES10 (source), res, &error);
  if (self->result == NULL) {
    esim_download_fail (self, error);
    return;
  }
  /* with a result the card has closed its session, successful or not */
  self->card_session = FALSE;
  if (!self->result->success)
    self->failure = esim_install_result_to_error (self->result);
  esim_download_notify (self);
}

/* 6: the bound profile package */

static void
get_bpp_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (GBytes) bpp = NULL;
  GError *error = NULL;

  bpp = esim_es9p_get_bound_profile_package_finish (ESIM_RSP_CLIENT (source), res, &error);
  if (bpp == NULL) {
    esim_download_fail (self, error);
    return;
  }
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_INSTALLING, 0.35);
  esim_es10_load_bound_profile_package_async (self->es10, bpp, load_progress_cb, self,
                                              esim_download_cancellable (self), load_cb,
                                              g_object_ref (self));
}

/* 5: binding */

static void
prepare_download_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (GBytes) response = NULL;
  GError *error = NULL;

  response = esim_es10_prepare_download_finish (ESIM_ES10 (source), res, &error);
  if (response == NULL) {
    esim_download_fail (self, error);
    return;
  }
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_PREPARING, 0.25);
  esim_es9p_get_bound_profile_package_async (self->client, self->transaction_id, response,
                                             esim_download_cancellable (self), get_bpp_cb,
                                             g_object_ref (self));
}

/* smdpSigned2 { 80 transactionId, 01 ccRequiredFlag, ... } */
static gboolean
esim_download_check_signed2 (EsimDownload *self, gboolean *cc_required, GError **error)
{
  g_autoptr (GError) local = NULL;
  EsimTlv signed2, txid, flag;

  if (!esim_tlv_decode_bytes (self->client_auth->smdp_signed2, &signed2, &local)
      || !esim_tlv_require (&signed2, 0x80, &txid, &local)
      || !esim_tlv_require (&signed2, 0x01, &flag, &local)
      || !esim_tlv_get_bool (&flag, cc_required, &local)) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE, "smdpSigned2: %s",
                 local->message);
    return FALSE;
  }
  if (txid.length != g_bytes_get_size (self->transaction_id)
      || memcmp (txid.value, g_bytes_get_data (self->transaction_id, NULL), txid.length) != 0) {
    g_set_error_literal (error, ESIM_LPA_ERROR, ESIM_LPA_ERROR_SERVER_MISMATCH,
                         "the SM-DP+ signed for another transaction");
    return FALSE;
  }
  return TRUE;
}

/* 4b: binding starts, after the caller's consent when held */

static void
esim_download_prepare (EsimDownload *self)
{
  g_autoptr (GBytes) hash_cc = NULL;

  if (self->cc_required) {
    if (self->confirmation_code == NULL || self->confirmation_code[0] == '\0') {
      esim_download_fail (self, g_error_new_literal (ESIM_LPA_ERROR,
                                                     ESIM_LPA_ERROR_CONFIRMATION_CODE_REQUIRED,
                                                     "this profile needs a confirmation code"));
      return;
    }
    hash_cc = esim_confirmation_code_hash (self->confirmation_code, self->transaction_id);
  }
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_PREPARING, 0.18);
  esim_es10_prepare_download_async (
    self->es10, self->client_auth->smdp_signed2, self->client_auth->smdp_signature2, hash_cc,
    self->client_auth->smdp_certificate, esim_download_cancellable (self), prepare_download_cb,
    g_object_ref (self));
}

static void
esim_download_end_hold (EsimDownload *self)
{
  self->hold = FALSE;
  if (self->held_cancel_source != NULL) {
    g_source_destroy (self->held_cancel_source);
    g_clear_pointer (&self->held_cancel_source, g_source_unref);
  }
}

static gboolean
held_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  EsimDownload *self = ESIM_DOWNLOAD (user_data);

  /* a user who stops a waiting download has only postponed it */
  esim_download_abort (
    self, ESIM_CANCEL_SESSION_REASON_POSTPONED,
    g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "the download was cancelled"));
  return G_SOURCE_REMOVE;
}

void
esim_download_set_hold (EsimDownload *self, gboolean hold)
{
  self->hold = hold;
}

gboolean
esim_download_get_confirmation_code_required (EsimDownload *self)
{
  return self->cc_required;
}

void
esim_download_resume (EsimDownload *self)
{
  g_return_if_fail (self->hold && self->task != NULL);
  esim_download_end_hold (self);
  esim_download_prepare (self);
}

void
esim_download_abort (EsimDownload *self, EsimCancelSessionReason reason, GError *error)
{
  g_return_if_fail (self->hold && self->task != NULL);
  esim_download_end_hold (self);
  self->abort_reason = reason;
  esim_download_fail (self, error);
}

/* 4: the SM-DP+ checks the eUICC */

static void
authenticate_client_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  GCancellable *cancellable;
  GError *error = NULL;

  self->client_auth = esim_es9p_authenticate_client_finish (ESIM_RSP_CLIENT (source), res, &error);
  if (self->client_auth == NULL
      || !esim_download_check_signed2 (self, &self->cc_required, &error)) {
    esim_download_fail (self, error);
    return;
  }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PROFILE_METADATA]);
  if (!self->hold) {
    esim_download_prepare (self);
    return;
  }
  /* the caller decides; a cancellation meanwhile postpones */
  cancellable = esim_download_cancellable (self);
  if (cancellable != NULL) {
    self->held_cancel_source = g_cancellable_source_new (cancellable);
    g_source_set_callback (self->held_cancel_source, G_SOURCE_FUNC (held_cancelled_cb), self, NULL);
    g_source_attach (self->held_cancel_source, g_main_context_get_thread_default ());
  }
  g_signal_emit (self, signals[SIGNAL_AUTHENTICATED], 0);
}

/* 3: the eUICC checks the SM-DP+ */

static void
authenticate_server_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (GBytes) response = NULL;
  GError *error = NULL;

  response = esim_es10_authenticate_server_finish (ESIM_ES10 (source), res, &error);
  if (response == NULL) {
    esim_download_fail (self, error);
    return;
  }
  self->card_session = TRUE;
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_AUTHENTICATING, 0.12);
  esim_es9p_authenticate_client_async (self->client, self->transaction_id, response,
                                       esim_download_cancellable (self), authenticate_client_cb,
                                       g_object_ref (self));
}

/* serverSigned1 must name our SM-DP+ and this session */
static gboolean
esim_download_check_signed1 (EsimDownload *self, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree gchar *address = NULL;
  EsimTlv signed1, txid, addr;

  if (!esim_tlv_decode_bytes (self->auth->server_signed1, &signed1, &local)
      || !esim_tlv_require (&signed1, 0x80, &txid, &local)
      || !esim_tlv_require (&signed1, 0x83, &addr, &local)
      || (address = esim_tlv_dup_string (&addr, &local)) == NULL) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE, "serverSigned1: %s",
                 local->message);
    return FALSE;
  }
  if (g_ascii_strcasecmp (address, self->smdp_address) != 0) {
    g_set_error_literal (error, ESIM_LPA_ERROR, ESIM_LPA_ERROR_SERVER_MISMATCH,
                         "the server signed for another SM-DP+ address");
    return FALSE;
  }
  if (txid.length != g_bytes_get_size (self->auth->transaction_id)
      || memcmp (txid.value, g_bytes_get_data (self->auth->transaction_id, NULL), txid.length)
           != 0) {
    g_set_error_literal (error, ESIM_LPA_ERROR, ESIM_LPA_ERROR_SERVER_MISMATCH,
                         "the server signed for another transaction");
    return FALSE;
  }
  return TRUE;
}

/* 2: initiateAuthentication */

static void
initiate_authentication_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (GBytes) ctx = NULL;
  GError *error = NULL;

  self->auth = esim_rsp_initiate_authentication_finish (ESIM_RSP_CLIENT (source), res, &error);
  if (self->auth == NULL || !esim_download_check_signed1 (self, &error)) {
    esim_download_fail (self, error);
    return;
  }
  self->transaction_id = g_bytes_ref (self->auth->transaction_id);
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_AUTHENTICATING, 0.06);
  ctx = esim_es10_build_ctx_params1 (
    self->matching_id != NULL && self->matching_id[0] != '\0' ? self->matching_id : NULL,
    &self->device);
  esim_es10_authenticate_server_async (
    self->es10, self->auth->server_signed1, self->auth->server_signature1,
    self->auth->euicc_ci_pkid, self->auth->server_certificate, ctx,
    esim_download_cancellable (self), authenticate_server_cb, g_object_ref (self));
}

/* 1: what the eUICC brings to the authentication */

static void
challenge_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  GError *error = NULL;

  self->challenge = esim_es10_get_euicc_challenge_finish (ESIM_ES10 (source), res, &error);
  if (self->challenge == NULL) {
    esim_download_fail (self, error);
    return;
  }
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_AUTHENTICATING, 0.02);
  self->client = esim_rsp_client_new (self->http, self->smdp_address, "es9plus");
  esim_rsp_initiate_authentication_async (self->client, self->challenge, self->info1,
                                          esim_download_cancellable (self),
                                          initiate_authentication_cb, g_object_ref (self));
}

static void
info1_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (EsimEuiccInfo1) info1 = NULL;
  GError *error = NULL;

  info1 = esim_es10_get_euicc_info1_finish (ESIM_ES10 (source), res, &error);
  if (info1 == NULL) {
    esim_download_fail (self, error);
    return;
  }
  self->info1 = g_bytes_ref (info1->raw);
  esim_es10_get_euicc_challenge_async (self->es10, esim_download_cancellable (self), challenge_cb,
                                       g_object_ref (self));
}

static void
esim_download_start (EsimDownload *self)
{
  esim_download_set_stage (self, ESIM_DOWNLOAD_STAGE_AUTHENTICATING, 0.0);
  esim_es10_get_euicc_info1_async (self->es10, esim_download_cancellable (self), info1_cb,
                                   g_object_ref (self));
}

/* 0: no activation code, the eUICC's default SM-DP+ */

static void
addresses_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimDownload) self = ESIM_DOWNLOAD (user_data);
  g_autoptr (EsimConfiguredAddresses) addresses = NULL;
  GError *error = NULL;

  addresses = esim_es10_get_euicc_configured_addresses_finish (ESIM_ES10 (source), res, &error);
  if (addresses == NULL) {
    esim_download_fail (self, error);
    return;
  }
  if (addresses->default_dp_address == NULL || addresses->default_dp_address[0] == '\0') {
    esim_download_fail (self, g_error_new_literal (ESIM_LPA_ERROR, ESIM_LPA_ERROR_NO_DEFAULT_SMDP,
                                                   "no activation code given and the eUICC has "
                                                   "no default SM-DP+ address"));
    return;
  }
  if (!esim_smdp_address_validate (addresses->default_dp_address, &error)) {
    g_prefix_error (&error, "the eUICC's default SM-DP+: ");
    esim_download_fail (self, error);
    return;
  }
  self->smdp_address = g_ascii_strdown (addresses->default_dp_address, -1);
  esim_download_start (self);
}

void
esim_download_run_async (EsimDownload *self, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;

  g_return_if_fail (self->task == NULL);
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, esim_download_run_async);
  if (self->smdp_address == NULL) {
    esim_es10_get_euicc_configured_addresses_async (self->es10, cancellable, addresses_cb,
                                                    g_object_ref (self));
    return;
  }
  if (!esim_smdp_address_validate (self->smdp_address, &error)) {
    esim_download_fail (self, error);
    return;
  }
  esim_download_start (self);
}

EsimInstallResult *
esim_download_run_finish (EsimDownload *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
esim_download_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimDownload *self = ESIM_DOWNLOAD (object);

  switch (prop_id) {
  case PROP_STAGE:
    g_value_set_uint (value, self->stage);
    break;
  case PROP_PROGRESS:
    g_value_set_double (value, self->progress);
    break;
  case PROP_PROFILE_METADATA:
    g_value_set_boxed (value, esim_download_get_profile_metadata (self));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_download_finalize (GObject *object)
{
  EsimDownload *self = ESIM_DOWNLOAD (object);

  g_clear_handle_id (&self->cleanup_timeout_id, g_source_remove);
  esim_download_end_hold (self);
  g_clear_object (&self->cleanup_cancellable);
  g_clear_object (&self->es10);
  g_clear_object (&self->http);
  g_clear_object (&self->client);
  g_free (self->smdp_address);
  g_free (self->matching_id);
  if (self->confirmation_code != NULL)
    memset (self->confirmation_code, 0, strlen (self->confirmation_code));
  g_free (self->confirmation_code);
  g_clear_pointer (&self->challenge, g_bytes_unref);
  g_clear_pointer (&self->info1, g_bytes_unref);
  g_clear_pointer (&self->auth, esim_rsp_authentication_free);
  g_clear_pointer (&self->client_auth, esim_rsp_client_authentication_free);
  g_clear_pointer (&self->transaction_id, g_bytes_unref);
  g_clear_pointer (&self->result, esim_install_result_free);
  g_clear_error (&self->failure);
  G_OBJECT_CLASS (esim_download_parent_class)->finalize (object);
}

static void
esim_download_init (EsimDownload *self)
{
  esim_device_info_init_default (&self->device);
  self->abort_reason = -1;
}

static void
esim_download_class_init (EsimDownloadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = esim_download_get_property;
  object_class->finalize = esim_download_finalize;
  props[PROP_STAGE]
    = g_param_spec_uint ("stage", NULL, NULL, 0, ESIM_DOWNLOAD_STAGE_DONE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_PROGRESS]
    = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_PROFILE_METADATA]
    = g_param_spec_boxed ("profile-metadata", NULL, NULL, G_TYPE_BYTES,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
  /* held after AuthenticateClient: resume or abort */
  signals[SIGNAL_AUTHENTICATED]
    = g_signal_new ("authenticated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);
}
