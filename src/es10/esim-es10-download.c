/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-es10-download.h"
#include "esim-es10-private.h"

/* clang-format off */
G_DEFINE_QUARK (esim-download-error-quark, esim_download_error)
/* clang-format on */
/* clang-format off */
G_DEFINE_QUARK (esim-install-error-quark, esim_install_error)
/* clang-format on */

/* DeviceCapabilities with the releases the device reports */
GBytes *
esim_es10_build_ctx_params1 (const gchar *matching_id, const EsimDeviceInfo *device)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  const guint8 *releases[]
    = { device->gsm_release, device->utran_release, NULL, NULL, NULL, device->eutran_release };

  /* CtxParams1 CHOICE [0] ctxParamsForCommonAuthentication */
  esim_tlv_builder_begin (b, 0xA0);
  if (matching_id != NULL)
    esim_tlv_builder_add_string (b, 0x80, matching_id);
  esim_tlv_builder_begin (b, 0xA1);
  esim_tlv_builder_add (b, 0x80, device->tac, sizeof (device->tac));
  esim_tlv_builder_begin (b, 0xA1);
  for (guint i = 0; i < G_N_ELEMENTS (releases); i++) {
    if (releases[i] == NULL || (releases[i][0] | releases[i][1] | releases[i][2]) == 0)
      continue;
    esim_tlv_builder_add (b, 0x80 + i, releases[i], 3);
  }
  esim_tlv_builder_end (b);
  if (device->has_imei)
    esim_tlv_builder_add (b, 0x82, device->imei, sizeof (device->imei));
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* BF38 / BF21: A0 is success, A1 { 80 txid, 02 code } the refusal */
static gpointer
parse_signed_choice (GBytes *response, guint32 tag, const gchar *function, GError **error)
{
  g_autoptr (GError) local = NULL;
  EsimTlv outer, branch, code_tlv;
  gint64 code = 0;

  if (!esim_tlv_decode_expect (response, tag, &outer, &local)) {
    g_set_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_MALFORMED_RESPONSE, "%s: %s", function,
                 local->message);
    return NULL;
  }
  if (esim_tlv_find (&outer, 0xA0, &branch)) {
    if (!esim_tlv_require (&branch, 0x30, NULL, &local)
        || !esim_tlv_require (&branch, 0x5F37, NULL, &local)) {
      g_set_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_MALFORMED_RESPONSE, "%s: %s", function,
                   local->message);
      return NULL;
    }
    return g_bytes_ref (response);
  }
  if (!esim_tlv_find (&outer, 0xA1, &branch) || !esim_tlv_require (&branch, 0x02, &code_tlv, &local)
      || !esim_tlv_get_int (&code_tlv, &code, &local)) {
    g_set_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_MALFORMED_RESPONSE,
                 "%s: neither a result nor an error code", function);
    return NULL;
  }
  {
    const gchar *text = NULL;
    GQuark domain = 0;
    gint value = 0;

    if (esim_es10_result_lookup (tag, code, &domain, &value, &text)) {
      g_set_error (error, domain, value, "%s: %s (result %" G_GINT64_FORMAT ")", function, text,
                   code);
      return NULL;
    }
  }
  g_set_error (
    error, ESIM_DOWNLOAD_ERROR, ESIM_DOWNLOAD_ERROR_UNDEFINED,
    "%s: the eUICC refused with a result no SGP.22 version names (result %" G_GINT64_FORMAT ")",
    function, code);
  return NULL;
}

static gpointer
parse_authenticate_server (GBytes *response, GError **error)
{
  return parse_signed_choice (response, 0xBF38, "AuthenticateServer", error);
}

static gpointer
parse_prepare_download (GBytes *response, GError **error)
{
  return parse_signed_choice (response, 0xBF21, "PrepareDownload", error);
}

/* the server's parts must be whole TLVs of the expected tags before they
 * go to the card */
static gboolean
check_part (GBytes *part, guint32 tag, const gchar *name, GError **error)
{
  g_autoptr (GError) local = NULL;
  EsimTlv tlv;

  if (part != NULL && esim_tlv_decode_expect (part, tag, &tlv, &local))
    return TRUE;
  g_set_error (error, ESIM_DOWNLOAD_ERROR, ESIM_DOWNLOAD_ERROR_BAD_PACKAGE,
               "%s from the server is not a valid TLV 0x%X%s%s", name, tag,
               local != NULL ? ": " : "", local != NULL ? local->message : "");
  return FALSE;
}

static void
add_part (EsimTlvBuilder *b, GBytes *part)
{
  esim_tlv_builder_add_raw (b, g_bytes_get_data (part, NULL), g_bytes_get_size (part));
}

void
esim_es10_authenticate_server_async (EsimEs10 *self, GBytes *server_signed1,
                                     GBytes *server_signature1, GBytes *euicc_ci_pkid,
                                     GBytes *server_certificate, GBytes *ctx_params1,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;
  GError *error = NULL;

  if (check_part (server_signed1, 0x30, "serverSigned1", &error)
      && check_part (server_signature1, 0x5F37, "serverSignature1", &error)
      && check_part (euicc_ci_pkid, 0x04, "euiccCiPKIdToBeUsed", &error)
      && check_part (server_certificate, 0x30, "serverCertificate", &error)
      && check_part (ctx_params1, 0xA0, "ctxParams1", &error)) {
    esim_tlv_builder_begin (b, 0xBF38);
    add_part (b, server_signed1);
    add_part (b, server_signature1);
    add_part (b, euicc_ci_pkid);
    add_part (b, server_certificate);
    add_part (b, ctx_params1);
    esim_tlv_builder_end (b);
    request = esim_tlv_builder_finish (b);
  }
  esim_es10_command_async (self, request, error, parse_authenticate_server,
                           (GDestroyNotify) g_bytes_unref, esim_es10_authenticate_server_async,
                           cancellable, callback, user_data);
}

GBytes *
esim_es10_authenticate_server_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_authenticate_server_async, error);
}

void
esim_es10_prepare_download_async (EsimEs10 *self, GBytes *smdp_signed2, GBytes *smdp_signature2,
                                  GBytes *hash_cc, GBytes *smdp_certificate,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;
  GError *error = NULL;

  if (hash_cc != NULL && g_bytes_get_size (hash_cc) != 32) {
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "a hashed confirmation code has 32 bytes");
  } else if (check_part (smdp_signed2, 0x30, "smdpSigned2", &error)
             && check_part (smdp_signature2, 0x5F37, "smdpSignature2", &error)
             && check_part (smdp_certificate, 0x30, "smdpCertificate", &error)) {
    esim_tlv_builder_begin (b, 0xBF21);
    add_part (b, smdp_signed2);
    add_part (b, smdp_signature2);
    if (hash_cc != NULL)
      esim_tlv_builder_add_bytes (b, 0x04, hash_cc);
    add_part (b, smdp_certificate);
    esim_tlv_builder_end (b);
    request = esim_tlv_builder_finish (b);
  }
  esim_es10_command_async (self, request, error, parse_prepare_download,
                           (GDestroyNotify) g_bytes_unref, esim_es10_prepare_download_async,
                           cancellable, callback, user_data);
}

GBytes *
esim_es10_prepare_download_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return esim_es10_command_finish (self, result, esim_es10_prepare_download_async, error);
}

/* the installation result */

void
esim_install_result_free (EsimInstallResult *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->raw, g_bytes_unref);
  g_clear_pointer (&self->transaction_id, g_bytes_unref);
  g_clear_pointer (&self->isdp_aid, g_bytes_unref);
  g_free (self->notification_address);
  g_free (self->iccid);
  g_free (self);
}

GError *
esim_install_result_to_error (const EsimInstallResult *self)
{
  const gchar *text = NULL;
  gint code = 0;

  /* keep the domain's codes to the ones SGP.22 names */
  if (!esim_es10_result_lookup (0xBF37, self->error_reason, NULL, &code, &text))
    esim_es10_result_lookup (0xBF37, ESIM_INSTALL_ERROR_UNKNOWN, NULL, &code, &text);
  return g_error_new (ESIM_INSTALL_ERROR, code,
                      "profile installation failed: %s (reason %u, step %u)", text,
                      (guint) self->error_reason, self->bpp_command_id);
}

static gboolean
pir_malformed (GError **error, const gchar *what)
{
  g_set_error (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_MALFORMED_RESPONSE,
               "ProfileInstallationResult: %s", what);
  return FALSE;
}

static gboolean
install_result_fill (EsimInstallResult *r, const EsimTlv *pir, GError **error)
{
  EsimTlv data, tlv, meta, final, branch;
  g_autoptr (GError) local = NULL;
  g_autoptr (EsimNotificationMetadata) m = NULL;

  if (!esim_tlv_require (pir, 0xBF27, &data, NULL) || !esim_tlv_require (pir, 0x5F37, NULL, NULL))
    return pir_malformed (error, "no signed result data");
  if (!esim_tlv_require (&data, 0x80, &tlv, NULL))
    return pir_malformed (error, "no transaction ID");
  r->transaction_id = esim_tlv_dup_value (&tlv);
  if (!esim_tlv_require (&data, 0xBF2F, &meta, NULL))
    return pir_malformed (error, "no notification metadata");
  m = esim_notification_metadata_parse (&meta, &local);
  if (m == NULL)
    return pir_malformed (error, local->message);
  r->seq_number = m->seq_number;
  r->notification_address = g_strdup (m->address);
  r->iccid = g_strdup (m->iccid);
  if (!esim_tlv_require (&data, 0xA2, &final, NULL))
    return pir_malformed (error, "no final result");
  if (esim_tlv_find (&final, 0xA0, &branch)) {
    if (!esim_tlv_require (&branch, 0x4F, &tlv, NULL))
      return pir_malformed (error, "success without an ISD-P AID");
    r->success = TRUE;
    r->isdp_aid = esim_tlv_dup_value (&tlv);
    return TRUE;
  }
  if (esim_tlv_find (&final, 0xA1, &branch)) {
    guint64 cmd = 0, reason = 0;
    EsimTlv c, e;
    if (!esim_tlv_require (&branch, 0x80, &c, NULL) || !esim_tlv_get_uint (&c, &cmd, NULL)
        || !esim_tlv_require (&branch, 0x81, &e, NULL) || !esim_tlv_get_uint (&e, &reason, NULL))
      return pir_malformed (error, "error result without its codes");
    r->success = FALSE;
    r->bpp_command_id = (guint) MIN (cmd, G_MAXUINT);
    r->error_reason = (EsimInstallError) MIN (reason, 127);
    return TRUE;
  }
  return pir_malformed (error, "final result is neither success nor error");
}

EsimInstallResult *
esim_install_result_parse (GBytes *pir, GError **error)
{
  g_autoptr (EsimInstallResult) r = g_new0 (EsimInstallResult, 1);
  g_autoptr (GError) local = NULL;
  EsimTlv tlv;

  if (!esim_tlv_decode_expect (pir, 0xBF37, &tlv, &local)) {
    pir_malformed (error, local->message);
    return NULL;
  }
  if (!install_result_fill (r, &tlv, error))
    return NULL;
  r->raw = g_bytes_ref (pir);
  return g_steal_pointer (&r);
}

/* cutting the BPP into its ES10 commands */

static gboolean
bpp_bad (GError **error, const gchar *what)
{
  g_set_error (error, ESIM_DOWNLOAD_ERROR, ESIM_DOWNLOAD_ERROR_BAD_PACKAGE,
               "bound profile package from the SM-DP+: %s", what);
  return FALSE;
}

static GBytes *
header_of (const EsimTlv *tlv)
{
  return g_bytes_new (tlv->raw, (gsize) (tlv->value - tlv->raw));
}

/* each element of a sequence of protected TLVs is one command; with no
 * cmds the sequence is only checked */
static gboolean
bpp_add_elements (GPtrArray *cmds, const EsimTlv *seq, guint32 tag, GError **error)
{
  EsimTlvIter iter;
  EsimTlv el;
  guint n = 0;

  esim_tlv_iter_init (&iter, seq);
  while (esim_tlv_iter_next (&iter, &el)) {
    if (el.tag != tag)
      return bpp_bad (error, "unexpected element in a protected sequence");
    if (cmds != NULL)
      g_ptr_array_add (cmds, esim_tlv_dup_raw (&el));
    n++;
  }
  if (n == 0)
    return bpp_bad (error, "empty protected sequence");
  return TRUE;
}

GPtrArray *
esim_bpp_split (GBytes *bpp, GError **error)
{
  g_autoptr (GPtrArray) cmds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) local = NULL;
  EsimTlvIter iter;
  EsimTlv root, el;
  guint32 expect[] = { 0xBF23, 0xA0, 0xA1, 0xA2, 0xA3 };
  guint next = 0;

  if (!esim_tlv_decode_expect (bpp, 0xBF36, &root, &local)) {
    bpp_bad (error, local->message);
    return NULL;
  }
  esim_tlv_iter_init (&iter, &root);
  while (esim_tlv_iter_next (&iter, &el)) {
    /* the parts come in order; only A2 may be left out */
    while (next < G_N_ELEMENTS (expect) && expect[next] != el.tag && expect[next] == 0xA2)
      next++;
    if (next >= G_N_ELEMENTS (expect) || expect[next] != el.tag) {
      bpp_bad (error, "parts missing or out of order");
      return NULL;
    }
    next++;
    switch (el.tag) {
    case 0xBF23: {
      GByteArray *first = g_byte_array_new ();
      g_autoptr (GBytes) hdr = header_of (&root);
      g_byte_array_append (first, g_bytes_get_data (hdr, NULL), g_bytes_get_size (hdr));
      g_byte_array_append (first, el.raw, el.raw_length);
      g_ptr_array_add (cmds, g_byte_array_free_to_bytes (first));
      break;
    }
    case 0xA0:
    case 0xA2:
      if (!bpp_add_elements (NULL, &el, 0x87, error))
        return NULL;
      g_ptr_array_add (cmds, esim_tlv_dup_raw (&el));
      break;
    case 0xA1:
      g_ptr_array_add (cmds, header_of (&el));
      if (!bpp_add_elements (cmds, &el, 0x88, error))
        return NULL;
      break;
    case 0xA3:
      g_ptr_array_add (cmds, header_of (&el));
      if (!bpp_add_elements (cmds, &el, 0x86, error))
        return NULL;
      break;
    default:
      g_assert_not_reached ();
    }
  }
  if (next < G_N_ELEMENTS (expect)) {
    bpp_bad (error, "parts missing");
    return NULL;
  }
  return g_steal_pointer (&cmds);
}

typedef struct {
  GPtrArray *cmds;
  guint next;
  EsimBppProgressFunc progress;
  gpointer progress_data;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_ptr_array_unref (data->cmds);
  g_free (data);
}

static void load_send_next (GTask *task);

static void
load_transact_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) response = NULL;
  GError *error = NULL;
  EsimInstallResult *result;

  response = esim_es10_transact_finish (ESIM_ES10 (source), res, &error);
  if (response == NULL) {
    g_task_return_error (task, error);
    return;
  }
  data->next++;
  if (data->progress != NULL)
    data->progress (data->next, data->cmds->len, data->progress_data);
  if (g_bytes_get_size (response) == 0) {
    if (data->next < data->cmds->len) {
      load_send_next (g_steal_pointer (&task));
      return;
    }
    g_task_return_new_error (
      task, ESIM_ES10_ERROR, ESIM_ES10_ERROR_MALFORMED_RESPONSE,
      "LoadBoundProfilePackage: no installation result after the last segment");
    return;
  }
  /* a result before the end means the card stopped the installation */
  result = esim_install_result_parse (response, &error);
  if (result == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, result, (GDestroyNotify) esim_install_result_free);
}

static void
load_send_next (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);
  EsimEs10 *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return;
  }
  esim_es10_transact_async (self, g_ptr_array_index (data->cmds, data->next),
                            g_task_get_cancellable (task), load_transact_cb, task);
}

void
esim_es10_load_bound_profile_package_async (EsimEs10 *self, GBytes *bpp,
                                            EsimBppProgressFunc progress, gpointer progress_data,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, esim_es10_load_bound_profile_package_async);
  data->progress = progress;
  data->progress_data = progress_data;
  data->cmds = esim_bpp_split (bpp, &error);
  if (data->cmds == NULL) {
    g_free (data);
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  load_send_next (task);
}

EsimInstallResult *
esim_es10_load_bound_profile_package_finish (EsimEs10 *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
