/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-context.h"

struct _EsimContext {
  GObject parent_instance;
  EsimConfig *config;
  gchar *state_dir;
  EsimAuthority *authority;
  GDBusObjectManagerServer *object_manager;
  EsimHttp *http;
  gboolean test_mode;
  gboolean shutting_down;
  GHashTable *counters;    /* kind -> next number */
  GHashTable *euicc_paths; /* claimed eUICC object paths */
  GBytes *path_salt;       /* NULL until needed */
};

#define ESIM_CONTEXT_SALT_FILE "euicc-path-salt"
#define ESIM_CONTEXT_SALT_LEN 32

G_DEFINE_TYPE (EsimContext, esim_context, G_TYPE_OBJECT)

enum { PROP_0, PROP_TEST_MODE, N_PROPS };
static GParamSpec *props[N_PROPS];

/* a PEM file, or every PEM file of a directory */
static gboolean
esim_context_add_pem (GPtrArray *files, const gchar *path, GError **error)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return esim_http_add_pem_directory (files, path, error);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s is missing", path);
    return FALSE;
  }
  g_ptr_array_add (files, g_strdup (path));
  return TRUE;
}

static EsimHttp *
esim_context_build_http (EsimContext *self, gboolean test_mode, GError **error)
{
  const EsimConfig *config = self->config;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) test_cis = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *ca_dir = esim_config_get_ca_directory (config);
  g_autofree gchar *test_ci = esim_config_get_test_ci (config);
  g_autofree gchar *system_roots = esim_config_get_system_roots_file (config);
  g_autoptr (EsimHttp) http = NULL;

  /* the shipped roots: every PEM file of the CA directory, one bundle */
  if (!esim_http_add_pem_directory (files, ca_dir, error)) {
    g_prefix_error (error, "the GSMA roots (CaDirectory or $ESIMD_DATADIR/ci): ");
    return NULL;
  }
  for (guint i = 0; config->trust_anchors[i] != NULL; i++)
    g_ptr_array_add (files, g_strdup (config->trust_anchors[i]));
  /* the test CIs: trusted in test mode, otherwise only named in errors */
  if (!esim_context_add_pem (test_cis, test_ci, error)) {
    if (test_mode) {
      g_prefix_error (error, "test mode needs the test CIs (TestCi): ");
      return NULL;
    }
    g_clear_error (error);
  }
  if (test_mode) {
    for (guint i = 0; i < test_cis->len; i++)
      g_ptr_array_add (files, g_strdup (g_ptr_array_index (test_cis, i)));
  }
  if (config->system_roots) {
    if (system_roots == NULL) {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                           "[tls] SystemRoots=true, but no system CA bundle was found "
                           "(set [tls] SystemRootsFile=)");
      return NULL;
    }
    g_ptr_array_add (files, g_strdup (system_roots));
  }
  g_ptr_array_add (files, NULL);
  http = esim_http_new ((const gchar *const *) files->pdata, error);
  if (http == NULL)
    return NULL;

  /* a refused chain names the setting that would accept it */
  esim_http_set_unknown_root_hint (
    http, "to trust it, add its root certificate to [daemon] TrustAnchors= in esimd.conf");
  if (!test_mode && test_cis->len > 0) {
    g_ptr_array_add (test_cis, NULL);
    if (!esim_http_add_untrusted_roots (
          http, (const gchar *const *) test_cis->pdata,
          "it is a GSMA test CI, trusted only in test mode ([daemon] TestMode=true)", error))
      return NULL;
  }
  if (!config->system_roots && system_roots != NULL) {
    const gchar *system_files[] = { system_roots, NULL };
    if (!esim_http_add_untrusted_roots (http, system_files,
                                        "it is a public web CA of the system store, trusted "
                                        "with [tls] SystemRoots=true in esimd.conf",
                                        error))
      return NULL;
  }
  esim_http_set_timeouts (http, config->http_connect_timeout_seconds * 1000,
                          config->http_timeout_seconds * 1000);
  esim_http_set_download_timeouts (http, config->http_download_timeout_seconds * 1000,
                                   config->http_stall_timeout_seconds * 1000);
  return g_steal_pointer (&http);
}

EsimContext *
esim_context_new (EsimConfig *config, const gchar *state_dir, GError **error)
{
  g_autoptr (EsimContext) self = g_object_new (ESIM_TYPE_CONTEXT, NULL);

  self->config = config;
  self->state_dir = g_strdup (state_dir);
  self->test_mode = config->test_mode;
  self->http = esim_context_build_http (self, self->test_mode, error);
  if (self->http == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

const EsimConfig *
esim_context_get_config (EsimContext *self)
{
  return self->config;
}

const gchar *
esim_context_get_state_dir (EsimContext *self)
{
  return self->state_dir;
}

EsimAuthority *
esim_context_get_authority (EsimContext *self)
{
  return self->authority;
}

GDBusObjectManagerServer *
esim_context_get_object_manager (EsimContext *self)
{
  return self->object_manager;
}

EsimHttp *
esim_context_get_http (EsimContext *self)
{
  return self->http;
}

gboolean
esim_context_get_test_mode (EsimContext *self)
{
  return self->test_mode;
}

gboolean
esim_context_set_test_mode (EsimContext *self, gboolean test_mode, GError **error)
{
  g_autoptr (EsimHttp) http = NULL;

  if (self->test_mode == test_mode)
    return TRUE;
  /* running operations keep the client they started with */
  http = esim_context_build_http (self, test_mode, error);
  if (http == NULL)
    return FALSE;
  g_set_object (&self->http, http);
  self->test_mode = test_mode;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TEST_MODE]);
  return TRUE;
}

gchar *
esim_context_next_path (EsimContext *self, const gchar *kind)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counters, kind));

  g_hash_table_insert (self->counters, g_strdup (kind), GUINT_TO_POINTER (n + 1));
  return g_strdup_printf (ESIM_DBUS_PATH "/%s/%u", kind, n);
}

/* random once, then read back; without a writable state directory the
 * paths are stable only for this run */
static GBytes *
esim_context_load_salt (EsimContext *self)
{
  g_autofree gchar *path = NULL;
  g_autofree gchar *data = NULL;
  g_autoptr (GError) error = NULL;
  guint8 salt[ESIM_CONTEXT_SALT_LEN];
  gsize len = 0;

  if (self->state_dir != NULL) {
    path = g_build_filename (self->state_dir, ESIM_CONTEXT_SALT_FILE, NULL);
    if (g_file_get_contents (path, &data, &len, NULL) && len == sizeof (salt))
      return g_bytes_new (data, len);
  }
  for (gsize i = 0; i < sizeof (salt); i += sizeof (guint32)) {
    guint32 r = g_random_int ();
    memcpy (salt + i, &r, sizeof (r));
  }
  if (path != NULL
      && !g_file_set_contents_full (path, (const gchar *) salt, sizeof (salt),
                                    G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("eUICC object paths will change with the next start: %s", error->message);
  return g_bytes_new (salt, sizeof (salt));
}

gchar *
esim_context_claim_euicc_path (EsimContext *self, const gchar *eid)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree gchar *base = NULL;
  gchar *path;

  if (self->path_salt == NULL)
    self->path_salt = esim_context_load_salt (self);
  g_checksum_update (sum, g_bytes_get_data (self->path_salt, NULL),
                     g_bytes_get_size (self->path_salt));
  g_checksum_update (sum, (const guchar *) eid, strlen (eid));
  base = g_strdup_printf (ESIM_DBUS_PATH "/Euicc/%.16s", g_checksum_get_string (sum));
  path = g_strdup (base);
  for (guint n = 2; g_hash_table_contains (self->euicc_paths, path); n++) {
    g_free (path);
    path = g_strdup_printf ("%s_%u", base, n);
  }
  g_hash_table_add (self->euicc_paths, g_strdup (path));
  return path;
}

void
esim_context_release_euicc_path (EsimContext *self, const gchar *path)
{
  g_hash_table_remove (self->euicc_paths, path);
}

gboolean
esim_context_get_shutting_down (EsimContext *self)
{
  return self->shutting_down;
}

void
esim_context_set_shutting_down (EsimContext *self)
{
  self->shutting_down = TRUE;
}

static void
esim_context_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimContext *self = ESIM_CONTEXT (object);

  switch (prop_id) {
  case PROP_TEST_MODE:
    g_value_set_boolean (value, self->test_mode);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    break;
  }
}

static void
esim_context_finalize (GObject *object)
{
  EsimContext *self = ESIM_CONTEXT (object);

  g_clear_pointer (&self->config, esim_config_free);
  g_free (self->state_dir);
  g_object_unref (self->authority);
  g_object_unref (self->object_manager);
  g_clear_object (&self->http);
  g_hash_table_unref (self->counters);
  g_hash_table_unref (self->euicc_paths);
  g_clear_pointer (&self->path_salt, g_bytes_unref);
  G_OBJECT_CLASS (esim_context_parent_class)->finalize (object);
}

static void
esim_context_init (EsimContext *self)
{
  self->authority = esim_authority_new ();
  self->object_manager = g_dbus_object_manager_server_new (ESIM_DBUS_PATH);
  self->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->euicc_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
esim_context_class_init (EsimContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = esim_context_get_property;
  object_class->finalize = esim_context_finalize;
  props[PROP_TEST_MODE]
    = g_param_spec_boolean ("test-mode", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
}
