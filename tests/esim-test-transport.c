/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-test-transport.h"
#include "esim-transport-socket.h"

#ifdef ESIM_TEST_HAVE_FAKE_QMI
#include "esim-test-fake-qmi.h"
#endif
#ifdef ESIM_TEST_HAVE_FAKE_MBIM
#include "esim-test-fake-mbim.h"
#endif
#ifdef ESIM_TEST_HAVE_FAKE_AT
#include "esim-test-fake-at.h"
#endif
#ifdef ESIM_TEST_HAVE_FAKE_PCSC
#include "esim-test-fake-pcsc.h"
#endif

const gchar *
esim_test_transport_kind (void)
{
  const gchar *kind = g_getenv ("ESIM_TEST_TRANSPORT");

  return kind != NULL && kind[0] != '\0' ? kind : "socket";
}

EsimTransport *
esim_test_transport_new (EsimTestSim *sim, GError **error)
{
  const gchar *kind = esim_test_transport_kind ();

  if (g_str_equal (kind, "socket"))
    return esim_transport_socket_new (esim_test_sim_get_socket (sim));
#ifdef ESIM_TEST_HAVE_FAKE_QMI
  if (g_str_equal (kind, "qmi") || g_str_equal (kind, "qrtr"))
    return esim_test_fake_qmi_transport_new (sim, kind, error);
#endif
#ifdef ESIM_TEST_HAVE_FAKE_MBIM
  if (g_str_equal (kind, "mbim"))
    return esim_test_fake_mbim_transport_new (sim, error);
#endif
#ifdef ESIM_TEST_HAVE_FAKE_AT
  if (g_str_equal (kind, "at"))
    return esim_test_fake_at_transport_new (sim, error);
#endif
#ifdef ESIM_TEST_HAVE_FAKE_PCSC
  if (g_str_equal (kind, "pcsc"))
    return esim_test_fake_pcsc_transport_new (sim, error);
#endif
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "transport “%s” is not available in this build", kind);
  return NULL;
}
