/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libmm-glib.h>

#include "esim-download.h"
#include "esim-euicc.h"
#include "esim-log.h"
#include "esim-modem-watcher.h"
#include "esim-transport-factory.h"

/* a modem whose card does not answer in this long has no usable eUICC */
#define ESIM_MODEM_WATCHER_PROBE_TIMEOUT_S 30

/* one modem of ModemManager's, from object-added to object-removed */
typedef struct {
  EsimModemWatcher *watcher; /* unowned; NULL once the modem went */
  gchar *path;
  MMModem *modem;
  gulong sim_id;
  gulong slots_id;
  GCancellable *cancellable; /* the look for an eUICC in flight */
  guint timeout_id;
  gboolean again;          /* the SIM changed while looking */
  gchar *spec;             /* the transport, KIND:DEVICE[@SLOT] */
  guint sim_slot;          /* 1-based */
  gchar *mm_eid;           /* what ModemManager says, or NULL */
  EsimEuicc *euicc;        /* found and exported, ours */
  EsimEuicc *static_euicc; /* the configuration's, tied to this modem */
} Modem;

struct _EsimModemWatcher {
  GObject parent_instance;
  EsimContext *context;
  GDBusConnection *connection;
  GPtrArray *static_euiccs;
  GCancellable *cancellable;
  MMManager *manager;
  GHashTable *modems; /* path → Modem */
};

G_DEFINE_TYPE (EsimModemWatcher, esim_modem_watcher, G_TYPE_OBJECT)

enum { SIGNAL_EUICC_ADDED, SIGNAL_EUICC_REMOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void esim_modem_watcher_examine (Modem *modem);

static void
modem_clear (Modem *modem)
{
  g_clear_handle_id (&modem->timeout_id, g_source_remove);
  g_clear_object (&modem->cancellable);
  g_clear_object (&modem->modem);
  g_clear_object (&modem->euicc);
  g_clear_object (&modem->static_euicc);
  g_free (modem->path);
  g_free (modem->spec);
  g_free (modem->mm_eid);
}

static Modem *
modem_ref (Modem *modem)
{
  return g_rc_box_acquire (modem);
}

static void
modem_unref (Modem *modem)
{
  g_rc_box_release_full (modem, (GDestroyNotify) modem_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Modem, modem_unref)

/* device info */

gboolean
esim_modem_watcher_device_info_from_imei (const gchar *equipment_id, EsimDeviceInfo *device)
{
  esim_device_info_init_default (device);
  return esim_device_info_set_equipment_id (device, equipment_id);
}

void
esim_modem_watcher_device_info_set_capabilities (EsimDeviceInfo *device, guint capabilities)
{
  gboolean gsm_umts = (capabilities & MM_MODEM_CAPABILITY_GSM_UMTS) != 0;
  gboolean lte = (capabilities & MM_MODEM_CAPABILITY_LTE) != 0;

  /* a modem that reports neither keeps the generic host's */
  if (gsm_umts || lte)
    esim_device_info_set_releases (device, gsm_umts, lte);
}

/* the port: QMI, else MBIM, else AT */

static gchar *
esim_modem_watcher_pick_port (MMModem *mm_modem, gchar **device_out)
{
  static const struct {
    MMModemPortType type;
    const gchar *kind;
  } preferred[] = {
    { MM_MODEM_PORT_TYPE_QMI, "qmi" },
    { MM_MODEM_PORT_TYPE_MBIM, "mbim" },
    { MM_MODEM_PORT_TYPE_AT, "at" },
  };
  const MMModemPortInfo *ports = NULL;
  guint n_ports = 0;

  if (!mm_modem_peek_ports (mm_modem, &ports, &n_ports))
    return NULL;
  for (guint p = 0; p < G_N_ELEMENTS (preferred); p++) {
    for (guint i = 0; i < n_ports; i++) {
      if (ports[i].type != preferred[p].type || ports[i].name == NULL)
        continue;
      *device_out = g_strdup_printf ("/dev/%s", ports[i].name);
      return g_strdup (preferred[p].kind);
    }
  }
  return NULL;
}

/* the configuration's eUICC on one of the modem's ports, or NULL */
static EsimEuicc *
esim_modem_watcher_find_static (EsimModemWatcher *self, MMModem *mm_modem)
{
  const MMModemPortInfo *ports = NULL;
  guint n_ports = 0;

  if (!mm_modem_peek_ports (mm_modem, &ports, &n_ports))
    return NULL;
  for (guint e = 0; e < self->static_euiccs->len; e++) {
    EsimEuicc *euicc = g_ptr_array_index (self->static_euiccs, e);
    const gchar *device = esim_transport_get_device (esim_euicc_get_transport (euicc));

    if (device == NULL || !g_str_has_prefix (device, "/dev/"))
      continue;
    for (guint i = 0; i < n_ports; i++)
      if (g_strcmp0 (ports[i].name, device + strlen ("/dev/")) == 0)
        return euicc;
  }
  return NULL;
}

/* "Quectel EG25-G": what people call the modem */
static gchar *
esim_modem_watcher_label (MMModem *mm_modem)
{
  const gchar *manufacturer = mm_modem_get_manufacturer (mm_modem);
  const gchar *model = mm_modem_get_model (mm_modem);
  g_autoptr (GString) label = g_string_new (NULL);

  if (manufacturer != NULL && manufacturer[0] != '\0')
    g_string_append (label, manufacturer);
  /* some modems repeat the manufacturer in the model */
  if (model != NULL && model[0] != '\0') {
    if (label->len > 0 && !g_str_has_prefix (model, label->str))
      g_string_append_c (label, ' ');
    else
      g_string_truncate (label, 0);
    g_string_append (label, model);
  }
  if (label->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&label), FALSE);
}

static void
esim_modem_watcher_tie (Modem *modem, EsimEuicc *euicc)
{
  EsimDeviceInfo device;
  g_autofree gchar *label = esim_modem_watcher_label (modem->modem);

  esim_euicc_set_modem (euicc, modem->path, modem->sim_slot);
  esim_euicc_set_label (euicc, label);
  if (esim_modem_watcher_device_info_from_imei (mm_modem_get_equipment_identifier (modem->modem),
                                                &device)) {
    esim_modem_watcher_device_info_set_capabilities (
      &device, (guint) mm_modem_get_current_capabilities (modem->modem));
    esim_euicc_set_device_info (euicc, &device);
  }
}

/* probing the card */

static void
esim_modem_watcher_look_done (Modem *modem)
{
  g_clear_handle_id (&modem->timeout_id, g_source_remove);
  g_clear_object (&modem->cancellable);
  if (modem->again && modem->watcher != NULL) {
    modem->again = FALSE;
    esim_modem_watcher_examine (modem);
  }
}

static void
drop_shutdown_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimEuicc) euicc = user_data;

  esim_euicc_shutdown_finish (euicc, res);
  esim_euicc_unexport (euicc);
  esim_transport_close (esim_euicc_get_transport (euicc));
}

/* an eUICC that was never handed over: it ends as a removed one would */
static void
esim_modem_watcher_drop_euicc (EsimEuicc *euicc)
{
  esim_euicc_shutdown_async (euicc, drop_shutdown_cb, g_object_ref (euicc));
}

static void
probe_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (Modem) modem = user_data;
  g_autoptr (EsimEuicc) euicc = ESIM_EUICC (source);
  g_autoptr (GError) error = NULL;
  const gchar *eid;

  if (!esim_euicc_probe_finish (euicc, res, &error)) {
    if (g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND))
      g_message ("modem %s: no eUICC in SIM slot %u (no ISD-R)", modem->path, modem->sim_slot);
    else
      g_message ("modem %s: no eUICC reachable in SIM slot %u: %s", modem->path, modem->sim_slot,
                 error->message);
    esim_modem_watcher_drop_euicc (euicc);
    esim_modem_watcher_look_done (modem);
    return;
  }
  /* the modem went while the card answered */
  if (modem->watcher == NULL) {
    esim_modem_watcher_drop_euicc (euicc);
    return;
  }
  eid = esim_euicc_get_eid (euicc);
  if (modem->mm_eid != NULL && g_ascii_strcasecmp (modem->mm_eid, eid) != 0)
    g_warning ("modem %s: ModemManager reports EID %s, the card in SIM slot %u has %s", modem->path,
               esim_log_personal (modem->mm_eid), modem->sim_slot, esim_log_personal (eid));
  g_message ("modem %s, SIM slot %u: eUICC %s (%s)", modem->path, modem->sim_slot,
             esim_euicc_get_object_path (euicc), modem->spec);
  modem->euicc = g_steal_pointer (&euicc);
  modem->again = FALSE;
  esim_modem_watcher_look_done (modem);
  g_signal_emit (modem->watcher, signals[SIGNAL_EUICC_ADDED], 0, modem->euicc);
}

static gboolean
probe_timeout_cb (gpointer user_data)
{
  Modem *modem = user_data;

  modem->timeout_id = 0;
  g_cancellable_cancel (modem->cancellable);
  return G_SOURCE_REMOVE;
}

static void
esim_modem_watcher_probe (Modem *modem)
{
  EsimModemWatcher *self = modem->watcher;
  g_autoptr (EsimTransport) transport = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = NULL;
  EsimEuicc *euicc;

  transport = esim_transport_new_from_spec (modem->spec, &error);
  if (transport == NULL) {
    g_warning ("modem %s: %s", modem->path, error->message);
    esim_modem_watcher_look_done (modem);
    return;
  }
  name = g_strdup_printf ("modem%s", strrchr (modem->path, '/') + 1);
  euicc = esim_euicc_new (self->context, name, transport, NULL);
  esim_modem_watcher_tie (modem, euicc);
  modem->timeout_id
    = g_timeout_add_seconds (ESIM_MODEM_WATCHER_PROBE_TIMEOUT_S, probe_timeout_cb, modem);
  esim_euicc_probe_async (euicc, modem->cancellable, probe_cb, modem_ref (modem));
}

static void
sim_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (Modem) modem = user_data;
  g_autoptr (MMSim) sim = NULL;
  g_autoptr (GError) error = NULL;
  const gchar *eid;

  sim = mm_modem_get_sim_finish (MM_MODEM (source), res, &error);
  if (modem->watcher == NULL || g_cancellable_is_cancelled (modem->cancellable)) {
    esim_modem_watcher_look_done (modem);
    return;
  }
  if (sim == NULL)
    g_debug ("modem %s: no SIM object: %s", modem->path, error->message);
  eid = sim != NULL ? mm_sim_get_eid (sim) : NULL;
  g_clear_pointer (&modem->mm_eid, g_free);
  if (eid != NULL && eid[0] != '\0')
    modem->mm_eid = g_strdup (eid);
  /* without an EID from ModemManager the ISD-R tells: a plain SIM has none */
  esim_modem_watcher_probe (modem);
}

static void
esim_modem_watcher_examine (Modem *modem)
{
  EsimModemWatcher *self = modem->watcher;
  g_autofree gchar *device = NULL;
  g_autofree gchar *kind = NULL;
  const gchar *sim_path;
  guint primary;

  if (modem->euicc != NULL || modem->static_euicc != NULL)
    return;
  if (modem->cancellable != NULL) {
    modem->again = TRUE;
    return;
  }
  /* a modem without SIM slots has one */
  primary = mm_modem_get_primary_sim_slot (modem->modem);
  modem->sim_slot = primary > 0 ? primary : 1;
  modem->static_euicc = esim_modem_watcher_find_static (self, modem->modem);
  if (modem->static_euicc != NULL) {
    g_object_ref (modem->static_euicc);
    g_message ("modem %s: its eUICC is the configured %s", modem->path,
               esim_euicc_get_name (modem->static_euicc));
    esim_modem_watcher_tie (modem, modem->static_euicc);
    return;
  }
  kind = esim_modem_watcher_pick_port (modem->modem, &device);
  if (kind == NULL) {
    g_debug ("modem %s has no QMI, MBIM or AT port", modem->path);
    return;
  }
  g_free (modem->spec);
  if (primary > 0 && !g_str_equal (kind, "at"))
    modem->spec = g_strdup_printf ("%s:%s@%u", kind, device, primary);
  else
    modem->spec = g_strdup_printf ("%s:%s", kind, device);
  modem->cancellable = g_cancellable_new ();
  sim_path = mm_modem_get_sim_path (modem->modem);
  if (sim_path == NULL || g_str_equal (sim_path, "/")) {
    g_clear_pointer (&modem->mm_eid, g_free);
    esim_modem_watcher_probe (modem);
    return;
  }
  mm_modem_get_sim (modem->modem, modem->cancellable, sim_cb, modem_ref (modem));
}

/* modems coming and going */

static void
modem_sim_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  Modem *modem = user_data;

  g_debug ("modem %s: %s changed", modem->path, g_param_spec_get_name (pspec));
  if (modem->euicc != NULL) {
    esim_euicc_sim_changed (modem->euicc);
    return;
  }
  if (modem->static_euicc != NULL) {
    esim_euicc_sim_changed (modem->static_euicc);
    return;
  }
  /* a card that was not ready may be now */
  esim_modem_watcher_examine (modem);
}

static void
object_added_cb (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  EsimModemWatcher *self = ESIM_MODEM_WATCHER (user_data);
  MMModem *mm_modem = mm_object_get_modem (MM_OBJECT (object));
  Modem *modem;

  if (mm_modem == NULL)
    return;
  modem = g_rc_box_new0 (Modem);
  modem->watcher = self;
  modem->path = g_strdup (g_dbus_object_get_object_path (object));
  modem->modem = mm_modem;
  g_debug ("ModemManager has modem %s", modem->path);
  modem->sim_id
    = g_signal_connect (mm_modem, "notify::sim", G_CALLBACK (modem_sim_changed_cb), modem);
  modem->slots_id
    = g_signal_connect (mm_modem, "notify::sim-slots", G_CALLBACK (modem_sim_changed_cb), modem);
  g_hash_table_replace (self->modems, g_strdup (modem->path), modem);
  esim_modem_watcher_examine (modem);
}

/* the modem leaves: its eUICC goes, the configured one stays untied */
static void
esim_modem_watcher_forget (EsimModemWatcher *self, Modem *modem, gboolean emit)
{
  modem->watcher = NULL;
  g_clear_signal_handler (&modem->sim_id, modem->modem);
  g_clear_signal_handler (&modem->slots_id, modem->modem);
  if (modem->cancellable != NULL)
    g_cancellable_cancel (modem->cancellable);
  if (modem->static_euicc != NULL) {
    esim_euicc_set_modem (modem->static_euicc, NULL, 0);
    esim_euicc_set_device_info (modem->static_euicc, NULL);
    esim_euicc_set_label (modem->static_euicc, NULL);
  }
  if (modem->euicc != NULL) {
    g_message ("modem %s is gone, and with it eUICC %s", modem->path,
               esim_euicc_get_object_path (modem->euicc));
    if (emit)
      g_signal_emit (self, signals[SIGNAL_EUICC_REMOVED], 0, modem->euicc);
  }
}

static void
object_removed_cb (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  EsimModemWatcher *self = ESIM_MODEM_WATCHER (user_data);
  const gchar *path = g_dbus_object_get_object_path (object);
  Modem *modem = g_hash_table_lookup (self->modems, path);

  if (modem == NULL)
    return;
  g_debug ("ModemManager dropped modem %s", path);
  esim_modem_watcher_forget (self, modem, TRUE);
  g_hash_table_remove (self->modems, path);
}

static void
name_owner_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  g_autofree gchar *owner
    = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (object));

  /* its objects go and come back with it (object-removed, object-added) */
  if (owner != NULL)
    g_message ("ModemManager is on the bus (%s)", owner);
  else
    g_message ("ModemManager left the bus");
}

static void
manager_new_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimModemWatcher) self = ESIM_MODEM_WATCHER (user_data);
  g_autoptr (GError) error = NULL;
  g_autolist (GDBusObject) objects = NULL;
  g_autofree gchar *owner = NULL;
  MMManager *manager = mm_manager_new_finish (res, &error);

  if (manager == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("cannot watch ModemManager, only the configured eUICCs are used: %s",
                 error->message);
    return;
  }
  if (g_cancellable_is_cancelled (self->cancellable)) {
    g_object_unref (manager);
    return;
  }
  self->manager = manager;
  g_signal_connect (manager, "object-added", G_CALLBACK (object_added_cb), self);
  g_signal_connect (manager, "object-removed", G_CALLBACK (object_removed_cb), self);
  g_signal_connect (manager, "notify::name-owner", G_CALLBACK (name_owner_cb), self);
  owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (manager));
  if (owner == NULL)
    g_message ("ModemManager is not running; waiting for it");
  objects = g_dbus_object_manager_get_objects (G_DBUS_OBJECT_MANAGER (manager));
  for (GList *l = objects; l != NULL; l = l->next)
    object_added_cb (G_DBUS_OBJECT_MANAGER (manager), l->data, self);
}

void
esim_modem_watcher_start (EsimModemWatcher *self)
{
  g_return_if_fail (self->manager == NULL);
  mm_manager_new (self->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                  self->cancellable, manager_new_cb, g_object_ref (self));
}

void
esim_modem_watcher_stop (EsimModemWatcher *self)
{
  GHashTableIter iter;
  gpointer modem;

  g_cancellable_cancel (self->cancellable);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_hash_table_iter_init (&iter, self->modems);
  while (g_hash_table_iter_next (&iter, NULL, &modem))
    esim_modem_watcher_forget (self, modem, FALSE);
  g_hash_table_remove_all (self->modems);
}

EsimModemWatcher *
esim_modem_watcher_new (EsimContext *context, GDBusConnection *connection, GPtrArray *static_euiccs)
{
  EsimModemWatcher *self = g_object_new (ESIM_TYPE_MODEM_WATCHER, NULL);

  self->context = g_object_ref (context);
  self->connection = g_object_ref (connection);
  self->static_euiccs = g_ptr_array_ref (static_euiccs);
  return self;
}

static void
esim_modem_watcher_dispose (GObject *object)
{
  EsimModemWatcher *self = ESIM_MODEM_WATCHER (object);

  if (self->modems != NULL)
    esim_modem_watcher_stop (self);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (esim_modem_watcher_parent_class)->dispose (object);
}

static void
esim_modem_watcher_finalize (GObject *object)
{
  EsimModemWatcher *self = ESIM_MODEM_WATCHER (object);

  g_hash_table_unref (self->modems);
  g_ptr_array_unref (self->static_euiccs);
  g_object_unref (self->cancellable);
  g_object_unref (self->connection);
  g_object_unref (self->context);
  G_OBJECT_CLASS (esim_modem_watcher_parent_class)->finalize (object);
}

static void
esim_modem_watcher_init (EsimModemWatcher *self)
{
  self->cancellable = g_cancellable_new ();
  self->modems
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) modem_unref);
}

static void
esim_modem_watcher_class_init (EsimModemWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_modem_watcher_dispose;
  object_class->finalize = esim_modem_watcher_finalize;
  signals[SIGNAL_EUICC_ADDED]
    = g_signal_new ("euicc-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, ESIM_TYPE_EUICC);
  signals[SIGNAL_EUICC_REMOVED]
    = g_signal_new ("euicc-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, ESIM_TYPE_EUICC);
}
