/*
 * A fake ModemManager for the tests: owns org.freedesktop.ModemManager1 on
 * the bus of $DBUS_SYSTEM_BUS_ADDRESS and exports, with libmm-glib's own
 * generated skeletons, an object manager at /org/freedesktop/ModemManager1
 * with one Modem object per fake modem, and its Sim objects beside it (as
 * ModemManager does: not managed objects).
 *
 * Each modem is a fake QMI modem in this process (tests/fakes/qmi/) that
 * holds a simulated eUICC (esim-sim on its unix socket). Its QMI port is
 * named after the modem's abstract proxy socket, so that a daemon started
 * with ESIM_QMI_PROXY_PATH=%s reaches it through real libqmi.
 *
 * The tests drive it through org.esimd.Test.FakeModemManager at
 * /org/esimd/Test/FakeModemManager (a name of its own, which stays while
 * "ModemManager" restarts):
 *   AddModem(s sim_socket, a{sv} options) -> o modem
 *       options: "slot" u (active SIM slot, default 1), "slots" u (number
 *       of slots, default 1), "eid" s (Sim.Eid and the modem's slot
 *       status; default none), "imei" s
 *   RemoveModem(o modem)                  the modem is unplugged
 *   ReplugModem(o modem, u down_ms) -> o  the modem is unplugged and,
 *                                         down_ms later, plugged in
 *                                         again: the same card under a
 *                                         new modem object path
 *   Restart(u down_ms)                    ModemManager goes away for
 *                                         down_ms and comes back; the
 *                                         modems get new object paths
 *   GetModems() -> ao
 *   SetSimChanged(o modem)                a new Sim object (as after a
 *                                         SIM refresh)
 *   DropRefreshIndications(o modem, b drop)
 *   GetIndicationCount(o modem) -> u      UIM indications sent so far
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>

#include <glib-unix.h>
#include <libmm-glib.h>

#include "esim-fake-qmi-modem.h"

#define MM_NAME "org.freedesktop.ModemManager1"
#define MM_PATH "/org/freedesktop/ModemManager1"
#define CONTROL_NAME "org.esimd.Test.FakeModemManager"
#define CONTROL_PATH "/org/esimd/Test/FakeModemManager"

static const gchar control_xml[]
  = "<node>"
    " <interface name='org.esimd.Test.FakeModemManager'>"
    "  <method name='AddModem'>"
    "   <arg name='sim_socket' type='s' direction='in'/>"
    "   <arg name='options' type='a{sv}' direction='in'/>"
    "   <arg name='modem' type='o' direction='out'/>"
    "  </method>"
    "  <method name='RemoveModem'><arg name='modem' type='o' direction='in'/></method>"
    "  <method name='ReplugModem'>"
    "   <arg name='modem' type='o' direction='in'/>"
    "   <arg name='down_ms' type='u' direction='in'/>"
    "   <arg name='new_modem' type='o' direction='out'/>"
    "  </method>"
    "  <method name='Restart'><arg name='down_ms' type='u' direction='in'/></method>"
    "  <method name='GetModems'><arg name='modems' type='ao' direction='out'/></method>"
    "  <method name='SetSimChanged'><arg name='modem' type='o' direction='in'/></method>"
    "  <method name='DropRefreshIndications'>"
    "   <arg name='modem' type='o' direction='in'/>"
    "   <arg name='drop' type='b' direction='in'/>"
    "  </method>"
    "  <method name='GetIndicationCount'>"
    "   <arg name='modem' type='o' direction='in'/>"
    "   <arg name='count' type='u' direction='out'/>"
    "  </method>"
    " </interface>"
    "</node>";

typedef struct {
  EsimFakeQmiModem *qmi;
  gchar *path;
  MmGdbusObjectSkeleton *object;
  MmGdbusModem *modem;
  GPtrArray *sims; /* of MmGdbusSim, one per slot (NULL: empty slot) */
  guint slot;
  guint n_slots;
  gchar *eid;
  gchar *imei;
} FakeModem;

typedef struct {
  GDBusConnection *connection;
  GDBusObjectManagerServer *manager;
  MmGdbusOrgFreedesktopModemManager1 *manager_iface;
  GPtrArray *modems; /* of FakeModem */
  guint modem_counter;
  guint sim_counter;
  gboolean up;
  GMainLoop *loop;
} FakeMm;

/* an empty slot has no Sim object */
static void
sim_free (gpointer sim)
{
  if (sim != NULL)
    g_object_unref (sim);
}

static void
fake_modem_unexport (FakeModem *fm, FakeMm *mm)
{
  for (guint i = 0; i < fm->sims->len; i++) {
    MmGdbusSim *sim = g_ptr_array_index (fm->sims, i);
    if (sim != NULL)
      g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (sim));
  }
  g_ptr_array_set_size (fm->sims, 0);
  if (fm->path != NULL)
    g_dbus_object_manager_server_unexport (mm->manager, fm->path);
  g_clear_pointer (&fm->path, g_free);
  g_clear_object (&fm->object);
  g_clear_object (&fm->modem);
}

static void
fake_modem_free (FakeModem *fm)
{
  g_clear_object (&fm->modem);
  g_clear_object (&fm->object);
  g_ptr_array_unref (fm->sims);
  g_free (fm->path);
  g_free (fm->eid);
  g_free (fm->imei);
  if (fm->qmi != NULL) {
    esim_fake_qmi_modem_stop (fm->qmi);
    g_object_unref (fm->qmi);
  }
  g_free (fm);
}

/* new Sim objects for every slot, and the modem's Sim and SimSlots */
static void
fake_modem_export_sims (FakeModem *fm, FakeMm *mm)
{
  g_autoptr (GStrvBuilder) slots = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;
  g_autofree gchar *active = NULL;

  for (guint i = 0; i < fm->sims->len; i++) {
    MmGdbusSim *sim = g_ptr_array_index (fm->sims, i);
    if (sim != NULL)
      g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (sim));
  }
  g_ptr_array_set_size (fm->sims, 0);
  for (guint i = 1; i <= fm->n_slots; i++) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *path = NULL;
    MmGdbusSim *sim;

    /* the eUICC sits in the active slot; the others are empty */
    if (i != fm->slot) {
      g_ptr_array_add (fm->sims, NULL);
      g_strv_builder_add (slots, "/");
      continue;
    }
    path = g_strdup_printf (MM_PATH "/SIM/%u", mm->sim_counter++);
    sim = mm_gdbus_sim_skeleton_new ();
    mm_gdbus_sim_set_active (sim, TRUE);
    mm_gdbus_sim_set_eid (sim, fm->eid != NULL ? fm->eid : "");
    mm_gdbus_sim_set_sim_type (sim, MM_SIM_TYPE_ESIM);
    mm_gdbus_sim_set_esim_status (sim, MM_SIM_ESIM_STATUS_WITH_PROFILES);
    mm_gdbus_sim_set_removability (sim, MM_SIM_REMOVABILITY_NOT_REMOVABLE);
    if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (sim), mm->connection, path,
                                           &error))
      g_error ("exporting %s: %s", path, error->message);
    g_ptr_array_add (fm->sims, sim);
    g_strv_builder_add (slots, path);
    active = g_strdup (path);
  }
  strv = g_strv_builder_end (slots);
  /* a single-slot modem has no SimSlots in ModemManager */
  mm_gdbus_modem_set_sim_slots (fm->modem, fm->n_slots > 1 ? (const gchar *const *) strv : NULL);
  mm_gdbus_modem_set_primary_sim_slot (fm->modem, fm->n_slots > 1 ? fm->slot : 0);
  mm_gdbus_modem_set_sim (fm->modem, active != NULL ? active : "/");
}

static void
fake_modem_export (FakeModem *fm, FakeMm *mm)
{
  const gchar *port = esim_fake_qmi_modem_get_proxy_path (fm->qmi);
  const gchar *drivers[] = { "qmi_wwan", NULL };
  GVariantBuilder ports;

  fm->path = g_strdup_printf (MM_PATH "/Modem/%u", mm->modem_counter++);
  fm->object = mm_gdbus_object_skeleton_new (fm->path);
  fm->modem = mm_gdbus_modem_skeleton_new ();
  g_variant_builder_init (&ports, G_VARIANT_TYPE ("a(su)"));
  /* the AT port comes first: the daemon must still prefer QMI */
  g_variant_builder_add (&ports, "(su)", "ttyFAKE0", (guint32) MM_MODEM_PORT_TYPE_AT);
  g_variant_builder_add (&ports, "(su)", port, (guint32) MM_MODEM_PORT_TYPE_QMI);
  g_variant_builder_add (&ports, "(su)", "wwanFAKE0", (guint32) MM_MODEM_PORT_TYPE_NET);
  mm_gdbus_modem_set_ports (fm->modem, g_variant_builder_end (&ports));
  mm_gdbus_modem_set_primary_port (fm->modem, port);
  mm_gdbus_modem_set_manufacturer (fm->modem, "esimd tests");
  mm_gdbus_modem_set_model (fm->modem, "fake QMI modem");
  mm_gdbus_modem_set_device (fm->modem, "/sys/devices/fake");
  mm_gdbus_modem_set_drivers (fm->modem, drivers);
  mm_gdbus_modem_set_plugin (fm->modem, "generic");
  mm_gdbus_modem_set_equipment_identifier (fm->modem, fm->imei != NULL ? fm->imei : "");
  mm_gdbus_modem_set_state (fm->modem, MM_MODEM_STATE_DISABLED);
  fake_modem_export_sims (fm, mm);
  mm_gdbus_object_skeleton_set_modem (fm->object, fm->modem);
  g_dbus_object_manager_server_export (mm->manager, G_DBUS_OBJECT_SKELETON (fm->object));
  g_message ("modem %s on QMI port %s", fm->path, port);
}

static FakeModem *
fake_mm_find (FakeMm *mm, const gchar *path, GDBusMethodInvocation *invocation)
{
  for (guint i = 0; i < mm->modems->len; i++) {
    FakeModem *fm = g_ptr_array_index (mm->modems, i);
    if (g_strcmp0 (fm->path, path) == 0)
      return fm;
  }
  g_dbus_method_invocation_return_error (invocation, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                         "no modem %s", path);
  return NULL;
}

static gboolean
fake_mm_request_name (FakeMm *mm, const gchar *name, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  guint32 result = 0;

  reply = g_dbus_connection_call_sync (
    mm->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
    "RequestName", g_variant_new ("(su)", name, 0x4), G_VARIANT_TYPE ("(u)"),
    G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(u)", &result);
  if (result != 1) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s is taken", name);
    return FALSE;
  }
  return TRUE;
}

static void
fake_mm_up (FakeMm *mm)
{
  g_autoptr (GError) error = NULL;

  mm->manager = g_dbus_object_manager_server_new (MM_PATH);
  mm->manager_iface = mm_gdbus_org_freedesktop_modem_manager1_skeleton_new ();
  mm_gdbus_org_freedesktop_modem_manager1_set_version (mm->manager_iface, "1.20.4");
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (mm->manager_iface),
                                         mm->connection, MM_PATH, &error))
    g_error ("exporting the manager: %s", error->message);
  for (guint i = 0; i < mm->modems->len; i++)
    fake_modem_export (g_ptr_array_index (mm->modems, i), mm);
  g_dbus_object_manager_server_set_connection (mm->manager, mm->connection);
  if (!fake_mm_request_name (mm, MM_NAME, &error))
    g_error ("%s", error->message);
  mm->up = TRUE;
  g_message ("ModemManager is up");
}

static void
fake_mm_down (FakeMm *mm)
{
  g_autoptr (GVariant) reply = NULL;

  /* the name goes first, as when the process exits */
  reply = g_dbus_connection_call_sync (
    mm->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
    "ReleaseName", g_variant_new ("(s)", MM_NAME), G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE,
    -1, NULL, NULL);
  for (guint i = 0; i < mm->modems->len; i++)
    fake_modem_unexport (g_ptr_array_index (mm->modems, i), mm);
  g_dbus_object_manager_server_set_connection (mm->manager, NULL);
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (mm->manager_iface));
  g_clear_object (&mm->manager_iface);
  g_clear_object (&mm->manager);
  mm->up = FALSE;
  g_message ("ModemManager is down");
}

typedef struct {
  FakeMm *mm;
  GDBusMethodInvocation *invocation;
} Restart;

static gboolean
restart_up_cb (gpointer user_data)
{
  Restart *restart = user_data;

  fake_mm_up (restart->mm);
  g_dbus_method_invocation_return_value (restart->invocation, NULL);
  g_object_unref (restart->invocation);
  g_free (restart);
  return G_SOURCE_REMOVE;
}

/* ReplugModem: gone from ModemManager for a while, then back (a new
 * object path, as ModemManager gives a re-enumerated device) */
typedef struct {
  FakeMm *mm;
  FakeModem *fm;
  GDBusMethodInvocation *invocation;
} Replug;

static gboolean
replug_up_cb (gpointer user_data)
{
  Replug *replug = user_data;

  /* the modem may have been removed meanwhile */
  if (g_ptr_array_find (replug->mm->modems, replug->fm, NULL) && replug->mm->up)
    fake_modem_export (replug->fm, replug->mm);
  g_dbus_method_invocation_return_value (
    replug->invocation, g_variant_new ("(o)", replug->fm->path != NULL ? replug->fm->path : "/"));
  g_object_unref (replug->invocation);
  g_free (replug);
  return G_SOURCE_REMOVE;
}

static void
handle_add_modem (FakeMm *mm, GVariant *params, GDBusMethodInvocation *invocation)
{
  g_autoptr (GVariantDict) options = NULL;
  g_autoptr (GVariant) options_v = NULL;
  g_autoptr (GError) error = NULL;
  const gchar *socket_path = NULL;
  FakeModem *fm;

  g_variant_get (params, "(&s@a{sv})", &socket_path, &options_v);
  options = g_variant_dict_new (options_v);
  fm = g_new0 (FakeModem, 1);
  fm->sims = g_ptr_array_new_with_free_func (sim_free);
  fm->slot = 1;
  fm->n_slots = 1;
  g_variant_dict_lookup (options, "slot", "u", &fm->slot);
  g_variant_dict_lookup (options, "slots", "u", &fm->n_slots);
  g_variant_dict_lookup (options, "eid", "s", &fm->eid);
  g_variant_dict_lookup (options, "imei", "s", &fm->imei);
  if (fm->n_slots < 1 || fm->slot < 1 || fm->slot > fm->n_slots) {
    fake_modem_free (fm);
    g_dbus_method_invocation_return_error_literal (invocation, G_IO_ERROR,
                                                   G_IO_ERROR_INVALID_ARGUMENT, "bad slots");
    return;
  }
  fm->qmi = esim_fake_qmi_modem_new (socket_path);
  esim_fake_qmi_modem_set_slots (fm->qmi, fm->n_slots, fm->slot, fm->slot);
  if (fm->eid != NULL)
    esim_fake_qmi_modem_set_eid (fm->qmi, fm->eid);
  if (!esim_fake_qmi_modem_start (fm->qmi, &error)) {
    fake_modem_free (fm);
    g_dbus_method_invocation_return_gerror (invocation, error);
    return;
  }
  g_ptr_array_add (mm->modems, fm);
  if (mm->up)
    fake_modem_export (fm, mm);
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(o)", fm->path != NULL ? fm->path : "/"));
}

static void
control_method_cb (GDBusConnection *connection, const gchar *sender, const gchar *path,
                   const gchar *iface, const gchar *method, GVariant *params,
                   GDBusMethodInvocation *invocation, gpointer user_data)
{
  FakeMm *mm = user_data;
  const gchar *modem_path = NULL;
  FakeModem *fm;

  if (g_str_equal (method, "AddModem")) {
    handle_add_modem (mm, params, invocation);
  } else if (g_str_equal (method, "GetModems")) {
    g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
    g_auto (GStrv) paths = NULL;

    for (guint i = 0; i < mm->modems->len; i++) {
      fm = g_ptr_array_index (mm->modems, i);
      if (fm->path != NULL)
        g_strv_builder_add (b, fm->path);
    }
    paths = g_strv_builder_end (b);
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^ao)", paths));
  } else if (g_str_equal (method, "Restart")) {
    Restart *restart = g_new0 (Restart, 1);
    guint down_ms = 0;

    g_variant_get (params, "(u)", &down_ms);
    fake_mm_down (mm);
    restart->mm = mm;
    restart->invocation = g_object_ref (invocation);
    g_timeout_add (down_ms, restart_up_cb, restart);
  } else {
    g_variant_get_child (params, 0, "&o", &modem_path);
    fm = fake_mm_find (mm, modem_path, invocation);
    if (fm == NULL)
      return;
    if (g_str_equal (method, "ReplugModem")) {
      Replug *replug = g_new0 (Replug, 1);
      guint down_ms = 0;

      g_variant_get_child (params, 1, "u", &down_ms);
      g_message ("modem %s unplugged for %u ms", fm->path, down_ms);
      fake_modem_unexport (fm, mm);
      replug->mm = mm;
      replug->fm = fm;
      replug->invocation = g_object_ref (invocation);
      g_timeout_add (down_ms, replug_up_cb, replug);
    } else if (g_str_equal (method, "RemoveModem")) {
      fake_modem_unexport (fm, mm);
      g_ptr_array_remove (mm->modems, fm);
      g_dbus_method_invocation_return_value (invocation, NULL);
    } else if (g_str_equal (method, "SetSimChanged")) {
      fake_modem_export_sims (fm, mm);
      g_dbus_method_invocation_return_value (invocation, NULL);
    } else if (g_str_equal (method, "DropRefreshIndications")) {
      gboolean drop = FALSE;

      g_variant_get_child (params, 1, "b", &drop);
      esim_fake_qmi_modem_set_send_indications (fm->qmi, !drop);
      g_dbus_method_invocation_return_value (invocation, NULL);
    } else if (g_str_equal (method, "GetIndicationCount")) {
      g_dbus_method_invocation_return_value (
        invocation, g_variant_new ("(u)", esim_fake_qmi_modem_get_indication_count (fm->qmi)));
    } else {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "no method %s", method);
    }
  }
}

static const GDBusInterfaceVTable control_vtable = { control_method_cb, NULL, NULL, { 0 } };

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = NULL;
  FakeMm mm = { 0 };

  mm.connection = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (mm.connection == NULL) {
    g_printerr ("esim-fake-mm: no bus: %s\n", error->message);
    return 1;
  }
  g_dbus_connection_set_exit_on_close (mm.connection, TRUE);
  mm.modems = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_modem_free);
  mm.loop = g_main_loop_new (NULL, FALSE);
  fake_mm_up (&mm);
  info = g_dbus_node_info_new_for_xml (control_xml, &error);
  g_assert_no_error (error);
  if (g_dbus_connection_register_object (mm.connection, CONTROL_PATH, info->interfaces[0],
                                         &control_vtable, &mm, NULL, &error)
        == 0
      || !fake_mm_request_name (&mm, CONTROL_NAME, &error)) {
    g_printerr ("esim-fake-mm: %s\n", error->message);
    return 1;
  }
  g_unix_signal_add (SIGTERM, quit_cb, mm.loop);
  g_unix_signal_add (SIGINT, quit_cb, mm.loop);
  g_main_loop_run (mm.loop);

  if (mm.up)
    fake_mm_down (&mm);
  g_ptr_array_unref (mm.modems);
  g_main_loop_unref (mm.loop);
  g_object_unref (mm.connection);
  return 0;
}
