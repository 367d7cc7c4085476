#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""InstallProfile and its Job, Discover, confirmation codes, Job.Cancel."""

import os

import esimtest
from esimtest import (ERR, IF_EUICC, IF_JOB, IF_PROFILE, EID, CC, MID_A, MID_B, MID_CC,
                      MID_DEFAULT, ICCID_A, ICCID_B, ICCID_CC, ICCID_DEFAULT, ICCID_SEED1,
                      ICCID_SEED2, StandardCase, DBusCallError, wait_until)

STAGES = {'queued', 'authenticating', 'preparing', 'installing', 'notifying', 'succeeded'}


class TestInstallJob(StandardCase):
    """A download slowed down on both sides so that the job's life can be watched."""

    smdp_extra = ('--latency-ms', '60')
    sim_extra = ('--fault', 'delay:*:3')

    def test_install_job_life(self):
        c = self.watch
        free_before = c.get(self.euicc, IF_EUICC, 'FreeMemory')
        job = c.install(self.euicc, self.smdp.ac(MID_A))
        self.assertRegex(job, r'^/org/freedesktop/Esim1/Job/\d+$')
        self.assertEqual(c.get(job, IF_JOB, 'Operation'), 'install-profile')
        self.assertEqual(c.get(job, IF_JOB, 'Euicc'), self.euicc)
        self.assertEqual(c.get(job, IF_JOB, 'StartedByUid'), os.getuid())
        self.assertIn(c.get(job, IF_JOB, 'Stage'), STAGES)
        ok, name, msg, result = c.wait_job(job)
        self.assertTrue(ok, f'{name}: {msg}')
        self.assertEqual((name, msg), ('', ''))
        self.assertRegex(result, r'^/org/freedesktop/Esim1/Profile/\d+$')

        # the job object: announced, finished, the result, then gone
        wait_until(lambda: any(p == job and IF_JOB in i for p, i in c.interfaces_added()),
                   message='InterfacesAdded of the job')
        self.assertTrue(c.get(job, IF_JOB, 'Finished'))
        self.assertEqual(c.get(job, IF_JOB, 'Result'), result)
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'succeeded')
        self.assertEqual(c.get(job, IF_JOB, 'ErrorName'), '')
        self.assertEqual(c.get(job, IF_JOB, 'ErrorMessage'), '')
        self.assertEqual(c.get(job, IF_JOB, 'Progress'), 1.0)
        # the last PropertiesChanged may come after Completed
        wait_until(lambda: c.property_changes(job, IF_JOB, 'Stage')[-1:] == ['succeeded'],
                   message='PropertiesChanged Stage=succeeded')
        progress = c.property_changes(job, IF_JOB, 'Progress')
        self.assertEqual(progress, sorted(progress), 'Progress went back')
        self.assertTrue([p for p in progress if 0.0 < p < 1.0],
                        f'no intermediate Progress value in {progress}')
        stages = c.property_changes(job, IF_JOB, 'Stage')
        self.assertTrue(set(stages) <= STAGES, stages)
        self.assertIn('installing', stages)
        self.assertEqual(progress[-1:], [1.0])
        self.assertEqual(len(c.signals_of('Completed', job, IF_JOB)), 1)

        # the new profile
        props = c.get_all(result, IF_PROFILE)
        self.assertEqual(props['Iccid'], ICCID_A)
        self.assertEqual(props['Name'], 'Integration A')
        self.assertEqual(props['ServiceProvider'], 'Test Op A')
        self.assertEqual(props['State'], 'disabled')
        self.assertEqual(props['Euicc'], self.euicc)
        self.assertEqual(props['Class'], 'operational')
        self.assertIn(result, c.get(self.euicc, IF_EUICC, 'Profiles'))
        wait_until(lambda: any(p == result and IF_PROFILE in i for p, i in c.interfaces_added()),
                   message='InterfacesAdded of the new profile')
        self.assertLess(c.get(self.euicc, IF_EUICC, 'FreeMemory'), free_before)
        self.assertEqual(self.sim.profiles()[ICCID_A]['state'], 'disabled')

        # the install notification reached the SM-DP+ and left the card
        wait_until(lambda: self.smdp.stats().get('orders', {}).get(MID_A, {}).get('state')
                   == 'consumed', message='the order consumed at the SM-DP+')
        wait_until(lambda: any(e['kind'] == 'install' and e.get('accepted')
                               for e in self.smdp.notification_log()),
                   message='an accepted install notification')
        wait_until(lambda: c.get(self.euicc, IF_EUICC, 'PendingNotifications') == 0
                   and not self.sim.notifications(), message='no pending notification')

        # JobLingerSeconds=2: the job object goes away
        wait_until(lambda: any(p == job for p, _i in c.interfaces_removed()), timeout=15,
                   message='InterfacesRemoved of the finished job')
        with self.assertRaises(DBusCallError):
            c.get(job, IF_JOB, 'Stage')


class TestInstall(StandardCase):

    def test_install_and_enable(self):
        c = self.watch
        result = c.install_ok(self.euicc, self.smdp.ac(MID_B), options={'enable': True})
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_B)
        self.assertEqual(c.get(result, IF_PROFILE, 'State'), 'enabled')
        self.assertEqual(c.profile_states(self.euicc),
                         {ICCID_SEED1: 'disabled', ICCID_SEED2: 'disabled', ICCID_B: 'enabled'})
        self.assertEqual(self.sim.profiles()[ICCID_B]['state'], 'enabled')

    def test_install_without_lpa_prefix(self):
        c = self.watch
        result = c.install_ok(self.euicc, f'1${self.smdp.address}${MID_B}')
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_B)
        self.assertEqual(c.get(result, IF_PROFILE, 'Name'), 'Integration B')

    def test_install_from_default_smdp(self):
        c = self.watch
        c.call(self.euicc, IF_EUICC, 'SetDefaultSmdpAddress', 's', (self.smdp.address,))
        result = c.install_ok(self.euicc, '')
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_DEFAULT)
        self.assertEqual(c.get(result, IF_PROFILE, 'Name'), 'Default Order')
        self.assertEqual(self.smdp.stats()['orders'][MID_DEFAULT]['state'], 'consumed')

    def test_confirmation_code(self):
        c = self.watch
        # the SM-DP+ asks for a code the caller did not give
        self.assertEqual(c.install_error(self.euicc, self.smdp.ac(MID_CC)),
                         ERR + 'ConfirmationCodeRequired')
        # the activation code itself says a code is needed
        self.assertEqual(c.install_error(self.euicc, self.smdp.ac(MID_CC, cc_required=True)),
                         ERR + 'ConfirmationCodeRequired')
        self.assertEqual(c.install_error(self.euicc, self.smdp.ac(MID_CC), cc='87654321'),
                         ERR + 'ConfirmationCodeRefused')
        self.assertEqual(len(self.sim.profiles()), 2)
        self.assertEqual(len(c.get(self.euicc, IF_EUICC, 'Profiles')), 2)
        result = c.install_ok(self.euicc, self.smdp.ac(MID_CC, cc_required=True), cc=CC)
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_CC)
        self.assertEqual(c.get(result, IF_PROFILE, 'Name'), 'With Code')


class TestDiscover(StandardCase):

    smdp_extra = ('--event', f'{EID}={MID_B}')

    def test_discover_and_install(self):
        c = self.watch
        events = c.call(self.euicc, IF_EUICC, 'Discover', 's', (self.smdp.address,))
        self.assertEqual(len(events), 1, events)
        address, mid, code = events[0]
        self.assertEqual(address.lower(), self.smdp.address.lower())
        self.assertEqual(mid, MID_B)
        self.assertIn(MID_B, code)
        result = c.install_ok(self.euicc, code)
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_B)
        # a successful installation removes the event
        self.assertEqual(c.call(self.euicc, IF_EUICC, 'Discover', 's', (self.smdp.address,)), [])
        self.assertGreaterEqual(self.smdp.stats()['requests'].get('es11/authenticateClient', 0), 2)

    def test_discover_unreachable_smds(self):
        c = self.watch
        self.assertDBusError(ERR + 'ServerUnreachable', c.call, self.euicc, IF_EUICC, 'Discover',
                             's', ('127.0.0.1:1',))


class TestCancel(StandardCase):
    """Job.Cancel in the middle of loading the package onto the card."""

    sim_extra = ('--fault', 'delay:*:15')

    def test_cancel_mid_download(self):
        c = self.watch
        job = c.install(self.euicc, self.smdp.ac(MID_A))
        c.wait_property(job, IF_JOB, 'Progress', lambda p: p >= 0.45, timeout=60)
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'installing')
        self.assertIsNone(c.call(job, IF_JOB, 'Cancel'))
        ok, name, msg, result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'Cancelled', msg)
        self.assertEqual(result, '/')
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'cancelled')
        self.assertEqual(c.get(job, IF_JOB, 'ErrorName'), ERR + 'Cancelled')
        self.assertIn('cancelling', c.property_changes(job, IF_JOB, 'Stage'))
        self.assertTrue(c.get(job, IF_JOB, 'Finished'))

        # nothing half-installed, on the card or on the bus
        self.assertNotIn(ICCID_A, self.sim.profiles())
        self.assertEqual(set(c.profiles(self.euicc)), {ICCID_SEED1, ICCID_SEED2})
        # the SM-DP+ learnt it (cancelSession or the failed result notification):
        # the matching ID is usable again
        wait_until(lambda: self.smdp.stats().get('orders', {}).get(MID_A, {}).get('state')
                   == 'available', message='the order available again at the SM-DP+')
        result = c.install_ok(self.euicc, self.smdp.ac(MID_A), timeout=90)
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_A)
        self.assertEqual(self.sim.profiles()[ICCID_A]['state'], 'disabled')

    def test_cancel_while_authenticating(self):
        c = self.watch
        job = c.install(self.euicc, self.smdp.ac(MID_B))
        c.call(job, IF_JOB, 'Cancel')
        ok, name, msg, _result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'Cancelled', msg)
        self.assertNotIn(ICCID_B, self.sim.profiles())
        wait_until(lambda: self.smdp.stats().get('orders', {}).get(MID_B, {}).get('state', 'available')
                   == 'available', message='the order available again')
        self.assertEqual(c.get(c.install_ok(self.euicc, self.smdp.ac(MID_B), timeout=90),
                               IF_PROFILE, 'Iccid'), ICCID_B)


if __name__ == '__main__':
    esimtest.main()
