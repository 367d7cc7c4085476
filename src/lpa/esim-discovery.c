/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-activation-code.h"
#include "esim-discovery.h"
#include "esim-download.h"

struct _EsimDiscovery {
  GObject parent_instance;
  EsimEs10 *es10;
  EsimHttp *http;
  gchar *smds_address;
  EsimDeviceInfo device;
  EsimRspClient *client;
  GBytes *info1;
  EsimRspAuthentication *auth;
};

G_DEFINE_TYPE (EsimDiscovery, esim_discovery, G_TYPE_OBJECT)

EsimDiscovery *
esim_discovery_new (EsimEs10 *es10, EsimHttp *http, const gchar *smds_address)
{
  EsimDiscovery *self = g_object_new (ESIM_TYPE_DISCOVERY, NULL);

  self->es10 = g_object_ref (es10);
  self->http = g_object_ref (http);
  /* FQDNs are case-insensitive: the lower-case form is sent */
  self->smds_address = smds_address != NULL ? g_ascii_strdown (smds_address, -1) : NULL;
  return self;
}

void
esim_discovery_set_device_info (EsimDiscovery *self, const EsimDeviceInfo *device)
{
  self->device = *device;
}

/* SM-DSs serve ES11 under /gsma/rsp2/es11/ (SGP.22) or, as some deployed
 * ones and other LPAs do, under /gsma/rsp2/es9plus/: the layout that
 * answered is kept per server for as long as the HTTP context lives */
#define ESIM_DISCOVERY_LAYOUTS_KEY "esim-discovery-es11-layouts"

static GHashTable *
esim_discovery_layouts (EsimHttp *http)
{
  GHashTable *layouts = g_object_get_data (G_OBJECT (http), ESIM_DISCOVERY_LAYOUTS_KEY);

  if (layouts == NULL) {
    layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_object_set_data_full (G_OBJECT (http), ESIM_DISCOVERY_LAYOUTS_KEY, layouts,
                            (GDestroyNotify) g_hash_table_unref);
  }
  return layouts;
}

static EsimRspClient *
esim_discovery_new_client (EsimDiscovery *self)
{
  const gchar *known
    = g_hash_table_lookup (esim_discovery_layouts (self->http), self->smds_address);
  const gchar *first = known != NULL ? known : "es11";
  EsimRspClient *client = esim_rsp_client_new (self->http, self->smds_address, first);

  esim_rsp_client_set_fallback_iface (client, g_str_equal (first, "es11") ? "es9plus" : "es11");
  return client;
}

static void
esim_discovery_remember_layout (EsimDiscovery *self)
{
  g_hash_table_insert (esim_discovery_layouts (self->http), g_strdup (self->smds_address),
                       g_strdup (esim_rsp_client_get_iface (self->client)));
}

static void
authenticate_client_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  GPtrArray *events;
  GError *error = NULL;

  events = esim_es11_authenticate_client_finish (ESIM_RSP_CLIENT (source), res, &error);
  if (events == NULL) {
    g_task_return_error (task, error);
    return;
  }
  /* an event names an SM-DP+; one that is not a valid address is useless */
  for (guint i = events->len; i > 0; i--) {
    EsimRspEvent *event = g_ptr_array_index (events, i - 1);
    g_autoptr (GError) local = NULL;
    if (!esim_smdp_address_validate (event->rsp_server_address, &local)) {
      g_debug ("ignoring an SM-DS event: %s", local->message);
      g_ptr_array_remove_index (events, i - 1);
    }
  }
  g_task_return_pointer (task, events, (GDestroyNotify) g_ptr_array_unref);
}

static void
authenticate_server_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  /* read before the task is handed on */
  GCancellable *cancellable = g_task_get_cancellable (task);
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (GBytes) response = NULL;
  GError *error = NULL;

  response = esim_es10_authenticate_server_finish (ESIM_ES10 (source), res, &error);
  if (response == NULL) {
    g_task_return_error (task, error);
    return;
  }
  esim_es11_authenticate_client_async (self->client, self->auth->transaction_id, response,
                                       cancellable, authenticate_client_cb,
                                       g_steal_pointer (&task));
}

static void
initiate_authentication_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  /* read before the task is handed on */
  GCancellable *cancellable = g_task_get_cancellable (task);
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (GBytes) ctx = NULL;
  GError *error = NULL;

  self->auth = esim_rsp_initiate_authentication_finish (ESIM_RSP_CLIENT (source), res, &error);
  if (self->auth == NULL) {
    g_task_return_error (task, error);
    return;
  }
  esim_discovery_remember_layout (self);
  /* no matching ID: the SM-DS is asked for everything for this eUICC */
  ctx = esim_es10_build_ctx_params1 (NULL, &self->device);
  esim_es10_authenticate_server_async (self->es10, self->auth->server_signed1,
                                       self->auth->server_signature1, self->auth->euicc_ci_pkid,
                                       self->auth->server_certificate, ctx, cancellable,
                                       authenticate_server_cb, g_steal_pointer (&task));
}

static void
challenge_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  /* read before the task is handed on */
  GCancellable *cancellable = g_task_get_cancellable (task);
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (GBytes) challenge = NULL;
  GError *error = NULL;

  challenge = esim_es10_get_euicc_challenge_finish (ESIM_ES10 (source), res, &error);
  if (challenge == NULL) {
    g_task_return_error (task, error);
    return;
  }
  self->client = esim_discovery_new_client (self);
  esim_rsp_initiate_authentication_async (self->client, challenge, self->info1, cancellable,
                                          initiate_authentication_cb, g_steal_pointer (&task));
}

static void
info1_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  /* read before the task is handed on */
  GCancellable *cancellable = g_task_get_cancellable (task);
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (EsimEuiccInfo1) info1 = NULL;
  GError *error = NULL;

  info1 = esim_es10_get_euicc_info1_finish (ESIM_ES10 (source), res, &error);
  if (info1 == NULL) {
    g_task_return_error (task, error);
    return;
  }
  self->info1 = g_bytes_ref (info1->raw);
  esim_es10_get_euicc_challenge_async (self->es10, cancellable, challenge_cb,
                                       g_steal_pointer (&task));
}

static void
esim_discovery_start (GTask *task)
{
  EsimDiscovery *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!esim_smdp_address_validate (self->smds_address, &error)) {
    g_prefix_error (&error, "SM-DS: ");
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  esim_es10_get_euicc_info1_async (self->es10, g_task_get_cancellable (task), info1_cb, task);
}

static void
addresses_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (EsimConfiguredAddresses) addresses = NULL;
  GError *error = NULL;

  addresses = esim_es10_get_euicc_configured_addresses_finish (ESIM_ES10 (source), res, &error);
  if (addresses == NULL || addresses->root_ds_address == NULL
      || addresses->root_ds_address[0] == '\0') {
    if (error == NULL)
      error = g_error_new_literal (ESIM_LPA_ERROR, ESIM_LPA_ERROR_NO_ROOT_SMDS,
                                   "the eUICC names no root SM-DS");
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  self->smds_address = g_ascii_strdown (addresses->root_ds_address, -1);
  esim_discovery_start (task);
}

void
esim_discovery_run_async (EsimDiscovery *self, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_discovery_run_async);
  if (self->smds_address == NULL) {
    esim_es10_get_euicc_configured_addresses_async (self->es10, cancellable, addresses_cb, task);
    return;
  }
  esim_discovery_start (task);
}

GPtrArray *
esim_discovery_run_finish (EsimDiscovery *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
esim_discovery_finalize (GObject *object)
{
  EsimDiscovery *self = ESIM_DISCOVERY (object);

  g_object_unref (self->es10);
  g_object_unref (self->http);
  g_clear_object (&self->client);
  g_free (self->smds_address);
  g_clear_pointer (&self->info1, g_bytes_unref);
  g_clear_pointer (&self->auth, esim_rsp_authentication_free);
  G_OBJECT_CLASS (esim_discovery_parent_class)->finalize (object);
}

static void
esim_discovery_init (EsimDiscovery *self)
{
  esim_device_info_init_default (&self->device);
}

static void
esim_discovery_class_init (EsimDiscoveryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_discovery_finalize;
}
