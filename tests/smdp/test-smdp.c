/*
 * Tests of the test SM-DP+/SM-DS (esim-smdp): the program runs as a child
 * process; the tests talk HTTPS to it with libsoup, trusting only the
 * SGP.26 CI, and play the eUICC and the LPA in process.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "esim-rsp-crypto.h"
#include "esim-test-sim.h"
#include "esim-test-smdp.h"
#include "esim-tlv.h"
#include "test-smdp-euicc.h"

#define OTHER_EID "89049032123451234512345678909999"

typedef struct {
  EsimTestSmdp *smdp;
  SoupSession *http;
  TestEuicc *euicc;
} Fixture;

static SoupSession *
new_http (void)
{
  g_autofree gchar *ci
    = esim_test_shared_path ("fixtures/sgp26/CertificateIssuer/CERT_CI_ECDSA_NIST.pem");
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsDatabase) db = g_tls_file_database_new (ci, &error);
  SoupSession *http;

  g_assert_no_error (error);
  http = soup_session_new ();
  soup_session_set_tls_database (http, db);
  soup_session_set_user_agent (http, "test-smdp");
  soup_session_set_timeout (http, 20);
  if (g_getenv ("TEST_SMDP_LOG") != NULL) {
    g_autoptr (SoupLogger) logger = soup_logger_new (SOUP_LOGGER_LOG_HEADERS);

    soup_session_add_feature (http, SOUP_SESSION_FEATURE (logger));
  }
  return http;
}

/* args: further esim-smdp arguments; "@UPP" in them is the fixtures folder */
static Fixture *
fixture_new (const gchar *first_arg, ...)
{
  Fixture *f = g_new0 (Fixture, 1);
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *upp = esim_test_shared_path ("fixtures/upp");
  g_autoptr (GError) error = NULL;
  va_list ap;

  va_start (ap, first_arg);
  for (const gchar *a = first_arg; a != NULL; a = va_arg (ap, const gchar *)) {
    g_autoptr (GString) s = g_string_new (a);

    g_string_replace (s, "@UPP", upp, 0);
    g_ptr_array_add (args, g_string_free (g_steal_pointer (&s), FALSE));
  }
  va_end (ap);
  g_ptr_array_add (args, NULL);
  f->smdp = esim_test_smdp_start ((const gchar *const *) args->pdata, &error);
  g_assert_no_error (error);
  f->http = new_http ();
  f->euicc = test_euicc_new ();
  return f;
}

static void
fixture_free (Fixture *f)
{
  g_object_unref (f->http);
  test_euicc_free (f->euicc);
  esim_test_smdp_free (f->smdp);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fixture, fixture_free)

/* HTTP */

static GBytes *
post (Fixture *f, SoupSession *http, const gchar *method, const gchar *interface,
      const gchar *function, const gchar *body, const gchar *protocol, guint *status,
      GError **error)
{
  g_autofree gchar *url = esim_test_smdp_get_url (f->smdp, interface, function);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) data = g_bytes_new (body, strlen (body));
  GBytes *out;

  if (g_str_equal (method, "POST"))
    soup_message_set_request_body_from_bytes (msg, "application/json", data);
  /* libsoup opens a new connection for every non-idempotent request unless
   * told otherwise; an LPA (libcurl) keeps the connection */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  if (protocol != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Admin-Protocol",
                                  protocol);
  out = soup_session_send_and_read (http, msg, NULL, error);
  *status = soup_message_get_status (msg);
  if (out != NULL && *status == SOUP_STATUS_OK) {
    SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

    g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, "application/json");
    g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Admin-Protocol"), ==,
                     "gsma/rsp/v2.2.0");
  }
  return out;
}

static JsonObject *
parse (GBytes *body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                              (gssize) g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* a function call that must get HTTP 200 and a JSON object */
static JsonObject *
call (Fixture *f, const gchar *interface, const gchar *function, JsonObject *request)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), request);
  g_autofree gchar *body = json_to_string (node, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;
  guint status = 0;

  out = post (f, f->http, "POST", interface, function, body, "gsma/rsp/v2.2.0", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  return parse (out);
}

static void
set_b64 (JsonObject *obj, const gchar *member, GBytes *bytes)
{
  g_autofree gchar *text
    = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  json_object_set_string_member (obj, member, text);
}

static GBytes *
get_b64 (JsonObject *obj, const gchar *member)
{
  const gchar *text = json_object_get_string_member_with_default (obj, member, NULL);
  gsize len = 0;
  guchar *data;

  g_assert_nonnull (text);
  data = g_base64_decode (text, &len);
  return g_bytes_new_take (data, len);
}

static const gchar *
get_status (JsonObject *response)
{
  JsonObject *header = json_object_get_object_member (response, "header");
  JsonObject *status = json_object_get_object_member (header, "functionExecutionStatus");

  return json_object_get_string_member (status, "status");
}

static void
assert_success (JsonObject *response)
{
  g_assert_cmpstr (get_status (response), ==, "Executed-Success");
}

static void
assert_failed (JsonObject *response, const gchar *subject, const gchar *reason)
{
  JsonObject *header = json_object_get_object_member (response, "header");
  JsonObject *status = json_object_get_object_member (header, "functionExecutionStatus");
  JsonObject *data = json_object_get_object_member (status, "statusCodeData");

  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "Failed");
  g_test_message ("failed as expected: %s", json_object_get_string_member (data, "message"));
  g_assert_cmpstr (json_object_get_string_member (data, "subjectCode"), ==, subject);
  g_assert_cmpstr (json_object_get_string_member (data, "reasonCode"), ==, reason);
}

/* the steps of a download */

static JsonObject *
initiate_full (Fixture *f, const gchar *interface, const gchar *address, gboolean known_ci)
{
  g_autoptr (JsonObject) req = json_object_new ();
  g_autoptr (GBytes) challenge = test_euicc_get_challenge (f->euicc);
  g_autoptr (GBytes) info1 = test_euicc_get_info1 (f->euicc, known_ci);

  json_object_set_string_member (req, "smdpAddress", address);
  set_b64 (req, "euiccChallenge", challenge);
  set_b64 (req, "euiccInfo1", info1);
  return call (f, interface, "initiateAuthentication", req);
}

static JsonObject *
initiate (Fixture *f, const gchar *interface)
{
  JsonObject *res = initiate_full (f, interface, esim_test_smdp_get_address (f->smdp), TRUE);

  assert_success (res);
  g_assert_nonnull (json_object_get_string_member (res, "transactionId"));
  return res;
}

static JsonObject *
authenticate (Fixture *f, const gchar *interface, JsonObject *init, const gchar *matching_id)
{
  g_autoptr (GBytes) signed1 = get_b64 (init, "serverSigned1");
  g_autoptr (GBytes) sig1 = get_b64 (init, "serverSignature1");
  g_autoptr (GBytes) cert = get_b64 (init, "serverCertificate");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bf38
    = test_euicc_authenticate_server (f->euicc, signed1, sig1, cert, matching_id, &error);
  g_autoptr (JsonObject) req = json_object_new ();

  g_assert_no_error (error);
  json_object_set_string_member (req, "transactionId",
                                 json_object_get_string_member (init, "transactionId"));
  set_b64 (req, "authenticateServerResponse", bf38);
  return call (f, interface, "authenticateClient", req);
}

static JsonObject *
get_bpp (Fixture *f, JsonObject *auth, const gchar *cc)
{
  g_autoptr (GBytes) signed2 = get_b64 (auth, "smdpSigned2");
  g_autoptr (GBytes) sig2 = get_b64 (auth, "smdpSignature2");
  g_autoptr (GBytes) cert = get_b64 (auth, "smdpCertificate");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bf21 = test_euicc_prepare_download (f->euicc, signed2, sig2, cert, cc, &error);
  g_autoptr (JsonObject) req = json_object_new ();

  g_assert_no_error (error);
  json_object_set_string_member (req, "transactionId",
                                 json_object_get_string_member (auth, "transactionId"));
  set_b64 (req, "prepareDownloadResponse", bf21);
  return call (f, "es9plus", "getBoundProfilePackage", req);
}

/* authenticate with matching_id, expecting success */
static JsonObject *
start_download (Fixture *f, const gchar *matching_id)
{
  g_autoptr (JsonObject) init = initiate (f, "es9plus");
  JsonObject *auth = authenticate (f, "es9plus", init, matching_id);

  assert_success (auth);
  return auth;
}

/* the whole download up to the opened package; returns the UPP */
static GBytes *
download (Fixture *f, const gchar *matching_id, const gchar *cc, GBytes **metadata)
{
  g_autoptr (JsonObject) auth = start_download (f, matching_id);
  g_autoptr (JsonObject) res = get_bpp (f, auth, cc);
  g_autoptr (GBytes) bpp = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) md = NULL;
  GBytes *upp;

  assert_success (res);
  g_assert_cmpstr (json_object_get_string_member (res, "transactionId"), ==,
                   json_object_get_string_member (auth, "transactionId"));
  bpp = get_b64 (res, "boundProfilePackage");
  upp = test_euicc_load_bpp (f->euicc, bpp, &md, &error);
  g_assert_no_error (error);
  if (metadata != NULL)
    *metadata = g_steal_pointer (&md);
  return upp;
}

static void
notify (Fixture *f, GBytes *notification)
{
  g_autoptr (JsonObject) req = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree gchar *body = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;
  guint status = 0;

  set_b64 (req, "pendingNotification", notification);
  node = json_node_init_object (json_node_alloc (), req);
  body = json_to_string (node, FALSE);
  out = post (f, f->http, "POST", "es9plus", "handleNotification", body, "gsma/rsp/v2.2.0", &status,
              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NO_CONTENT);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 0);
}

static void
install (Fixture *f, gboolean success)
{
  g_autoptr (GBytes) pir
    = test_euicc_install_result (f->euicc, success, esim_test_smdp_get_address (f->smdp), FALSE);

  notify (f, pir);
}

static JsonObject *
stats (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  JsonObject *s = esim_test_smdp_read_stats (f->smdp, &error);

  g_assert_no_error (error);
  return s;
}

static const gchar *
order_state (Fixture *f, const gchar *matching_id)
{
  g_autoptr (JsonObject) s = stats (f);
  JsonObject *orders = json_object_get_object_member (s, "orders");
  static gchar state[32];

  g_strlcpy (
    state,
    json_object_get_string_member (json_object_get_object_member (orders, matching_id), "state"),
    sizeof (state));
  return state;
}

static GBytes *
read_fixture (const gchar *relative)
{
  g_autofree gchar *path = esim_test_shared_path (relative);
  g_autoptr (GError) error = NULL;
  gchar *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* tests */

static void
test_download (void)
{
  g_autoptr (Fixture) f
    = fixture_new ("--profile", "AC1=@UPP/TS48v1_A.der,name=Test One,spn=Op", NULL);
  g_autoptr (GBytes) expected = read_fixture ("fixtures/upp/TS48v1_A.der");
  g_autoptr (GBytes) metadata = NULL;
  g_autoptr (GBytes) upp = download (f, "AC1", NULL, &metadata);
  g_autoptr (JsonObject) again_init = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (JsonObject) s = NULL;
  EsimTlv md, field;

  g_assert_true (g_bytes_equal (upp, expected));
  g_assert_true (esim_tlv_decode_expect (metadata, 0xBF25, &md, NULL));
  g_assert_true (esim_tlv_find (&md, 0x5A, &field));
  /* EF.ICCID coding of 89000123456789012341 */
  g_assert_cmpmem (field.value, field.length, "\x98\x00\x10\x32\x54\x76\x98\x10\x32\x14", 10);
  g_assert_true (esim_tlv_find (&md, 0x92, &field));
  g_assert_cmpmem (field.value, field.length, "Test One", 8);
  g_assert_true (esim_tlv_find (&md, 0xB6, &field));
  g_assert_false (esim_tlv_find (&md, 0x95, &field));
  g_assert_cmpstr (order_state (f, "AC1"), ==, "downloaded");

  install (f, TRUE);
  g_assert_cmpstr (order_state (f, "AC1"), ==, "consumed");
  s = stats (f);
  g_assert_cmpint (
    json_object_get_int_member (json_object_get_object_member (s, "notifications"), "accepted"), ==,
    1);
  g_assert_cmpint (
    json_object_get_int_member (json_object_get_object_member (s, "downloads"), "installed"), ==,
    1);

  /* a consumed matching ID is refused */
  again_init = initiate (f, "es9plus");
  again = authenticate (f, "es9plus", again_init, "AC1");
  assert_failed (again, "8.2.6", "3.8");
}

static void
test_iccid_override (void)
{
  g_autoptr (Fixture) f = fixture_new (
    "--profile", "A=@UPP/TS48v2_SAIP2.3_BERTLV.der,iccid=8949449999999990777,class=test,ppr=12",
    NULL);
  g_autoptr (GBytes) metadata = NULL;
  g_autoptr (GBytes) upp = download (f, "A", NULL, &metadata);
  EsimTlv header, md, field;

  g_assert_true (
    esim_tlv_parse_header (g_bytes_get_data (upp, NULL), g_bytes_get_size (upp), &header, NULL));
  g_assert_true (esim_tlv_decode (header.raw, header.raw_length, &header, NULL));
  g_assert_true (esim_tlv_find (&header, 0x83, &field));
  g_assert_cmpmem (field.value, field.length, "\x89\x49\x44\x99\x99\x99\x99\x90\x77\x7F", 10);
  g_assert_true (esim_tlv_decode_expect (metadata, 0xBF25, &md, NULL));
  g_assert_true (esim_tlv_find (&md, 0x5A, &field));
  g_assert_cmpmem (field.value, field.length, "\x98\x94\x44\x99\x99\x99\x99\x09\x77\xF7", 10);
  g_assert_true (esim_tlv_find (&md, 0x95, &field));
  g_assert_cmpmem (field.value, field.length, "\x00", 1);
  g_assert_true (esim_tlv_find (&md, 0x99, &field));
  g_assert_cmpmem (field.value, field.length, "\x05\x60", 2);
}

static void
test_confirmation_code (void)
{
  g_autoptr (Fixture) f = fixture_new ("--profile", "CC=@UPP/TS48v1_A.der,cc=1234", "--profile",
                                       "CC2=@UPP/TS48v1_B.der,cc=9876", NULL);
  g_autoptr (JsonObject) auth = start_download (f, "CC");
  g_autoptr (GBytes) upp = NULL;
  const gchar *codes[] = { NULL, "0000", "1111", "2222" };
  const gchar *reasons[] = { "2.2", "3.8", "3.8", "6.4" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++) {
    g_autoptr (JsonObject) res = get_bpp (f, auth, codes[i]);

    /* a missing or wrong code keeps the session for another try */
    assert_failed (res, "8.2.7", reasons[i]);
  }
  g_assert_cmpstr (order_state (f, "CC"), ==, "blocked");
  {
    g_autoptr (JsonObject) init = initiate (f, "es9plus");
    g_autoptr (JsonObject) res = authenticate (f, "es9plus", init, "CC");

    assert_failed (res, "8.2.6", "3.8");
  }
  /* the right code on another order */
  upp = download (f, "CC2", "9876", NULL);
  g_assert_nonnull (upp);
}

static void
test_matching_id (void)
{
  g_autofree gchar *bound_ours = NULL;
  g_autoptr (Fixture) f = NULL;
  g_autoptr (GBytes) upp = NULL;
  g_autoptr (TestEuicc) probe = test_euicc_new ();

  bound_ours = g_strdup_printf ("MINE=@UPP/TS48v1_B.der,eid=%s", test_euicc_get_eid (probe));
  f = fixture_new ("--profile", "OTHER=@UPP/TS48v1_A.der,eid=" OTHER_EID, "--profile", bound_ours,
                   "--profile", "DEF=@UPP/TS48v4_SAIP2.3_NoBERTLV.der,default", NULL);
  {
    g_autoptr (JsonObject) init = initiate (f, "es9plus");
    g_autoptr (JsonObject) res = authenticate (f, "es9plus", init, "NOPE");

    assert_failed (res, "8.2.6", "3.8");
  }
  {
    g_autoptr (JsonObject) init = initiate (f, "es9plus");
    g_autoptr (JsonObject) res = authenticate (f, "es9plus", init, "OTHER");

    assert_failed (res, "8.1.1", "3.8");
  }
  upp = download (f, "MINE", NULL, NULL);
  g_assert_nonnull (upp);
  g_clear_pointer (&upp, g_bytes_unref);
  /* no matching ID: the default order */
  upp = download (f, NULL, NULL, NULL);
  g_assert_nonnull (upp);
  g_assert_cmpstr (order_state (f, "DEF"), ==, "downloaded");
  install (f, TRUE);
  {
    g_autoptr (JsonObject) init = initiate (f, "es9plus");
    g_autoptr (JsonObject) res = authenticate (f, "es9plus", init, "");

    assert_failed (res, "8.2.6", "3.8");
  }
}

static void
test_notifications (void)
{
  g_autoptr (Fixture) f = fixture_new ("--profile", "N=@UPP/TS48v1_A.der", NULL);
  g_autoptr (GBytes) upp = download (f, "N", NULL, NULL);
  g_autoptr (GBytes) forged = NULL;
  g_autoptr (GBytes) enable = NULL;
  g_autoptr (GBytes) empty = NULL;
  g_autoptr (JsonObject) s = NULL;
  JsonObject *n;

  /* a forged result changes nothing */
  forged = test_euicc_install_result (f->euicc, TRUE, esim_test_smdp_get_address (f->smdp), TRUE);
  notify (f, forged);
  g_assert_cmpstr (order_state (f, "N"), ==, "downloaded");
  /* a failed installation gives the order back */
  install (f, FALSE);
  g_assert_cmpstr (order_state (f, "N"), ==, "available");
  g_clear_pointer (&upp, g_bytes_unref);
  upp = download (f, "N", NULL, NULL);
  install (f, TRUE);
  g_assert_cmpstr (order_state (f, "N"), ==, "consumed");

  enable = test_euicc_other_notification (f->euicc, 1, esim_test_smdp_get_address (f->smdp));
  notify (f, enable);
  empty = g_bytes_new_static ("\x30\x00", 2);
  notify (f, empty);
  s = stats (f);
  n = json_object_get_object_member (s, "notifications");
  g_assert_cmpint (json_object_get_int_member (n, "received"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (n, "accepted"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (n, "rejected"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (n, "log")), ==, 5);
  g_assert_cmpstr (
    json_object_get_string_member (
      json_array_get_object_element (json_object_get_array_member (n, "log"), 3), "kind"),
    ==, "enable");
}

static JsonObject *
cancel (Fixture *f, JsonObject *auth, gint reason)
{
  g_autoptr (GBytes) bf41 = test_euicc_cancel_session (f->euicc, reason);
  g_autoptr (JsonObject) req = json_object_new ();

  json_object_set_string_member (req, "transactionId",
                                 json_object_get_string_member (auth, "transactionId"));
  set_b64 (req, "cancelSessionResponse", bf41);
  return call (f, "es9plus", "cancelSession", req);
}

static void
test_cancel_session (void)
{
  g_autoptr (Fixture) f = fixture_new ("--profile", "C=@UPP/TS48v1_A.der", NULL);
  g_autoptr (JsonObject) auth = start_download (f, "C");
  g_autoptr (JsonObject) res = NULL;
  g_autoptr (JsonObject) late = NULL;
  g_autoptr (JsonObject) auth2 = NULL;
  g_autoptr (JsonObject) res2 = NULL;
  g_autoptr (JsonObject) init3 = NULL;
  g_autoptr (JsonObject) res3 = NULL;

  g_assert_cmpstr (order_state (f, "C"), ==, "reserved");
  res = cancel (f, auth, 1); /* postponed */
  assert_success (res);
  g_assert_cmpstr (order_state (f, "C"), ==, "available");
  /* the session is gone */
  late = get_bpp (f, auth, NULL);
  assert_failed (late, "8.10.1", "3.9");

  auth2 = start_download (f, "C");
  res2 = cancel (f, auth2, 0); /* endUserRejection */
  assert_success (res2);
  g_assert_cmpstr (order_state (f, "C"), ==, "consumed");
  init3 = initiate (f, "es9plus");
  res3 = authenticate (f, "es9plus", init3, "C");
  assert_failed (res3, "8.2.6", "3.8");
}

static void
test_es11 (void)
{
  g_autoptr (TestEuicc) probe = test_euicc_new ();
  g_autofree gchar *ev1 = g_strdup_printf ("%s=EV1", test_euicc_get_eid (probe));
  g_autofree gchar *ev2 = g_strdup_printf ("%s=EV2@smdp.example.com", test_euicc_get_eid (probe));
  g_autoptr (Fixture) f = fixture_new ("--event", ev1, "--event", ev2, "--event", OTHER_EID "=EV3",
                                       "--profile", "EV1=@UPP/TS48v1_A.der", NULL);
  g_autoptr (JsonObject) init = initiate (f, "es11");
  g_autoptr (JsonObject) res = authenticate (f, "es11", init, NULL);
  g_autoptr (JsonObject) init2 = NULL;
  g_autoptr (JsonObject) res2 = NULL;
  g_autoptr (GBytes) upp = NULL;
  g_autoptr (GBytes) ds_cert
    = read_fixture ("fixtures/sgp26/DPauth/CERT_S_SM_DP2auth_ECDSA_NIST.der");
  g_autoptr (GBytes) cert = get_b64 (init, "serverCertificate");
  JsonArray *entries;
  JsonObject *e;

  /* the SM-DS authenticates with its own certificate */
  g_assert_true (g_bytes_equal (cert, ds_cert));
  assert_success (res);
  entries = json_object_get_array_member (res, "eventEntries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  e = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (e, "eventId"), ==, "EV1");
  g_assert_cmpstr (json_object_get_string_member (e, "rspServerAddress"), ==,
                   esim_test_smdp_get_address (f->smdp));
  e = json_array_get_object_element (entries, 1);
  g_assert_cmpstr (json_object_get_string_member (e, "rspServerAddress"), ==, "smdp.example.com");

  /* the event id is the matching ID at the SM-DP+; once installed, it is gone */
  upp = download (f, "EV1", NULL, NULL);
  install (f, TRUE);
  init2 = initiate (f, "es11");
  res2 = authenticate (f, "es11", init2, NULL);
  assert_success (res2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (res2, "eventEntries")), ==,
                    1);
}

/* --role smds: ES11 signed with a CERT.DSauth issued at start */
static void
test_es11_role_smds (void)
{
  g_autoptr (TestEuicc) probe = test_euicc_new ();
  g_autofree gchar *ev = g_strdup_printf ("%s=EV1@smdp.example.com", test_euicc_get_eid (probe));
  g_autoptr (Fixture) f = fixture_new ("--role", "smds", "--event", ev, NULL);
  g_autoptr (JsonObject) init = initiate (f, "es11");
  g_autoptr (JsonObject) res = authenticate (f, "es11", init, NULL);
  g_autoptr (JsonObject) init9 = initiate (f, "es9plus");
  g_autoptr (GBytes) der = get_b64 (init, "serverCertificate");
  g_autoptr (GBytes) der9 = get_b64 (init9, "serverCertificate");
  g_autoptr (GBytes) dp_cert
    = read_fixture ("fixtures/sgp26/DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der");
  g_autoptr (GBytes) ci_der
    = read_fixture ("fixtures/sgp26/CertificateIssuer/CERT_CI_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) ci = NULL;
  g_autoptr (EsimRspCert) cert = NULL;
  g_autoptr (GBytes) ski = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray *entries;

  ci = esim_rsp_cert_new_from_der (ci_der, &error);
  g_assert_no_error (error);
  cert = esim_rsp_cert_new_from_der (der, &error);
  g_assert_no_error (error);
  g_assert_true (esim_rsp_cert_has_role (cert, ESIM_RSP_ROLE_DS_AUTH));
  g_assert_false (esim_rsp_cert_has_role (cert, ESIM_RSP_ROLE_DP_AUTH));
  esim_rsp_cert_verify_issued_by (cert, ci, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  ski = esim_rsp_cert_get_subject_key_id (cert);
  g_assert_nonnull (ski);
  /* the eUICC accepted it (authenticate asserts so) and the events follow */
  assert_success (res);
  entries = json_object_get_array_member (res, "eventEntries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  /* ES9+ is unchanged */
  g_assert_true (g_bytes_equal (der9, dp_cert));
}

static void
test_errors (void)
{
  g_autoptr (Fixture) f = fixture_new ("--profile", "E=@UPP/TS48v1_A.der", NULL);
  static const struct {
    const gchar *function;
    const gchar *body;
    const gchar *subject;
    const gchar *reason;
  } bad[] = {
    { "initiateAuthentication", "{", "1.2", "2.1" },
    { "initiateAuthentication", "[1,2]", "1.2", "2.1" },
    { "initiateAuthentication", "{}", "1.2", "2.2" },
    { "initiateAuthentication", "{\"smdpAddress\":5}", "1.2", "2.1" },
    { "initiateAuthentication",
      "{\"smdpAddress\":\"x\",\"euiccChallenge\":\"!!!!\",\"euiccInfo1\":\"vyA=\"}", "1.2", "2.1" },
    { "initiateAuthentication",
      "{\"smdpAddress\":\"x\",\"euiccChallenge\":\"AAAAAAAAAAAAAAAAAAAAAA==\","
      "\"euiccInfo1\":\"vyAFBQU=\"}",
      "1.2", "2.1" },
    { "authenticateClient", "{\"transactionId\":\"00\",\"authenticateServerResponse\":\"vzgA\"}",
      "8.10.1", "3.9" },
    { "getBoundProfilePackage", "{\"transactionId\":\"ABCDEF\"}", "8.10.1", "3.9" },
    { "cancelSession", "{\"transactionId\":\"ABCDEF\",\"cancelSessionResponse\":\"vzgA\"}",
      "8.10.1", "3.9" },
    { "handleNotification", "{}", "1.2", "2.2" },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (JsonObject) res = NULL;
  g_autoptr (JsonObject) init = NULL;
  g_autoptr (JsonObject) garbled = NULL;
  g_autoptr (JsonObject) req = NULL;
  g_autoptr (GBytes) upp = NULL;
  guint status = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (JsonObject) r = NULL;

    g_clear_pointer (&out, g_bytes_unref);
    out = post (f, f->http, "POST", "es9plus", bad[i].function, bad[i].body, "gsma/rsp/v2.2.0",
                &status, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
    r = parse (out);
    assert_failed (r, bad[i].subject, bad[i].reason);
  }

  res = initiate_full (f, "es9plus", "evil.example.com", TRUE);
  assert_failed (res, "8.8.1", "3.8");
  g_clear_pointer (&res, json_object_unref);
  res = initiate_full (f, "es9plus", esim_test_smdp_get_address (f->smdp), FALSE);
  assert_failed (res, "8.8.2", "3.1");

  /* a garbled card answer ends nothing else: the order stays available */
  init = initiate (f, "es9plus");
  req = json_object_new ();
  json_object_set_string_member (req, "transactionId",
                                 json_object_get_string_member (init, "transactionId"));
  json_object_set_string_member (req, "authenticateServerResponse", "vzgEoAIwAA==");
  garbled = call (f, "es9plus", "authenticateClient", req);
  assert_failed (garbled, "1.2", "2.1");

  /* HTTP level */
  g_clear_pointer (&out, g_bytes_unref);
  out = post (f, f->http, "GET", "es9plus", "initiateAuthentication", "", "gsma/rsp/v2.2.0",
              &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
  g_clear_pointer (&out, g_bytes_unref);
  out = post (f, f->http, "POST", "es9plus", "nothing", "{}", "gsma/rsp/v2.2.0", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NOT_FOUND);
  g_clear_pointer (&out, g_bytes_unref);
  out = post (f, f->http, "POST", "es11", "getBoundProfilePackage", "{}", "gsma/rsp/v2.2.0",
              &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NOT_FOUND);
  g_clear_pointer (&out, g_bytes_unref);
  out = post (f, f->http, "POST", "es9plus", "initiateAuthentication", "{}", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  g_clear_pointer (&out, g_bytes_unref);
  out = post (f, f->http, "POST", "es9plus", "initiateAuthentication", "{}", "gsma/rsp/v3.0.0",
              &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  {
    /* a body over the limit */
    g_autofree gchar *huge = g_strnfill (2 * 1024 * 1024, ' ');

    g_clear_pointer (&out, g_bytes_unref);
    out = post (f, f->http, "POST", "es9plus", "initiateAuthentication", huge, "gsma/rsp/v2.2.0",
                &status, NULL);
    g_assert_cmpuint (status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  }

  /* and after all that, a download still works */
  upp = download (f, "E", NULL, NULL);
  g_assert_nonnull (upp);
}

/* random and mutated binary values never crash the server */
static void
test_garbage (void)
{
  g_autoptr (Fixture) f = fixture_new ("--profile", "G=@UPP/TS48v1_A.der", NULL);
  g_autoptr (JsonObject) init = initiate (f, "es9plus");
  const gchar *txid = json_object_get_string_member (init, "transactionId");
  static const struct {
    const gchar *function;
    const gchar *member;
  } targets[] = {
    { "initiateAuthentication", "euiccInfo1" },
    { "authenticateClient", "authenticateServerResponse" },
    { "getBoundProfilePackage", "prepareDownloadResponse" },
    { "handleNotification", "pendingNotification" },
    { "cancelSession", "cancelSessionResponse" },
  };
  static const guint8 heads[][2] = { { 0xBF, 0x20 }, { 0xBF, 0x38 }, { 0xBF, 0x21 },
                                     { 0xBF, 0x37 }, { 0xBF, 0x41 }, { 0x30, 0x82 } };
  g_autoptr (GRand) rand = g_rand_new_with_seed (22);
  g_autoptr (GBytes) upp = NULL;

  for (guint round = 0; round < 40; round++) {
    for (guint t = 0; t < G_N_ELEMENTS (targets); t++) {
      g_autoptr (JsonObject) req = json_object_new ();
      g_autoptr (GByteArray) junk = g_byte_array_new ();
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (JsonNode) node = NULL;
      g_autofree gchar *body = NULL;
      g_autoptr (GBytes) out = NULL;
      g_autoptr (GError) error = NULL;
      guint len = (guint) g_rand_int_range (rand, 1, 300);
      guint status = 0;

      /* a plausible head, then a length and noise */
      g_byte_array_append (junk, heads[g_rand_int_range (rand, 0, G_N_ELEMENTS (heads))], 2);
      for (guint i = 0; i < len; i++) {
        guint8 b = (guint8) g_rand_int_range (rand, 0, 256);

        g_byte_array_append (junk, &b, 1);
      }
      bytes = g_byte_array_free_to_bytes (g_steal_pointer (&junk));
      json_object_set_string_member (req, "transactionId", txid);
      json_object_set_string_member (req, "smdpAddress", esim_test_smdp_get_address (f->smdp));
      json_object_set_string_member (req, "euiccChallenge", "AAAAAAAAAAAAAAAAAAAAAA==");
      set_b64 (req, targets[t].member, bytes);
      node = json_node_init_object (json_node_alloc (), req);
      body = json_to_string (node, FALSE);
      out = post (f, f->http, "POST", "es9plus", targets[t].function, body, "gsma/rsp/v2.2.0",
                  &status, &error);
      g_assert_no_error (error);
      g_assert_true (status == SOUP_STATUS_OK || status == SOUP_STATUS_NO_CONTENT);
    }
  }
  /* still serving, and the order is still there */
  upp = download (f, "G", NULL, NULL);
  g_assert_nonnull (upp);
}

static void
test_fault_http500 (void)
{
  g_autoptr (Fixture) f = fixture_new ("--fault", "http500:initiateAuthentication:1", "--fault",
                                       "malformed-json:cancelSession", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonObject) init = NULL;
  g_autoptr (JsonObject) s = NULL;
  guint status = 0;

  out = post (f, f->http, "POST", "es9plus", "initiateAuthentication", "{}", "gsma/rsp/v2.2.0",
              &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  /* only the first call */
  init = initiate (f, "es9plus");
  g_clear_pointer (&out, g_bytes_unref);
  out = post (f, f->http, "POST", "es9plus", "cancelSession", "{}", "gsma/rsp/v2.2.0", &status,
              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (out, NULL),
                                              (gssize) g_bytes_get_size (out), NULL));
  s = stats (f);
  g_assert_cmpint (json_object_get_int_member (s, "faultsInjected"), ==, 2);
}

static void
test_fault_bad_signature (void)
{
  const gchar *functions[]
    = { "initiateAuthentication", "authenticateClient", "getBoundProfilePackage" };

  for (guint i = 0; i < G_N_ELEMENTS (functions); i++) {
    g_autofree gchar *fault = g_strdup_printf ("bad-signature:%s", functions[i]);
    g_autoptr (Fixture) f
      = fixture_new ("--profile", "B=@UPP/TS48v1_A.der", "--fault", fault, NULL);
    g_autoptr (JsonObject) init = initiate (f, "es9plus");
    g_autoptr (GBytes) signed1 = get_b64 (init, "serverSigned1");
    g_autoptr (GBytes) sig1 = get_b64 (init, "serverSignature1");
    g_autoptr (GBytes) cert = get_b64 (init, "serverCertificate");
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) bf38
      = test_euicc_authenticate_server (f->euicc, signed1, sig1, cert, "B", &error);
    g_autoptr (JsonObject) auth = NULL;
    g_autoptr (GBytes) signed2 = NULL, sig2 = NULL, pb = NULL, bf21 = NULL;
    g_autoptr (JsonObject) res = NULL;
    g_autoptr (GBytes) bpp = NULL, md = NULL, upp = NULL;

    if (i == 0) {
      g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE);
      continue;
    }
    g_assert_no_error (error);
    g_assert_nonnull (bf38);
    auth = authenticate (f, "es9plus", init, "B");
    assert_success (auth);
    signed2 = get_b64 (auth, "smdpSigned2");
    sig2 = get_b64 (auth, "smdpSignature2");
    pb = get_b64 (auth, "smdpCertificate");
    bf21 = test_euicc_prepare_download (f->euicc, signed2, sig2, pb, NULL, &error);
    if (i == 1) {
      g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE);
      continue;
    }
    g_assert_no_error (error);
    res = get_bpp (f, auth, NULL);
    assert_success (res);
    bpp = get_b64 (res, "boundProfilePackage");
    upp = test_euicc_load_bpp (f->euicc, bpp, &md, &error);
    g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE);
    g_assert_null (upp);
  }
}

static void
test_fault_timeout_latency (void)
{
  g_autoptr (Fixture) f
    = fixture_new ("--profile", "T=@UPP/TS48v1_A.der", "--fault", "timeout:handleNotification",
                   "--fault", "latency:initiateAuthentication:400", "--latency-ms", "100", NULL);
  g_autoptr (SoupSession) impatient = new_http ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (JsonObject) init = NULL;
  g_autoptr (JsonObject) auth = NULL;
  gint64 start;
  guint status = 0;

  start = g_get_monotonic_time ();
  init = initiate (f, "es9plus");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 500 * 1000);
  start = g_get_monotonic_time ();
  auth = authenticate (f, "es9plus", init, "T");
  assert_success (auth);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 100 * 1000);

  soup_session_set_timeout (impatient, 1);
  out = post (f, impatient, "POST", "es9plus", "handleNotification",
              "{\"pendingNotification\":\"MAA=\"}", "gsma/rsp/v2.2.0", &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (out);
  /* the server goes on serving */
  g_clear_pointer (&init, json_object_unref);
  init = initiate (f, "es9plus");
}

static void
test_tls_modes (void)
{
  const gchar *modes[] = { "unknown-ci", "expired", "wrong-host" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++) {
    g_autoptr (Fixture) f = fixture_new ("--tls-mode", modes[i], NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) out = NULL;
    guint status = 0;

    out = post (f, f->http, "POST", "es9plus", "initiateAuthentication", "{}", "gsma/rsp/v2.2.0",
                &status, &error);
    g_test_message ("%s: %s", modes[i], error != NULL ? error->message : "accepted");
    g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
    g_assert_null (out);
  }
  {
    /* the good certificate names localhost too */
    g_autoptr (Fixture) f = fixture_new (NULL);
    g_autofree gchar *url
      = g_strdup_printf ("https://localhost:%u/gsma/rsp2/es9plus/initiateAuthentication",
                         esim_test_smdp_get_port (f->smdp));
    g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) out = NULL;
    g_autoptr (GBytes) body = g_bytes_new_static ("{}", 2);

    soup_message_set_request_body_from_bytes (msg, "application/json", body);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Admin-Protocol",
                                  "gsma/rsp/v2.2.0");
    out = soup_session_send_and_read (f->http, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  }
}

static void
test_keep_alive (void)
{
  g_autoptr (Fixture) f = fixture_new (NULL);
  g_autoptr (JsonObject) s = NULL;
  g_autoptr (JsonObject) s2 = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (SoupSession) other = new_http ();
  guint status = 0;

  for (guint i = 0; i < 3; i++) {
    g_autoptr (JsonObject) init = initiate (f, "es9plus");
    g_assert_nonnull (init);
  }
  s = stats (f);
  g_assert_cmpint (json_object_get_int_member (s, "tlsHandshakes"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (s, "requests"),
                                               "es9plus/initiateAuthentication"),
                   ==, 3);
  g_assert_cmpint (json_object_get_int_member (s, "sessions"), ==, 3);
  out = post (f, other, "POST", "es11", "initiateAuthentication", "{}", "gsma/rsp/v2.2.0", &status,
              NULL);
  s2 = stats (f);
  g_assert_cmpint (json_object_get_int_member (s2, "tlsHandshakes"), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smdp/download", test_download);
  g_test_add_func ("/smdp/iccid-override", test_iccid_override);
  g_test_add_func ("/smdp/confirmation-code", test_confirmation_code);
  g_test_add_func ("/smdp/matching-id", test_matching_id);
  g_test_add_func ("/smdp/notifications", test_notifications);
  g_test_add_func ("/smdp/cancel-session", test_cancel_session);
  g_test_add_func ("/smdp/es11", test_es11);
  g_test_add_func ("/smdp/es11-role-smds", test_es11_role_smds);
  g_test_add_func ("/smdp/errors", test_errors);
  g_test_add_func ("/smdp/garbage", test_garbage);
  g_test_add_func ("/smdp/fault/http500-malformed", test_fault_http500);
  g_test_add_func ("/smdp/fault/bad-signature", test_fault_bad_signature);
  g_test_add_func ("/smdp/fault/timeout-latency", test_fault_timeout_latency);
  g_test_add_func ("/smdp/tls-modes", test_tls_modes);
  g_test_add_func ("/smdp/keep-alive", test_keep_alive);
  return g_test_run ();
}
