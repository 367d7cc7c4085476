/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-transport-factory.h"
#include "esim-transport-socket.h"
#ifdef ESIM_TRANSPORT_HAVE_QMI
#include "qmi/esim-transport-qmi.h"
#endif
#ifdef ESIM_TRANSPORT_HAVE_MBIM
#include "mbim/esim-transport-mbim.h"
#endif
#ifdef ESIM_TRANSPORT_HAVE_AT
#include "at/esim-transport-at.h"
#endif
#ifdef ESIM_TRANSPORT_HAVE_PCSC
#include "pcsc/esim-transport-pcsc.h"
#endif

static const gchar *const kinds[] = {
  "socket",
#ifdef ESIM_TRANSPORT_HAVE_QMI
  "qmi",    "qrtr",
#endif
#ifdef ESIM_TRANSPORT_HAVE_MBIM
  "mbim",
#endif
#ifdef ESIM_TRANSPORT_HAVE_AT
  "at",
#endif
#ifdef ESIM_TRANSPORT_HAVE_PCSC
  "pcsc",
#endif
  NULL,
};

const gchar *const *
esim_transport_get_kinds (void)
{
  return kinds;
}

#ifdef ESIM_TRANSPORT_HAVE_QMI
/* test only: $ESIM_QMI_PROXY_PATH names the abstract socket of a fake
 * qmi-proxy (tests/fakes/qmi/); a "%s" in it stands for the device's base
 * name, so that a test can host one fake modem per device */
static void
esim_transport_apply_qmi_proxy_path (EsimTransport *transport, const gchar *device)
{
  const gchar *env = g_getenv ("ESIM_QMI_PROXY_PATH");
  g_autoptr (GString) path = NULL;
  g_autofree gchar *base = NULL;

  if (env == NULL || env[0] == '\0')
    return;
  path = g_string_new (env);
  base = g_path_get_basename (device);
  g_string_replace (path, "%s", base, 0);
  g_debug ("QMI %s through the test proxy %s", device, path->str);
  esim_transport_qmi_set_proxy_path (ESIM_TRANSPORT_QMI (transport), path->str);
}
#endif

/* DEVICE[@SLOT]: the slot is a small decimal number after the last '@' */
static gboolean
esim_transport_split_slot (const gchar *rest, gchar **device, guint *slot, GError **error)
{
  const gchar *at = strrchr (rest, '@');
  guint64 value = 0;

  *slot = 0;
  if (at == NULL) {
    *device = g_strdup (rest);
    return TRUE;
  }
  if (!g_ascii_string_to_unsigned (at + 1, 10, 1, 8, &value, NULL)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not a SIM slot (1 to 8)",
                 at + 1);
    return FALSE;
  }
  *device = g_strndup (rest, (gsize) (at - rest));
  *slot = (guint) value;
  return TRUE;
}

EsimTransport *
esim_transport_new_from_spec (const gchar *spec, GError **error)
{
  g_autofree gchar *kind = NULL;
  g_autofree gchar *device = NULL;
  const gchar *colon = strchr (spec, ':');
  guint slot = 0;

  if (colon == NULL || colon == spec) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "“%s” is not a transport: expected KIND:DEVICE", spec);
    return NULL;
  }
  kind = g_strndup (spec, (gsize) (colon - spec));
  if (g_str_equal (kind, "socket")) {
    if (colon[1] == '\0') {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "socket: needs the path of the socket");
      return NULL;
    }
    return esim_transport_socket_new (colon + 1);
  }
  if (!esim_transport_split_slot (colon + 1, &device, &slot, error))
    return NULL;
#ifdef ESIM_TRANSPORT_HAVE_QMI
  if (g_str_equal (kind, "qmi")) {
    EsimTransport *transport = esim_transport_qmi_new (kind, device, slot);
    esim_transport_apply_qmi_proxy_path (transport, device);
    return transport;
  }
  if (g_str_equal (kind, "qrtr"))
    return esim_transport_qmi_new (kind, device, slot);
#endif
#ifdef ESIM_TRANSPORT_HAVE_MBIM
  if (g_str_equal (kind, "mbim"))
    return esim_transport_mbim_new (device, slot);
#endif
#ifdef ESIM_TRANSPORT_HAVE_AT
  if (g_str_equal (kind, "at"))
    return esim_transport_at_new (device);
#endif
#ifdef ESIM_TRANSPORT_HAVE_PCSC
  if (g_str_equal (kind, "pcsc"))
    return esim_transport_pcsc_new (device[0] != '\0' ? device : NULL);
#endif
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "transport kind “%s” is not supported by this build", kind);
  return NULL;
}
