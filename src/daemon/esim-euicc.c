/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "esim-download.h"
#include "esim-euicc-private.h"
#include "esim-iccid.h"
#include "esim-log.h"
#include "esim-notifier.h"
#include "esim-profile-object.h"
#include "esim-queue.h"
#include "esim-refresh-wait.h"

struct _EsimEuicc {
  GObject parent_instance;
  EsimContext *context;
  gchar *name;
  gchar *path;
  EsimTransport *transport;
  GBytes *isdr_aid;
  EsimEs10 *es10;
  EsimQueue *queue;
  EsimNotifier *notifier;
  EsimDbusObjectSkeleton *object;
  EsimDbusEuicc *iface;
  gboolean exported;
  gboolean notifier_started;
  gboolean gone;         /* the transport went away: a probe starts afresh */
  EsimRefreshWait *wait; /* of the running profile switch, armed before it */
  gchar *eid;
  gchar *modem;        /* ModemManager's object path, NULL for none */
  gboolean has_device; /* device: the modem's TAC and IMEI */
  EsimDeviceInfo device;
  GPtrArray *infos;      /* of EsimProfileInfo, as the card listed them */
  GPtrArray *profiles;   /* of EsimProfileObject, the exported ones, in card order */
  GHashTable *jobs;      /* EsimJob set, running or lingering */
  gboolean path_claimed; /* path is ours in the context (exported or about to be) */
  guint n_runs;          /* operations running or waiting: Busy */
  gulong gone_id;
  gulong test_mode_id;
  gboolean applying_segment_size; /* not a fallback of the card's */
};

G_DEFINE_TYPE (EsimEuicc, esim_euicc, G_TYPE_OBJECT)

enum { PROP_0, PROP_EXPORTED, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_SIM_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

const gchar *
esim_euicc_get_name (EsimEuicc *self)
{
  return self->name;
}

const gchar *
esim_euicc_get_object_path (EsimEuicc *self)
{
  return self->path;
}

const gchar *
esim_euicc_get_eid (EsimEuicc *self)
{
  return self->eid;
}

gboolean
esim_euicc_is_exported (EsimEuicc *self)
{
  return self->exported;
}

EsimContext *
esim_euicc_get_context (EsimEuicc *self)
{
  return self->context;
}

EsimEs10 *
esim_euicc_get_es10 (EsimEuicc *self)
{
  return self->es10;
}

GPtrArray *
esim_euicc_get_profile_infos (EsimEuicc *self)
{
  return self->infos;
}

EsimDbusEuicc *
esim_euicc_get_iface (EsimEuicc *self)
{
  return self->iface;
}

EsimNotifier *
esim_euicc_get_notifier (EsimEuicc *self)
{
  return self->notifier;
}

EsimTransport *
esim_euicc_get_transport (EsimEuicc *self)
{
  return self->transport;
}

void
esim_euicc_set_label (EsimEuicc *self, const gchar *label)
{
  esim_dbus_euicc_set_label (self->iface, label != NULL ? label : self->name);
}

void
esim_euicc_set_current_job (EsimEuicc *self, const gchar *job_path)
{
  esim_dbus_euicc_set_current_job (self->iface, job_path != NULL ? job_path : "/");
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
}

static void
esim_euicc_set_busy (EsimEuicc *self, gboolean busy)
{
  if (esim_dbus_euicc_get_busy (self->iface) == busy)
    return;
  esim_dbus_euicc_set_busy (self->iface, busy);
}

void
esim_euicc_cancel_refresh_wait (EsimEuicc *self)
{
  g_clear_object (&self->wait);
}

void
esim_euicc_set_modem (EsimEuicc *self, const gchar *modem_path, guint sim_slot)
{
  g_free (self->modem);
  self->modem = g_strdup (modem_path);
  esim_dbus_euicc_set_modem (self->iface, modem_path != NULL ? modem_path : "/");
  esim_dbus_euicc_set_sim_slot (self->iface, modem_path != NULL ? sim_slot : 0);
}

const gchar *
esim_euicc_get_modem (EsimEuicc *self)
{
  return self->modem;
}

void
esim_euicc_sim_changed (EsimEuicc *self)
{
  g_signal_emit (self, signals[SIGNAL_SIM_CHANGED], 0);
}

void
esim_euicc_set_device_info (EsimEuicc *self, const EsimDeviceInfo *device)
{
  self->has_device = device != NULL;
  if (device != NULL)
    self->device = *device;
}

void
esim_euicc_get_device_info (EsimEuicc *self, EsimDeviceInfo *device)
{
  const EsimConfig *config = esim_context_get_config (esim_euicc_get_context (self));

  /* the modem's TAC, IMEI and radios; else the configured TAC of a host
   * without one, else the default */
  esim_device_info_init_default (device);
  if (self->has_device) {
    *device = self->device;
    return;
  }
  if (config->device_tac != NULL)
    esim_device_info_set_tac (device, config->device_tac, NULL);
}

const gchar *
esim_euicc_find_profile_path (EsimEuicc *self, const gchar *iccid)
{
  for (guint i = 0; iccid != NULL && i < self->profiles->len; i++) {
    EsimProfileObject *profile = g_ptr_array_index (self->profiles, i);
    if (g_strcmp0 (esim_profile_object_get_iccid (profile), iccid) == 0)
      return esim_profile_object_get_object_path (profile);
  }
  return NULL;
}

const gchar *
esim_euicc_find_profile_path_by_aid (EsimEuicc *self, GBytes *isdp_aid)
{
  for (guint i = 0; isdp_aid != NULL && i < self->infos->len; i++) {
    EsimProfileInfo *info = g_ptr_array_index (self->infos, i);
    if (info->isdp_aid != NULL && g_bytes_equal (info->isdp_aid, isdp_aid))
      return esim_euicc_find_profile_path (self, info->iccid);
  }
  return NULL;
}

/* the card's STORE DATA block size, kept per EID in the state directory
 * when the card refused the default: { "storeDataSegmentSize": 120 } */

static gchar *
esim_euicc_card_state_path (EsimEuicc *self)
{
  g_autofree gchar *name = g_strdup_printf ("card-%s.json", self->eid);

  return g_build_filename (esim_context_get_state_dir (self->context), name, NULL);
}

static guint
esim_euicc_load_segment_size (EsimEuicc *self)
{
  g_autofree gchar *path = esim_euicc_card_state_path (self);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonNode *root;
  JsonObject *obj;
  gint64 size;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return 0;
  if (!json_parser_load_from_file (parser, path, &error)) {
    g_warning ("%s: ignoring the card's state: %s", self->path, error->message);
    return 0;
  }
  root = json_parser_get_root (parser);
  obj = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  size = obj != NULL ? json_object_get_int_member_with_default (obj, "storeDataSegmentSize", 0) : 0;
  if (size < ESIM_ES10_SEGMENT_SIZE_MIN || size > ESIM_ES10_SEGMENT_SIZE) {
    g_warning ("%s: ignoring the card's state: no storeDataSegmentSize from %d to %d", self->path,
               ESIM_ES10_SEGMENT_SIZE_MIN, ESIM_ES10_SEGMENT_SIZE);
    return 0;
  }
  return (guint) size;
}

static void
esim_euicc_segment_size_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  EsimEuicc *self = ESIM_EUICC (user_data);
  g_autofree gchar *path = NULL;
  g_autofree gchar *data = NULL;
  g_autoptr (GError) error = NULL;

  /* only what the card taught us is worth keeping */
  if (self->applying_segment_size || self->eid == NULL)
    return;
  path = esim_euicc_card_state_path (self);
  data = g_strdup_printf ("{ \"storeDataSegmentSize\": %u }\n",
                          esim_es10_get_segment_size (ESIM_ES10 (object)));
  if (!g_file_set_contents_full (path, data, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, &error))
    g_warning ("%s: cannot keep the card's STORE DATA block size: %s", self->path, error->message);
  else
    g_debug ("%s: STORE DATA block size kept in %s", self->path, path);
}

/* the configured size, or the smaller one the card needed before */
static void
esim_euicc_apply_segment_size (EsimEuicc *self)
{
  const EsimConfig *config = esim_context_get_config (self->context);
  guint size = esim_config_get_segment_size (config, self->name, self->eid);
  guint remembered = self->eid != NULL ? esim_euicc_load_segment_size (self) : 0;

  if (size == 0)
    size = ESIM_ES10_SEGMENT_SIZE;
  if (remembered != 0 && remembered < size) {
    g_debug ("%s: STORE DATA blocks of %u bytes, as the card needed before", self->path,
             remembered);
    size = remembered;
  }
  self->applying_segment_size = TRUE;
  esim_es10_set_segment_size (self->es10, size);
  self->applying_segment_size = FALSE;
}

static void
esim_euicc_new_es10 (EsimEuicc *self)
{
  g_clear_object (&self->es10);
  self->es10 = esim_es10_new (self->transport, self->isdr_aid);
  g_signal_connect_object (self->es10, "notify::segment-size",
                           G_CALLBACK (esim_euicc_segment_size_cb), self, 0);
  esim_euicc_apply_segment_size (self);
}

/* profile objects */

static gboolean
esim_euicc_profile_visible (EsimEuicc *self, const EsimProfileInfo *info)
{
  /* test profiles only for who asked for test mode */
  return info->iccid != NULL
         && (info->profile_class != ESIM_PROFILE_CLASS_TEST
             || esim_context_get_test_mode (self->context));
}

static EsimProfileObject *
esim_euicc_take_profile (GPtrArray *profiles, const gchar *iccid)
{
  for (guint i = 0; i < profiles->len; i++) {
    EsimProfileObject *profile = g_ptr_array_index (profiles, i);
    if (g_strcmp0 (esim_profile_object_get_iccid (profile), iccid) == 0)
      return g_ptr_array_steal_index (profiles, i);
  }
  return NULL;
}

static void
esim_euicc_unexport_profiles (EsimEuicc *self, GPtrArray *profiles)
{
  GDBusObjectManagerServer *manager = esim_context_get_object_manager (self->context);

  for (guint i = 0; i < profiles->len; i++) {
    EsimProfileObject *profile = g_ptr_array_index (profiles, i);
    g_debug ("profile %s left", esim_profile_object_get_object_path (profile));
    g_dbus_object_manager_server_unexport (manager, esim_profile_object_get_object_path (profile));
  }
}

/* the profile objects follow the card's list: same ICCID, same object */
static void
esim_euicc_sync_profiles (EsimEuicc *self)
{
  GDBusObjectManagerServer *manager = esim_context_get_object_manager (self->context);
  g_autoptr (GPtrArray) old = g_steal_pointer (&self->profiles);
  g_autoptr (GStrvBuilder) paths = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;
  const gchar *enabled = "/";

  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->infos->len; i++) {
    EsimProfileInfo *info = g_ptr_array_index (self->infos, i);
    EsimProfileObject *profile;

    if (!esim_euicc_profile_visible (self, info))
      continue;
    profile = esim_euicc_take_profile (old, info->iccid);
    if (profile == NULL) {
      g_autofree gchar *path = esim_context_next_path (self->context, "Profile");
      profile = esim_profile_object_new (self, path);
      esim_profile_object_update (profile, info);
      /* the eUICC is announced first; its profiles follow its export */
      if (self->exported)
        g_dbus_object_manager_server_export (manager, esim_profile_object_get_object (profile));
      g_debug ("profile %s is %s", path, esim_log_personal (info->iccid));
    } else {
      esim_profile_object_update (profile, info);
    }
    g_ptr_array_add (self->profiles, profile);
    g_strv_builder_add (paths, esim_profile_object_get_object_path (profile));
    if (info->state == ESIM_PROFILE_STATE_ENABLED)
      enabled = esim_profile_object_get_object_path (profile);
  }
  esim_euicc_unexport_profiles (self, old);
  strv = g_strv_builder_end (paths);
  esim_dbus_euicc_set_profiles (self->iface, (const gchar *const *) strv);
  esim_dbus_euicc_set_enabled_profile (self->iface, enabled);
}

static void
test_mode_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  esim_euicc_sync_profiles (ESIM_EUICC (user_data));
}

void
esim_euicc_set_profile_infos (EsimEuicc *self, GPtrArray *infos)
{
  g_ptr_array_unref (self->infos);
  self->infos = infos;
  esim_euicc_sync_profiles (self);
}

void
esim_euicc_flush (EsimEuicc *self)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
  for (guint i = 0; i < self->profiles->len; i++)
    esim_profile_object_flush (g_ptr_array_index (self->profiles, i));
}

/* run: queue, open, work, refresh, release, notify */

typedef struct {
  EsimEuiccWorkFunc work;
  gpointer work_data;
  GDestroyNotify work_data_free;
  EsimEuiccRunFlags flags;
  GError *error;
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->work_data_free != NULL && data->work_data != NULL)
    data->work_data_free (data->work_data);
  g_clear_error (&data->error);
  g_free (data);
}

static void
esim_euicc_run_end (GTask *task)
{
  g_autoptr (EsimEuicc) self = g_object_ref (g_task_get_source_object (task));
  RunData *data = g_task_get_task_data (task);
  gboolean kick = (data->flags & ESIM_EUICC_RUN_NOTIFY) != 0;

  /* the operation ends (a job completes) before the next one gets the
   * card, so that clients see one job end before the next begins */
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  esim_queue_release (self->queue);
  if (--self->n_runs == 0)
    esim_euicc_set_busy (self, FALSE);
  if (kick && self->notifier_started && !esim_context_get_shutting_down (self->context))
    esim_notifier_kick (self->notifier);
}

static void
run_refreshed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  g_autoptr (GError) error = NULL;

  /* the work is done either way; the next refresh catches up */
  if (!esim_euicc_refresh_finish (ESIM_EUICC (source), res, &error))
    g_warning ("%s: re-reading the eUICC failed: %s",
               esim_euicc_get_object_path (ESIM_EUICC (source)), error->message);
  esim_euicc_run_end (task);
}

static void
run_reread (GTask *task)
{
  EsimEuicc *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  if ((data->flags & ESIM_EUICC_RUN_REFRESH) && !self->gone) {
    esim_euicc_refresh_async (self, run_refreshed_cb, task);
    return;
  }
  esim_euicc_run_end (task);
}

static void
run_reopened_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEuicc *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  if (!esim_es10_open_finish (ESIM_ES10 (source), res, &error)) {
    /* the switch is done; the next operation opens the channel again */
    g_warning ("%s: the ISD-R after the card's refresh: %s", self->path, error->message);
    esim_euicc_run_end (task);
    return;
  }
  run_reread (task);
}

static void
run_closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  g_autoptr (GError) error = NULL;

  /* the modem may have dropped the channel with the card's restart */
  if (!esim_es10_close_finish (ESIM_ES10 (source), res, &error))
    g_debug ("closing the ISD-R channel after the refresh: %s", error->message);
  esim_es10_open_async (ESIM_ES10 (source), NULL, run_reopened_cb, task);
}

static void
run_waited_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEuicc *self = g_task_get_source_object (task);
  EsimRefreshWait *wait = ESIM_REFRESH_WAIT (source);
  const EsimConfig *config = esim_context_get_config (self->context);

  switch (esim_refresh_wait_finish (wait, res)) {
  case ESIM_REFRESH_WAIT_GONE:
    g_debug ("%s: the card went away while it refreshed", self->path);
    break;
  case ESIM_REFRESH_WAIT_STOPPED:
    g_debug ("%s: not waiting for the card's refresh: shutting down", self->path);
    break;
  case ESIM_REFRESH_WAIT_REFRESHED:
    g_debug ("%s: the modem reported the card's refresh after %.3f s", self->path,
             esim_refresh_wait_get_elapsed (wait));
    break;
  case ESIM_REFRESH_WAIT_SIM_CHANGED:
    g_debug ("%s: ModemManager saw the SIM change after %.3f s", self->path,
             esim_refresh_wait_get_elapsed (wait));
    break;
  case ESIM_REFRESH_WAIT_TIMED_OUT:
  default:
    /* the card made the switch: success, but the modem may need a while */
    g_warning ("%s: no refresh of the card reported within %u s after the profile switch; "
               "going on",
               self->path, config->refresh_timeout_seconds);
    break;
  }
  g_clear_object (&self->wait);
  /* a card that restarted lost its logical channels */
  if (self->gone || !esim_es10_is_open (self->es10)) {
    run_reread (task);
    return;
  }
  esim_es10_close_async (self->es10, NULL, run_closed_cb, task);
}

static void
run_work_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEuicc *self = ESIM_EUICC (source);
  RunData *data = g_task_get_task_data (task);
  const EsimConfig *config = esim_context_get_config (self->context);

  g_task_propagate_boolean (G_TASK (res), &data->error);
  /* the card switched profiles and restarts: the wait keeps the card
   * (nobody can use it before it is ready) */
  if (self->wait != NULL && data->error == NULL && !self->gone) {
    esim_refresh_wait_async (self->wait, config->refresh_timeout_seconds, run_waited_cb, task);
    return;
  }
  g_clear_object (&self->wait);
  /* a failed operation may have changed the card too (a failed download
   * leaves a notification) */
  run_reread (task);
}

static void
esim_euicc_run_work (GTask *task)
{
  EsimEuicc *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  GTask *work = g_task_new (self, g_task_get_cancellable (task), run_work_cb, task);

  /* only when someone will tell: a modem's indication or ModemManager */
  if ((data->flags & ESIM_EUICC_RUN_WAIT_REFRESH)
      && (esim_transport_can_signal_refresh (self->transport) || self->modem != NULL))
    self->wait
      = esim_refresh_wait_new (self->transport, self->modem != NULL ? G_OBJECT (self) : NULL);
  /* the work decides what a cancellation means once it started */
  g_task_set_check_cancellable (work, FALSE);
  g_task_set_task_data (work, data->work_data, NULL);
  data->work (self, work);
}

static void
run_opened_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  RunData *data = g_task_get_task_data (task);

  if (!esim_es10_open_finish (ESIM_ES10 (source), res, &data->error)) {
    esim_euicc_run_end (task);
    return;
  }
  esim_euicc_run_work (task);
}

static void
run_acquired_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEuicc *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!esim_queue_acquire_finish (ESIM_QUEUE (source), res, &error)) {
    if (--self->n_runs == 0)
      esim_euicc_set_busy (self, FALSE);
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  if (!esim_es10_is_open (self->es10)) {
    esim_es10_open_async (self->es10, NULL, run_opened_cb, task);
    return;
  }
  esim_euicc_run_work (task);
}

void
esim_euicc_run_async (EsimEuicc *self, EsimEuiccWorkFunc work, gpointer work_data,
                      GDestroyNotify work_data_free, EsimEuiccRunFlags flags,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RunData *data = g_new0 (RunData, 1);

  g_task_set_source_tag (task, esim_euicc_run_async);
  /* a job cancelled after its work succeeded still succeeded */
  g_task_set_check_cancellable (task, FALSE);
  data->work = work;
  data->work_data = work_data;
  data->work_data_free = work_data_free;
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  if (self->n_runs++ == 0)
    esim_euicc_set_busy (self, TRUE);
  esim_queue_acquire_async (self->queue, cancellable, run_acquired_cb, task);
}

gboolean
esim_euicc_run_finish (EsimEuicc *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gpointer
esim_euicc_run_get_data (GAsyncResult *result)
{
  RunData *data = g_task_get_task_data (G_TASK (result));

  return data->work_data;
}

/* probe */

static void
probe_eid_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimEuicc *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autofree gchar *eid = esim_es10_get_eid_finish (ESIM_ES10 (source), res, &error);

  if (eid == NULL) {
    g_task_return_error (task, error);
    return;
  }
  /* the same transport may now reach another card: another object */
  if (self->eid != NULL && g_strcmp0 (self->eid, eid) != 0) {
    g_message ("%s: another eUICC answers now", self->path);
    esim_euicc_unexport (self);
  }
  g_free (self->eid);
  self->eid = g_steal_pointer (&eid);
  esim_dbus_euicc_set_eid (self->iface, self->eid);
  esim_euicc_apply_segment_size (self);
  /* the path follows the card, never naming it */
  if (!self->path_claimed) {
    g_free (self->path);
    self->path = esim_context_claim_euicc_path (self->context, self->eid);
    self->path_claimed = TRUE;
    g_dbus_object_skeleton_set_object_path (G_DBUS_OBJECT_SKELETON (self->object), self->path);
  }
  g_task_return_boolean (task, TRUE);
}

static void
probe_work (EsimEuicc *self, GTask *task)
{
  esim_es10_get_eid_async (self->es10, g_task_get_cancellable (task), probe_eid_cb, task);
}

static void
probe_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimEuicc *self = ESIM_EUICC (source);
  GError *error = NULL;

  if (!esim_euicc_run_finish (self, res, &error)) {
    g_task_return_error (task, error);
    return;
  }
  if (!self->exported) {
    GDBusObjectManagerServer *manager = esim_context_get_object_manager (self->context);

    g_dbus_object_manager_server_export (manager, G_DBUS_OBJECT_SKELETON (self->object));
    self->exported = TRUE;
    /* then its profiles, after the eUICC they name */
    for (guint i = 0; i < self->profiles->len; i++)
      g_dbus_object_manager_server_export (
        manager, esim_profile_object_get_object (g_ptr_array_index (self->profiles, i)));
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EXPORTED]);
    g_message ("eUICC %s (%s) at %s, EID %s, %u profile(s)", self->name,
               esim_transport_get_kind (self->transport), self->path, esim_log_personal (self->eid),
               self->profiles->len);
  }
  if (!self->notifier_started) {
    self->notifier_started = TRUE;
    esim_notifier_start (self->notifier);
  }
  g_task_return_boolean (task, TRUE);
}

void
esim_euicc_unexport (EsimEuicc *self)
{
  g_autoptr (GPtrArray) profiles = g_steal_pointer (&self->profiles);

  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
  esim_euicc_unexport_profiles (self, profiles);
  /* the profiles are read again with the next probe */
  g_ptr_array_set_size (self->infos, 0);
  esim_dbus_euicc_set_profiles (self->iface, NULL);
  esim_dbus_euicc_set_enabled_profile (self->iface, "/");
  if (self->path_claimed) {
    esim_context_release_euicc_path (self->context, self->path);
    self->path_claimed = FALSE;
  }
  if (!self->exported)
    return;
  g_dbus_object_manager_server_unexport (esim_context_get_object_manager (self->context),
                                         self->path);
  self->exported = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EXPORTED]);
}

static void
transport_gone_cb (EsimTransport *transport, gpointer user_data)
{
  EsimEuicc *self = ESIM_EUICC (user_data);

  g_message ("eUICC %s (%s) is gone", self->name, self->path);
  self->gone = TRUE;
  esim_euicc_unexport (self);
}

void
esim_euicc_probe_async (EsimEuicc *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_euicc_probe_async);
  /* after the card went away a fresh ES10 client opens the link again */
  if (self->gone && !esim_queue_is_busy (self->queue)) {
    esim_euicc_new_es10 (self);
    self->gone = FALSE;
  }
  esim_euicc_run_async (self, probe_work, NULL, NULL, ESIM_EUICC_RUN_REFRESH, cancellable, probe_cb,
                        task);
}

gboolean
esim_euicc_probe_finish (EsimEuicc *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* jobs */

static void
job_expired_cb (EsimJob *job, gpointer user_data)
{
  EsimEuicc *self = ESIM_EUICC (user_data);

  g_signal_handlers_disconnect_by_data (job, self);
  g_hash_table_remove (self->jobs, job);
}

void
esim_euicc_add_job (EsimEuicc *self, EsimJob *job)
{
  g_hash_table_add (self->jobs, g_object_ref (job));
  g_signal_connect (job, "expired", G_CALLBACK (job_expired_cb), self);
}

/* shutdown */

static void
shutdown_closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  g_autoptr (GError) error = NULL;

  if (!esim_es10_close_finish (ESIM_ES10 (source), res, &error))
    g_debug ("closing the ISD-R channel: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
shutdown_notifier_drained_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimEuicc *self = g_task_get_source_object (task);

  esim_notifier_drain_finish (ESIM_NOTIFIER (source), res);
  /* the card is left without our logical channel */
  if (!self->gone && esim_es10_is_open (self->es10)) {
    esim_es10_close_async (self->es10, NULL, shutdown_closed_cb, g_steal_pointer (&task));
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
shutdown_drained_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimEuicc *self = g_task_get_source_object (task);

  esim_queue_drain_finish (ESIM_QUEUE (source), res, NULL);
  /* a notification pass, cancelled, may still be waiting for a server
   * outside the queue */
  esim_notifier_drain_async (self->notifier, shutdown_notifier_drained_cb, task);
}

void
esim_euicc_shutdown_async (EsimEuicc *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  GHashTableIter iter;
  gpointer job;

  g_task_set_source_tag (task, esim_euicc_shutdown_async);
  esim_notifier_stop (self->notifier);
  esim_queue_close (self->queue);
  /* a switch waiting for the card's refresh ends now: the card has it */
  if (self->wait != NULL)
    esim_refresh_wait_stop (self->wait);
  /* a download in progress cancels its session on the card and at the
   * SM-DP+ before it lets go of the card */
  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, &job, NULL))
    esim_job_cancel (ESIM_JOB (job));
  esim_queue_drain_async (self->queue, NULL, shutdown_drained_cb, task);
}

void
esim_euicc_shutdown_finish (EsimEuicc *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

EsimEuicc *
esim_euicc_new (EsimContext *context, const gchar *name, EsimTransport *transport, GBytes *isdr_aid)
{
  EsimEuicc *self = g_object_new (ESIM_TYPE_EUICC, NULL);

  self->context = g_object_ref (context);
  self->name = g_strdup (name);
  /* the real path comes with the EID (esim_context_claim_euicc_path) */
  self->path = g_strdup (ESIM_DBUS_PATH "/Euicc/unprobed");
  self->transport = g_object_ref (transport);
  self->isdr_aid = isdr_aid != NULL ? g_bytes_ref (isdr_aid) : NULL;
  esim_euicc_new_es10 (self);
  self->notifier = esim_notifier_new (self);
  self->object = esim_dbus_object_skeleton_new (self->path);
  self->iface = esim_dbus_euicc_skeleton_new ();
  esim_dbus_euicc_set_transport (self->iface, esim_transport_get_kind (transport));
  esim_dbus_euicc_set_device (self->iface, esim_transport_get_device (transport));
  esim_dbus_euicc_set_modem (self->iface, "/");
  esim_dbus_euicc_set_eid (self->iface, "");
  esim_dbus_euicc_set_enabled_profile (self->iface, "/");
  esim_dbus_euicc_set_current_job (self->iface, "/");
  esim_dbus_euicc_set_busy (self->iface, FALSE);
  /* a PC/SC reader has a name people know; a modem's comes from
   * ModemManager (esim_euicc_set_label) */
  if (g_strcmp0 (esim_transport_get_kind (transport), "pcsc") == 0
      && esim_transport_get_device (transport) != NULL)
    esim_dbus_euicc_set_label (self->iface, esim_transport_get_device (transport));
  else
    esim_dbus_euicc_set_label (self->iface, name);
  esim_dbus_object_skeleton_set_euicc (self->object, self->iface);
  g_signal_connect (self->iface, "handle-install-profile",
                    G_CALLBACK (esim_euicc_handle_install_profile), self);
  g_signal_connect (self->iface, "handle-discover", G_CALLBACK (esim_euicc_handle_discover), self);
  g_signal_connect (self->iface, "handle-set-default-smdp-address",
                    G_CALLBACK (esim_euicc_handle_set_default_smdp_address), self);
  g_signal_connect (self->iface, "handle-process-notifications",
                    G_CALLBACK (esim_euicc_handle_process_notifications), self);
  g_signal_connect (self->iface, "handle-reset-memory", G_CALLBACK (esim_euicc_handle_reset_memory),
                    self);
  self->gone_id = g_signal_connect (transport, "gone", G_CALLBACK (transport_gone_cb), self);
  self->test_mode_id
    = g_signal_connect (context, "notify::test-mode", G_CALLBACK (test_mode_cb), self);
  return self;
}

static void
esim_euicc_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimEuicc *self = ESIM_EUICC (object);

  switch (prop_id) {
  case PROP_EXPORTED:
    g_value_set_boolean (value, self->exported);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    break;
  }
}

static void
esim_euicc_dispose (GObject *object)
{
  EsimEuicc *self = ESIM_EUICC (object);
  GHashTableIter iter;
  gpointer job;

  g_clear_signal_handler (&self->gone_id, self->transport);
  g_clear_signal_handler (&self->test_mode_id, self->context);
  if (self->path_claimed) {
    esim_context_release_euicc_path (self->context, self->path);
    self->path_claimed = FALSE;
  }
  if (self->iface != NULL)
    g_signal_handlers_disconnect_by_data (self->iface, self);
  if (self->jobs != NULL) {
    g_hash_table_iter_init (&iter, self->jobs);
    while (g_hash_table_iter_next (&iter, &job, NULL))
      g_signal_handlers_disconnect_by_data (job, self);
    g_hash_table_remove_all (self->jobs);
  }
  if (self->profiles != NULL)
    g_ptr_array_set_size (self->profiles, 0);
  G_OBJECT_CLASS (esim_euicc_parent_class)->dispose (object);
}

static void
esim_euicc_finalize (GObject *object)
{
  EsimEuicc *self = ESIM_EUICC (object);

  g_clear_object (&self->notifier);
  g_clear_object (&self->wait);
  g_clear_object (&self->es10);
  g_clear_object (&self->queue);
  g_clear_object (&self->transport);
  g_clear_pointer (&self->isdr_aid, g_bytes_unref);
  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  g_clear_object (&self->context);
  g_ptr_array_unref (self->infos);
  g_ptr_array_unref (self->profiles);
  g_hash_table_unref (self->jobs);
  g_free (self->name);
  g_free (self->path);
  g_free (self->eid);
  g_free (self->modem);
  G_OBJECT_CLASS (esim_euicc_parent_class)->finalize (object);
}

static void
esim_euicc_init (EsimEuicc *self)
{
  self->queue = esim_queue_new ();
  self->infos = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_profile_info_free);
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
  self->jobs = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
}

static void
esim_euicc_class_init (EsimEuiccClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = esim_euicc_get_property;
  object_class->dispose = esim_euicc_dispose;
  object_class->finalize = esim_euicc_finalize;
  props[PROP_EXPORTED]
    = g_param_spec_boolean ("exported", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
  /* ModemManager saw the SIM of this eUICC's modem change */
  signals[SIGNAL_SIM_CHANGED]
    = g_signal_new ("sim-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);
}
