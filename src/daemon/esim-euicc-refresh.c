/*
 * The refresh of an EsimEuicc: everything the card says about itself
 * (EUICCInfo2, the configured addresses, the profiles, the pending
 * notifications), read one after the other while the operation holds the
 * card, then put on D-Bus at once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-euicc-private.h"
#include "esim-iccid.h"

typedef struct {
  EsimEuiccInfo2 *info2;
  EsimConfiguredAddresses *addresses;
  GPtrArray *infos;
  GPtrArray *notifications;
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_pointer (&data->info2, esim_euicc_info2_free);
  g_clear_pointer (&data->addresses, esim_configured_addresses_free);
  g_clear_pointer (&data->infos, g_ptr_array_unref);
  g_clear_pointer (&data->notifications, g_ptr_array_unref);
  g_free (data);
}

static gchar **
esim_euicc_pkids_to_strv (GPtrArray *pkids)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; i < pkids->len; i++) {
    GBytes *pkid = g_ptr_array_index (pkids, i);
    g_autofree gchar *hex
      = esim_hex_encode (g_bytes_get_data (pkid, NULL), g_bytes_get_size (pkid));
    g_strv_builder_add (b, hex);
  }
  return g_strv_builder_end (b);
}

static void
esim_euicc_apply_refresh (EsimEuicc *self, RefreshData *data)
{
  EsimDbusEuicc *iface = esim_euicc_get_iface (self);

  if (data->info2 != NULL) {
    g_auto (GStrv) pkids = esim_euicc_pkids_to_strv (data->info2->ci_pkids_for_verification);
    esim_dbus_euicc_set_sgp22_version (iface, data->info2->svn ? data->info2->svn : "");
    esim_dbus_euicc_set_profile_version (
      iface, data->info2->profile_version ? data->info2->profile_version : "");
    esim_dbus_euicc_set_firmware_version (
      iface, data->info2->firmware_version ? data->info2->firmware_version : "");
    esim_dbus_euicc_set_free_memory (iface, data->info2->free_nonvolatile_memory);
    esim_dbus_euicc_set_ci_key_ids (iface, (const gchar *const *) pkids);
  }
  if (data->addresses != NULL) {
    const gchar *dp = data->addresses->default_dp_address;
    const gchar *ds = data->addresses->root_ds_address;
    esim_dbus_euicc_set_default_smdp_address (iface, dp != NULL ? dp : "");
    esim_dbus_euicc_set_root_smds_address (iface, ds != NULL ? ds : "");
  }
  if (data->notifications != NULL)
    esim_dbus_euicc_set_pending_notifications (iface, data->notifications->len);
  if (data->infos != NULL)
    esim_euicc_set_profile_infos (self, g_steal_pointer (&data->infos));
  /* PropertiesChanged goes out before the reply of the method that
   * caused it */
  esim_euicc_flush (self);
}

static void
refresh_step_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimEuicc *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (task);
  EsimEs10 *es10 = ESIM_ES10 (source);
  GError *error = NULL;

  /* one step after the other on the card, in this order */
  if (data->info2 == NULL) {
    data->info2 = esim_es10_get_euicc_info2_finish (es10, res, &error);
    if (data->info2 == NULL) {
      g_task_return_error (task, error);
      return;
    }
    esim_es10_get_euicc_configured_addresses_async (es10, NULL, refresh_step_cb,
                                                    g_steal_pointer (&task));
    return;
  }
  if (data->addresses == NULL) {
    data->addresses = esim_es10_get_euicc_configured_addresses_finish (es10, res, &error);
    if (data->addresses == NULL) {
      g_task_return_error (task, error);
      return;
    }
    esim_es10_get_profiles_info_async (es10, NULL, NULL, -1, NULL, NULL, refresh_step_cb,
                                       g_steal_pointer (&task));
    return;
  }
  if (data->infos == NULL) {
    data->infos = esim_es10_get_profiles_info_finish (es10, res, &error);
    if (data->infos == NULL) {
      g_task_return_error (task, error);
      return;
    }
    esim_es10_list_notification_async (es10, ESIM_NOTIFICATION_EVENT_NONE, NULL, refresh_step_cb,
                                       g_steal_pointer (&task));
    return;
  }
  data->notifications = esim_es10_list_notification_finish (es10, res, &error);
  if (data->notifications == NULL) {
    /* none is no failure */
    if (!g_error_matches (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_NO_RESULT_AVAILABLE)) {
      g_task_return_error (task, error);
      return;
    }
    g_clear_error (&error);
    data->notifications = g_ptr_array_new ();
  }
  esim_euicc_apply_refresh (self, data);
  g_task_return_boolean (task, TRUE);
}

void
esim_euicc_refresh_async (EsimEuicc *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, esim_euicc_refresh_async);
  g_task_set_task_data (task, g_new0 (RefreshData, 1), (GDestroyNotify) refresh_data_free);
  esim_es10_get_euicc_info2_async (esim_euicc_get_es10 (self), NULL, refresh_step_cb, task);
}

gboolean
esim_euicc_refresh_finish (EsimEuicc *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
