#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The daemon killed in the middle of a download, restarted; clean SIGTERM."""

import signal

import esimtest
from esimtest import (IF_EUICC, IF_JOB, IF_PROFILE, MID_A, ICCID_A, ICCID_SEED1, ICCID_SEED2,
                      StandardCase, wait_until)


class TestKilledMidDownload(StandardCase):

    # slow APDUs: loading the package takes a few seconds
    sim_extra = ('--fault', 'delay:*:15')

    def test_sigkill_and_restart(self):
        c = self.watch
        job = c.install(self.euicc, self.smdp.ac(MID_A))
        c.wait_property(job, IF_JOB, 'Progress', lambda p: 0.45 <= p, timeout=60)
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'installing')
        self.world.daemon.kill()
        self.assertEqual(self.world.daemon.exit_statuses[-1], -signal.SIGKILL)
        wait_until(lambda: not esimtest.name_has_owner(c.conn, esimtest.BUS_NAME),
                   message='the bus name released')

        self.world.restart_daemon()
        euicc = c.euicc_for(self.sim)
        # no half profile, on the card or on the bus
        self.assertEqual(set(self.sim.profiles()), {ICCID_SEED1, ICCID_SEED2})
        self.assertEqual(set(c.profiles(euicc)), {ICCID_SEED1, ICCID_SEED2})
        self.assertEqual(c.profile_states(euicc),
                         {ICCID_SEED1: 'enabled', ICCID_SEED2: 'disabled'})
        # the interrupted installation's result goes to the SM-DP+ after the restart
        # (the card kept it as a pending notification), and then leaves the card
        wait_until(lambda: [e for e in self.smdp.notification_log() if e['kind'] == 'install'],
                   timeout=30, message='the interrupted install result delivered after restart')
        entry = [e for e in self.smdp.notification_log() if e['kind'] == 'install'][0]
        self.assertEqual(entry.get('matchingId'), MID_A)
        self.assertNotEqual(entry.get('result'), 'success', entry)
        self.assertTrue(entry.get('accepted'), entry)
        wait_until(lambda: c.get(euicc, IF_EUICC, 'PendingNotifications') == 0
                   and not self.sim.notifications(), message='no pending notification')
        # the SM-DP+ released the order: the same activation code works now
        wait_until(lambda: self.smdp.stats()['orders'][MID_A]['state'] == 'available',
                   message='the order available again')
        result = c.install_ok(euicc, self.smdp.ac(MID_A), timeout=90)
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_A)
        self.assertIn(ICCID_A, self.sim.profiles())

    def test_sigterm_during_download(self):
        c = self.watch
        job = c.install(self.euicc, self.smdp.ac(MID_A))
        c.wait_property(job, IF_JOB, 'Stage', lambda s: s == 'installing', timeout=60)
        status = self.world.daemon.stop(signal.SIGTERM, timeout=40)
        self.assertEqual(status, 0, 'esimd did not exit cleanly on SIGTERM')
        # cancelled cleanly: no half profile; a session the card kept is gone
        self.assertEqual(set(self.sim.profiles()), {ICCID_SEED1, ICCID_SEED2})
        self.world.restart_daemon()
        euicc = c.euicc_for(self.sim)
        self.assertEqual(set(c.profiles(euicc)), {ICCID_SEED1, ICCID_SEED2})
        wait_until(lambda: self.smdp.stats()['orders'][MID_A]['state'] == 'available',
                   message='the order available again')
        result = c.install_ok(euicc, self.smdp.ac(MID_A), timeout=90)
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_A)


class TestShutdown(StandardCase):

    def test_sigterm_idle(self):
        c = self.watch
        status = self.world.daemon.stop(signal.SIGTERM, timeout=20)
        self.assertEqual(status, 0)
        self.assertFalse(esimtest.name_has_owner(c.conn, esimtest.BUS_NAME))
        # state survives a restart; the object paths are fresh counters again
        self.world.restart_daemon()
        self.assertEqual(set(c.profiles(c.euicc_for(self.sim))), {ICCID_SEED1, ICCID_SEED2})

    def test_sigterm_after_changes(self):
        c = self.watch
        c.call(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE, 'SetNickname', 's', ('kept',))
        self.assertEqual(self.world.daemon.stop(signal.SIGINT, timeout=20), 0)
        self.world.restart_daemon()
        euicc = c.euicc_for(self.sim)
        self.assertEqual(c.get(c.profile(euicc, ICCID_SEED2), IF_PROFILE, 'Nickname'), 'kept')


if __name__ == '__main__':
    esimtest.main()
