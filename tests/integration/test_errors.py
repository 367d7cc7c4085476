#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bad input through D-Bus: each answered with its specific error, the card untouched."""

import esimtest
from esimtest import (ICCID_A, ERR, IF_EUICC, IF_JOB, IF_MANAGER, IF_PROFILE, ROOT, MID_A, MID_DUP,
                      ICCID_SEED1, ICCID_SEED2, UPP_GENERIC, EsimTestCase, StandardCase,
                      sim_profile, iccid, standard_smdp_profiles, wait_until)

UNKNOWN = ('org.freedesktop.DBus.Error.UnknownObject', 'org.freedesktop.DBus.Error.UnknownMethod',
           'org.freedesktop.DBus.Error.UnknownInterface')

MALFORMED_CODES = [
    'garbage',
    'LPA:2$smdp.example.com$ABC',
    '2$smdp.example.com$ABC',
    'LPA:smdp.example.com$ABC',
    'LPA:1$smdp.example.com',
    'LPA:1$$ABC',
    'LPA:1$smdp example.com$ABC',
    'LPA:1$https://smdp.example.com$ABC',
    'LPA:1$smdp.example.com:65536$ABC',
    'LPA:1$smdp.example.com$A\tBC',
    'LPA:1$smdp.example.com$ABC$1..2',
    'LPA:1$smdp.example.com$ABC$$2',
    'LPA:1$a.com$B$1.2$1$extra',
    'LPA:1$smdp.example.com$' + 'A' * 300,
]


class TestBadInput(StandardCase):

    def assertCardUntouched(self):
        self.assertEqual(set(self.sim.profiles()), {ICCID_SEED1, ICCID_SEED2})
        self.assertEqual(set(self.watch.profiles(self.euicc)), {ICCID_SEED1, ICCID_SEED2})

    def test_malformed_activation_codes(self):
        c = self.watch
        for code in MALFORMED_CODES:
            with self.subTest(code=code):
                self.assertEqual(c.install_error(self.euicc, code), ERR + 'InvalidActivationCode')
        # nothing reached the SM-DP+ or the card
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)
        self.assertCardUntouched()

    def test_bad_install_options(self):
        c = self.watch
        err = c.install_error(self.euicc, self.smdp.ac(MID_A),
                              options={'enable': esimtest.GLib.Variant('s', 'yes')})
        self.assertEqual(err, ERR + 'InvalidArgument')

    def test_unknown_objects(self):
        c = self.watch
        cases = [
            ('/org/freedesktop/Esim1/Euicc/99', IF_EUICC, 'ProcessNotifications', None, ()),
            ('/org/freedesktop/Esim1/Euicc/99', IF_EUICC, 'InstallProfile', 'ssa{sv}',
             (self.smdp.ac(MID_A), '', {})),
            ('/org/freedesktop/Esim1/Profile/99', IF_PROFILE, 'Enable', None, ()),
            ('/org/freedesktop/Esim1/Profile/99', IF_PROFILE, 'Delete', None, ()),
            ('/org/freedesktop/Esim1/Job/99', IF_JOB, 'Cancel', None, ()),
            ('/org/freedesktop/Esim1/Nothing', IF_MANAGER, 'Rescan', None, ()),
            # an existing object, the wrong interface
            (self.euicc, IF_PROFILE, 'Enable', None, ()),
            (ROOT, IF_EUICC, 'ResetMemory', 'as', (['operational'],)),
            # a method nobody has
            (self.euicc, IF_EUICC, 'FormatCard', None, ()),
        ]
        for path, iface, method, sig, args in cases:
            with self.subTest(path=path, method=method):
                e = c.call_error(path, iface, method, sig, args)
                self.assertIn(e.name, UNKNOWN, e.message)
        for path, iface, prop in (('/org/freedesktop/Esim1/Profile/99', IF_PROFILE, 'Iccid'),
                                  ('/org/freedesktop/Esim1/Euicc/99', IF_EUICC, 'Eid'),
                                  (self.euicc, IF_EUICC, 'NoSuchProperty')):
            with self.subTest(path=path, prop=prop):
                e = c.call_error(path, 'org.freedesktop.DBus.Properties', 'Get', 'ss', (iface, prop))
                self.assertIn(e.name, UNKNOWN + ('org.freedesktop.DBus.Error.InvalidArgs',),
                              e.message)
        self.assertCardUntouched()

    def test_wrong_signature(self):
        c = self.watch
        p1 = c.profile(self.euicc, ICCID_SEED1)
        e = c.call_error(p1, IF_PROFILE, 'SetNickname', 'u', (3,))
        self.assertIn(e.name, ('org.freedesktop.DBus.Error.InvalidArgs',
                               'org.freedesktop.DBus.Error.UnknownMethod'))
        e = c.call_error(self.euicc, IF_EUICC, 'InstallProfile', 's', ('x',))
        self.assertIn(e.name, ('org.freedesktop.DBus.Error.InvalidArgs',
                               'org.freedesktop.DBus.Error.UnknownMethod'))
        # properties are read-only
        e = c.call_error(p1, 'org.freedesktop.DBus.Properties', 'Set', 'ssv',
                         (IF_PROFILE, 'Nickname', esimtest.GLib.Variant('s', 'x')))
        self.assertTrue(e.name.startswith('org.freedesktop.DBus.Error.'), e.name)
        self.assertEqual(c.get(p1, IF_PROFILE, 'Nickname'), 'home')

    def test_wrong_states(self):
        c = self.watch
        p1 = c.profile(self.euicc, ICCID_SEED1)   # enabled
        p2 = c.profile(self.euicc, ICCID_SEED2)   # disabled
        self.assertDBusError(ERR + 'ProfileNotDisabled', c.call, p1, IF_PROFILE, 'Delete')
        # enabling the enabled profile and disabling a disabled one are no errors
        # (idempotent for fleets; test_jobs.TestIdempotent)
        self.assertIsNone(c.call(p1, IF_PROFILE, 'Enable'))
        self.assertIsNone(c.call(p2, IF_PROFILE, 'Disable'))
        self.assertEqual(c.profile_states(self.euicc),
                         {ICCID_SEED1: 'enabled', ICCID_SEED2: 'disabled'})
        self.assertCardUntouched()

    def test_bad_arguments(self):
        c = self.watch
        p2 = c.profile(self.euicc, ICCID_SEED2)
        self.assertDBusError(ERR + 'InvalidArgument', c.call, p2, IF_PROFILE, 'SetNickname', 's',
                             ('n' * 65,))
        self.assertDBusError(ERR + 'InvalidArgument', c.call, p2, IF_PROFILE, 'SetNickname', 's',
                             ('ü' * 33,))   # 66 bytes
        self.assertEqual(c.get(p2, IF_PROFILE, 'Nickname'), '')
        for address in ('not an address', 'https://smdp.example.com', 'smdp.example.com:0',
                        'a' * 300):
            with self.subTest(address=address):
                self.assertDBusError(ERR + 'InvalidArgument', c.call, self.euicc, IF_EUICC,
                                     'SetDefaultSmdpAddress', 's', (address,))
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'DefaultSmdpAddress'), '')
        self.assertDBusError(ERR + 'InvalidArgument', c.call, self.euicc, IF_EUICC, 'Discover',
                             's', ('not an address',))

    def test_iccid_already_installed(self):
        c = self.watch
        self.assertEqual(c.install_error(self.euicc, self.smdp.ac(MID_DUP)),
                         ERR + 'IccidAlreadyInstalled')
        self.assertCardUntouched()

    def test_unknown_matching_id(self):
        c = self.watch
        self.assertEqual(c.install_error(self.euicc, self.smdp.ac('NOT-IN-CATALOG')),
                         ERR + 'MatchingIdRefused')
        self.assertCardUntouched()

    def test_server_unreachable(self):
        c = self.watch
        self.assertEqual(c.install_error(self.euicc, f'LPA:1$127.0.0.1:1${MID_A}'),
                         ERR + 'ServerUnreachable')
        self.assertCardUntouched()

    def test_install_with_nothing_default(self):
        # no default SM-DP+ on the card: an empty code cannot work
        c = self.watch
        err = c.install_error(self.euicc, '')
        self.assertIn(err, (ERR + 'InvalidArgument', ERR + 'InvalidActivationCode',
                            ERR + 'NotSupported', ERR + 'Failed'))
        self.assertCardUntouched()


class TestUntrustedServer(EsimTestCase):

    def test_server_untrusted(self):
        smdp = self.world.smdp(standard_smdp_profiles(), ('--tls-mode', 'unknown-ci'))
        sim = self.world.sim()
        self.world.start_daemon()
        c = self.watch
        euicc = c.euicc_for(sim)
        self.assertEqual(c.install_error(euicc, smdp.ac(MID_A)), ERR + 'ServerUnknownRoot')
        self.assertEqual(sim.profiles(), {})

    def test_test_ci_not_trusted_outside_test_mode(self):
        smdp = self.world.smdp(standard_smdp_profiles())
        sim = self.world.sim()
        self.world.start_daemon(test_mode=False)
        c = self.watch
        euicc = c.euicc_for(sim)
        self.assertEqual(c.install_error(euicc, smdp.ac(MID_A)), ERR + 'ServerUnknownRoot')
        self.assertEqual(smdp.stats().get('requestsTotal', 0), 0)


class TestPolicyRules(EsimTestCase):
    """Profile policy rules: PPR1 (no disable), PPR2 (no delete)."""

    def test_ppr(self):
        smdp = self.world.smdp()
        # the card's RAT allows PPR1 and PPR2 for every operator
        sim = self.world.sim([
            sim_profile(UPP_GENERIC[0], iccid=iccid(30), state='enabled', ppr='1',
                        mccmnc='00101', notify=smdp.address),
            sim_profile(UPP_GENERIC[1], iccid=iccid(31), ppr='2', mccmnc='00101',
                        notify=smdp.address),
            sim_profile(UPP_GENERIC[2], iccid=iccid(32), notify=smdp.address),
        ], ('--rat', '12'))
        self.world.start_daemon()
        c = self.watch
        euicc = c.euicc_for(sim)
        p30 = c.profile(euicc, iccid(30))
        p31 = c.profile(euicc, iccid(31))
        p32 = c.profile(euicc, iccid(32))
        self.assertEqual(c.get(p30, IF_PROFILE, 'PolicyRules'), ['ppr1'])
        self.assertEqual(c.get(p31, IF_PROFILE, 'PolicyRules'), ['ppr2'])
        self.assertEqual(c.get(p32, IF_PROFILE, 'PolicyRules'), [])
        e = self.assertDBusError(ERR + 'DisallowedByPolicy', c.call, p30, IF_PROFILE, 'Disable')
        self.assertTrue(e.message)
        # enabling another one would disable the PPR1 profile
        self.assertDBusError(ERR + 'DisallowedByPolicy', c.call, p32, IF_PROFILE, 'Enable')
        self.assertDBusError(ERR + 'DisallowedByPolicy', c.call, p31, IF_PROFILE, 'Delete')
        self.assertEqual(c.profile_states(euicc),
                         {iccid(30): 'enabled', iccid(31): 'disabled', iccid(32): 'disabled'})

        self.assertEqual(set(sim.profiles()), {iccid(30), iccid(31), iccid(32)})
        # the unrestricted one can go
        c.call(p32, IF_PROFILE, 'Delete')
        self.assertEqual(set(sim.profiles()), {iccid(30), iccid(31)})
        wait_until(lambda: c.get(euicc, IF_EUICC, 'PendingNotifications') == 0,
                   message='the delete notification sent')

    def test_install_then_enable_refused(self):
        smdp = self.world.smdp(standard_smdp_profiles())
        sim = self.world.sim([
            sim_profile(UPP_GENERIC[0], iccid=iccid(30), state='enabled', ppr='1',
                        mccmnc='00101', notify=smdp.address),
        ], ('--rat', '1'))
        self.world.start_daemon()
        c = self.watch
        euicc = c.euicc_for(sim)
        # the download succeeds, enabling it would disable the PPR1 profile
        job = c.install(euicc, smdp.ac(MID_A), options={'enable': True})
        ok, name, msg, result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'DisallowedByPolicy')
        self.assertIn('installed, but enabling failed', msg)
        # the job still names the profile that now exists
        self.assertRegex(result, r'^/org/freedesktop/Esim1/Profile/\d+$')
        self.assertEqual(c.get(job, IF_JOB, 'Result'), result)
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_A)
        self.assertEqual(c.get(result, IF_PROFILE, 'State'), 'disabled')
        self.assertEqual(c.profile_states(euicc), {iccid(30): 'enabled', ICCID_A: 'disabled'})


if __name__ == '__main__':
    esimtest.main()
