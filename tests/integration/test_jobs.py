#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Jobs that explain themselves, the eUICC state panels draw, stable object
paths, idempotent operations."""

import time

import esimtest
from esimtest import (ERR, IF_EUICC, IF_JOB, IF_PROFILE, IF_PROPS, EID, CC, MID_A, MID_B, MID_CC,
                      MID_DUP, ICCID_A, ICCID_SEED1, ICCID_SEED2, StandardCase, wait_until)

FINAL = {'succeeded', 'failed', 'cancelled'}


def job_changes(client, job):
    """The PropertiesChanged of JOB's Job interface: [(time, changed dict)]."""
    return [(t, a[1]) for (t, _p, _i, _m, a) in client.signals_of('PropertiesChanged', job, IF_PROPS)
            if a[0] == IF_JOB]


class TestFailedJob(StandardCase):

    def test_failed_job_keeps_its_error(self):
        c = self.watch
        job = c.install(self.euicc, self.smdp.ac('NO-SUCH-ORDER'))
        ok, name, msg, _result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'MatchingIdRefused')
        # a client that never saw Completed reads the outcome from the lingering job
        late = self.world.client()
        props = late.get_all(job, IF_JOB)
        self.assertTrue(props['Finished'])
        self.assertEqual(props['Stage'], 'failed')
        self.assertEqual(props['ErrorName'], ERR + 'MatchingIdRefused')
        self.assertEqual(props['ErrorMessage'], msg)
        self.assertIn('8.2.6', props['ErrorMessage'])
        self.assertEqual(props['Result'], '/')
        # a running job has no error
        job2 = c.install(self.euicc, self.smdp.ac(MID_A))
        self.assertEqual(c.get(job2, IF_JOB, 'ErrorName'), '')
        self.assertEqual(c.get(job2, IF_JOB, 'ErrorMessage'), '')
        ok, name, msg, _result = c.wait_job(job2)
        self.assertTrue(ok, f'{name}: {msg}')
        self.assertEqual(c.get(job2, IF_JOB, 'Stage'), 'succeeded')

    def test_no_cancelling_without_cancel(self):
        """A download that fails after the session began is cleaned up on the
        card and at the SM-DP+, but nobody cancelled it: no "cancelling"."""
        c = self.watch
        job = c.install(self.euicc, self.smdp.ac(MID_CC), cc='87654321')
        ok, name, _msg, _result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'ConfirmationCodeRefused')
        wait_until(lambda: c.property_changes(job, IF_JOB, 'Stage')[-1:] == ['failed'],
                   message='Stage failed')
        stages = c.property_changes(job, IF_JOB, 'Stage')
        self.assertNotIn('cancelling', stages)
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'failed')
        self.assertEqual(c.get(job, IF_JOB, 'ErrorName'), ERR + 'ConfirmationCodeRefused')


class TestProgressRate(StandardCase):
    """Progress updates are coalesced: at most about ten a second."""

    def test_properties_changed_bounded(self):
        c = self.watch
        start = time.monotonic()
        job = c.install(self.euicc, self.smdp.ac(MID_A))
        ok, name, msg, _result = c.wait_job(job)
        self.assertTrue(ok, f'{name}: {msg}')
        wait_until(lambda: any(ch.get('Finished') for _t, ch in job_changes(c, job)),
                   message='PropertiesChanged Finished')
        elapsed = time.monotonic() - start
        changes = job_changes(c, job)
        progress_only = [ch for _t, ch in changes if 'Stage' not in ch and 'Finished' not in ch]
        # every stage change goes out at once; the rest at most ten a second
        # (the receiver's clock spans more than the sender's)
        self.assertLessEqual(len(progress_only), int(elapsed * 10) + 2,
                             f'{len(progress_only)} Progress-only updates in {elapsed:.2f} s')
        progress = c.property_changes(job, IF_JOB, 'Progress')
        self.assertEqual(progress, sorted(progress))
        self.assertEqual(progress[-1], 1.0)
        stages = c.property_changes(job, IF_JOB, 'Stage')
        for stage in ('authenticating', 'preparing', 'installing', 'succeeded'):
            self.assertIn(stage, stages)


class TestEuiccState(StandardCase):
    """CurrentJob, Busy, EnabledProfile and Label."""

    sim_extra = ('--fault', 'delay:*:5')

    def test_panel_state(self):
        c = self.watch
        props = c.get_all(self.euicc, IF_EUICC)
        self.assertEqual(props['Label'], self.sim.name)   # the [euicc:NAME] of the config
        self.assertEqual(props['CurrentJob'], '/')
        self.assertEqual(props['EnabledProfile'], c.profile(self.euicc, ICCID_SEED1))
        wait_until(lambda: not c.get(self.euicc, IF_EUICC, 'Busy'), message='Busy false')

        job = c.install(self.euicc, self.smdp.ac(MID_A))
        c.wait_property(self.euicc, IF_EUICC, 'CurrentJob', lambda v: v == job)
        self.assertTrue(c.get(self.euicc, IF_EUICC, 'Busy'))
        ok, name, msg, _result = c.wait_job(job)
        self.assertTrue(ok, f'{name}: {msg}')
        c.wait_property(self.euicc, IF_EUICC, 'CurrentJob', lambda v: v == '/')
        c.wait_property(self.euicc, IF_EUICC, 'Busy', lambda v: v is False)
        self.assertIn(True, c.property_changes(self.euicc, IF_EUICC, 'Busy'))

        # EnabledProfile follows the switch
        p2 = c.profile(self.euicc, ICCID_SEED2)
        c.call(p2, IF_PROFILE, 'Enable', timeout=90)
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'EnabledProfile'), p2)
        c.call(p2, IF_PROFILE, 'Disable', timeout=90)
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'EnabledProfile'), '/')


class TestPaths(StandardCase):

    def test_euicc_announced_before_profiles(self):
        c = self.watch
        added = [p for p, _i in c.interfaces_added()]
        self.assertIn(self.euicc, added)
        profiles = c.get(self.euicc, IF_EUICC, 'Profiles')
        self.assertEqual(len(profiles), 2)
        for p in profiles:
            self.assertLess(added.index(self.euicc), added.index(p), added)

    def test_stable_path_across_restart(self):
        c = self.watch
        self.assertRegex(self.euicc, r'^/org/freedesktop/Esim1/Euicc/[0-9a-f]{16}$')
        self.assertNotIn(EID, self.euicc)
        self.assertNotIn(EID[:16], self.euicc)
        self.world.daemon.stop()
        self.world.restart_daemon()
        self.assertEqual(c.euicc_for(self.sim), self.euicc)


class TestIdempotent(StandardCase):

    def test_enable_enabled_and_disable_disabled(self):
        c = self.watch
        p1 = c.profile(self.euicc, ICCID_SEED1)   # enabled
        p2 = c.profile(self.euicc, ICCID_SEED2)   # disabled
        self.assertIsNone(c.call(p1, IF_PROFILE, 'Enable'))
        self.assertIsNone(c.call(p2, IF_PROFILE, 'Disable'))
        self.assertEqual(c.profile_states(self.euicc),
                         {ICCID_SEED1: 'enabled', ICCID_SEED2: 'disabled'})
        # no card operation: no notification was made
        self.assertEqual(self.sim.notifications(), [])
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'PendingNotifications'), 0)
        self.assertEqual(self.smdp.notification_log(), [])

    def test_already_installed_before_download(self):
        c = self.watch
        job, (ok, name, msg, _r) = c.install_and_wait(self.euicc, self.smdp.ac(MID_DUP))
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'IccidAlreadyInstalled', msg)
        self.assertEqual(c.get(job, IF_JOB, 'ErrorName'), ERR + 'IccidAlreadyInstalled')
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'failed')
        stats = self.smdp.stats()
        # seen in the metadata: no package was made or sent
        self.assertNotIn('es9plus/getBoundProfilePackage', stats.get('requests', {}))
        self.assertEqual(stats.get('downloads', {}).get('bppServed', 0), 0)
        # the session ended with postponed: the order is left as it was
        self.assertEqual(stats['requests'].get('es9plus/cancelSession'), 1)
        self.assertEqual(stats['orders'][MID_DUP]['state'], 'available')
        self.assertEqual(set(self.sim.profiles()), {ICCID_SEED1, ICCID_SEED2})


if __name__ == '__main__':
    esimtest.main()
