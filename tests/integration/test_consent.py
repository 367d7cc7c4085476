#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Consent before download: Manager.ParseActivationCode, InstallProfile with
"confirm", Job.Confirm and Job.Decline, and what the SM-DP+ learns."""

import esimtest
from esimtest import (ERR, IF_EUICC, IF_JOB, IF_MANAGER, IF_PROFILE, ROOT, CC, MID_A, MID_B,
                      MID_CC, ICCID_A, ICCID_B, ICCID_CC, ICCID_SEED1, ICCID_SEED2, GLib,
                      StandardCase, wait_until)

AWAITING = 'awaiting-confirmation'


class TestParseActivationCode(StandardCase):

    def test_parse(self):
        c = self.watch
        info = c.call(ROOT, IF_MANAGER, 'ParseActivationCode', 's', (self.smdp.ac(MID_A),))
        self.assertEqual(info['smdp-address'], self.smdp.address)
        self.assertTrue(info['matching-id-present'])
        self.assertFalse(info['confirmation-code-required'])
        self.assertEqual(info['smdp-oid'], '')
        info = c.call(ROOT, IF_MANAGER, 'ParseActivationCode', 's',
                      (self.smdp.ac(MID_CC, cc_required=True),))
        self.assertTrue(info['confirmation-code-required'])
        info = c.call(ROOT, IF_MANAGER, 'ParseActivationCode', 's',
                      (f'1$smdp.example.com$$1.2.3',))
        self.assertEqual(info['smdp-address'], 'smdp.example.com')
        self.assertFalse(info['matching-id-present'])
        self.assertEqual(info['smdp-oid'], '1.2.3')
        for bad in ('', 'LPA:2$smdp.example.com$X', 'LPA:1$$X', 'not a code',
                    'LPA:1$smdp.example.com$X$$2'):
            with self.subTest(code=bad):
                self.assertDBusError(ERR + 'InvalidActivationCode', c.call, ROOT, IF_MANAGER,
                                     'ParseActivationCode', 's', (bad,))
        # a preview contacts nobody and never logs the code
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)
        with open(self.world.daemon.log_path, encoding='utf-8', errors='replace') as f:
            self.assertNotIn(MID_CC, f.read())


class ConsentCase(StandardCase):

    def start_confirm(self, client, mid, cc='', cc_flag=False):
        job = client.install(self.euicc, self.smdp.ac(mid, cc_required=cc_flag), cc,
                             {'confirm': True})
        client.wait_property(job, IF_JOB, 'Stage', lambda s: s == AWAITING, timeout=60)
        return job


class TestConfirm(ConsentCase):

    def test_confirm_installs(self):
        c = self.watch
        job = self.start_confirm(c, MID_A)
        meta = c.get(job, IF_JOB, 'ProfileMetadata')
        self.assertEqual(meta['iccid'], ICCID_A)
        self.assertEqual(meta['name'], 'Integration A')
        self.assertEqual(meta['service-provider'], 'Test Op A')
        self.assertEqual(meta['class'], 'operational')
        self.assertFalse(meta['confirmation-code-required'])
        self.assertIn('icon-type', meta)
        self.assertIn('policy-rules', meta)
        self.assertFalse(c.get(job, IF_JOB, 'Finished'))
        # nothing downloaded yet
        self.assertNotIn(ICCID_A, self.sim.profiles())
        self.assertNotIn('es9plus/getBoundProfilePackage', self.smdp.stats().get('requests', {}))
        self.assertIsNone(c.call(job, IF_JOB, 'Confirm', 'a{sv}', ({},)))
        ok, name, msg, result = c.wait_job(job)
        self.assertTrue(ok, f'{name}: {msg}')
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_A)
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'succeeded')
        stages = c.property_changes(job, IF_JOB, 'Stage')
        self.assertLess(stages.index('authenticating'), stages.index(AWAITING))
        self.assertLess(stages.index(AWAITING), stages.index('preparing'))
        self.assertNotIn('cancelling', stages)
        # no longer waiting
        self.assertDBusError(ERR + 'Failed', c.call, job, IF_JOB, 'Confirm', 'a{sv}', ({},))

    def test_confirmation_code_at_confirm(self):
        c = self.watch
        # the code's flag asks for a confirmation code: with "confirm" it may come later
        job = self.start_confirm(c, MID_CC, cc_flag=True)
        self.assertTrue(c.get(job, IF_JOB, 'ProfileMetadata')['confirmation-code-required'])
        self.assertEqual(c.get(job, IF_JOB, 'ProfileMetadata')['iccid'], ICCID_CC)
        self.assertDBusError(ERR + 'InvalidArgument', c.call, job, IF_JOB, 'Confirm', 'a{sv}',
                             ({'confirmation-code': GLib.Variant('u', 1)},))
        c.call(job, IF_JOB, 'Confirm', 'a{sv}', ({'confirmation-code': GLib.Variant('s', CC)},))
        ok, name, msg, result = c.wait_job(job)
        self.assertTrue(ok, f'{name}: {msg}')
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_CC)

    def test_only_the_caller_confirms(self):
        panel = self.world.client()
        job = self.start_confirm(panel, MID_B)
        other = self.watch
        self.assertDBusError(ERR + 'NotAuthorized', other.call, job, IF_JOB, 'Confirm', 'a{sv}',
                             ({},))
        self.assertDBusError(ERR + 'NotAuthorized', other.call, job, IF_JOB, 'Decline', 'a{sv}',
                             ({},))
        self.assertEqual(other.get(job, IF_JOB, 'Stage'), AWAITING)
        panel.call(job, IF_JOB, 'Confirm', 'a{sv}', ({},))
        ok, name, msg, _result = panel.wait_job(job)
        self.assertTrue(ok, f'{name}: {msg}')
        self.assertIn(ICCID_B, self.sim.profiles())

    def test_polkit_decides(self):
        c = self.watch
        job = self.start_confirm(c, MID_B)
        self.world.polkit.deny_all()
        self.assertDBusError(ERR + 'NotAuthorized', c.call, job, IF_JOB, 'Confirm', 'a{sv}', ({},))
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), AWAITING)
        self.world.polkit.allow_all()
        c.call(job, IF_JOB, 'Confirm', 'a{sv}', ({},))
        self.assertTrue(c.wait_job(job)[0])


class TestDecline(ConsentCase):

    def assert_declined(self, c, job):
        ok, name, msg, result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'Declined', msg)
        self.assertEqual(result, '/')
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'cancelled')
        self.assertEqual(c.get(job, IF_JOB, 'ErrorName'), ERR + 'Declined')
        self.assertEqual(c.get(job, IF_JOB, 'ErrorMessage'), msg)
        return msg

    def test_decline_postpones_and_keeps_the_order(self):
        """Decline(): "not now", SGP.22 postponed(1); the code works again."""
        c = self.watch
        job = self.start_confirm(c, MID_A)
        self.assertIsNone(c.call(job, IF_JOB, 'Decline', 'a{sv}', ({},)))
        msg = self.assert_declined(c, job)
        self.assertIn('postponed', msg)
        self.assertNotIn(ICCID_A, self.sim.profiles())
        self.assertEqual(set(c.profiles(self.euicc)), {ICCID_SEED1, ICCID_SEED2})
        stats = self.smdp.stats()
        self.assertEqual(stats['requests'].get('es9plus/cancelSession'), 1)
        self.assertEqual(stats['cancelReasons'], [1])
        self.assertNotIn('es9plus/getBoundProfilePackage', stats['requests'])
        self.assertEqual(stats['orders'][MID_A]['state'], 'available')
        # the same activation code installs later
        result = c.install_ok(self.euicc, self.smdp.ac(MID_A))
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_A)

    def test_reject_ends_the_order(self):
        """Decline({"reject": true}): SGP.22 endUserRejection(0)."""
        c = self.watch
        job = self.start_confirm(c, MID_A)
        self.assertIsNone(c.call(job, IF_JOB, 'Decline', 'a{sv}',
                                 ({'reject': GLib.Variant('b', True)},)))
        msg = self.assert_declined(c, job)
        self.assertIn('endUserRejection', msg)
        self.assertNotIn(ICCID_A, self.sim.profiles())
        stats = self.smdp.stats()
        self.assertEqual(stats['requests'].get('es9plus/cancelSession'), 1)
        self.assertEqual(stats['cancelReasons'], [0])
        self.assertNotIn('es9plus/getBoundProfilePackage', stats['requests'])
        # endUserRejection(0): the test SM-DP+ consumes the order (tests/smdp/README.md)
        self.assertEqual(stats['orders'][MID_A]['state'], 'consumed')
        self.assertEqual(c.install_error(self.euicc, self.smdp.ac(MID_A)),
                         ERR + 'MatchingIdRefused')

    def test_decline_options_checked(self):
        c = self.watch
        job = self.start_confirm(c, MID_B)
        for bad in ({'reject': GLib.Variant('s', 'yes')},
                    {'confirmation-code': GLib.Variant('s', CC)},
                    {'bogus': GLib.Variant('b', True)}):
            with self.subTest(options=list(bad)):
                self.assertDBusError(ERR + 'InvalidArgument', c.call, job, IF_JOB, 'Decline',
                                     'a{sv}', (bad,))
        # a refused call changes nothing: the job still waits
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), AWAITING)
        self.assertEqual(self.smdp.stats()['requests'].get('es9plus/cancelSession'), None)
        c.call(job, IF_JOB, 'Decline', 'a{sv}', ({'reject': GLib.Variant('b', False)},))
        self.assertIn('postponed', self.assert_declined(c, job))
        self.assertEqual(self.smdp.stats()['cancelReasons'], [1])

    def test_cancel_while_waiting_postpones(self):
        """Cancel() instead of Decline(): postponed(1), the order stays usable."""
        c = self.watch
        job = self.start_confirm(c, MID_A)
        c.call(job, IF_JOB, 'Cancel')
        ok, name, msg, _result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'Cancelled', msg)
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'cancelled')
        self.assertIn('cancelling', c.property_changes(job, IF_JOB, 'Stage'))
        stats = self.smdp.stats()
        self.assertEqual(stats['requests'].get('es9plus/cancelSession'), 1)
        self.assertEqual(stats['cancelReasons'], [1])
        self.assertEqual(stats['orders'][MID_A]['state'], 'available')
        # a later one-call install of the same code works
        result = c.install_ok(self.euicc, self.smdp.ac(MID_A))
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_A)

    def test_caller_leaving_postpones(self):
        panel = self.world.client()
        job = self.start_confirm(panel, MID_B)
        self.world.clients.remove(panel)
        panel.close()
        c = self.watch
        ok, name, msg, _result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'Cancelled', msg)
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'cancelled')
        stats = self.smdp.stats()
        self.assertEqual(stats['requests'].get('es9plus/cancelSession'), 1)
        self.assertEqual(stats['cancelReasons'], [1])
        self.assertEqual(stats['orders'][MID_B]['state'], 'available')
        self.assertNotIn(ICCID_B, self.sim.profiles())
        result = c.install_ok(self.euicc, self.smdp.ac(MID_B))
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_B)


class TestConfirmationTimeout(ConsentCase):

    daemon_config = {'ConfirmationTimeoutSeconds': '1'}

    def test_no_answer_postpones(self):
        c = self.watch
        job = c.install(self.euicc, self.smdp.ac(MID_A), '', {'confirm': True})
        ok, name, msg, _result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'Timeout', msg)
        self.assertIn(AWAITING, c.property_changes(job, IF_JOB, 'Stage'))
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'failed')
        stats = self.smdp.stats()
        self.assertEqual(stats['cancelReasons'], [1])
        self.assertEqual(stats['orders'][MID_A]['state'], 'available')
        self.assertNotIn(ICCID_A, self.sim.profiles())


if __name__ == '__main__':
    esimtest.main()
