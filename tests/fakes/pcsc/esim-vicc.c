/*
 * esim-vicc: a virtual smart card for vsmartcard's vpcd that relays to the
 * simulated eUICC.
 *
 * vpcd is a pcscd reader driver that waits on a TCP port for a virtual ICC
 * to connect. Every message, both ways, is a 2-byte big-endian length and
 * that many bytes. From vpcd, one byte is a control: 0x00 power off, 0x01
 * power on, 0x02 reset (none answered), 0x04 "send the ATR" (answered with
 * the ATR); anything longer is a command APDU, answered with the response
 * APDU. vpcd asks for the ATR at every presence poll, so the ATR is kept
 * here and the simulated card is only reset on power on and reset.
 *
 * The simulated eUICC speaks the framing of esim-transport-socket.h. When
 * either side closes, the program ends, and pcscd sees the card removed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <glib.h>

#include "esim-transport-socket.h"

#define VPCD_CTRL_OFF 0x00
#define VPCD_CTRL_ON 0x01
#define VPCD_CTRL_RESET 0x02
#define VPCD_CTRL_ATR 0x04

static gboolean
read_all (int fd, guint8 *buf, gsize len)
{
  gsize done = 0;

  while (done < len) {
    ssize_t n = read (fd, buf + done, len - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    done += (gsize) n;
  }
  return TRUE;
}

static gboolean
write_all (int fd, const guint8 *buf, gsize len)
{
  gsize done = 0;

  while (done < len) {
    ssize_t n = send (fd, buf + done, len - done, MSG_NOSIGNAL);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    done += (gsize) n;
  }
  return TRUE;
}

/* one framed request to the simulated eUICC and the payload of its reply */
static GBytes *
sim_exchange (int sim, guint8 type, const guint8 *payload, gsize len)
{
  g_autoptr (GByteArray) frame = g_byte_array_sized_new ((guint) len + 5);
  guint32 n = (guint32) len + 1;
  guint8 header[5] = { n >> 24, n >> 16, n >> 8, n, type };
  g_autofree guint8 *reply = NULL;
  guint8 reply_header[4];
  guint32 reply_len;

  g_byte_array_append (frame, header, sizeof (header));
  g_byte_array_append (frame, payload, (guint) len);
  if (!write_all (sim, frame->data, frame->len) || !read_all (sim, reply_header, 4))
    return NULL;
  reply_len = ((guint32) reply_header[0] << 24) | ((guint32) reply_header[1] << 16)
              | ((guint32) reply_header[2] << 8) | reply_header[3];
  if (reply_len < 1 || reply_len > ESIM_SOCKET_MAX_FRAME)
    return NULL;
  reply = g_malloc (reply_len);
  if (!read_all (sim, reply, reply_len) || reply[0] != (type | 0x80)) {
    g_printerr ("esim-vicc: unexpected reply 0x%02x from the simulated eUICC\n", reply[0]);
    return NULL;
  }
  return g_bytes_new (reply + 1, reply_len - 1);
}

/* one write per message: a separate length would wait for a delayed ACK */
static gboolean
vpcd_send (int vpcd, GBytes *payload)
{
  gsize len = g_bytes_get_size (payload);
  g_autoptr (GByteArray) msg = g_byte_array_sized_new ((guint) len + 2);
  guint8 header[2] = { len >> 8, len };

  if (len > 0xffff)
    return FALSE;
  g_byte_array_append (msg, header, 2);
  g_byte_array_append (msg, g_bytes_get_data (payload, NULL), (guint) len);
  return write_all (vpcd, msg->data, msg->len);
}

static int
connect_sim (const gchar *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_strlcpy (addr.sun_path, path, sizeof (addr.sun_path));
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof (addr)) != 0) {
    g_printerr ("esim-vicc: cannot reach the simulated eUICC at %s: %s\n", path,
                g_strerror (errno));
    if (fd >= 0)
      close (fd);
    return -1;
  }
  return fd;
}

/* vpcd listens as soon as pcscd has loaded it; allow it a moment */
static int
connect_vpcd (const gchar *host, guint16 port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };

  if (inet_pton (AF_INET, host, &addr.sin_addr) != 1) {
    g_printerr ("esim-vicc: “%s” is not an IPv4 address\n", host);
    return -1;
  }
  for (guint attempt = 0; attempt < 100; attempt++) {
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
      break;
    if (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) == 0) {
      int one = 1;

      /* vpcd waits for every answer: send it at once */
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof (one));
      return fd;
    }
    close (fd);
    g_usleep (50 * 1000);
  }
  g_printerr ("esim-vicc: cannot reach vpcd at %s:%u: %s\n", host, port, g_strerror (errno));
  return -1;
}

static void
quick_ack (int fd)
{
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof (one));
}

/* serves vpcd until one side goes; the simulated card vanishing ends it too */
static void
relay (int vpcd, int sim, GBytes *atr_override)
{
  g_autoptr (GBytes) atr = NULL;

  atr = sim_exchange (sim, ESIM_SOCKET_MSG_RESET, NULL, 0);
  if (atr == NULL)
    return;
  for (;;) {
    struct pollfd fds[2] = { { .fd = vpcd, .events = POLLIN }, { .fd = sim, .events = POLLIN } };
    guint8 header[2];
    g_autofree guint8 *msg = NULL;
    gsize len;

    if (poll (fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    /* the simulated eUICC says nothing unasked: this is it closing */
    if (fds[1].revents != 0)
      return;
    if (!read_all (vpcd, header, 2))
      return;
    len = ((gsize) header[0] << 8) | header[1];
    msg = g_malloc (MAX (len, 1));
    /* vpcd may send the length and the APDU apart, the second held back by
     * Nagle until the first is acknowledged: acknowledge at once (the flag
     * does not stick, so again for every message) */
    quick_ack (vpcd);
    if (!read_all (vpcd, msg, len))
      return;
    if (len == 1) {
      switch (msg[0]) {
      case VPCD_CTRL_ON:
      case VPCD_CTRL_RESET:
        g_clear_pointer (&atr, g_bytes_unref);
        atr = sim_exchange (sim, ESIM_SOCKET_MSG_RESET, NULL, 0);
        if (atr == NULL)
          return;
        break;
      case VPCD_CTRL_ATR:
        if (!vpcd_send (vpcd, atr_override != NULL ? atr_override : atr))
          return;
        break;
      case VPCD_CTRL_OFF:
      default:
        break;
      }
    } else if (len > 1) {
      g_autoptr (GBytes) rapdu = sim_exchange (sim, ESIM_SOCKET_MSG_APDU, msg, len);

      if (rapdu == NULL || !vpcd_send (vpcd, rapdu))
        return;
    }
  }
}

static GBytes *
parse_hex (const gchar *hex)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  for (const gchar *p = hex; *p != '\0';) {
    gint hi, lo;
    guint8 b;

    if (g_ascii_isspace (*p)) {
      p++;
      continue;
    }
    hi = g_ascii_xdigit_value (p[0]);
    lo = p[1] != '\0' ? g_ascii_xdigit_value (p[1]) : -1;
    if (hi < 0 || lo < 0)
      return NULL;
    b = (guint8) (hi << 4 | lo);
    g_byte_array_append (out, &b, 1);
    p += 2;
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

int
main (int argc, char **argv)
{
  g_autofree gchar *host = g_strdup ("127.0.0.1");
  g_autofree gchar *sim_path = NULL;
  g_autofree gchar *atr_hex = NULL;
  gint port = 0;
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "vpcd address (127.0.0.1)", "ADDRESS" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "vpcd port of the reader slot", "PORT" },
    { "socket", 0, 0, G_OPTION_ARG_FILENAME, &sim_path, "socket of the simulated eUICC", "PATH" },
    { "atr", 0, 0, G_OPTION_ARG_STRING, &atr_hex, "present this ATR instead of the card's", "HEX" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- virtual ICC for vpcd");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) atr_override = NULL;
  int sim;
  int vpcd;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("esim-vicc: %s\n", error->message);
    return 2;
  }
  if (sim_path == NULL || port <= 0 || port > 0xffff) {
    g_printerr ("esim-vicc: needs --socket and --port\n");
    return 2;
  }
  if (atr_hex != NULL) {
    atr_override = parse_hex (atr_hex);
    if (atr_override == NULL || g_bytes_get_size (atr_override) < 2) {
      g_printerr ("esim-vicc: “%s” is not an ATR\n", atr_hex);
      return 2;
    }
  }
  signal (SIGPIPE, SIG_IGN);
  sim = connect_sim (sim_path);
  if (sim < 0)
    return 1;
  vpcd = connect_vpcd (host, (guint16) port);
  if (vpcd < 0) {
    close (sim);
    return 1;
  }
  relay (vpcd, sim, atr_override);
  close (vpcd);
  close (sim);
  return 0;
}
