/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <winscard.h>

#include "esim-test-fake-pcsc.h"
#include "pcsc/esim-transport-pcsc.h"

#define FRIENDLY_NAME "esimd Virtual PCD"
/* pcscd polls vpcd every 400 ms; a card shows up or goes within a second */
#define STATE_TIMEOUT_MS 10000
#define VICC_DATA_KEY "esim-test-fake-pcsc-vicc"

typedef struct {
  gchar *dir;
  gchar *socket_path;
  GPid pid;
  guint16 port;
  SCARDCONTEXT context;
  gboolean have_context;
  gchar *readers[ESIM_TEST_FAKE_PCSC_SLOTS];
  /* the virtual card in each slot, not a reference */
  EsimTestVicc *cards[ESIM_TEST_FAKE_PCSC_SLOTS];
} Pcscd;

struct _EsimTestVicc {
  GPid pid;
  guint slot;
};

static Pcscd *pcscd;

static void
rm_rf (const gchar *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
      rm_rf (child);
    else
      g_unlink (child);
  }
  g_rmdir (path);
}

static void
reap (GPid pid)
{
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (pid);
}

/* helpers die with the test process, even when it crashes */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
pcscd_stop (void)
{
  if (pcscd == NULL)
    return;
  if (pcscd->have_context)
    SCardReleaseContext (pcscd->context);
  if (pcscd->pid > 0) {
    kill (pcscd->pid, SIGTERM);
    reap (pcscd->pid);
  }
  rm_rf (pcscd->dir);
  g_free (pcscd->dir);
  g_free (pcscd->socket_path);
  for (guint i = 0; i < ESIM_TEST_FAKE_PCSC_SLOTS; i++)
    g_free (pcscd->readers[i]);
  g_clear_pointer (&pcscd, g_free);
}

static const gchar *
getenv_required (const gchar *name, GError **error)
{
  const gchar *value = g_getenv (name);

  if (value == NULL || value[0] == '\0')
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "$%s is not set", name);
  return value;
}

/* a port where vpcd can listen for each slot: consecutive ones, free now */
static gboolean
pick_ports (guint16 *port, GError **error)
{
  for (guint attempt = 0; attempt < 64; attempt++) {
    int fds[ESIM_TEST_FAKE_PCSC_SLOTS];
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_ANY) };
    socklen_t len = sizeof (addr);
    gboolean ok = TRUE;
    guint bound = 0;

    for (guint i = 0; i < ESIM_TEST_FAKE_PCSC_SLOTS && ok; i++) {
      fds[i] = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (i > 0)
        addr.sin_port = htons (ntohs (addr.sin_port) + 1);
      ok = fds[i] >= 0 && bind (fds[i], (struct sockaddr *) &addr, sizeof (addr)) == 0;
      if (ok && i == 0)
        ok = getsockname (fds[0], (struct sockaddr *) &addr, &len) == 0
             && ntohs (addr.sin_port) < 0xffff - ESIM_TEST_FAKE_PCSC_SLOTS;
      if (fds[i] >= 0)
        bound = i + 1;
      if (ok && i == 0)
        *port = ntohs (addr.sin_port);
    }
    for (guint i = 0; i < bound; i++)
      close (fds[i]);
    if (ok)
      return TRUE;
  }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE, "no free TCP ports for vpcd");
  return FALSE;
}

static int
listen_unix (const gchar *path, GError **error)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  if (strlen (path) >= sizeof (addr.sun_path)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG, "%s: too long", path);
    return -1;
  }
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_strlcpy (addr.sun_path, path, sizeof (addr.sun_path));
  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof (addr)) != 0 || listen (fd, 64) != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot listen on %s: %s", path,
                 g_strerror (errno));
    if (fd >= 0)
      close (fd);
    return -1;
  }
  return fd;
}

static gchar *
pcscd_log_tail (void)
{
  g_autofree gchar *log_path = g_build_filename (pcscd->dir, "pcscd.log", NULL);
  g_autofree gchar *log = NULL;
  gsize len = 0;

  if (!g_file_get_contents (log_path, &log, &len, NULL))
    return g_strdup ("");
  return g_strdup (len > 2000 ? log + len - 2000 : log);
}

/* pcscd started by "systemd": it takes the socket as fd 3, and leaves the
 * system's /run/pcscd/pcscd.comm alone */
static gboolean
pcscd_spawn (const gchar *program, GError **error)
{
  g_autofree gchar *conf_dir = g_build_filename (pcscd->dir, "reader.conf.d", NULL);
  g_autofree gchar *conf_path = g_build_filename (conf_dir, "vpcd", NULL);
  g_autofree gchar *log_path = g_build_filename (pcscd->dir, "pcscd.log", NULL);
  g_autofree gchar *conf = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const gchar *driver = getenv_required ("ESIM_TEST_VPCD_DRIVER", error);
  gboolean debug = g_getenv ("ESIM_TEST_PCSCD_DEBUG") != NULL;
  int listen_fd;
  int log_fd;
  gint source_fds[1];
  gint target_fds[1] = { 3 };
  gboolean ok;

  if (driver == NULL)
    return FALSE;
  /* DEVICENAME /dev/null:PORT makes vpcd listen on PORT + slot */
  conf = g_strdup_printf ("FRIENDLYNAME \"%s\"\nDEVICENAME /dev/null:%u\nLIBPATH %s\n"
                          "CHANNELID %u\n",
                          FRIENDLY_NAME, pcscd->port, driver, pcscd->port);
  if (g_mkdir (conf_dir, 0700) != 0 || !g_file_set_contents (conf_path, conf, -1, error)) {
    if (error != NULL && *error == NULL)
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", conf_dir,
                   g_strerror (errno));
    return FALSE;
  }
  listen_fd = listen_unix (pcscd->socket_path, error);
  if (listen_fd < 0)
    return FALSE;
  log_fd = open (log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  source_fds[0] = listen_fd;

  envp = g_environ_setenv (envp, "LISTEN_FDS", "1", TRUE);
  envp = g_environ_unsetenv (envp, "LISTEN_FDNAMES");
  /* sd_listen_fds() wants the pid of pcscd itself: the shell's, once it execs */
  g_ptr_array_add (argv, (gpointer) "/bin/sh");
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, (gpointer) "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"");
  g_ptr_array_add (argv, (gpointer) program);
  g_ptr_array_add (argv, (gpointer) "--foreground");
  g_ptr_array_add (argv, (gpointer) "--config");
  g_ptr_array_add (argv, conf_dir);
  if (debug) {
    g_ptr_array_add (argv, (gpointer) "--debug");
    g_ptr_array_add (argv, (gpointer) "--apdu");
  }
  g_ptr_array_add (argv, NULL);
  ok = g_spawn_async_with_pipes_and_fds (
    NULL, (const gchar *const *) argv->pdata, (const gchar *const *) envp,
    G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL, -1, debug ? -1 : log_fd, debug ? -1 : log_fd,
    source_fds, target_fds, 1, &pcscd->pid, NULL, NULL, NULL, error);
  close (listen_fd);
  if (log_fd >= 0)
    close (log_fd);
  return ok;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

/* waits until pcscd lists vpcd's readers */
static gboolean
pcscd_wait_readers (GError **error)
{
  gint64 deadline = g_get_monotonic_time () + STATE_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  LONG rv = SCARD_E_NO_SERVICE;

  while (g_get_monotonic_time () < deadline) {
    LPSTR list = NULL;
    DWORD len = SCARD_AUTOALLOCATE;
    g_autoptr (GPtrArray) ours = g_ptr_array_new_with_free_func (g_free);

    if (waitpid (pcscd->pid, NULL, WNOHANG) == pcscd->pid) {
      g_autofree gchar *log = pcscd_log_tail ();

      g_spawn_close_pid (pcscd->pid);
      pcscd->pid = 0;
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "pcscd exited early:\n%s", log);
      return FALSE;
    }
    if (!pcscd->have_context) {
      rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &pcscd->context);
      pcscd->have_context = rv == SCARD_S_SUCCESS;
    }
    if (pcscd->have_context)
      rv = SCardListReaders (pcscd->context, NULL, (LPSTR) &list, &len);
    if (rv == SCARD_S_SUCCESS) {
      for (const gchar *p = list; p < list + len && *p != '\0'; p += strlen (p) + 1) {
        if (g_str_has_prefix (p, FRIENDLY_NAME " "))
          g_ptr_array_add (ours, g_strdup (p));
      }
      SCardFreeMemory (pcscd->context, list);
    }
    if (ours->len == ESIM_TEST_FAKE_PCSC_SLOTS) {
      /* "NAME 00 00", "NAME 00 01": slot order is name order */
      g_ptr_array_sort (ours, compare_names);
      for (guint i = 0; i < ESIM_TEST_FAKE_PCSC_SLOTS; i++)
        pcscd->readers[i] = g_strdup (g_ptr_array_index (ours, i));
      return TRUE;
    }
    g_usleep (20 * 1000);
  }
  {
    g_autofree gchar *log = pcscd_log_tail ();

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "pcscd did not list the vpcd readers: %s\n%s", pcsc_stringify_error (rv), log);
  }
  return FALSE;
}

/* the directories of test processes that died without cleaning up */
static void
remove_stale_dirs (void)
{
  g_autoptr (GDir) tmp = g_dir_open (g_get_tmp_dir (), 0, NULL);
  const gchar *name;

  while (tmp != NULL && (name = g_dir_read_name (tmp)) != NULL) {
    g_autofree gchar *dir = NULL;
    g_autofree gchar *owner_path = NULL;
    g_autofree gchar *owner = NULL;
    guint64 pid = 0;

    if (!g_str_has_prefix (name, "esim-pcscd-"))
      continue;
    dir = g_build_filename (g_get_tmp_dir (), name, NULL);
    owner_path = g_build_filename (dir, "owner", NULL);
    if (!g_file_get_contents (owner_path, &owner, NULL, NULL)
        || !g_ascii_string_to_unsigned (g_strstrip (owner), 10, 1, G_MAXINT, &pid, NULL))
      continue;
    if (kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
      rm_rf (dir);
  }
}

gboolean
esim_test_fake_pcsc_start (GError **error)
{
  g_autofree gchar *owner_path = NULL;
  g_autofree gchar *owner = NULL;
  const gchar *program;

  if (pcscd != NULL)
    return TRUE;
  program = getenv_required ("ESIM_TEST_PCSCD", error);
  if (program == NULL || getenv_required ("ESIM_TEST_VICC", error) == NULL)
    return FALSE;
  remove_stale_dirs ();
  pcscd = g_new0 (Pcscd, 1);
  atexit (pcscd_stop);
  pcscd->dir = g_dir_make_tmp ("esim-pcscd-XXXXXX", error);
  if (pcscd->dir == NULL) {
    g_clear_pointer (&pcscd, g_free);
    return FALSE;
  }
  /* so that a later process can clean up after a crash */
  owner_path = g_build_filename (pcscd->dir, "owner", NULL);
  owner = g_strdup_printf ("%d", (int) getpid ());
  g_file_set_contents (owner_path, owner, -1, NULL);
  pcscd->socket_path = g_build_filename (pcscd->dir, "pcscd.comm", NULL);
  /* libpcsclite reads it once, at its first call: this one */
  g_setenv ("PCSCLITE_CSOCK_NAME", pcscd->socket_path, TRUE);
  if (!pick_ports (&pcscd->port, error) || !pcscd_spawn (program, error)
      || !pcscd_wait_readers (error)) {
    pcscd_stop ();
    return FALSE;
  }
  return TRUE;
}

const gchar *
esim_test_fake_pcsc_get_reader (guint slot)
{
  g_assert_nonnull (pcscd);
  g_assert_cmpuint (slot, <, ESIM_TEST_FAKE_PCSC_SLOTS);
  return pcscd->readers[slot];
}

/* waits until the slot has a card (or has none) */
static gboolean
wait_for_card (guint slot, gboolean present, GPid vicc, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + STATE_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  SCARD_READERSTATE state
    = { .szReader = pcscd->readers[slot], .dwCurrentState = SCARD_STATE_UNAWARE };

  for (;;) {
    gint64 left = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
    /* short waits, to notice a virtual card that gave up */
    LONG rv = SCardGetStatusChange (pcscd->context, (DWORD) CLAMP (left, 0, 100), &state, 1);

    if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "SCardGetStatusChange: %s",
                   pcsc_stringify_error (rv));
      return FALSE;
    }
    if (rv == SCARD_S_SUCCESS) {
      gboolean has_card = (state.dwEventState & SCARD_STATE_PRESENT) != 0;

      if (has_card == present)
        return TRUE;
      state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
    }
    if (vicc > 0 && waitpid (vicc, NULL, WNOHANG) == vicc) {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                   "esim-vicc gave up before pcscd saw the card");
      return FALSE;
    }
    if (left <= 0) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "pcscd did not see “%s” %s",
                   pcscd->readers[slot], present ? "get a card" : "lose its card");
      return FALSE;
    }
  }
}

EsimTestVicc *
esim_test_vicc_insert (EsimTestSim *sim, guint slot, const gchar *atr_hex, GError **error)
{
  g_autofree gchar *port = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  EsimTestVicc *vicc;
  GPid pid = 0;

  g_return_val_if_fail (slot < ESIM_TEST_FAKE_PCSC_SLOTS, NULL);
  if (!esim_test_fake_pcsc_start (error))
    return NULL;
  if (pcscd->cards[slot] != NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "vpcd slot %u has a card already", slot);
    return NULL;
  }
  /* a card left behind by a transport that is still around goes when its
   * simulated eUICC stops; the new one must not be mistaken for it */
  if (!wait_for_card (slot, FALSE, 0, error)) {
    g_prefix_error (error, "the slot stays occupied: ");
    return NULL;
  }
  port = g_strdup_printf ("%u", pcscd->port + slot);
  g_ptr_array_add (argv, (gpointer) g_getenv ("ESIM_TEST_VICC"));
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, port);
  g_ptr_array_add (argv, (gpointer) "--socket");
  g_ptr_array_add (argv, (gpointer) esim_test_sim_get_socket (sim));
  if (atr_hex != NULL) {
    g_ptr_array_add (argv, (gpointer) "--atr");
    g_ptr_array_add (argv, (gpointer) atr_hex);
  }
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_async (NULL, (gchar **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, child_setup,
                      NULL, &pid, error))
    return NULL;
  if (!wait_for_card (slot, TRUE, pid, error)) {
    kill (pid, SIGTERM);
    reap (pid);
    return NULL;
  }
  vicc = g_new0 (EsimTestVicc, 1);
  vicc->pid = pid;
  vicc->slot = slot;
  pcscd->cards[slot] = vicc;
  return vicc;
}

void
esim_test_vicc_remove (EsimTestVicc *vicc)
{
  g_autoptr (GError) error = NULL;

  if (vicc == NULL)
    return;
  pcscd->cards[vicc->slot] = NULL;
  /* it may have ended already, with a card that vanished */
  kill (vicc->pid, SIGTERM);
  reap (vicc->pid);
  /* the next card in this slot must not meet the state of this one */
  if (!wait_for_card (vicc->slot, FALSE, 0, &error))
    g_critical ("removing the virtual card: %s", error->message);
  g_free (vicc);
}

EsimTransport *
esim_test_fake_pcsc_transport_new (EsimTestSim *sim, GError **error)
{
  EsimTestVicc *vicc = NULL;
  EsimTransport *transport;
  guint slot = 0;

  if (!esim_test_fake_pcsc_start (error))
    return NULL;
  /* a test may hold two cards at once, one per slot */
  while (slot < ESIM_TEST_FAKE_PCSC_SLOTS && pcscd->cards[slot] != NULL)
    slot++;
  if (slot == ESIM_TEST_FAKE_PCSC_SLOTS) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "all %u vpcd slots have a card",
                 ESIM_TEST_FAKE_PCSC_SLOTS);
    return NULL;
  }
  vicc = esim_test_vicc_insert (sim, slot, NULL, error);
  if (vicc == NULL)
    return NULL;
  transport = esim_transport_pcsc_new (esim_test_fake_pcsc_get_reader (slot));
  g_object_set_data_full (G_OBJECT (transport), VICC_DATA_KEY, vicc,
                          (GDestroyNotify) esim_test_vicc_remove);
  return transport;
}

void
esim_test_fake_pcsc_pull_card (EsimTransport *transport)
{
  g_object_set_data (G_OBJECT (transport), VICC_DATA_KEY, NULL);
}
