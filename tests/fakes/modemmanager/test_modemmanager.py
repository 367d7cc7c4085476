#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""esimd and ModemManager: the daemon watches a fake ModemManager
(tests/fakes/modemmanager/esim-fake-mm) on the private bus and reaches each
modem's eUICC through real libqmi and the fake QMI modem the fake
ModemManager hosts (ESIM_QMI_PROXY_PATH=%s: the QMI port's name is the
modem's proxy socket).

Uses the integration harness (tests/integration/esimtest.py): every test
has its own bus, polkit mock, SM-DP+, simulated eUICCs and daemon.
"""

import os
import sys
import time

from esimtest import (EID, IF_EUICC, IF_MANAGER, IF_PROFILE, ICCID_SEED1, ICCID_SEED2, ROOT,
                      TIMEOUT, Daemon, EsimTestCase, Proc, Sim, Gio, GLib, iccid, main,
                      name_has_owner, required_program, sim_profile, standard_sim_profiles,
                      standard_smdp_profiles, wait_until, UPP_GENERIC)

MM_NAME = 'org.freedesktop.ModemManager1'
IF_MM_MODEM = 'org.freedesktop.ModemManager1.Modem'
IF_MM_SIM = 'org.freedesktop.ModemManager1.Sim'
CONTROL_NAME = 'org.esimd.Test.FakeModemManager'
CONTROL_PATH = '/org/esimd/Test/FakeModemManager'
CONTROL_IF = 'org.esimd.Test.FakeModemManager'

# short, so that the test of a missing indication is quick; long enough
# that an enable ending on the indication is clearly earlier
REFRESH_TIMEOUT = 4
IMEI = '490154203237518'

# the daemon reaches every fake QMI modem through its own proxy socket
os.environ['ESIM_QMI_PROXY_PATH'] = '%s'


class FakeModemManager:
    """esim-fake-mm on the private bus, driven through its control interface."""

    def __init__(self, bus, tmpdir):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=bus.address)
        env.pop('DBUS_SESSION_BUS_ADDRESS', None)
        self.proc = Proc('esim-fake-mm', [required_program('ESIM_FAKE_MM_PATH')],
                         os.path.join(tmpdir, 'esim-fake-mm.log'), env=env)
        self.conn = bus.connect()
        wait_until(lambda: not self.proc.running() or name_has_owner(self.conn, CONTROL_NAME),
                   message='the fake ModemManager on the bus')
        if not self.proc.running():
            raise RuntimeError('esim-fake-mm failed:\n' + self.proc.tail())

    def _call(self, method, sig=None, args=(), timeout=TIMEOUT):
        reply = self.conn.call_sync(CONTROL_NAME, CONTROL_PATH, CONTROL_IF, method,
                                    GLib.Variant('(' + sig + ')', tuple(args)) if sig else None,
                                    None, Gio.DBusCallFlags.NONE, int(timeout * 1000), None)
        values = reply.unpack() if reply is not None else ()
        return values[0] if len(values) == 1 else None

    def add_modem(self, sim, slot=1, slots=1, eid=EID, imei=IMEI):
        opts = {'slot': GLib.Variant('u', slot), 'slots': GLib.Variant('u', slots),
                'imei': GLib.Variant('s', imei)}
        if eid:
            opts['eid'] = GLib.Variant('s', eid)
        return self._call('AddModem', 'sa{sv}', (sim.socket, opts))

    def remove_modem(self, path):
        self._call('RemoveModem', 'o', (path,))

    def replug_modem(self, path, down_ms=500):
        """Unplugs the modem and plugs it in again; returns its new object path."""
        return self._call('ReplugModem', 'ou', (path, down_ms))

    def restart(self, down_ms=300):
        self._call('Restart', 'u', (down_ms,))

    def modems(self):
        return self._call('GetModems')

    def set_sim_changed(self, path):
        self._call('SetSimChanged', 'o', (path,))

    def drop_refresh_indications(self, path, drop=True):
        self._call('DropRefreshIndications', 'ob', (path, drop))

    def indication_count(self, path):
        return self._call('GetIndicationCount', 'o', (path,))

    def get(self, path, iface, prop):
        reply = self.conn.call_sync(MM_NAME, path, 'org.freedesktop.DBus.Properties', 'Get',
                                    GLib.Variant('(ss)', (iface, prop)), None,
                                    Gio.DBusCallFlags.NONE, int(TIMEOUT * 1000), None)
        return reply.unpack()[0]

    def stop(self):
        self.conn.close_sync(None)
        self.proc.stop()


class ModemManagerCase(EsimTestCase):
    """A fake ModemManager, an SM-DP+ for the notifications, and esimd
    with ModemManager=true and no configured eUICC."""

    static = False

    def setUp(self):
        super().setUp()
        w = self.world
        self.smdp = w.smdp(standard_smdp_profiles())
        self.mm = FakeModemManager(w.bus, w.tmpdir)
        # the test may replace self.mm
        self.addCleanup(lambda: self.mm.stop())
        self.mm_sims = []
        self.addCleanup(self._stop_sims)

    def _stop_sims(self):
        for sim in self.mm_sims:
            sim.stop()

    def sim(self, name, profiles=None):
        sim = Sim(self.world.tmpdir, name, profiles if profiles is not None
                  else standard_sim_profiles(self.world.tmpdir, self.smdp))
        self.mm_sims.append(sim)
        return sim

    def start_daemon(self, static=()):
        w = self.world
        config = {'ModemManager': 'true', 'RefreshTimeoutSeconds': str(REFRESH_TIMEOUT)}
        w.daemon = Daemon(w.tmpdir, w.bus, [], extra_config=config)
        if static:
            with open(w.daemon.config_path, 'a', encoding='utf-8') as f:
                for name, transport in static:
                    f.write(f'\n[euicc:{name}]\nTransport={transport}\n')
        w.daemon.start(self.watch.conn)
        # the daemon stops before the fake ModemManager and its modems
        self.addCleanup(w.daemon.stop)
        return w.daemon

    def daemon_log(self):
        with open(self.world.daemon.log_path, encoding='utf-8', errors='replace') as f:
            return f.read()

    def euicc_of_modem(self, modem, timeout=TIMEOUT):
        """Waits for the Euicc object tied to MODEM, with its profiles read."""
        found = []

        def check():
            for path in self.watch.euiccs():
                if self.watch.get(path, IF_EUICC, 'Modem') == modem and \
                        len(self.watch.get(path, IF_EUICC, 'Profiles')) > 0:
                    found[:] = [path]
                    return True
            return False
        wait_until(check, timeout, f'an eUICC object of {modem}')
        return found[0]

    def wait_no_euicc(self, timeout=TIMEOUT):
        wait_until(lambda: self.watch.euiccs() == [], timeout, 'no eUICC objects')

    def enable_timed(self, euicc, iccid_):
        profile = self.watch.profile(euicc, iccid_)
        start = time.monotonic()
        self.watch.call(profile, IF_PROFILE, 'Enable', timeout=REFRESH_TIMEOUT + TIMEOUT)
        return time.monotonic() - start


class TestModems(ModemManagerCase):

    def test_modem_appears_and_disappears(self):
        """A modem plugged in makes an Euicc object appear, tied to it
        (Modem, SimSlot), with the EID ModemManager reports; unplugged,
        the object and its profiles go."""
        sim = self.sim('sim0')
        self.start_daemon()
        self.assertEqual(self.watch.euiccs(), [])
        since = time.monotonic()
        modem = self.mm.add_modem(sim)
        euicc = self.euicc_of_modem(modem)
        props = self.watch.get_all(euicc, IF_EUICC)
        self.assertEqual(props['Modem'], modem)
        self.assertEqual(props['SimSlot'], 1)
        self.assertEqual(props['Transport'], 'qmi')
        port = self.mm.get(modem, IF_MM_MODEM, 'PrimaryPort')
        self.assertEqual(props['Device'], '/dev/' + port)
        mm_sim = self.mm.get(modem, IF_MM_MODEM, 'Sim')
        self.assertEqual(props['Eid'], self.mm.get(mm_sim, IF_MM_SIM, 'Eid'))
        self.assertEqual(props['Eid'], EID)
        self.assertEqual(set(self.watch.profiles(euicc)), {ICCID_SEED1, ICCID_SEED2})
        wait_until(lambda: euicc in [p for p, _ in self.watch.interfaces_added(since)],
                   message='InterfacesAdded of the eUICC')
        profiles = self.watch.get(euicc, IF_EUICC, 'Profiles')

        since = time.monotonic()
        self.mm.remove_modem(modem)
        self.wait_no_euicc()
        wait_until(lambda: set(profiles + [euicc]) <=
                   {p for p, _ in self.watch.interfaces_removed(since)},
                   message='InterfacesRemoved of the eUICC and its profiles')
        # the IMEI is personal data: never in the log at the default level
        self.assertNotIn(IMEI, self.daemon_log())

    def test_hotplug_keeps_the_path(self):
        """A modem unplugged and plugged in again (a new ModemManager object
        path): its eUICC leaves the bus and comes back by itself, at the same
        object path (an opaque hash of the EID), announced before its
        profiles, with the modem's manufacturer and model as its Label."""
        sim = self.sim('sim0')
        self.start_daemon()
        modem = self.mm.add_modem(sim)
        euicc = self.euicc_of_modem(modem)
        self.assertRegex(euicc, r'^/org/freedesktop/Esim1/Euicc/[0-9a-f]{16}$')
        self.assertNotIn(EID, euicc)
        self.assertEqual(self.watch.get(euicc, IF_EUICC, 'Label'), 'esimd tests fake QMI modem')
        profiles = set(self.watch.profiles(euicc))

        # removed, then added again: no Rescan
        since = time.monotonic()
        self.mm.remove_modem(modem)
        self.wait_no_euicc()
        wait_until(lambda: euicc in [p for p, _ in self.watch.interfaces_removed(since)],
                   message='InterfacesRemoved of the eUICC')
        since = time.monotonic()
        modem2 = self.mm.add_modem(sim)
        self.assertNotEqual(modem2, modem)
        self.assertEqual(self.euicc_of_modem(modem2), euicc)
        self.assertEqual(set(self.watch.profiles(euicc)), profiles)
        # every announcement may not have reached us yet: wait for them,
        # then check their order
        listed = self.watch.get(euicc, IF_EUICC, 'Profiles')
        wait_until(lambda: set(listed + [euicc]) <=
                   {p for p, _ in self.watch.interfaces_added(since)},
                   message='InterfacesAdded of the eUICC and its profiles')
        added = [p for p, _ in self.watch.interfaces_added(since)]
        for p in listed:
            self.assertLess(added.index(euicc), added.index(p), added)

        # unplugged and plugged in again in one go
        since = time.monotonic()
        modem3 = self.mm.replug_modem(modem2, 1000)
        self.assertNotEqual(modem3, modem2)
        self.assertEqual(self.euicc_of_modem(modem3), euicc)
        wait_until(lambda: euicc in [p for p, _ in self.watch.interfaces_removed(since)],
                   message='InterfacesRemoved of the eUICC while unplugged')
        self.assertEqual(self.watch.euiccs(), [euicc])
        self.assertEqual(self.watch.get(euicc, IF_EUICC, 'Modem'), modem3)
        # and it works
        self.assertLess(self.enable_timed(euicc, ICCID_SEED2), REFRESH_TIMEOUT - 1)
        self.assertEqual(self.watch.get(euicc, IF_EUICC, 'EnabledProfile'),
                         self.watch.profile(euicc, ICCID_SEED2))

    def test_two_modems_right_slot(self):
        """Two modems: each eUICC is tied to its own modem and SIM slot and
        shows its own card's profiles."""
        sim_a = self.sim('sim-a', [sim_profile(UPP_GENERIC[0], iccid=iccid(101), state='enabled')])
        sim_b = self.sim('sim-b', [sim_profile(UPP_GENERIC[0], iccid=iccid(202), state='enabled'),
                                   sim_profile(UPP_GENERIC[3], iccid=iccid(203))])
        self.start_daemon()
        modem_a = self.mm.add_modem(sim_a)
        modem_b = self.mm.add_modem(sim_b, slot=2, slots=2)
        euicc_a = self.euicc_of_modem(modem_a)
        euicc_b = self.euicc_of_modem(modem_b)
        self.assertNotEqual(euicc_a, euicc_b)
        self.assertEqual(self.watch.get(euicc_a, IF_EUICC, 'SimSlot'), 1)
        self.assertEqual(self.watch.get(euicc_b, IF_EUICC, 'SimSlot'), 2)
        self.assertEqual(self.mm.get(modem_b, IF_MM_MODEM, 'PrimarySimSlot'), 2)
        self.assertEqual(set(self.watch.profiles(euicc_a)), {iccid(101)})
        self.assertEqual(set(self.watch.profiles(euicc_b)), {iccid(202), iccid(203)})
        self.assertEqual(sorted(self.watch.euiccs()), sorted([euicc_a, euicc_b]))

        # one goes, the other stays
        self.mm.remove_modem(modem_a)
        wait_until(lambda: self.watch.euiccs() == [euicc_b], message='only the second eUICC')

    def test_modemmanager_restart(self):
        """ModemManager restarting: the eUICC goes with its modem and comes
        back with the modem's new object path."""
        sim = self.sim('sim0')
        self.start_daemon()
        modem = self.mm.add_modem(sim)
        euicc = self.euicc_of_modem(modem)
        since = time.monotonic()
        self.mm.restart()
        (new_modem,) = self.mm.modems()
        self.assertNotEqual(new_modem, modem)
        new_euicc = self.euicc_of_modem(new_modem)
        wait_until(lambda: euicc in [p for p, _ in self.watch.interfaces_removed(since)],
                   message='InterfacesRemoved of the old eUICC')
        self.assertEqual(self.watch.euiccs(), [new_euicc])
        self.assertEqual(self.watch.get(new_euicc, IF_EUICC, 'Eid'), EID)
        self.assertEqual(self.watch.get(new_euicc, IF_EUICC, 'SimSlot'), 1)
        # and it works
        self.assertLess(self.enable_timed(new_euicc, ICCID_SEED2), REFRESH_TIMEOUT - 1)

    def test_modemmanager_later(self):
        """ModemManager appearing after the daemon: the eUICC appears too."""
        sim = self.sim('sim0')
        modem = self.mm.add_modem(sim)
        self.mm.proc.stop()
        self.mm = FakeModemManager(self.world.bus, self.world.tmpdir)
        self.start_daemon()
        self.assertEqual(self.watch.euiccs(), [])
        modem = self.mm.add_modem(sim)
        self.euicc_of_modem(modem)

    def test_static_entry_wins(self):
        """A configured eUICC on the modem's QMI port is used as configured,
        and tied to the modem; no second object for the same card."""
        sim = self.sim('sim0')
        modem = self.mm.add_modem(sim)
        port = self.mm.get(modem, IF_MM_MODEM, 'PrimaryPort')
        self.start_daemon(static=[('configured', f'qmi:/dev/{port}')])
        euicc = self.euicc_of_modem(modem)
        self.assertEqual(self.watch.euiccs(), [euicc])
        self.assertIn('its eUICC is the configured configured', self.daemon_log())

    def test_esimctl_list(self):
        """esimctl list shows the eUICC with its modem and slot."""
        sim = self.sim('sim0')
        self.start_daemon()
        modem = self.mm.add_modem(sim)
        self.euicc_of_modem(modem)
        out = self.world.esimctl('list')
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(f'in modem {modem}, SIM slot 1', out.stdout)
        self.assertIn(ICCID_SEED1, out.stdout)
        out = self.world.esimctl('show')
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(modem, out.stdout)


class TestProfileSwitch(ModemManagerCase):

    def setUp(self):
        super().setUp()
        self.card = self.sim('sim0')
        self.start_daemon()
        self.modem = self.mm.add_modem(self.card)
        self.euicc = self.euicc_of_modem(self.modem)

    def test_enable_with_indication(self):
        """The modem's refresh indication ends the wait: Enable returns well
        before RefreshTimeoutSeconds, and the notifications go out."""
        before = self.mm.indication_count(self.modem)
        elapsed = self.enable_timed(self.euicc, ICCID_SEED2)
        self.assertLess(elapsed, REFRESH_TIMEOUT / 2)
        self.assertGreater(self.mm.indication_count(self.modem), before)
        self.assertEqual(self.watch.profile_states(self.euicc),
                         {ICCID_SEED1: 'disabled', ICCID_SEED2: 'enabled'})
        log = self.daemon_log()
        self.assertIn("reported the card's refresh", log)
        self.assertNotIn('no refresh of the card reported', log)
        wait_until(lambda: len(self.smdp.notification_log()) >= 2, message='the notifications')
        sys.stderr.write(f'enable with the indication: {elapsed:.3f} s\n')
        # and back: Disable waits the same way
        profile = self.watch.profile(self.euicc, ICCID_SEED2)
        start = time.monotonic()
        self.watch.call(profile, IF_PROFILE, 'Disable')
        self.assertLess(time.monotonic() - start, REFRESH_TIMEOUT / 2)

    def test_enable_without_indication(self):
        """No indication and no SIM change: Enable still succeeds (the card
        switched) after the timeout, with a warning; the notifications go
        out."""
        self.mm.drop_refresh_indications(self.modem)
        before = self.mm.indication_count(self.modem)
        elapsed = self.enable_timed(self.euicc, ICCID_SEED2)
        self.assertGreaterEqual(elapsed, REFRESH_TIMEOUT - 0.5)
        self.assertLess(elapsed, REFRESH_TIMEOUT + 5)
        self.assertEqual(self.mm.indication_count(self.modem), before)
        self.assertEqual(self.watch.profile_states(self.euicc),
                         {ICCID_SEED1: 'disabled', ICCID_SEED2: 'enabled'})
        self.assertIn('no refresh of the card reported within', self.daemon_log())
        wait_until(lambda: len(self.smdp.notification_log()) >= 2, message='the notifications')
        sys.stderr.write(f'enable without an indication: {elapsed:.3f} s '
                         f'(RefreshTimeoutSeconds={REFRESH_TIMEOUT})\n')

    def test_enable_ends_on_modemmanager_sim_change(self):
        """Without the modem's indication, ModemManager's SIM change of the
        modem ends the wait."""
        self.mm.drop_refresh_indications(self.modem)
        profile = self.watch.profile(self.euicc, ICCID_SEED2)
        start = time.monotonic()
        pending = self.watch.call_async(profile, IF_PROFILE, 'Enable',
                                        timeout=REFRESH_TIMEOUT + TIMEOUT)
        # the card has switched: ModemManager notices the new SIM
        wait_until(lambda: self.card.profiles().get(ICCID_SEED2, {}).get('state') in
                   ('enabled', 1, True), message='the card switched')
        self.mm.set_sim_changed(self.modem)
        wait_until(lambda: pending.done, message='Enable to return')
        self.assertIsNone(pending.error)
        self.assertLess(pending.finished_at - start, REFRESH_TIMEOUT - 0.5)
        sys.stderr.write(f'enable ended by the SIM change: {pending.finished_at - start:.3f} s\n')
        self.assertIn('ModemManager saw the SIM change', self.daemon_log())

    def test_modem_removed_during_enable(self):
        """The modem going while an Enable waits: the Enable ends, the
        object goes after it."""
        self.mm.drop_refresh_indications(self.modem)
        profile = self.watch.profile(self.euicc, ICCID_SEED2)
        pending = self.watch.call_async(profile, IF_PROFILE, 'Enable',
                                        timeout=REFRESH_TIMEOUT + TIMEOUT)
        wait_until(lambda: self.card.profiles().get(ICCID_SEED2, {}).get('state') in
                   ('enabled', 1, True), message='the card switched')
        self.mm.remove_modem(self.modem)
        wait_until(lambda: pending.done, timeout=REFRESH_TIMEOUT + TIMEOUT,
                   message='Enable to return')
        self.wait_no_euicc()


if __name__ == '__main__':
    main()
