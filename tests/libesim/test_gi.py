#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""libesim from Python through GObject introspection (Esim-1.0.typelib),
against the real daemon on the private bus. meson points GI_TYPELIB_PATH
and LD_LIBRARY_PATH at the build directory."""

import os
import re
import subprocess

import esimtest
from esimtest import (ACTION, EID, ERR, ICCID_A, ICCID_SEED1, ICCID_SEED2, MID_A, MID_B,
                      StandardCase, TIMEOUT, wait_until)

import gi
gi.require_version('Esim', '1.0')
from gi.repository import Esim, GLib  # noqa: E402  pylint: disable=wrong-import-position


class Async:
    """The result of an asynchronous libesim call, waited for on the loop."""

    def __init__(self, finish):
        self.finish = finish
        self.res = None

    def __call__(self, _source, res, *_args):
        self.res = res

    def result(self):
        wait_until(lambda: self.res is not None, TIMEOUT, 'an async libesim call')
        return self.finish(self.res)


def call(start, finish, *args):
    """START(*args, None, cb) and FINISH(res): the value or a GLib.Error."""
    a = Async(finish)
    start(*args, None, a)
    return a.result()


class TestEsimGi(StandardCase):

    smdp_extra = ('--latency-ms', '60')
    sim_extra = ('--fault', 'delay:*:3')

    def setUp(self):
        super().setUp()
        self.conn = self.world.bus.connect()
        self.addCleanup(self.conn.close_sync, None)
        self.client = Esim.Client.new_for_connection_sync(self.conn, None)
        self.euiccs = self.client.get_euiccs()
        self.assertEqual(len(self.euiccs), 1)
        self.e = self.euiccs[0]

    def profiles(self):
        return {p.props.iccid: p for p in self.e.get_profiles()}

    def assertEsimError(self, error, code):
        self.assertIsInstance(error, GLib.Error)
        self.assertEqual(error.domain, 'esim-error-quark', error.message)
        self.assertEqual(error.code, int(code), error.message)
        self.assertTrue(error.matches(Esim.error_quark(), code))
        self.assertFalse(error.message.startswith('GDBus.Error'), error.message)

    def test_list(self):
        self.assertEqual(self.e.props.eid, EID)
        self.assertEqual(self.e.props.transport, 'socket')
        self.assertEqual(self.e.props.device, self.sim.socket)
        self.assertEqual(self.client.props.version, os.environ['ESIM_VERSION'])
        self.assertTrue(self.client.props.test_mode)
        profiles = self.profiles()
        self.assertEqual(sorted(profiles), sorted([ICCID_SEED1, ICCID_SEED2]))
        seed1 = profiles[ICCID_SEED1]
        self.assertEqual(seed1.props.state, 'enabled')
        self.assertTrue(seed1.props.enabled)
        self.assertEqual(seed1.props.name, 'Seed One')
        self.assertEqual(seed1.props.nickname, 'home')
        self.assertEqual(seed1.get_icon().get_data()[:4], b'\x89PNG')
        self.assertEqual(self.e.get_enabled_profile(), seed1)
        self.assertEqual(self.client.find_profile(ICCID_SEED2).props.state, 'disabled')

    def test_install_enable_disable_delete(self):
        added = []
        self.e.connect('profile-added', lambda _e, p: added.append(p.props.iccid))
        # the client's signals cover every eUICC, and jobs leaving the bus
        client_added, client_removed, jobs_removed = [], [], []
        self.client.connect('profile-added', lambda _c, p: client_added.append(p.props.iccid))
        self.client.connect('profile-removed',
                            lambda _c, p: client_removed.append(p.props.iccid))
        self.client.connect('job-removed', lambda _c, j: jobs_removed.append(j.props.object_path))
        job = call(self.e.install_profile_async, self.e.install_profile_finish,
                   self.smdp.ac(MID_A), None, Esim.InstallFlags.NONE)
        self.assertEqual(job.props.operation, 'install-profile')
        progress = []
        job.connect('notify::progress', lambda j, _p: progress.append(j.props.progress))
        completed = []
        job.connect('completed', lambda _j, ok: completed.append(ok))
        self.assertTrue(call(job.wait_async, job.wait_finish))
        self.assertTrue(job.props.finished)
        self.assertTrue(job.props.success)
        self.assertEqual(completed, [True])
        self.assertEqual(progress, sorted(progress))
        self.assertTrue([p for p in progress if 0.0 < p < 1.0], progress)
        self.assertEqual(job.props.progress, 1.0)
        profile = job.get_result_profile()
        self.assertEqual(profile.props.iccid, ICCID_A)
        self.assertIn(ICCID_A, added)
        self.assertIn(ICCID_A, client_added)
        self.assertIn(ICCID_A, self.profiles())
        # the daemon drops a finished job after JobLingerSeconds
        wait_until(lambda: job.props.object_path in jobs_removed, message='job-removed')

        states = []
        profile.connect('notify::state', lambda p, _s: states.append(p.props.state))
        self.assertTrue(call(profile.enable_async, profile.enable_finish))
        wait_until(lambda: profile.props.enabled, message='the new profile enabled')
        self.assertIn('enabled', states)
        self.assertEqual(self.sim.profiles()[ICCID_A]['state'], 'enabled')
        self.assertTrue(call(profile.disable_async, profile.disable_finish))
        wait_until(lambda: not profile.props.enabled, message='the new profile disabled')

        removed = []
        self.e.connect('profile-removed', lambda _e, p: removed.append(p.props.iccid))
        self.assertTrue(call(profile.delete_async, profile.delete_finish))
        wait_until(lambda: ICCID_A not in self.profiles(), message='the profile gone')
        self.assertEqual(removed, [ICCID_A])
        self.assertEqual(client_removed, [ICCID_A])
        self.assertNotIn(ICCID_A, self.sim.profiles())

    def test_errors(self):
        # a job's error: an unknown matching ID
        job = call(self.e.install_profile_async, self.e.install_profile_finish,
                   self.smdp.ac('NO-SUCH-ORDER'), None, Esim.InstallFlags.NONE)
        with self.assertRaises(GLib.Error) as cm:
            call(job.wait_async, job.wait_finish)
        self.assertEsimError(cm.exception, Esim.Error.MATCHING_ID_REFUSED)
        self.assertFalse(job.props.success)

        # a method call's error: polkit says no
        self.world.polkit.allow_only([ACTION + 'install-profile'])
        seed2 = self.profiles()[ICCID_SEED2]
        with self.assertRaises(GLib.Error) as cm:
            call(seed2.enable_async, seed2.enable_finish)
        self.assertEsimError(cm.exception, Esim.Error.NOT_AUTHORIZED)
        self.assertEqual(Esim.error_get_kind(cm.exception), Esim.ErrorKind.NOT_AUTHORIZED)
        self.assertEqual(Esim.error_dup_dbus_name(cm.exception), ERR + 'NotAuthorized')
        self.assertEqual(self.sim.profiles()[ICCID_SEED2]['state'], 'disabled')
        with self.assertRaises(GLib.Error) as cm:
            call(self.e.reset_memory_async, self.e.reset_memory_finish,
                 Esim.ResetFlags.OPERATIONAL)
        self.assertEsimError(cm.exception, Esim.Error.NOT_AUTHORIZED)
        self.assertEqual(len(self.sim.profiles()), 2)

    def test_readme_example(self):
        """The Python example of README.md runs as it is written."""
        with open(os.environ['LIBESIM_README'], encoding='utf-8') as f:
            readme = f.read()
        m = re.search(r'```python\n(.*?)```', readme, re.S)
        self.assertIsNotNone(m, 'no Python example in README.md')
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.world.bus.address)
        proc = subprocess.run([esimtest.PYTHON, '-c', m.group(1)], env=env, capture_output=True,
                              text=True, timeout=TIMEOUT, check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(EID, proc.stdout)
        self.assertIn(ICCID_SEED1, proc.stdout)
        self.assertIn('enabled', proc.stdout)


class TestEsimGiConsent(StandardCase):
    """The consent step from Python: preview, metadata, decline, confirm."""

    def setUp(self):
        super().setUp()
        self.conn = self.world.bus.connect()
        self.addCleanup(self.conn.close_sync, None)
        self.client = Esim.Client.new_for_connection_sync(self.conn, None)
        self.e = self.client.get_euiccs()[0]

    def install_confirm(self, mid):
        job = call(self.e.install_profile_async, self.e.install_profile_finish,
                   self.smdp.ac(mid), None, Esim.InstallFlags.CONFIRM)
        wait_until(lambda: job.get_awaiting_confirmation() or job.props.finished, TIMEOUT,
                   'awaiting-confirmation')
        self.assertEqual(job.props.stage, 'awaiting-confirmation')
        return job

    def test_preview(self):
        info = call(self.client.parse_activation_code_async,
                    self.client.parse_activation_code_finish, self.smdp.ac(MID_A, True))
        self.assertEqual(info.unpack()['smdp-address'], self.smdp.address)
        self.assertTrue(info.unpack()['confirmation-code-required'])
        with self.assertRaises(GLib.Error) as cm:
            call(self.client.parse_activation_code_async,
                 self.client.parse_activation_code_finish, 'LPA:1$$nothing')
        self.assertEqual(cm.exception.code, int(Esim.Error.INVALID_ACTIVATION_CODE))
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)

    def test_decline_then_confirm(self):
        job = self.install_confirm(MID_A)
        meta = job.get_profile_metadata().unpack()
        self.assertEqual(meta['iccid'], ICCID_A)
        self.assertEqual(meta['class'], 'operational')
        self.assertEqual(job.props.profile_metadata.unpack()['iccid'], ICCID_A)
        self.assertTrue(call(job.decline_async, job.decline_finish, Esim.DeclineFlags.NONE))
        with self.assertRaises(GLib.Error) as cm:
            call(job.wait_async, job.wait_finish)
        self.assertEqual((cm.exception.domain, cm.exception.code),
                         ('esim-error-quark', int(Esim.Error.DECLINED)), cm.exception.message)
        self.assertEqual(self.smdp.stats()['cancelReasons'], [1])
        self.assertEqual(self.smdp.stats()['orders'][MID_A]['state'], 'available')

        job = self.install_confirm(MID_A)
        self.assertTrue(call(job.confirm_async, job.confirm_finish, None))
        self.assertTrue(call(job.wait_async, job.wait_finish))
        self.assertEqual(job.get_result_profile().props.iccid, ICCID_A)

    def test_reject(self):
        job = self.install_confirm(MID_A)
        self.assertTrue(call(job.decline_async, job.decline_finish, Esim.DeclineFlags.REJECT))
        with self.assertRaises(GLib.Error) as cm:
            call(job.wait_async, job.wait_finish)
        self.assertEqual(cm.exception.code, int(Esim.Error.DECLINED), cm.exception.message)
        self.assertEqual(self.smdp.stats()['cancelReasons'], [0])
        self.assertEqual(self.smdp.stats()['orders'][MID_A]['state'], 'consumed')


class TestEsimGiDiscover(StandardCase):
    """Euicc.discover_async: the SM-DS's events as EsimDiscoveredProfile."""

    smdp_extra = ('--event', f'{EID}={MID_B}')

    def test_discover(self):
        conn = self.world.bus.connect()
        self.addCleanup(conn.close_sync, None)
        client = Esim.Client.new_for_connection_sync(conn, None)
        euicc = client.get_euiccs()[0]
        events = call(euicc.discover_async, euicc.discover_finish, self.smdp.address)
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0].get_smdp_address().lower(), self.smdp.address.lower())
        self.assertEqual(events[0].get_matching_id(), MID_B)
        self.assertIn(MID_B, events[0].get_activation_code())
        # esimctl goes through the same call
        r = self.world.esimctl('discover', '--smds', self.smdp.address)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(events[0].get_activation_code(), r.stdout)


class TestEsimGiErrors(StandardCase):
    """Every error name the daemon registers is an Esim.Error code."""

    def test_every_daemon_error_has_a_code(self):
        src = os.path.join(os.path.dirname(os.environ['LIBESIM_README']), 'src', 'daemon',
                           'esim-dbus-error.c')
        with open(src, encoding='utf-8') as f:
            names = re.findall(r'ESIM_DBUS_ERROR_PREFIX "(\w+)"', f.read())
        self.assertGreater(len(names), 30)
        codes = set()
        for name in names:
            with self.subTest(name=name):
                err = Esim.error_new_for_dbus_error('org.freedesktop.Esim1.Error.' + name, 'm')
                self.assertEqual(err.domain, 'esim-error-quark')
                self.assertEqual(Esim.error_to_dbus_name(err.code),
                                 'org.freedesktop.Esim1.Error.' + name)
                codes.add(err.code)
        self.assertEqual(len(codes), len(names))


class TestEsimGiCancel(StandardCase):
    """EsimJob.cancel_async in the middle of loading the package."""

    sim_extra = ('--fault', 'delay:*:15')

    def test_cancel(self):
        conn = self.world.bus.connect()
        self.addCleanup(conn.close_sync, None)
        client = Esim.Client.new_for_connection_sync(conn, None)
        euicc = client.get_euiccs()[0]
        job = call(euicc.install_profile_async, euicc.install_profile_finish,
                   self.smdp.ac(MID_A), None, Esim.InstallFlags.NONE)
        wait_until(lambda: job.props.progress >= 0.45, 60, 'the download half way')
        self.assertTrue(call(job.cancel_async, job.cancel_finish))
        with self.assertRaises(GLib.Error) as cm:
            call(job.wait_async, job.wait_finish)
        self.assertEqual((cm.exception.domain, cm.exception.code),
                         ('esim-error-quark', int(Esim.Error.CANCELLED)), cm.exception.message)
        self.assertEqual(job.get_error().code, int(Esim.Error.CANCELLED))
        self.assertIsNone(job.get_result_profile())
        self.assertNotIn(ICCID_A, {p.props.iccid for p in euicc.get_profiles()})


class TestEsimGiNoDaemon(esimtest.EsimTestCase):
    """A bus without esimd: the client is made, ping says why it is not there."""

    def test_ping(self):
        conn = self.world.bus.connect()
        self.addCleanup(conn.close_sync, None)
        client = Esim.Client.new_for_connection_sync(conn, None)
        self.assertIsNone(client.props.name_owner)
        self.assertEqual(client.get_euiccs(), [])
        with self.assertRaises(GLib.Error) as cm:
            call(client.ping_async, client.ping_finish)
        self.assertEqual(Esim.error_get_kind(cm.exception), Esim.ErrorKind.UNREACHABLE)
        self.assertEqual(Esim.error_dup_dbus_name(cm.exception),
                         'org.freedesktop.DBus.Error.ServiceUnknown')


if __name__ == '__main__':
    esimtest.main()
