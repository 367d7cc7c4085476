/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-activation-code.h"
#include "esim-discovery.h"
#include "esim-download.h"

/* an SM-DS event names an SM-DP+ or an alternative SM-DS (SGP.22 3.6.1,
 * 5.8.2): the ones below the root are asked in turn, this deep */
#define ESIM_DISCOVERY_MAX_DEPTH 3
/* at most this many servers identified in one discovery (a hostile
 * SM-DS could list many); the events past it are kept as they are */
#define ESIM_DISCOVERY_MAX_PROBES 16

/* an event not yet sorted out, and the SM-DS that listed it */
typedef struct {
  EsimRspEvent *event;
  gchar *from;
  guint depth; /* of that SM-DS: 0 for the root */
} EsimDiscoveryItem;

static void
esim_discovery_item_free (EsimDiscoveryItem *item)
{
  esim_rsp_event_free (item->event);
  g_free (item->from);
  g_free (item);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimDiscoveryItem, esim_discovery_item_free)

struct _EsimDiscovery {
  GObject parent_instance;
  EsimEs10 *es10;
  EsimHttp *http;
  gchar *smds_address;
  EsimDeviceInfo device;
  GBytes *info1;
  /* the server spoken to now: an SM-DS asked, or an address probed */
  EsimRspClient *client;
  EsimRspAuthentication *auth;
  gchar *current;
  guint current_depth;
  EsimDiscoveryItem *probing; /* its event, while the address is probed */
  GQueue pending;             /* of EsimDiscoveryItem */
  /* every server contacted, lower-case, with the role its ES11
   * certificate claims: the visited set that stops loops */
  GHashTable *roles;
  GHashTable *seen;  /* address "\n" eventId of the results */
  GPtrArray *events; /* the results, of EsimRspEvent */
  guint probes;
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
esim_discovery_new_client (EsimDiscovery *self, const gchar *address)
{
  const gchar *known = g_hash_table_lookup (esim_discovery_layouts (self->http), address);
  const gchar *first = known != NULL ? known : "es11";
  EsimRspClient *client = esim_rsp_client_new (self->http, address, first);

  esim_rsp_client_set_fallback_iface (client, g_str_equal (first, "es11") ? "es9plus" : "es11");
  return client;
}

static void
esim_discovery_remember_layout (EsimDiscovery *self)
{
  g_hash_table_insert (esim_discovery_layouts (self->http),
                       g_strdup (esim_rsp_client_get_address (self->client)),
                       g_strdup (esim_rsp_client_get_iface (self->client)));
}

/* the session with the current server is over (or abandoned: ES11 has no
 * cancelSession, an initiated session expires at the server) */
static void
esim_discovery_end_session (EsimDiscovery *self)
{
  g_clear_object (&self->client);
  g_clear_pointer (&self->auth, esim_rsp_authentication_free);
}

static void
esim_discovery_keep (EsimDiscovery *self, EsimRspEvent *event)
{
  g_autofree gchar *key = g_strdup_printf ("%s\n%s", event->rsp_server_address, event->event_id);

  if (!g_hash_table_add (self->seen, g_steal_pointer (&key))) {
    g_debug ("SM-DS event %s at %s listed twice", event->event_id, event->rsp_server_address);
    esim_rsp_event_free (event);
    return;
  }
  g_ptr_array_add (self->events, event);
}

static void esim_discovery_next (GTask *task);

/* an error of an alternative SM-DS drops its events, not the others */
static void
esim_discovery_failed (GTask *task, GError *error)
{
  EsimDiscovery *self = g_task_get_source_object (task);

  if (self->current_depth == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  g_debug ("alternative SM-DS %s: %s", self->current, error->message);
  g_error_free (error);
  esim_discovery_end_session (self);
  esim_discovery_next (task);
}

static void
authenticate_client_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (GPtrArray) events = NULL;
  GError *error = NULL;

  events = esim_es11_authenticate_client_finish (ESIM_RSP_CLIENT (source), res, &error);
  if (events == NULL) {
    esim_discovery_failed (task, error);
    return;
  }
  /* an event names a server; one that is not a valid address is useless */
  while (events->len > 0) {
    g_autoptr (EsimRspEvent) event = g_ptr_array_steal_index (events, 0);
    g_autoptr (GError) local = NULL;
    EsimDiscoveryItem *item;

    if (!esim_smdp_address_validate (event->rsp_server_address, &local)) {
      g_debug ("ignoring an SM-DS event: %s", local->message);
      continue;
    }
    item = g_new0 (EsimDiscoveryItem, 1);
    item->event = g_steal_pointer (&event);
    item->from = g_strdup (self->current);
    item->depth = self->current_depth;
    g_queue_push_tail (&self->pending, item);
  }
  esim_discovery_end_session (self);
  esim_discovery_next (task);
}

static void
authenticate_server_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (GBytes) response = NULL;
  GError *error = NULL;

  response = esim_es10_authenticate_server_finish (ESIM_ES10 (source), res, &error);
  if (response == NULL) {
    esim_discovery_failed (task, error);
    return;
  }
  esim_es11_authenticate_client_async (self->client, self->auth->transaction_id, response,
                                       g_task_get_cancellable (task), authenticate_client_cb, task);
}

/* the eUICC authenticates the SM-DS of the current session */
static void
esim_discovery_authenticate (GTask *task)
{
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (GBytes) ctx = NULL;

  esim_discovery_remember_layout (self);
  /* no matching ID: the SM-DS is asked for everything for this eUICC */
  ctx = esim_es10_build_ctx_params1 (NULL, &self->device);
  esim_es10_authenticate_server_async (self->es10, self->auth->server_signed1,
                                       self->auth->server_signature1, self->auth->euicc_ci_pkid,
                                       self->auth->server_certificate, ctx,
                                       g_task_get_cancellable (task), authenticate_server_cb, task);
}

/* the answer of the server probed for an event: an SM-DS is asked in the
 * same session, anything else is the SM-DP+ to download from */
static void
esim_discovery_probed (GTask *task, EsimRspServerRole role)
{
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (EsimDiscoveryItem) item = g_steal_pointer (&self->probing);
  const gchar *address = item->event->rsp_server_address;

  g_hash_table_insert (self->roles, g_strdup (address), GINT_TO_POINTER (role));
  if (role != ESIM_RSP_SERVER_ROLE_SMDS) {
    esim_discovery_end_session (self);
    esim_discovery_keep (self, g_steal_pointer (&item->event));
    esim_discovery_next (task);
    return;
  }
  if (item->depth + 1 > ESIM_DISCOVERY_MAX_DEPTH) {
    g_debug ("alternative SM-DS %s is more than %u deep: not asked", address,
             (guint) ESIM_DISCOVERY_MAX_DEPTH);
    esim_discovery_end_session (self);
    esim_discovery_next (task);
    return;
  }
  g_debug ("event %s names the alternative SM-DS %s", item->event->event_id, address);
  g_free (self->current);
  self->current = g_strdup (address);
  self->current_depth = item->depth + 1;
  esim_discovery_authenticate (task);
}

static void
initiate_authentication_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimDiscovery *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->auth = esim_rsp_initiate_authentication_finish (ESIM_RSP_CLIENT (source), res, &error);
  if (self->probing != NULL) {
    if (self->auth == NULL) {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
      }
      /* maybe an SM-DP+ without ES11: the event stays a download target */
      g_debug ("probing %s: %s", self->probing->event->rsp_server_address, error->message);
      g_error_free (error);
      esim_discovery_probed (task, ESIM_RSP_SERVER_ROLE_UNKNOWN);
      return;
    }
    esim_discovery_probed (task,
                           esim_rsp_server_role_from_certificate (self->auth->server_certificate));
    return;
  }
  if (self->auth == NULL) {
    esim_discovery_failed (task, error);
    return;
  }
  /* the root SM-DS */
  g_hash_table_insert (
    self->roles, g_strdup (self->current),
    GINT_TO_POINTER (esim_rsp_server_role_from_certificate (self->auth->server_certificate)));
  esim_discovery_authenticate (task);
}

static void
challenge_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (GBytes) challenge = NULL;
  GError *error = NULL;
  const gchar *address;

  challenge = esim_es10_get_euicc_challenge_finish (ESIM_ES10 (source), res, &error);
  if (challenge == NULL) {
    /* the eUICC failing is no server's fault: the discovery fails */
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  address = self->probing != NULL ? self->probing->event->rsp_server_address : self->current;
  self->client = esim_discovery_new_client (self, address);
  esim_rsp_initiate_authentication_async (self->client, challenge, self->info1,
                                          g_task_get_cancellable (task), initiate_authentication_cb,
                                          task);
}

/* sort out the pending events: kept, dropped, or one address probed */
static void
esim_discovery_next (GTask *task)
{
  EsimDiscovery *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return;
  }
  while (!g_queue_is_empty (&self->pending)) {
    g_autoptr (EsimDiscoveryItem) item = g_queue_pop_head (&self->pending);
    const gchar *address = item->event->rsp_server_address;
    gpointer role = NULL;

    /* the SM-DS just asked also serves the profile */
    if (g_str_equal (address, item->from)) {
      esim_discovery_keep (self, g_steal_pointer (&item->event));
      continue;
    }
    if (g_hash_table_lookup_extended (self->roles, address, NULL, &role)) {
      if (GPOINTER_TO_INT (role) == ESIM_RSP_SERVER_ROLE_SMDS)
        g_debug ("SM-DS event %s names the SM-DS %s again: not asked twice", item->event->event_id,
                 address);
      else
        esim_discovery_keep (self, g_steal_pointer (&item->event));
      continue;
    }
    if (self->probes >= ESIM_DISCOVERY_MAX_PROBES) {
      g_debug ("%u servers probed: %s kept as an SM-DP+", self->probes, address);
      esim_discovery_keep (self, g_steal_pointer (&item->event));
      continue;
    }
    /* ES11 initiateAuthentication tells the role by the certificate; at an
     * SM-DP+ it only opens a session that expires. Never authenticateClient
     * at a server not identified */
    self->probes++;
    self->probing = g_steal_pointer (&item);
    esim_es10_get_euicc_challenge_async (self->es10, g_task_get_cancellable (task), challenge_cb,
                                         task);
    return;
  }
  g_task_return_pointer (task, g_steal_pointer (&self->events), (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

static void
info1_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimDiscovery *self = g_task_get_source_object (task);
  g_autoptr (EsimEuiccInfo1) info1 = NULL;
  GError *error = NULL;

  info1 = esim_es10_get_euicc_info1_finish (ESIM_ES10 (source), res, &error);
  if (info1 == NULL) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  self->info1 = g_bytes_ref (info1->raw);
  self->current = g_strdup (self->smds_address);
  self->current_depth = 0;
  esim_es10_get_euicc_challenge_async (self->es10, g_task_get_cancellable (task), challenge_cb,
                                       task);
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
  esim_discovery_end_session (self);
  g_free (self->smds_address);
  g_free (self->current);
  g_clear_pointer (&self->info1, g_bytes_unref);
  g_clear_pointer (&self->probing, esim_discovery_item_free);
  g_queue_clear_full (&self->pending, (GDestroyNotify) esim_discovery_item_free);
  g_hash_table_unref (self->roles);
  g_hash_table_unref (self->seen);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  G_OBJECT_CLASS (esim_discovery_parent_class)->finalize (object);
}

static void
esim_discovery_init (EsimDiscovery *self)
{
  esim_device_info_init_default (&self->device);
  g_queue_init (&self->pending);
  self->roles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_rsp_event_free);
}

static void
esim_discovery_class_init (EsimDiscoveryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_discovery_finalize;
}
