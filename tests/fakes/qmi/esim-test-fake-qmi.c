/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-test-fake-qmi.h"
#include "qmi/esim-transport-qmi.h"

#define MODEM_KEY "esim-test-fake-qmi-modem"

EsimTransport *
esim_test_fake_qmi_transport_new (EsimTestSim *sim, const gchar *kind, GError **error)
{
  g_autoptr (EsimFakeQmiModem) modem = NULL;
  EsimTransport *transport;

  if (g_strcmp0 (kind, "qmi") != 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 "the fake QMI modem speaks QMUX through a proxy socket; "
                 "“%s” cannot be faked without a QRTR bus in the kernel",
                 kind);
    return NULL;
  }
  modem = esim_fake_qmi_modem_new (esim_test_sim_get_socket (sim));
  if (!esim_fake_qmi_modem_start (modem, error))
    return NULL;
  transport = esim_transport_qmi_new ("qmi", esim_fake_qmi_modem_get_device_path (modem), 0);
  esim_transport_qmi_set_proxy_path (ESIM_TRANSPORT_QMI (transport),
                                     esim_fake_qmi_modem_get_proxy_path (modem));
  /* the transport closes its channels and client on dispose; the fake
   * answers those before it goes */
  g_object_set_data_full (G_OBJECT (transport), MODEM_KEY, g_steal_pointer (&modem),
                          (GDestroyNotify) esim_fake_qmi_modem_retire);
  return transport;
}

EsimFakeQmiModem *
esim_test_fake_qmi_get_modem (EsimTransport *transport)
{
  return g_object_get_data (G_OBJECT (transport), MODEM_KEY);
}
