/*
 * libesim against the real daemon: run by test_libesim_c.py, which starts
 * the private bus, the polkit mock, a simulated eUICC with two profiles,
 * the test SM-DP+ and esimd, and passes what it made in the environment.
 * Every wait is for a condition, bounded by ESIM_TEST_TIMEOUT.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <esim.h>

typedef struct {
  EsimClient *client;
  EsimEuicc *euicc;
} Fixture;

static Fixture fixture;

static const gchar *
env (const gchar *name)
{
  const gchar *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run through test_libesim_c.py", name);
  return value;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("timed out waiting for %s", (const gchar *) user_data);
  return G_SOURCE_REMOVE;
}

/* iterates the main context until *flag (or the predicate) holds */
typedef gboolean (*Predicate) (gpointer data);

static void
wait_for (Predicate predicate, gpointer data, const gchar *what)
{
  guint timeout_s = (guint) g_ascii_strtoull (env ("ESIM_TEST_TIMEOUT"), NULL, 10);
  guint id = g_timeout_add_seconds (timeout_s > 0 ? timeout_s : 30, timeout_cb, (gpointer) what);

  while (!predicate (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
store_result_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

/* the GAsyncResult of a call started with store_result_cb */
static GAsyncResult *
wait_result (GAsyncResult **slot, const gchar *what)
{
  wait_for (result_ready, slot, what);
  return *slot;
}

static void
test_client_list (void)
{
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) euiccs = NULL;
  g_autoptr (GPtrArray) profiles = NULL;
  g_autoptr (GBytes) icon = NULL;
  EsimProfile *seed1, *seed2;

  esim_client_new_for_address (env ("ESIM_TEST_BUS_ADDRESS"), NULL, store_result_cb, &res);
  fixture.client = esim_client_new_finish (wait_result (&res, "the client"), &error);
  g_assert_no_error (error);
  g_assert_true (ESIM_IS_CLIENT (fixture.client));
  g_assert_cmpstr (esim_client_get_version (fixture.client), ==, env ("ESIM_VERSION"));
  g_assert_true (esim_client_get_test_mode (fixture.client));

  euiccs = esim_client_get_euiccs (fixture.client);
  g_assert_cmpuint (euiccs->len, ==, 1);
  fixture.euicc = g_object_ref (g_ptr_array_index (euiccs, 0));
  g_assert_cmpstr (esim_euicc_get_eid (fixture.euicc), ==, env ("ESIM_TEST_EID"));
  g_assert_cmpstr (esim_euicc_get_transport (fixture.euicc), ==, "socket");
  g_assert_cmpstr (esim_euicc_get_device (fixture.euicc), ==, env ("ESIM_TEST_DEVICE"));
  g_assert_cmpuint (esim_euicc_get_free_memory (fixture.euicc), >, 0);
  g_assert_true (esim_client_find_euicc (fixture.client, env ("ESIM_TEST_EID")) == fixture.euicc);

  profiles = esim_euicc_get_profiles (fixture.euicc);
  g_assert_cmpuint (profiles->len, ==, 2);
  seed1 = esim_euicc_find_profile (fixture.euicc, env ("ESIM_TEST_ICCID_SEED1"));
  seed2 = esim_euicc_find_profile (fixture.euicc, env ("ESIM_TEST_ICCID_SEED2"));
  g_assert_nonnull (seed1);
  g_assert_nonnull (seed2);
  g_assert_true (esim_client_find_profile (fixture.client, env ("ESIM_TEST_ICCID_SEED1")) == seed1);
  g_assert_true (esim_euicc_get_enabled_profile (fixture.euicc) == seed1);
  g_assert_cmpstr (esim_profile_get_state (seed1), ==, "enabled");
  g_assert_true (esim_profile_get_enabled (seed1));
  g_assert_cmpstr (esim_profile_get_name (seed1), ==, "Seed One");
  g_assert_cmpstr (esim_profile_get_nickname (seed1), ==, "home");
  g_assert_cmpstr (esim_profile_get_euicc_path (seed1), ==,
                   esim_euicc_get_object_path (fixture.euicc));
  g_assert_cmpstr (esim_profile_get_icon_type (seed1), ==, "png");
  icon = esim_profile_get_icon (seed1);
  g_assert_nonnull (icon);
  g_assert_cmpuint (g_bytes_get_size (icon), >, 8);
  g_assert_cmpint (memcmp (g_bytes_get_data (icon, NULL), "\x89PNG", 4), ==, 0);
  g_assert_cmpstr (esim_profile_get_state (seed2), ==, "disabled");
  g_assert_false (esim_profile_get_enabled (seed2));
}

typedef struct {
  GArray *progress;
  GPtrArray *stages;
  guint completed;
  gboolean success;
} JobLog;

static void
job_progress_cb (EsimJob *job, GParamSpec *pspec, gpointer user_data)
{
  JobLog *log = user_data;
  gdouble p = esim_job_get_progress (job);

  g_array_append_val (log->progress, p);
}

static void
job_stage_cb (EsimJob *job, GParamSpec *pspec, gpointer user_data)
{
  JobLog *log = user_data;

  g_ptr_array_add (log->stages, g_strdup (esim_job_get_stage (job)));
}

static void
job_completed_cb (EsimJob *job, gboolean success, gpointer user_data)
{
  JobLog *log = user_data;

  log->completed++;
  log->success = success;
}

static void
profile_added_cb (EsimEuicc *euicc, EsimProfile *profile, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (esim_profile_get_iccid (profile)));
}

static EsimJob *
install (const gchar *code, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  esim_euicc_install_profile_async (fixture.euicc, code, NULL, ESIM_INSTALL_FLAGS_NONE, NULL,
                                    store_result_cb, &res);
  return esim_euicc_install_profile_finish (fixture.euicc, wait_result (&res, "InstallProfile"),
                                            error);
}

static gboolean
job_wait (EsimJob *job, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  esim_job_wait_async (job, NULL, store_result_cb, &res);
  return esim_job_wait_finish (job, wait_result (&res, "the job"), error);
}

static void
test_install (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimJob) job = NULL;
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_free);
  JobLog log = { g_array_new (FALSE, FALSE, sizeof (gdouble)),
                 g_ptr_array_new_with_free_func (g_free), 0, FALSE };
  EsimProfile *profile;
  gulong added_id;
  gboolean saw_intermediate = FALSE;

  g_autoptr (GPtrArray) client_added = g_ptr_array_new_with_free_func (g_free);
  gulong client_added_id;

  added_id
    = g_signal_connect (fixture.euicc, "profile-added", G_CALLBACK (profile_added_cb), added);
  /* the client tells every profile, whichever eUICC it is on */
  client_added_id = g_signal_connect (fixture.client, "profile-added",
                                      G_CALLBACK (profile_added_cb), client_added);
  job = install (env ("ESIM_TEST_CODE"), &error);
  g_assert_no_error (error);
  g_assert_true (ESIM_IS_JOB (job));
  g_assert_cmpstr (esim_job_get_operation (job), ==, "install-profile");
  g_assert_cmpstr (esim_job_get_euicc_path (job), ==, esim_euicc_get_object_path (fixture.euicc));
  g_assert_true (esim_client_get_job_by_path (fixture.client, esim_job_get_object_path (job))
                 == job);
  g_signal_connect (job, "notify::progress", G_CALLBACK (job_progress_cb), &log);
  g_signal_connect (job, "notify::stage", G_CALLBACK (job_stage_cb), &log);
  g_signal_connect (job, "completed", G_CALLBACK (job_completed_cb), &log);

  g_assert_true (job_wait (job, &error));
  g_assert_no_error (error);
  g_assert_true (esim_job_get_finished (job));
  g_assert_true (esim_job_get_success (job));
  g_assert_null (esim_job_get_error (job));
  g_assert_cmpuint (log.completed, ==, 1);
  g_assert_true (log.success);

  /* the progress a panel draws: forwards only, with steps between */
  g_assert_cmpuint (log.progress->len, >, 0);
  for (guint i = 0; i < log.progress->len; i++) {
    gdouble p = g_array_index (log.progress, gdouble, i);
    if (i > 0)
      g_assert_cmpfloat (p, >=, g_array_index (log.progress, gdouble, i - 1));
    if (p > 0.0 && p < 1.0)
      saw_intermediate = TRUE;
  }
  g_assert_true (saw_intermediate);
  g_assert_cmpfloat (esim_job_get_progress (job), ==, 1.0);
  g_assert_true (g_ptr_array_find_with_equal_func (log.stages, "installing", g_str_equal, NULL));

  profile = esim_job_get_result_profile (job);
  g_assert_nonnull (profile);
  g_assert_cmpstr (esim_profile_get_iccid (profile), ==, env ("ESIM_TEST_ICCID_A"));
  g_assert_cmpstr (esim_profile_get_state (profile), ==, "disabled");
  g_assert_true (esim_euicc_find_profile (fixture.euicc, env ("ESIM_TEST_ICCID_A")) == profile);
  g_assert_true (
    g_ptr_array_find_with_equal_func (added, env ("ESIM_TEST_ICCID_A"), g_str_equal, NULL));
  g_assert_true (
    g_ptr_array_find_with_equal_func (client_added, env ("ESIM_TEST_ICCID_A"), g_str_equal, NULL));
  g_signal_handler_disconnect (fixture.euicc, added_id);
  g_signal_handler_disconnect (fixture.client, client_added_id);
  g_array_unref (log.progress);
  g_ptr_array_unref (log.stages);
}

static gboolean
profile_enabled (gpointer data)
{
  return esim_profile_get_enabled (data);
}

static gboolean
profile_disabled (gpointer data)
{
  return !esim_profile_get_enabled (data);
}

static gboolean
profile_gone (gpointer data)
{
  return esim_euicc_find_profile (fixture.euicc, data) == NULL;
}

static guint notified_state;

static void
state_notify_cb (EsimProfile *profile, GParamSpec *pspec, gpointer user_data)
{
  notified_state++;
}

static void
profile_removed_cb (EsimEuicc *euicc, EsimProfile *profile, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (esim_profile_get_iccid (profile)));
}

static void
test_enable_disable_delete (void)
{
  const gchar *iccid = env ("ESIM_TEST_ICCID_A");
  g_autoptr (EsimProfile) profile = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) client_removed = g_ptr_array_new_with_free_func (g_free);
  EsimProfile *seed1 = esim_euicc_find_profile (fixture.euicc, env ("ESIM_TEST_ICCID_SEED1"));
  gulong removed_id, client_removed_id;

  profile = g_object_ref (esim_euicc_find_profile (fixture.euicc, iccid));
  g_signal_connect (profile, "notify::state", G_CALLBACK (state_notify_cb), NULL);

  {
    g_autoptr (GAsyncResult) res = NULL;
    esim_profile_enable_async (profile, NULL, store_result_cb, &res);
    g_assert_true (esim_profile_enable_finish (profile, wait_result (&res, "Enable"), &error));
    g_assert_no_error (error);
  }
  wait_for (profile_enabled, profile, "State enabled");
  wait_for (profile_disabled, seed1, "the seeded profile disabled");
  g_assert_cmpuint (notified_state, >, 0);
  g_assert_true (esim_euicc_get_enabled_profile (fixture.euicc) == profile);

  {
    g_autoptr (GAsyncResult) res = NULL;
    esim_profile_disable_async (profile, NULL, store_result_cb, &res);
    g_assert_true (esim_profile_disable_finish (profile, wait_result (&res, "Disable"), &error));
    g_assert_no_error (error);
  }
  wait_for (profile_disabled, profile, "State disabled");

  {
    g_autoptr (GAsyncResult) res = NULL;
    esim_profile_set_nickname_async (profile, "Travel", NULL, store_result_cb, &res);
    g_assert_true (
      esim_profile_set_nickname_finish (profile, wait_result (&res, "SetNickname"), &error));
    g_assert_no_error (error);
  }

  removed_id
    = g_signal_connect (fixture.euicc, "profile-removed", G_CALLBACK (profile_removed_cb), removed);
  client_removed_id = g_signal_connect (fixture.client, "profile-removed",
                                        G_CALLBACK (profile_removed_cb), client_removed);
  {
    g_autoptr (GAsyncResult) res = NULL;
    esim_profile_delete_async (profile, NULL, store_result_cb, &res);
    g_assert_true (esim_profile_delete_finish (profile, wait_result (&res, "Delete"), &error));
    g_assert_no_error (error);
  }
  wait_for (profile_gone, (gpointer) iccid, "the deleted profile gone");
  g_assert_true (g_ptr_array_find_with_equal_func (removed, iccid, g_str_equal, NULL));
  g_assert_null (esim_client_find_profile (fixture.client, iccid));
  g_assert_true (g_ptr_array_find_with_equal_func (client_removed, iccid, g_str_equal, NULL));
  g_signal_handler_disconnect (fixture.euicc, removed_id);
  g_signal_handler_disconnect (fixture.client, client_removed_id);
}

static void
assert_esim_error (const GError *error, EsimError code)
{
  g_assert_error (error, ESIM_ERROR, (gint) code);
  g_assert_cmpstr (g_quark_to_string (error->domain), ==, "esim-error-quark");
  /* the daemon's reason, without GDBus's "GDBus.Error:NAME: " */
  g_assert_false (g_str_has_prefix (error->message, "GDBus.Error"));
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_error_call (void)
{
  EsimProfile *seed2 = esim_euicc_find_profile (fixture.euicc, env ("ESIM_TEST_ICCID_SEED2"));
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimJob) job = NULL;

  /* a remote error of a method call: SGP.22 allows 64 bytes of nickname */
  esim_profile_set_nickname_async (
    seed2, "a nickname far longer than the sixty-four bytes SGP.22 allows for one", NULL,
    store_result_cb, &res);
  g_assert_false (
    esim_profile_set_nickname_finish (seed2, wait_result (&res, "SetNickname"), &error));
  assert_esim_error (error, ESIM_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (esim_error_get_kind (error), ==, ESIM_ERROR_KIND_INVALID);
  g_clear_error (&error);

  /* refused before any job exists */
  job = install ("LPA:1$no-dollar-sign", &error);
  g_assert_null (job);
  assert_esim_error (error, ESIM_ERROR_INVALID_ACTIVATION_CODE);
}

static void
test_error_job (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimJob) job = install (env ("ESIM_TEST_CODE_UNKNOWN"), &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
  /* the error of a job: from its Completed signal */
  g_assert_false (job_wait (job, &error));
  assert_esim_error (error, ESIM_ERROR_MATCHING_ID_REFUSED);
  g_assert_true (esim_job_get_finished (job));
  g_assert_false (esim_job_get_success (job));
  assert_esim_error (esim_job_get_error (job), ESIM_ERROR_MATCHING_ID_REFUSED);
  {
    g_autofree gchar *name = esim_error_dup_dbus_name (esim_job_get_error (job));
    g_assert_cmpstr (name, ==, "org.freedesktop.Esim1.Error.MatchingIdRefused");
  }
}

static gboolean
job_finished (gpointer data)
{
  return esim_job_get_finished (data);
}

/* a second client that connects after the job ended: no Completed will
 * come, the Finished property tells */
static void
test_job_finished_before (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimJob) job = install (env ("ESIM_TEST_CODE_B"), &error);
  g_autoptr (EsimClient) late = NULL;
  EsimJob *late_job;

  g_assert_no_error (error);
  wait_for (job_finished, job, "the job of the first client");
  g_assert_true (esim_job_get_success (job));

  late = esim_client_new_for_connection_sync (esim_client_get_connection (fixture.client), NULL,
                                              &error);
  g_assert_no_error (error);
  late_job = esim_client_get_job_by_path (late, esim_job_get_object_path (job));
  g_assert_nonnull (late_job);
  g_assert_true (late_job != job);
  g_assert_true (esim_job_get_finished (late_job));
  g_assert_true (job_wait (late_job, &error));
  g_assert_no_error (error);
  g_assert_nonnull (esim_job_get_result_profile (late_job));
  g_assert_cmpstr (esim_profile_get_iccid (esim_job_get_result_profile (late_job)), ==,
                   env ("ESIM_TEST_ICCID_B"));
}

static gboolean
job_awaiting (gpointer data)
{
  return esim_job_get_awaiting_confirmation (data) || esim_job_get_finished (data);
}

/* a download with ESIM_INSTALL_FLAGS_CONFIRM, up to awaiting-confirmation */
static EsimJob *
install_confirm (const gchar *code)
{
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  EsimJob *job;

  esim_euicc_install_profile_async (fixture.euicc, code, NULL, ESIM_INSTALL_FLAGS_CONFIRM, NULL,
                                    store_result_cb, &res);
  job = esim_euicc_install_profile_finish (fixture.euicc, wait_result (&res, "InstallProfile"),
                                           &error);
  g_assert_no_error (error);
  wait_for (job_awaiting, job, "awaiting-confirmation");
  g_assert_false (esim_job_get_finished (job));
  g_assert_cmpstr (esim_job_get_stage (job), ==, "awaiting-confirmation");
  return job;
}

static void
test_consent (void)
{
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) info = NULL;
  g_autoptr (EsimJob) job = NULL;
  GVariant *meta;
  const gchar *iccid = NULL;
  const gchar *address = NULL;
  gboolean cc_required = FALSE;

  /* the preview: valid, which server, no contact */
  esim_client_parse_activation_code_async (fixture.client, env ("ESIM_TEST_CODE_CC"), NULL,
                                           store_result_cb, &res);
  info = esim_client_parse_activation_code_finish (
    fixture.client, wait_result (&res, "ParseActivationCode"), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (info, "smdp-address", "&s", &address));
  g_assert_true (g_str_has_prefix (address, "127.0.0.1:"));
  g_clear_object (&res);
  esim_client_parse_activation_code_async (fixture.client, "LPA:2$x$y", NULL, store_result_cb,
                                           &res);
  g_assert_null (esim_client_parse_activation_code_finish (
    fixture.client, wait_result (&res, "ParseActivationCode"), &error));
  assert_esim_error (error, ESIM_ERROR_INVALID_ACTIVATION_CODE);
  g_clear_error (&error);
  g_clear_object (&res);

  /* what the SM-DP+ offers, then "not now": the order stays usable */
  job = install_confirm (env ("ESIM_TEST_CODE_CC"));
  meta = esim_job_get_profile_metadata (job);
  g_assert_nonnull (meta);
  g_assert_true (g_variant_lookup (meta, "iccid", "&s", &iccid));
  g_assert_cmpstr (iccid, ==, env ("ESIM_TEST_ICCID_CC"));
  g_assert_true (g_variant_lookup (meta, "confirmation-code-required", "b", &cc_required));
  g_assert_true (cc_required);
  esim_job_decline_async (job, ESIM_DECLINE_FLAGS_NONE, NULL, store_result_cb, &res);
  g_assert_true (esim_job_decline_finish (job, wait_result (&res, "Decline"), &error));
  g_assert_no_error (error);
  g_clear_object (&res);
  g_assert_false (job_wait (job, &error));
  assert_esim_error (error, ESIM_ERROR_DECLINED);
  g_assert_nonnull (strstr (error->message, "postponed"));
  g_clear_error (&error);
  g_assert_cmpstr (esim_job_get_stage (job), ==, "cancelled");
  g_assert_false (esim_job_get_awaiting_confirmation (job));
  g_assert_null (esim_euicc_find_profile (fixture.euicc, env ("ESIM_TEST_ICCID_CC")));
  g_clear_object (&job);

  /* the same code again, confirmed with the confirmation code */
  job = install_confirm (env ("ESIM_TEST_CODE_CC"));
  esim_job_confirm_async (job, env ("ESIM_TEST_CC"), NULL, store_result_cb, &res);
  g_assert_true (esim_job_confirm_finish (job, wait_result (&res, "Confirm"), &error));
  g_assert_no_error (error);
  g_clear_object (&res);
  g_assert_true (job_wait (job, &error));
  g_assert_no_error (error);
  g_assert_nonnull (esim_job_get_result_profile (job));
  g_assert_cmpstr (esim_profile_get_iccid (esim_job_get_result_profile (job)), ==,
                   env ("ESIM_TEST_ICCID_CC"));

  /* no longer waiting: a second answer is refused */
  esim_job_decline_async (job, ESIM_DECLINE_FLAGS_REJECT, NULL, store_result_cb, &res);
  g_assert_false (esim_job_decline_finish (job, wait_result (&res, "Decline"), &error));
  assert_esim_error (error, ESIM_ERROR_FAILED);
}

static void
test_error_domain (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (esim_error_to_dbus_name (ESIM_ERROR_BUSY), ==,
                   "org.freedesktop.Esim1.Error.Busy");
  g_assert_cmpstr (esim_error_to_dbus_name (ESIM_ERROR_DECLINED), ==,
                   "org.freedesktop.Esim1.Error.Declined");
  g_assert_null (esim_error_to_dbus_name ((EsimError) 1000));
  error = esim_error_new_for_dbus_error ("org.freedesktop.Esim1.Error.NotAuthorized", "no");
  g_assert_error (error, ESIM_ERROR, ESIM_ERROR_NOT_AUTHORIZED);
  g_assert_cmpstr (error->message, ==, "no");
  g_clear_error (&error);
  error = esim_error_new_for_dbus_error ("org.freedesktop.DBus.Error.ServiceUnknown", "gone");
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN);
}

/* the name and kind of an error that arrived as DBUS_NAME */
static void
assert_kind (const gchar *dbus_name, EsimErrorKind kind)
{
  g_autoptr (GError) error = g_dbus_error_new_for_dbus_error (dbus_name, "why");
  g_autofree gchar *name = NULL;

  /* as libesim hands it out: registered names without "GDBus.Error:" */
  if (error->domain != G_IO_ERROR)
    g_dbus_error_strip_remote_error (error);
  name = esim_error_dup_dbus_name (error);
  g_assert_cmpstr (name, ==, dbus_name);
  g_assert_cmpint (esim_error_get_kind (error), ==, kind);
}

static void
test_error_kind (void)
{
  g_autoptr (GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stop");
  g_autoptr (GError) timed_out = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "slow");
  g_autoptr (GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "other");

  (void) esim_error_quark ();
  /* esimd's own errors */
  assert_kind ("org.freedesktop.Esim1.Error.NotAuthorized", ESIM_ERROR_KIND_NOT_AUTHORIZED);
  assert_kind ("org.freedesktop.Esim1.Error.InvalidActivationCode", ESIM_ERROR_KIND_INVALID);
  assert_kind ("org.freedesktop.Esim1.Error.InvalidArgument", ESIM_ERROR_KIND_INVALID);
  assert_kind ("org.freedesktop.Esim1.Error.ServerUnreachable", ESIM_ERROR_KIND_UNREACHABLE);
  assert_kind ("org.freedesktop.Esim1.Error.CardGone", ESIM_ERROR_KIND_UNREACHABLE);
  assert_kind ("org.freedesktop.Esim1.Error.Timeout", ESIM_ERROR_KIND_UNREACHABLE);
  assert_kind ("org.freedesktop.Esim1.Error.Cancelled", ESIM_ERROR_KIND_CANCELLED);
  assert_kind ("org.freedesktop.Esim1.Error.MatchingIdRefused", ESIM_ERROR_KIND_FAILED);
  assert_kind ("org.freedesktop.Esim1.Error.Busy", ESIM_ERROR_KIND_FAILED);
  /* the bus's: esimd not there, not answering, or the bus policy */
  assert_kind ("org.freedesktop.DBus.Error.ServiceUnknown", ESIM_ERROR_KIND_UNREACHABLE);
  assert_kind ("org.freedesktop.DBus.Error.NameHasNoOwner", ESIM_ERROR_KIND_UNREACHABLE);
  assert_kind ("org.freedesktop.DBus.Error.NoReply", ESIM_ERROR_KIND_UNREACHABLE);
  assert_kind ("org.freedesktop.DBus.Error.Timeout", ESIM_ERROR_KIND_UNREACHABLE);
  assert_kind ("org.freedesktop.DBus.Error.Disconnected", ESIM_ERROR_KIND_UNREACHABLE);
  assert_kind ("org.freedesktop.DBus.Error.Spawn.ChildExited", ESIM_ERROR_KIND_UNREACHABLE);
  assert_kind ("org.freedesktop.DBus.Error.AccessDenied", ESIM_ERROR_KIND_NOT_AUTHORIZED);
  assert_kind ("org.freedesktop.DBus.Error.UnknownObject", ESIM_ERROR_KIND_FAILED);
  assert_kind ("org.freedesktop.DBus.Error.UnknownMethod", ESIM_ERROR_KIND_FAILED);
  /* a name GDBus has no code for keeps it in the message */
  assert_kind ("org.freedesktop.DBus.Error.InteractiveAuthorizationRequired",
               ESIM_ERROR_KIND_NOT_AUTHORIZED);
  assert_kind ("org.example.Unknown", ESIM_ERROR_KIND_FAILED);
  /* this side's errors have no name */
  g_assert_null (esim_error_dup_dbus_name (cancelled));
  g_assert_cmpint (esim_error_get_kind (cancelled), ==, ESIM_ERROR_KIND_CANCELLED);
  g_assert_null (esim_error_dup_dbus_name (timed_out));
  g_assert_cmpint (esim_error_get_kind (timed_out), ==, ESIM_ERROR_KIND_UNREACHABLE);
  g_assert_null (esim_error_dup_dbus_name (other));
  g_assert_cmpint (esim_error_get_kind (other), ==, ESIM_ERROR_KIND_FAILED);
}

static gboolean
client_ping (EsimClient *client, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  esim_client_ping_async (client, NULL, store_result_cb, &res);
  return esim_client_ping_finish (client, wait_result (&res, "Ping"), error);
}

static void
test_ping (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (client_ping (fixture.client, &error));
  g_assert_no_error (error);
}

/* a bus without esimd: the client is made (the daemon may come later),
 * and ping tells why it is not there */
static void
test_no_daemon (void)
{
  g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimClient) client = NULL;
  g_autoptr (GPtrArray) euiccs = NULL;
  g_autofree gchar *owner = NULL;
  g_autofree gchar *name = NULL;

  g_test_dbus_up (bus);
  esim_client_new_for_address (g_test_dbus_get_bus_address (bus), NULL, store_result_cb, &res);
  client = esim_client_new_finish (wait_result (&res, "the client without a daemon"), &error);
  g_assert_no_error (error);
  owner = esim_client_dup_name_owner (client);
  g_assert_null (owner);
  euiccs = esim_client_get_euiccs (client);
  g_assert_cmpuint (euiccs->len, ==, 0);

  g_assert_false (client_ping (client, &error));
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN);
  g_assert_false (g_str_has_prefix (error->message, "GDBus.Error"));
  g_assert_cmpint (esim_error_get_kind (error), ==, ESIM_ERROR_KIND_UNREACHABLE);
  name = esim_error_dup_dbus_name (error);
  g_assert_cmpstr (name, ==, "org.freedesktop.DBus.Error.ServiceUnknown");

  g_dbus_connection_close_sync (esim_client_get_connection (client), NULL, NULL);
  g_clear_object (&client);
  g_test_dbus_down (bus);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  /* one world for the suite: the cases build on each other, in order */
  g_test_add_func ("/libesim/error-domain", test_error_domain);
  g_test_add_func ("/libesim/error-kind", test_error_kind);
  g_test_add_func ("/libesim/no-daemon", test_no_daemon);
  g_test_add_func ("/libesim/list", test_client_list);
  g_test_add_func ("/libesim/ping", test_ping);
  g_test_add_func ("/libesim/install", test_install);
  g_test_add_func ("/libesim/enable-disable-delete", test_enable_disable_delete);
  g_test_add_func ("/libesim/error-call", test_error_call);
  g_test_add_func ("/libesim/error-job", test_error_job);
  g_test_add_func ("/libesim/job-finished-before", test_job_finished_before);
  g_test_add_func ("/libesim/consent", test_consent);
  rc = g_test_run ();
  g_clear_object (&fixture.euicc);
  g_clear_object (&fixture.client);
  return rc;
}
