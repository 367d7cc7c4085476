/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "esim-config.h"
#include "esim-http.h"
#include "esim-iccid.h"
#include "esim-transport-factory.h"

#define ESIM_CONFIG_GROUP_DAEMON "daemon"
#define ESIM_CONFIG_GROUP_TLS "tls"
#define ESIM_CONFIG_GROUP_NETWORK "network"
#define ESIM_CONFIG_GROUP_EUICC_PREFIX "euicc:"
#define ESIM_CONFIG_GROUP_EID_PREFIX "eid:"
/* the smallest STORE DATA block worth configuring, the most a short APDU
 * carries */
#define ESIM_CONFIG_MIN_SEGMENT 16
#define ESIM_CONFIG_MAX_SEGMENT 255
#define ESIM_CONFIG_GROUP_DEVICE "device"

/* a day is longer than any sane timeout or linger time */
#define ESIM_CONFIG_MAX_SECONDS (24 * 3600)
#define ESIM_CONFIG_MAX_RETRY_SECONDS (7 * 24 * 3600)

typedef struct {
  const gchar *group;
  const gchar *key;
  gsize offset; /* of the guint in EsimConfig */
  guint min;
  guint max;
} EsimConfigUintKey;

static const EsimConfigUintKey esim_config_uint_keys[] = {
  { "daemon", "JobLingerSeconds", G_STRUCT_OFFSET (EsimConfig, job_linger_seconds), 0,
    ESIM_CONFIG_MAX_SECONDS },
  { "daemon", "NotificationRetrySeconds", G_STRUCT_OFFSET (EsimConfig, notification_retry_seconds),
    1, ESIM_CONFIG_MAX_SECONDS },
  { "daemon", "NotificationRetryMaxSeconds",
    G_STRUCT_OFFSET (EsimConfig, notification_retry_max_seconds), 1,
    ESIM_CONFIG_MAX_RETRY_SECONDS },
  /* the names before [network]: still read, [network] wins */
  { "daemon", "HttpConnectTimeoutSeconds",
    G_STRUCT_OFFSET (EsimConfig, http_connect_timeout_seconds), 1, 600 },
  { "daemon", "HttpTimeoutSeconds", G_STRUCT_OFFSET (EsimConfig, http_timeout_seconds), 1, 3600 },
  { "daemon", "RefreshTimeoutSeconds", G_STRUCT_OFFSET (EsimConfig, refresh_timeout_seconds), 1,
    600 },
  { "network", "ConnectTimeoutSeconds", G_STRUCT_OFFSET (EsimConfig, http_connect_timeout_seconds),
    1, 600 },
  { "network", "RequestTimeoutSeconds", G_STRUCT_OFFSET (EsimConfig, http_timeout_seconds), 1,
    3600 },
  { "network", "DownloadTimeoutSeconds",
    G_STRUCT_OFFSET (EsimConfig, http_download_timeout_seconds), 1, ESIM_CONFIG_MAX_SECONDS },
  { "network", "StallTimeoutSeconds", G_STRUCT_OFFSET (EsimConfig, http_stall_timeout_seconds), 1,
    3600 },
  { "daemon", "ConfirmationTimeoutSeconds",
    G_STRUCT_OFFSET (EsimConfig, confirmation_timeout_seconds), 1, ESIM_CONFIG_MAX_SECONDS },
};

static const gchar *const esim_config_daemon_other_keys[] = {
  "TestMode", "TrustAnchors", "TestCi", "CaDirectory", "ModemManager", NULL,
};

static const gchar *const esim_config_euicc_keys[]
  = { "Transport", "IsdrAid", "StoreDataSegmentSize", NULL };
static const gchar *const esim_config_eid_keys[] = { "StoreDataSegmentSize", NULL };
static const gchar *const esim_config_tls_keys[] = { "SystemRoots", "SystemRootsFile", NULL };
static const gchar *const esim_config_no_keys[] = { NULL };

static const gchar *const esim_config_device_keys[] = { "TAC", NULL };

static void
esim_config_euicc_free (EsimConfigEuicc *euicc)
{
  g_free (euicc->name);
  g_free (euicc->transport);
  g_clear_pointer (&euicc->isdr_aid, g_bytes_unref);
  g_free (euicc);
}

static void
esim_config_eid_free (EsimConfigEid *eid)
{
  g_free (eid->eid);
  g_free (eid);
}

EsimConfig *
esim_config_new (void)
{
  EsimConfig *self = g_new0 (EsimConfig, 1);

  self->trust_anchors = g_new0 (gchar *, 1);
  self->job_linger_seconds = 30;
  self->notification_retry_seconds = 30;
  self->notification_retry_max_seconds = 3600;
  self->http_connect_timeout_seconds = 15;
  self->http_timeout_seconds = 60;
  self->http_download_timeout_seconds = 600;
  self->http_stall_timeout_seconds = 30;
  self->modem_manager = TRUE;
  self->refresh_timeout_seconds = 20;
  self->confirmation_timeout_seconds = 300;
  self->euiccs = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_config_euicc_free);
  self->eids = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_config_eid_free);
  return self;
}

void
esim_config_free (EsimConfig *self)
{
  g_free (self->path);
  g_strfreev (self->trust_anchors);
  g_free (self->test_ci);
  g_free (self->ca_directory);
  g_free (self->system_roots_file);
  g_free (self->device_tac);
  g_ptr_array_unref (self->euiccs);
  g_ptr_array_unref (self->eids);
  g_free (self);
}

/* every message names where the problem is */
static gboolean
esim_config_fail (GError **error, const gchar *source, const gchar *group, const gchar *key,
                  const gchar *what)
{
  if (key != NULL)
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: [%s] %s: %s", source,
                 group, key, what);
  else
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: [%s]: %s", source,
                 group, what);
  return FALSE;
}

static gboolean
esim_config_check_keys (GKeyFile *kf, const gchar *source, const gchar *group,
                        const gchar *const *known, gboolean uint_keys, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
    gboolean found = g_strv_contains (known, keys[i]);

    for (guint j = 0; uint_keys && !found && j < G_N_ELEMENTS (esim_config_uint_keys); j++)
      found = g_str_equal (esim_config_uint_keys[j].group, group)
              && g_str_equal (esim_config_uint_keys[j].key, keys[i]);
    if (!found)
      return esim_config_fail (error, source, group, keys[i], "unknown key");
  }
  return TRUE;
}

static gboolean
esim_config_get_boolean (GKeyFile *kf, const gchar *source, const gchar *group, const gchar *key,
                         gboolean *value, GError **error)
{
  g_autoptr (GError) error_local = NULL;
  gboolean v;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  v = g_key_file_get_boolean (kf, group, key, &error_local);
  if (error_local != NULL)
    return esim_config_fail (error, source, group, key, "not a boolean (true or false)");
  *value = v;
  return TRUE;
}

static gboolean
esim_config_get_file (GKeyFile *kf, const gchar *source, const gchar *group, const gchar *key,
                      gboolean directory, gchar **value, GError **error)
{
  g_autofree gchar *v = NULL;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  v = g_key_file_get_string (kf, group, key, NULL);
  if (v == NULL || v[0] == '\0')
    return TRUE;
  if (!g_path_is_absolute (v))
    return esim_config_fail (error, source, group, key, "not an absolute path");
  if (!g_file_test (v, directory ? G_FILE_TEST_IS_DIR : G_FILE_TEST_IS_REGULAR)) {
    g_autofree gchar *what
      = g_strdup_printf ("%s is not a readable %s", v, directory ? "directory" : "file");
    return esim_config_fail (error, source, group, key, what);
  }
  g_free (*value);
  *value = g_steal_pointer (&v);
  return TRUE;
}

static gboolean
esim_config_get_uints (EsimConfig *self, GKeyFile *kf, const gchar *source, const gchar *group,
                       GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (esim_config_uint_keys); i++) {
    const EsimConfigUintKey *k = &esim_config_uint_keys[i];
    g_autofree gchar *text = NULL;
    guint64 v = 0;

    if (!g_str_equal (k->group, group) || !g_key_file_has_key (kf, group, k->key, NULL))
      continue;
    text = g_key_file_get_string (kf, group, k->key, NULL);
    if (text == NULL
        || !g_ascii_string_to_unsigned (g_strstrip (text), 10, k->min, k->max, &v, NULL)) {
      g_autofree gchar *what = g_strdup_printf ("not a whole number from %u to %u", k->min, k->max);
      return esim_config_fail (error, source, group, k->key, what);
    }
    G_STRUCT_MEMBER (guint, self, k->offset) = (guint) v;
  }
  return TRUE;
}

static gboolean
esim_config_parse_daemon (EsimConfig *self, GKeyFile *kf, const gchar *source, GError **error)
{
  const gchar *group = ESIM_CONFIG_GROUP_DAEMON;

  if (!g_key_file_has_group (kf, group))
    return TRUE;
  if (!esim_config_check_keys (kf, source, group, esim_config_daemon_other_keys, TRUE, error))
    return FALSE;
  if (!esim_config_get_boolean (kf, source, group, "TestMode", &self->test_mode, error)
      || !esim_config_get_boolean (kf, source, group, "ModemManager", &self->modem_manager, error))
    return FALSE;
  if (!esim_config_get_file (kf, source, group, "TestCi", FALSE, &self->test_ci, error)
      || !esim_config_get_file (kf, source, group, "CaDirectory", TRUE, &self->ca_directory, error))
    return FALSE;

  if (g_key_file_has_key (kf, group, "TrustAnchors", NULL)) {
    g_auto (GStrv) files = g_key_file_get_string_list (kf, group, "TrustAnchors", NULL, NULL);
    g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; files != NULL && files[i] != NULL; i++) {
      g_autofree gchar *file = g_strstrip (g_strdup (files[i]));
      if (file[0] == '\0')
        continue;
      if (!g_path_is_absolute (file) || !g_file_test (file, G_FILE_TEST_IS_REGULAR)) {
        g_autofree gchar *what = g_strdup_printf ("%s is not a readable file", file);
        return esim_config_fail (error, source, group, "TrustAnchors", what);
      }
      g_ptr_array_add (kept, g_steal_pointer (&file));
    }
    g_ptr_array_add (kept, NULL);
    g_strfreev (self->trust_anchors);
    self->trust_anchors = (gchar **) g_ptr_array_free (g_steal_pointer (&kept), FALSE);
  }

  if (!esim_config_get_uints (self, kf, source, group, error))
    return FALSE;
  if (self->notification_retry_max_seconds < self->notification_retry_seconds)
    return esim_config_fail (error, source, group, "NotificationRetryMaxSeconds",
                             "smaller than NotificationRetrySeconds");
  return TRUE;
}

static gboolean
esim_config_parse_tls (EsimConfig *self, GKeyFile *kf, const gchar *source, GError **error)
{
  const gchar *group = ESIM_CONFIG_GROUP_TLS;

  if (!esim_config_check_keys (kf, source, group, esim_config_tls_keys, FALSE, error))
    return FALSE;
  if (!esim_config_get_boolean (kf, source, group, "SystemRoots", &self->system_roots, error))
    return FALSE;
  return esim_config_get_file (kf, source, group, "SystemRootsFile", FALSE,
                               &self->system_roots_file, error);
}

static gboolean
esim_config_parse_network (EsimConfig *self, GKeyFile *kf, const gchar *source, GError **error)
{
  const gchar *group = ESIM_CONFIG_GROUP_NETWORK;

  if (!esim_config_check_keys (kf, source, group, esim_config_no_keys, TRUE, error))
    return FALSE;
  return esim_config_get_uints (self, kf, source, group, error);
}

static gboolean
esim_config_parse_device (EsimConfig *self, GKeyFile *kf, const gchar *source, GError **error)
{
  const gchar *group = ESIM_CONFIG_GROUP_DEVICE;
  g_autofree gchar *tac = NULL;

  if (!esim_config_check_keys (kf, source, group, esim_config_device_keys, FALSE, error))
    return FALSE;
  tac = g_key_file_get_string (kf, group, "TAC", NULL);
  if (tac == NULL || g_strstrip (tac)[0] == '\0')
    return TRUE;
  /* the first 8 digits of an IMEI (3GPP TS 23.003) */
  if (strlen (tac) != 8 || strspn (tac, "0123456789") != 8)
    return esim_config_fail (error, source, group, "TAC", "not 8 decimal digits");
  g_free (self->device_tac);
  self->device_tac = g_steal_pointer (&tac);
  return TRUE;
}

static gboolean
esim_config_check_transport (const gchar *spec, GError **error)
{
  const gchar *colon = strchr (spec, ':');
  g_autofree gchar *kind = NULL;

  if (colon == NULL || colon == spec) {
    g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                         "not KIND:DEVICE[@SLOT]");
    return FALSE;
  }
  kind = g_strndup (spec, colon - spec);
  if (!g_strv_contains (esim_transport_get_kinds (), kind)) {
    g_autofree gchar *kinds = g_strjoinv (", ", (gchar **) esim_transport_get_kinds ());
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                 "unknown transport kind “%s” (this build knows: %s)", kind, kinds);
    return FALSE;
  }
  return TRUE;
}

static gboolean
esim_config_get_segment (GKeyFile *kf, const gchar *source, const gchar *group, guint *value,
                         GError **error)
{
  g_autofree gchar *text = g_key_file_get_string (kf, group, "StoreDataSegmentSize", NULL);
  guint64 v = 0;

  if (text == NULL || g_strstrip (text)[0] == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, ESIM_CONFIG_MIN_SEGMENT, ESIM_CONFIG_MAX_SEGMENT, &v,
                                   NULL))
    return esim_config_fail (error, source, group, "StoreDataSegmentSize",
                             "not a whole number from 16 to 255");
  *value = (guint) v;
  return TRUE;
}

static gboolean
esim_config_parse_eid (EsimConfig *self, GKeyFile *kf, const gchar *source, const gchar *group,
                       GError **error)
{
  const gchar *eid = group + strlen (ESIM_CONFIG_GROUP_EID_PREFIX);
  EsimConfigEid *entry;

  if (strlen (eid) != 32 || !g_str_is_ascii (eid) || strspn (eid, "0123456789ABCDEFabcdef") != 32)
    return esim_config_fail (error, source, group, NULL, "not an EID of 32 hex digits");
  if (!esim_config_check_keys (kf, source, group, esim_config_eid_keys, FALSE, error))
    return FALSE;
  entry = g_new0 (EsimConfigEid, 1);
  g_ptr_array_add (self->eids, entry);
  entry->eid = g_ascii_strup (eid, -1);
  return esim_config_get_segment (kf, source, group, &entry->segment_size, error);
}

guint
esim_config_get_segment_size (const EsimConfig *self, const gchar *name, const gchar *eid)
{
  for (guint i = 0; eid != NULL && i < self->eids->len; i++) {
    EsimConfigEid *entry = g_ptr_array_index (self->eids, i);
    if (g_ascii_strcasecmp (entry->eid, eid) == 0 && entry->segment_size != 0)
      return entry->segment_size;
  }
  for (guint i = 0; name != NULL && i < self->euiccs->len; i++) {
    EsimConfigEuicc *entry = g_ptr_array_index (self->euiccs, i);
    if (g_strcmp0 (entry->name, name) == 0)
      return entry->segment_size;
  }
  return 0;
}

static gboolean
esim_config_parse_euicc (EsimConfig *self, GKeyFile *kf, const gchar *source, const gchar *group,
                         GError **error)
{
  g_autoptr (GError) error_local = NULL;
  g_autofree gchar *aid = NULL;
  EsimConfigEuicc *euicc;
  const gchar *name = group + strlen (ESIM_CONFIG_GROUP_EUICC_PREFIX);

  if (name[0] == '\0')
    return esim_config_fail (error, source, group, NULL, "the eUICC has no name");
  if (!esim_config_check_keys (kf, source, group, esim_config_euicc_keys, FALSE, error))
    return FALSE;

  euicc = g_new0 (EsimConfigEuicc, 1);
  g_ptr_array_add (self->euiccs, euicc);
  euicc->name = g_strdup (name);
  euicc->transport = g_key_file_get_string (kf, group, "Transport", NULL);
  if (euicc->transport == NULL || g_strstrip (euicc->transport)[0] == '\0')
    return esim_config_fail (error, source, group, "Transport", "missing");
  if (!esim_config_check_transport (euicc->transport, &error_local))
    return esim_config_fail (error, source, group, "Transport", error_local->message);

  aid = g_key_file_get_string (kf, group, "IsdrAid", NULL);
  if (aid != NULL && g_strstrip (aid)[0] != '\0') {
    euicc->isdr_aid = esim_hex_decode (aid, NULL);
    /* ISO/IEC 7816-4: an AID has 5 to 16 bytes */
    if (euicc->isdr_aid == NULL || g_bytes_get_size (euicc->isdr_aid) < 5
        || g_bytes_get_size (euicc->isdr_aid) > 16)
      return esim_config_fail (error, source, group, "IsdrAid",
                               "not an AID of 5 to 16 bytes in hex");
  }
  return esim_config_get_segment (kf, source, group, &euicc->segment_size, error);
}

static EsimConfig *
esim_config_parse (GKeyFile *kf, const gchar *source, GError **error)
{
  g_autoptr (EsimConfig) self = esim_config_new ();
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

  /* [daemon] first: the [network] names of its old timeout keys win */
  if (!esim_config_parse_daemon (self, kf, source, error))
    return NULL;
  for (guint i = 0; groups[i] != NULL; i++) {
    if (g_strcmp0 (groups[i], ESIM_CONFIG_GROUP_DAEMON) == 0) {
      continue;
    } else if (g_strcmp0 (groups[i], ESIM_CONFIG_GROUP_TLS) == 0) {
      if (!esim_config_parse_tls (self, kf, source, error))
        return NULL;
    } else if (g_strcmp0 (groups[i], ESIM_CONFIG_GROUP_NETWORK) == 0) {
      if (!esim_config_parse_network (self, kf, source, error))
        return NULL;
    } else if (g_strcmp0 (groups[i], ESIM_CONFIG_GROUP_DEVICE) == 0) {
      if (!esim_config_parse_device (self, kf, source, error))
        return NULL;
    } else if (g_str_has_prefix (groups[i], ESIM_CONFIG_GROUP_EUICC_PREFIX)) {
      if (!esim_config_parse_euicc (self, kf, source, groups[i], error))
        return NULL;
    } else if (g_str_has_prefix (groups[i], ESIM_CONFIG_GROUP_EID_PREFIX)) {
      if (!esim_config_parse_eid (self, kf, source, groups[i], error))
        return NULL;
    } else {
      esim_config_fail (error, source, groups[i], NULL, "unknown group");
      return NULL;
    }
  }
  return g_steal_pointer (&self);
}

EsimConfig *
esim_config_new_from_data (const gchar *data, const gchar *source, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error_local = NULL;

  if (!g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_NONE, &error_local)) {
    g_set_error (error, G_KEY_FILE_ERROR, error_local->code, "%s: %s", source,
                 error_local->message);
    return NULL;
  }
  return esim_config_parse (kf, source, error);
}

EsimConfig *
esim_config_new_from_file (const gchar *path, gboolean missing_ok, GError **error)
{
  g_autoptr (GError) error_local = NULL;
  g_autofree gchar *data = NULL;
  EsimConfig *self;

  if (!g_file_get_contents (path, &data, NULL, &error_local)) {
    if (missing_ok && g_error_matches (error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return esim_config_new ();
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_NOT_FOUND, "%s", error_local->message);
    return NULL;
  }
  self = esim_config_new_from_data (data, path, error);
  if (self != NULL)
    self->path = g_strdup (path);
  return self;
}

/* an uninstalled daemon (tests, a build tree) finds the data in
 * $ESIMD_DATADIR, laid out like $datadir/esimd */
static gchar *
esim_config_datadir (void)
{
  const gchar *env = g_getenv ("ESIMD_DATADIR");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  return g_strdup (ESIM_DATADIR);
}

gchar *
esim_config_get_ca_directory (const EsimConfig *self)
{
  g_autofree gchar *datadir = NULL;

  if (self->ca_directory != NULL)
    return g_strdup (self->ca_directory);
  datadir = esim_config_datadir ();
  return g_build_filename (datadir, "ci", NULL);
}

gchar *
esim_config_get_test_ci (const EsimConfig *self)
{
  g_autofree gchar *datadir = NULL;

  if (self->test_ci != NULL)
    return g_strdup (self->test_ci);
  datadir = esim_config_datadir ();
  return g_build_filename (datadir, "ci-test", NULL);
}

gchar *
esim_config_get_system_roots_file (const EsimConfig *self)
{
  if (self->system_roots_file != NULL)
    return g_strdup (self->system_roots_file);
  return esim_http_find_system_roots ();
}
