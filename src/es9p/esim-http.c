/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "esim-http-trust.h"
#include "esim-http.h"

/* clang-format off */
G_DEFINE_QUARK (esim-http-error-quark, esim_http_error)
/* clang-format on */

/* SGP.22 responses are small; a bound profile package is tens of KiB */
#define ESIM_HTTP_MAX_RESPONSE (4 * 1024 * 1024)

struct _EsimHttp {
  GObject parent_instance;
  CURLM *multi;
  gchar *ca_bundle; /* private temporary file, removed on finalize */
  gchar *user_agent;
  EsimHttpTrust *trust;
  guint connect_timeout_ms;
  guint total_timeout_ms;
  guint download_timeout_ms;
  guint stall_timeout_ms;
  guint timer_id;
  GHashTable *sockets; /* fd -> source id */
  guint requests;
  guint connections;
};

G_DEFINE_TYPE (EsimHttp, esim_http, G_TYPE_OBJECT)

typedef struct {
  EsimHttp *self; /* borrowed: the task holds a reference */
  CURL *easy;
  struct curl_slist *headers;
  GBytes *body;
  GByteArray *response;
  GCancellable *cancellable;
  gulong cancel_id;
  guint status;
  guint timeout_ms;  /* the total one of this request */
  gboolean finished; /* returned, by curl or by cancellation */
  gchar errbuf[CURL_ERROR_SIZE];
} Request;

static void
request_free (Request *req)
{
  if (req->cancel_id != 0)
    g_cancellable_disconnect (req->cancellable, req->cancel_id);
  g_clear_object (&req->cancellable);
  if (req->easy != NULL) {
    curl_multi_remove_handle (req->self->multi, req->easy);
    curl_easy_cleanup (req->easy);
  }
  curl_slist_free_all (req->headers);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->response, g_byte_array_unref);
  g_free (req);
}

static void esim_http_check_done (EsimHttp *self);

static gboolean
esim_http_socket_cb (gint fd, GIOCondition condition, gpointer user_data)
{
  EsimHttp *self = ESIM_HTTP (user_data);
  int action = 0;
  int running = 0;

  if (condition & G_IO_IN)
    action |= CURL_CSELECT_IN;
  if (condition & G_IO_OUT)
    action |= CURL_CSELECT_OUT;
  if (condition & (G_IO_ERR | G_IO_HUP))
    action |= CURL_CSELECT_ERR;
  /* the handler may remove this very source through the socket callback */
  g_object_ref (self);
  curl_multi_socket_action (self->multi, fd, action, &running);
  esim_http_check_done (self);
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static int
esim_http_curl_socket_cb (CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
  EsimHttp *self = ESIM_HTTP (userp);
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (self->sockets, GINT_TO_POINTER (fd)));
  GIOCondition cond = 0;

  if (id != 0) {
    g_source_remove (id);
    g_hash_table_remove (self->sockets, GINT_TO_POINTER (fd));
  }
  if (what == CURL_POLL_REMOVE)
    return 0;
  if (what & CURL_POLL_IN)
    cond |= G_IO_IN;
  if (what & CURL_POLL_OUT)
    cond |= G_IO_OUT;
  id = g_unix_fd_add (fd, cond | G_IO_ERR | G_IO_HUP, esim_http_socket_cb, self);
  g_hash_table_insert (self->sockets, GINT_TO_POINTER (fd), GUINT_TO_POINTER (id));
  return 0;
}

static gboolean
esim_http_timeout_cb (gpointer user_data)
{
  EsimHttp *self = ESIM_HTTP (user_data);
  int running = 0;

  self->timer_id = 0;
  g_object_ref (self);
  curl_multi_socket_action (self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  esim_http_check_done (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static int
esim_http_curl_timer_cb (CURLM *multi, long timeout_ms, void *userp)
{
  EsimHttp *self = ESIM_HTTP (userp);

  if (self->timer_id != 0) {
    g_source_remove (self->timer_id);
    self->timer_id = 0;
  }
  if (timeout_ms >= 0)
    self->timer_id = g_timeout_add ((guint) timeout_ms, esim_http_timeout_cb, self);
  return 0;
}

/* the server that answers url, for messages */
static const gchar *
esim_http_peer_name (const gchar *url)
{
  return url != NULL && strstr (url, "/es11/") != NULL ? "SM-DS" : "SM-DP+";
}

/* the chain the server presented (CURLOPT_CERTINFO), asked again of GnuTLS */
static GError *
esim_http_explain_certificate (EsimHttp *self, Request *req, const gchar *url)
{
  struct curl_certinfo *info = NULL;
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  g_autofree gchar *host = NULL;
  CURLU *u;
  GError *error;

  if (self->trust == NULL || curl_easy_getinfo (req->easy, CURLINFO_CERTINFO, &info) != CURLE_OK
      || info == NULL)
    return NULL;
  for (int i = 0; i < info->num_of_certs; i++) {
    for (struct curl_slist *s = info->certinfo[i]; s != NULL; s = s->next) {
      if (g_str_has_prefix (s->data, "Cert:"))
        g_ptr_array_add (chain, s->data + strlen ("Cert:"));
    }
  }
  if (chain->len == 0)
    return NULL;
  u = curl_url ();
  if (curl_url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK) {
    char *h = NULL;
    if (curl_url_get (u, CURLUPART_HOST, &h, 0) == CURLUE_OK)
      host = g_strdup (h);
    curl_free (h);
  }
  curl_url_cleanup (u);
  if (host == NULL)
    return NULL;
  error = esim_http_trust_explain (self->trust, chain, host, esim_http_peer_name (url));
  if (error != NULL)
    g_prefix_error (&error, "%s: ", url);
  return error;
}

/* which limit ended the transfer */
static GError *
esim_http_explain_timeout (EsimHttp *self, Request *req, const gchar *url)
{
  curl_off_t connected = 0;

  curl_easy_getinfo (req->easy, CURLINFO_APPCONNECT_TIME_T, &connected);
  if (g_str_has_prefix (req->errbuf, "Operation too slow"))
    return g_error_new (ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_TIMEOUT,
                        "%s: timed out: the transfer stalled, nothing received for %u s", url,
                        (self->stall_timeout_ms + 999) / 1000);
  if (connected == 0 && g_str_has_prefix (req->errbuf, "Connection timed out"))
    return g_error_new (ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_TIMEOUT,
                        "%s: timed out: no connection within %u s", url,
                        (self->connect_timeout_ms + 999) / 1000);
  return g_error_new (ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_TIMEOUT,
                      "%s: timed out: no complete answer within %u s", url,
                      (req->timeout_ms + 999) / 1000);
}

static GError *
esim_http_error_from_curl (EsimHttp *self, Request *req, CURLcode code, const gchar *url)
{
  EsimHttpError kind;
  const gchar *detail = req->errbuf;
  const gchar *what = detail[0] != '\0' ? detail : curl_easy_strerror (code);
  GError *error;

  switch (code) {
  case CURLE_COULDNT_RESOLVE_HOST:
    kind = ESIM_HTTP_ERROR_RESOLVE;
    break;
  case CURLE_COULDNT_CONNECT:
    kind = ESIM_HTTP_ERROR_CONNECT;
    break;
  case CURLE_OPERATION_TIMEDOUT:
    return esim_http_explain_timeout (self, req, url);
  case CURLE_PEER_FAILED_VERIFICATION:
    error = esim_http_explain_certificate (self, req, url);
    if (error != NULL)
      return error;
    kind = ESIM_HTTP_ERROR_CERTIFICATE;
    break;
  case CURLE_SSL_CACERT_BADFILE:
    kind = ESIM_HTTP_ERROR_CERTIFICATE;
    break;
  case CURLE_SSL_CONNECT_ERROR:
    kind = ESIM_HTTP_ERROR_TLS;
    break;
  case CURLE_WRITE_ERROR:
    kind = ESIM_HTTP_ERROR_TOO_LARGE;
    break;
  default:
    kind = ESIM_HTTP_ERROR_FAILED;
  }
  return g_error_new (ESIM_HTTP_ERROR, kind, "%s: %s", url, what);
}

static void
esim_http_check_done (EsimHttp *self)
{
  CURLMsg *msg;
  int pending = 0;

  while ((msg = curl_multi_info_read (self->multi, &pending)) != NULL) {
    GTask *task = NULL;
    Request *req;
    long status = 0;
    long connects = 0;

    if (msg->msg != CURLMSG_DONE)
      continue;
    curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &task);
    req = g_task_get_task_data (task);
    if (req->finished)
      continue;
    req->finished = TRUE;
    curl_easy_getinfo (req->easy, CURLINFO_NUM_CONNECTS, &connects);
    self->connections += (guint) connects;
    if (req->cancel_id != 0) {
      g_cancellable_disconnect (req->cancellable, req->cancel_id);
      req->cancel_id = 0;
    }
    if (msg->data.result != CURLE_OK) {
      const gchar *url = NULL;
      curl_easy_getinfo (req->easy, CURLINFO_EFFECTIVE_URL, &url);
      g_task_return_error (task, esim_http_error_from_curl (self, req, msg->data.result, url));
    } else {
      curl_easy_getinfo (req->easy, CURLINFO_RESPONSE_CODE, &status);
      req->status = (guint) status;
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&req->response)),
                             (GDestroyNotify) g_bytes_unref);
    }
    g_object_unref (task);
  }
}

static size_t
esim_http_write_cb (char *ptr, size_t size, size_t nmemb, void *userdata)
{
  Request *req = userdata;
  gsize n = size * nmemb;

  if (req->response->len + n > ESIM_HTTP_MAX_RESPONSE)
    return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
  g_byte_array_append (req->response, (const guint8 *) ptr, n);
  return n;
}

static gboolean
esim_http_cancel_idle_cb (gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  Request *req = g_task_get_task_data (task);

  if (req->finished)
    return G_SOURCE_REMOVE;
  req->finished = TRUE;
  /* detach from curl first, so check_done never sees it again */
  curl_multi_remove_handle (req->self->multi, req->easy);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "request cancelled");
  /* the reference curl held */
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
esim_http_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  /* the cancellable may fire from any thread; finish on the main context */
  g_idle_add (esim_http_cancel_idle_cb, g_object_ref (user_data));
}

void
esim_http_post_async (EsimHttp *self, const gchar *url, const gchar *const *headers, GBytes *body,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *req = g_new0 (Request, 1);
  int running = 0;

  g_task_set_source_tag (task, esim_http_post_async);
  /* the one answer that carries a whole profile may take long on a slow
   * link; the stall limit still ends it once it stops flowing */
  req->timeout_ms = g_str_has_suffix (url, "/getBoundProfilePackage") ? self->download_timeout_ms
                                                                      : self->total_timeout_ms;
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  req->self = self;
  req->body = g_bytes_ref (body);
  req->response = g_byte_array_new ();
  req->easy = curl_easy_init ();
  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    req->headers = curl_slist_append (req->headers, headers[i]);
  /* no 100-continue round trip before the body */
  req->headers = curl_slist_append (req->headers, "Expect:");

  curl_easy_setopt (req->easy, CURLOPT_URL, url);
  curl_easy_setopt (req->easy, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt (req->easy, CURLOPT_POST, 1L);
  curl_easy_setopt (req->easy, CURLOPT_POSTFIELDS, g_bytes_get_data (req->body, NULL));
  curl_easy_setopt (req->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                    (curl_off_t) g_bytes_get_size (req->body));
  curl_easy_setopt (req->easy, CURLOPT_HTTPHEADER, req->headers);
  curl_easy_setopt (req->easy, CURLOPT_USERAGENT, self->user_agent);
  curl_easy_setopt (req->easy, CURLOPT_CAINFO, self->ca_bundle);
  curl_easy_setopt (req->easy, CURLOPT_CAPATH, NULL);
  curl_easy_setopt (req->easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (req->easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (req->easy, CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
  curl_easy_setopt (req->easy, CURLOPT_CONNECTTIMEOUT_MS, (long) self->connect_timeout_ms);
  curl_easy_setopt (req->easy, CURLOPT_TIMEOUT_MS, (long) req->timeout_ms);
  curl_easy_setopt (req->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (req->easy, CURLOPT_LOW_SPEED_TIME,
                    (long) ((self->stall_timeout_ms + 999) / 1000));
  /* the presented chain, to explain a refusal */
  curl_easy_setopt (req->easy, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt (req->easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (req->easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (req->easy, CURLOPT_WRITEFUNCTION, esim_http_write_cb);
  curl_easy_setopt (req->easy, CURLOPT_WRITEDATA, req);
  curl_easy_setopt (req->easy, CURLOPT_ERRORBUFFER, req->errbuf);
  curl_easy_setopt (req->easy, CURLOPT_PRIVATE, task);

  self->requests++;
  if (cancellable != NULL)
    req->cancellable = g_object_ref (cancellable);
  if (cancellable != NULL)
    req->cancel_id
      = g_cancellable_connect (cancellable, G_CALLBACK (esim_http_cancelled_cb), task, NULL);
  if (g_cancellable_is_cancelled (cancellable))
    return;
  curl_multi_add_handle (self->multi, req->easy);
  /* kick the transfer off; curl schedules the rest through the callbacks */
  curl_multi_socket_action (self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
}

GBytes *
esim_http_post_finish (EsimHttp *self, GAsyncResult *result, guint *status, GError **error)
{
  Request *req = g_task_get_task_data (G_TASK (result));
  GBytes *body = g_task_propagate_pointer (G_TASK (result), error);

  if (body != NULL && status != NULL)
    *status = req->status;
  return body;
}

void
esim_http_set_timeouts (EsimHttp *self, guint connect_timeout_ms, guint total_timeout_ms)
{
  self->connect_timeout_ms = connect_timeout_ms;
  self->total_timeout_ms = total_timeout_ms;
}

void
esim_http_set_download_timeouts (EsimHttp *self, guint download_timeout_ms, guint stall_timeout_ms)
{
  self->download_timeout_ms = download_timeout_ms;
  self->stall_timeout_ms = MAX (stall_timeout_ms, 1000);
}

gboolean
esim_http_add_untrusted_roots (EsimHttp *self, const gchar *const *files, const gchar *hint,
                               GError **error)
{
  return esim_http_trust_add_hint (self->trust, files, hint, error);
}

void
esim_http_set_unknown_root_hint (EsimHttp *self, const gchar *hint)
{
  esim_http_trust_set_default_hint (self->trust, hint);
}

gboolean
esim_http_add_pem_directory (GPtrArray *files, const gchar *dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const gchar *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL) {
    if (g_str_has_suffix (name, ".pem"))
      g_ptr_array_add (found, g_build_filename (dir, name, NULL));
  }
  if (found->len == 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no PEM files in %s", dir);
    return FALSE;
  }
  /* a stable order makes logs comparable */
  g_ptr_array_sort (found, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (files, g_strdup (g_ptr_array_index (found, i)));
  return TRUE;
}

gchar *
esim_http_find_system_roots (void)
{
  return esim_http_trust_find_system_roots ();
}

void
esim_http_set_user_agent (EsimHttp *self, const gchar *user_agent)
{
  g_free (self->user_agent);
  self->user_agent = g_strdup (user_agent);
}

guint
esim_http_get_request_count (EsimHttp *self)
{
  return self->requests;
}

guint
esim_http_get_connection_count (EsimHttp *self)
{
  return self->connections;
}

static gboolean
esim_http_write_bundle (EsimHttp *self, const gchar *const *ca_files, GError **error)
{
  g_autoptr (GString) bundle = g_string_new (NULL);
  gint fd;

  for (guint i = 0; ca_files != NULL && ca_files[i] != NULL; i++) {
    g_autofree gchar *pem = NULL;
    if (!g_file_get_contents (ca_files[i], &pem, NULL, error)) {
      g_prefix_error (error, "trust anchors: ");
      return FALSE;
    }
    if (strstr (pem, "-----BEGIN CERTIFICATE-----") == NULL) {
      g_set_error (error, ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_CERTIFICATE,
                   "trust anchors: %s holds no PEM certificate", ca_files[i]);
      return FALSE;
    }
    g_string_append (bundle, pem);
    g_string_append_c (bundle, '\n');
  }
  if (bundle->len == 0) {
    g_set_error_literal (error, ESIM_HTTP_ERROR, ESIM_HTTP_ERROR_CERTIFICATE,
                         "no trust anchors given: TLS is never unverified");
    return FALSE;
  }
  /* the GnuTLS backend of curl reads CAs only from a file */
  fd = g_file_open_tmp ("esimd-ca-XXXXXX.pem", &self->ca_bundle, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  if (!g_file_set_contents (self->ca_bundle, bundle->str, (gssize) bundle->len, error))
    return FALSE;
  self->trust = esim_http_trust_new (self->ca_bundle, error);
  return self->trust != NULL;
}

EsimHttp *
esim_http_new (const gchar *const *ca_files, GError **error)
{
  g_autoptr (EsimHttp) self = g_object_new (ESIM_TYPE_HTTP, NULL);

  if (!esim_http_write_bundle (self, ca_files, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
esim_http_finalize (GObject *object)
{
  EsimHttp *self = ESIM_HTTP (object);
  GHashTableIter iter;
  gpointer value;

  if (self->timer_id != 0)
    g_source_remove (self->timer_id);
  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_source_remove (GPOINTER_TO_UINT (value));
  g_hash_table_unref (self->sockets);
  curl_multi_cleanup (self->multi);
  if (self->ca_bundle != NULL)
    g_unlink (self->ca_bundle);
  g_free (self->ca_bundle);
  g_clear_pointer (&self->trust, esim_http_trust_free);
  g_free (self->user_agent);
  G_OBJECT_CLASS (esim_http_parent_class)->finalize (object);
}

static void
esim_http_init (EsimHttp *self)
{
  static gsize curl_ready = 0;

  if (g_once_init_enter (&curl_ready))
    g_once_init_leave (&curl_ready, curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK ? 1 : 2);
  self->sockets = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->connect_timeout_ms = 15000;
  self->total_timeout_ms = 60000;
  self->download_timeout_ms = 600000;
  self->stall_timeout_ms = 30000;
  /* SGP.22 6.5.1 names the User-Agent of an LPA in the device, and
   * deployed servers may compare it whole: nothing is appended (lpac,
   * Hermes and Android's LPA send exactly this too) */
  self->user_agent = g_strdup ("gsma-rsp-lpad");
  self->multi = curl_multi_init ();
  curl_multi_setopt (self->multi, CURLMOPT_SOCKETFUNCTION, esim_http_curl_socket_cb);
  curl_multi_setopt (self->multi, CURLMOPT_SOCKETDATA, self);
  curl_multi_setopt (self->multi, CURLMOPT_TIMERFUNCTION, esim_http_curl_timer_cb);
  curl_multi_setopt (self->multi, CURLMOPT_TIMERDATA, self);
  /* one connection per server, reused for every call of a session */
  curl_multi_setopt (self->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
  curl_multi_setopt (self->multi, CURLMOPT_PIPELINING, (long) CURLPIPE_MULTIPLEX);
}

static void
esim_http_class_init (EsimHttpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_http_finalize;
}
