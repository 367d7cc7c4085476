#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Quirks of codes and identities: matching IDs beyond SGP.22's alphabet,
SM-DS event IDs outside the activation-code grammar, every SM-DP+ status
code and ES10 result reaching the caller as its own error, the User-Agent
and deviceInfo real servers expect, an AuthenticateServer without a
needless STORE DATA block."""

import json
import os

import esimtest
from esimtest import (ERR, EID, IF_EUICC, IF_PROFILE, ICCID_A, ICCID_B, ICCID_SEED1, ICCID_SEED2,
                      MID_A, UPP_A, UPP_B, EsimTestCase, StandardCase, smdp_profile,
                      standard_sim_profiles, standard_smdp_profiles)

# what operators really put in activation codes: lower case, '_', '.', '+', '/'
MID_LOWER = 'lpa-7f3a_b.c+d/e'
MID_SPACE = 'Ab 12'
# an SM-DS event ID no activation code can carry
EVENT_ID = 'evt$1 two'


class TestMatchingIds(EsimTestCase):
    """Matching IDs as real activation codes have them, downloaded end to end."""

    def setUp(self):
        super().setUp()
        self.smdp = self.world.smdp([smdp_profile(MID_LOWER, UPP_A, name='Lower'),
                                     smdp_profile(MID_SPACE, UPP_B, name='Space')])
        self.sim = self.world.sim(standard_sim_profiles(self.world.tmpdir, self.smdp))
        self.world.start_daemon()
        self.euicc = self.watch.euicc_for(self.sim)

    def test_lower_case_and_other_characters(self):
        c = self.watch
        for mid, iccid in ((MID_LOWER, ICCID_A), (MID_SPACE, ICCID_B)):
            with self.subTest(matching_id=mid):
                result = c.install_ok(self.euicc, self.smdp.ac(mid))
                self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), iccid)
                # the SM-DP+ saw the matching ID exactly as written
                self.assertEqual(self.smdp.stats()['orders'][mid]['state'], 'consumed')

    def test_still_refused(self):
        c = self.watch
        for code in (self.smdp.ac('A\x01B'), self.smdp.ac('x' * 256), self.smdp.ac('AB $$0')):
            with self.subTest(code=code[:40]):
                self.assertEqual(c.install_error(self.euicc, code), ERR + 'InvalidActivationCode')
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)


class TestEventIds(EsimTestCase):
    """An SM-DS event whose ID is no activation-code matching ID still downloads."""

    def setUp(self):
        super().setUp()
        self.smdp = self.world.smdp([smdp_profile(EVENT_ID, UPP_A, name='From Event')],
                                    ('--event', f'{EID}={EVENT_ID}'))
        self.sim = self.world.sim(standard_sim_profiles(self.world.tmpdir, self.smdp))
        self.world.start_daemon()
        self.euicc = self.watch.euicc_for(self.sim)

    def test_event_id_as_given(self):
        c = self.watch
        events = c.call(self.euicc, IF_EUICC, 'Discover', 's', (self.smdp.address,))
        self.assertEqual(len(events), 1, events)
        address, mid, code = events[0]
        self.assertEqual(mid, EVENT_ID)
        # no activation code that would parse into another matching ID
        self.assertEqual(code, '')
        result = c.install_ok(self.euicc, '', options={
            'smdp-address': esimtest.GLib.Variant('s', address),
            'matching-id': esimtest.GLib.Variant('s', mid)})
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_A)
        self.assertEqual(self.smdp.stats()['orders'][EVENT_ID]['state'], 'consumed')

    def test_event_id_refused_only_when_absurd(self):
        c = self.watch
        for mid in ('', 'a\nb', 'e' * 256):
            with self.subTest(matching_id=mid[:20]):
                self.assertEqual(c.install_error(self.euicc, '', options={
                    'smdp-address': esimtest.GLib.Variant('s', self.smdp.address),
                    'matching-id': esimtest.GLib.Variant('s', mid)}), ERR + 'InvalidArgument')
        self.assertEqual(self.smdp.stats()['requests'].get('es9plus/initiateAuthentication', 0), 0)


# (function, subject/reason, D-Bus error, words of the message)
STATUS_CASES = [
    ('authenticateClient', '8.8.5/4.1', 'OrderExpired', 'expired'),
    ('authenticateClient', '8.8.5/4.10', 'OrderExpired', 'expired'),
    ('getBoundProfilePackage', '8.8.5/6.4', 'DownloadRetriesExceeded', 'tried too often'),
    ('authenticateClient', '8.1/4.8', 'InsufficientMemory', 'enough free memory'),
    ('initiateAuthentication', '8.8.4/3.7', 'ServerIncompatible', 'certificate'),
    ('authenticateClient', '8.11.1/3.9', 'ServerIncompatible', 'does not trust'),
    ('authenticateClient', '8.10.1/3.9', 'SessionExpired', 'session'),
    ('authenticateClient', '8.2.1/3.9', 'MatchingIdRefused', 'does not know this profile'),
    ('authenticateClient', '8.1.1/3.8', 'MatchingIdRefused', 'another eUICC'),
    ('initiateAuthentication', '8.8.3/3.1', 'NotSupported', 'version'),
]


class TestStatusCodes(EsimTestCase):
    """Each SM-DP+ subject/reason code reaches the caller as its own error."""

    def test_status_codes(self):
        smdps = [self.world.smdp(standard_smdp_profiles(), ('--fault', f'status:{func}:{code}'))
                 for func, code, _name, _words in STATUS_CASES]
        sim = self.world.sim(standard_sim_profiles(self.world.tmpdir, smdps[0]))
        self.world.start_daemon()
        euicc = self.watch.euicc_for(sim)
        for smdp, (func, code, name, words) in zip(smdps, STATUS_CASES):
            with self.subTest(function=func, code=code):
                _job, (ok, error, message, _result) = self.watch.install_and_wait(
                    euicc, smdp.ac(MID_A))
                self.assertFalse(ok)
                self.assertEqual(error, ERR + name, message)
                subject, reason = code.split('/')
                self.assertIn(f'subject {subject}, reason {reason}', message)
                self.assertIn(words, message)
                self.assertEqual(smdp.stats()['faultsInjected'], 1)
        self.assertEqual(set(sim.profiles()), {ICCID_SEED1, ICCID_SEED2})


class TestCardResults(StandardCase):
    """An ES10 result code reaches the caller as its own error."""

    sim_extra = ('--fault', 'result:EnableProfile:5')

    def test_cat_busy_on_enable(self):
        c = self.watch
        p2 = c.profile(self.euicc, ICCID_SEED2)
        e = self.assertDBusError(ERR + 'CardBusy', c.call, p2, IF_PROFILE, 'Enable')
        self.assertIn('busy', e.message)
        self.assertIn('result 5', e.message)
        self.assertEqual(c.profile_states(self.euicc),
                         {ICCID_SEED1: 'enabled', ICCID_SEED2: 'disabled'})


TAC = '86012345'
TAC_BCD = '68103254'   # TS 24.008 digit order, as SGP.22 DeviceInfo codes it


class TestDeviceIdentity(EsimTestCase):
    """What the SM-DP+ learns of the device, and how AuthenticateServer travels."""

    def setUp(self):
        super().setUp()
        self.smdp = self.world.smdp(standard_smdp_profiles())
        self.sim_stats = os.path.join(self.world.tmpdir, 'sim-stats.json')
        self.sim = self.world.sim(standard_sim_profiles(self.world.tmpdir, self.smdp),
                                  ('--stats-file', self.sim_stats))

    def start(self, tac=None):
        w = self.world
        w.daemon = esimtest.Daemon(w.tmpdir, w.bus, w.sims)
        if tac is not None:
            with open(w.daemon.config_path, 'a', encoding='utf-8') as f:
                f.write(f'\n[device]\nTAC={tac}\n')
        w.start_daemon()
        self.euicc = self.watch.euicc_for(self.sim)

    def test_user_agent_and_configured_tac(self):
        self.start(TAC)
        self.watch.install_ok(self.euicc, self.smdp.ac(MID_A))
        stats = self.smdp.stats()
        agent = stats['userAgent']
        # SGP.22's name for an LPA in the device, whole: servers may compare it
        self.assertEqual(agent, 'gsma-rsp-lpad')
        info = stats['deviceInfo']
        self.assertEqual(info['tac'], TAC_BCD)
        # no modem: no IMEI, and only the LTE release claimed
        self.assertNotIn('imei', info)
        self.assertEqual(info['capabilities'], {'85': '0F0000'})

    def test_default_tac(self):
        self.start()
        self.watch.install_ok(self.euicc, self.smdp.ac(MID_A))
        # 35290611, a TAC a real device has, never zeros
        self.assertEqual(self.smdp.stats()['deviceInfo']['tac'], '53926011')

    def test_authenticate_server_blocks(self):
        self.start()
        self.watch.install_ok(self.euicc, self.smdp.ac(MID_A))
        with open(self.sim_stats, encoding='utf-8') as f:
            auth = json.load(f)['storeData']['BF38']
        self.assertEqual(auth['commands'], 1)
        block = auth['largestSegment']
        # as few blocks as the command needs ...
        self.assertEqual(auth['lastSegments'], -(-auth['lastLength'] // block), auth)
        # ... and a command that needs no fourth 255-byte block: the SGP.26
        # certificate and a short matching ID leave room for DeviceInfo
        # only when it claims no radio it does not have
        self.assertLessEqual(auth['lastLength'], 3 * 255, auth)


if __name__ == '__main__':
    esimtest.main()
