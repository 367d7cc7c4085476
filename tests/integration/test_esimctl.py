#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""esimctl through the daemon: output, JSON, exit codes."""

import json

import esimtest
from esimtest import (IF_EUICC, IF_PROFILE, MID_A, MID_B, ICCID_A, ICCID_B, ICCID_SEED1,
                      ICCID_SEED2, StandardCase, EsimTestCase)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_NOT_AUTHORIZED = 0, 1, 2, 3, 4


class TestEsimctl(StandardCase):

    def run_ok(self, *args):
        r = self.world.esimctl(*args)
        self.assertEqual(r.returncode, EXIT_OK, f'esimctl {args}: {r.stdout}{r.stderr}')
        return r

    def test_list_json(self):
        r = self.run_ok('--json', 'list')
        profiles = json.loads(r.stdout)
        self.assertIsInstance(profiles, list)
        by_iccid = {p['iccid']: p for p in profiles}
        self.assertEqual(set(by_iccid), {ICCID_SEED1, ICCID_SEED2})
        self.assertEqual(by_iccid[ICCID_SEED1]['state'], 'enabled')
        self.assertEqual(by_iccid[ICCID_SEED2]['state'], 'disabled')
        self.assertEqual(by_iccid[ICCID_SEED1]['name'], 'Seed One')
        self.assertEqual(by_iccid[ICCID_SEED1]['nickname'], 'home')

    def test_list_text(self):
        r = self.run_ok('list')
        self.assertIn(ICCID_SEED1, r.stdout)
        self.assertIn(ICCID_SEED2, r.stdout)
        self.assertIn('Seed One', r.stdout)

    def test_install_enable_list(self):
        c = self.watch
        r = self.run_ok('install', self.smdp.ac(MID_A))
        self.assertIn(ICCID_A, r.stdout)
        self.assertIn(ICCID_A, self.sim.profiles())
        self.assertIn(ICCID_A, c.profiles(self.euicc))
        self.run_ok('enable', ICCID_A)
        self.assertEqual(self.sim.profiles()[ICCID_A]['state'], 'enabled')
        self.assertEqual(c.get(c.profile(self.euicc, ICCID_A), IF_PROFILE, 'State'), 'enabled')
        states = {p['iccid']: p['state'] for p in json.loads(self.run_ok('--json', 'list').stdout)}
        self.assertEqual(states, {ICCID_SEED1: 'disabled', ICCID_SEED2: 'disabled',
                                  ICCID_A: 'enabled'})

    def test_install_json(self):
        r = self.run_ok('--json', 'install', self.smdp.ac(MID_B))
        self.assertEqual(json.loads(r.stdout)['iccid'], ICCID_B)

    def test_nickname_disable_delete(self):
        c = self.watch
        self.run_ok('nickname', ICCID_SEED2, 'Roaming')
        self.assertEqual(c.get(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE, 'Nickname'),
                         'Roaming')
        self.run_ok('disable', ICCID_SEED1)
        self.assertEqual(self.sim.profiles()[ICCID_SEED1]['state'], 'disabled')
        self.run_ok('delete', ICCID_SEED2)
        self.assertNotIn(ICCID_SEED2, self.sim.profiles())
        self.run_ok('set-default-smdp', self.smdp.address)
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'DefaultSmdpAddress'), self.smdp.address)

    def test_operation_failed_exit_1(self):
        r = self.world.esimctl('delete', ICCID_SEED1)          # enabled
        self.assertEqual(r.returncode, EXIT_FAILED, r.stdout + r.stderr)
        self.assertTrue(r.stderr.strip())
        # enabling the enabled profile is no failure (idempotent)
        r = self.world.esimctl('enable', ICCID_SEED1)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.world.esimctl('install', self.smdp.ac('NOT-IN-CATALOG'))
        self.assertEqual(r.returncode, EXIT_FAILED, r.stdout + r.stderr)
        r = self.world.esimctl('enable', esimtest.iccid(99))   # no such profile
        self.assertEqual(r.returncode, EXIT_FAILED, r.stdout + r.stderr)
        self.assertEqual(set(self.sim.profiles()), {ICCID_SEED1, ICCID_SEED2})

    def test_usage_exit_2(self):
        for args in ((), ('frobnicate',), ('enable',), ('--no-such-option', 'list'),
                     ('nickname', ICCID_SEED2)):
            with self.subTest(args=args):
                r = self.world.esimctl(*args)
                self.assertEqual(r.returncode, EXIT_USAGE, r.stdout + r.stderr)

    def test_not_authorized_exit_4(self):
        self.world.polkit.deny_all()
        r = self.world.esimctl('enable', ICCID_SEED2)
        self.assertEqual(r.returncode, EXIT_NOT_AUTHORIZED, r.stdout + r.stderr)
        r = self.world.esimctl('install', self.smdp.ac(MID_A))
        self.assertEqual(r.returncode, EXIT_NOT_AUTHORIZED, r.stdout + r.stderr)
        self.assertEqual(self.sim.profiles()[ICCID_SEED2]['state'], 'disabled')
        # reading still works
        self.assertEqual(self.world.esimctl('--json', 'list').returncode, EXIT_OK)


class TestEsimctlNoDaemon(EsimTestCase):

    def test_daemon_unreachable_exit_3(self):
        # a bus without esimd, and no bus at all
        r = self.world.esimctl('list')
        self.assertEqual(r.returncode, EXIT_UNREACHABLE, r.stdout + r.stderr)
        r = self.world.esimctl('list', bus=False)
        self.assertEqual(r.returncode, EXIT_UNREACHABLE, r.stdout + r.stderr)


if __name__ == '__main__':
    esimtest.main()
