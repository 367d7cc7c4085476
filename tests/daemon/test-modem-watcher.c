/*
 * The parts of the ModemManager watcher that need no bus: the device info
 * from ModemManager's equipment identifier (the watcher itself is tested
 * against the fake ModemManager, tests/fakes/modemmanager/).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libmm-glib.h>

#include "esim-download.h"
#include "esim-modem-watcher.h"

static void
test_device_info_imei (void)
{
  static const guint8 tac[] = { 0x94, 0x10, 0x45, 0x02 };
  static const guint8 imei[] = { 0x94, 0x10, 0x45, 0x02, 0x23, 0x73, 0x15, 0xF8 };
  EsimDeviceInfo device;

  g_assert_true (esim_modem_watcher_device_info_from_imei ("490154203237518", &device));
  g_assert_cmpmem (device.tac, sizeof (device.tac), tac, sizeof (tac));
  g_assert_true (device.has_imei);
  g_assert_cmpmem (device.imei, sizeof (device.imei), imei, sizeof (imei));
  /* the releases stay those of the generic host */
  g_assert_cmpuint (device.eutran_release[0], >, 0);
}

static void
test_device_info_other (void)
{
  static const guint8 tac[] = { 0x94, 0x10, 0x45, 0x02 };
  EsimDeviceInfo device;

  /* IMEISV: the TAC, but no IMEI */
  g_assert_true (esim_modem_watcher_device_info_from_imei ("4901542032375101", &device));
  g_assert_cmpmem (device.tac, sizeof (device.tac), tac, sizeof (tac));
  g_assert_false (device.has_imei);
  /* an MEID or ESN has no TAC */
  g_assert_false (esim_modem_watcher_device_info_from_imei ("A1000049A1B2C3", &device));
  g_assert_false (device.has_imei);
  g_assert_false (esim_modem_watcher_device_info_from_imei ("", &device));
  g_assert_false (esim_modem_watcher_device_info_from_imei (NULL, &device));
}

static void
test_device_info_capabilities (void)
{
  static const guint8 default_tac[] = { 0x53, 0x92, 0x60, 0x11 };
  static const guint8 none[3] = { 0 };
  EsimDeviceInfo device;

  /* no modem: a real device's TAC, LTE only */
  esim_device_info_init_default (&device);
  g_assert_cmpmem (device.tac, sizeof (device.tac), default_tac, sizeof (default_tac));
  g_assert_false (device.has_imei);
  g_assert_cmpmem (device.gsm_release, 3, none, 3);
  g_assert_cmpmem (device.utran_release, 3, none, 3);
  g_assert_cmpuint (device.eutran_release[0], ==, 15);

  esim_modem_watcher_device_info_set_capabilities (&device, MM_MODEM_CAPABILITY_GSM_UMTS
                                                              | MM_MODEM_CAPABILITY_LTE);
  g_assert_cmpuint (device.gsm_release[0], ==, 8);
  g_assert_cmpuint (device.utran_release[0], ==, 8);
  g_assert_cmpuint (device.eutran_release[0], ==, 15);
  /* a 3G-only modem claims no LTE */
  esim_modem_watcher_device_info_set_capabilities (&device, MM_MODEM_CAPABILITY_GSM_UMTS);
  g_assert_cmpmem (device.eutran_release, 3, none, 3);
  /* a modem that says nothing useful changes nothing */
  esim_modem_watcher_device_info_set_capabilities (&device, MM_MODEM_CAPABILITY_NONE);
  g_assert_cmpuint (device.gsm_release[0], ==, 8);

  g_assert_true (esim_device_info_set_tac (&device, "86012345", NULL));
  g_assert_cmpuint (device.tac[0], ==, 0x68);
  g_assert_cmpuint (device.tac[3], ==, 0x54);
  g_assert_false (esim_device_info_set_tac (&device, "8601234", NULL));
  g_assert_false (esim_device_info_set_tac (&device, "8601234x", NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/daemon/modem-watcher/device-info/imei", test_device_info_imei);
  g_test_add_func ("/daemon/modem-watcher/device-info/other", test_device_info_other);
  g_test_add_func ("/daemon/modem-watcher/device-info/capabilities", test_device_info_capabilities);
  return g_test_run ();
}
