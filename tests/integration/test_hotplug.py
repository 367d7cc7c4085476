#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Configured eUICCs that go away and come back, noticed by the daemon by
itself: no method call, no Rescan, only the signals a panel listens to."""

import time

import esimtest
from esimtest import (ERR, IF_EUICC, IF_JOB, IF_MANAGER, EID, MID_A, ICCID_SEED1, ICCID_SEED2,
                      ROOT, StandardCase, wait_until)


class HotplugCase(StandardCase):

    def removed_since(self, since):
        return [p for p, _i in self.watch.interfaces_removed(since)]

    def added_since(self, since):
        return [p for p, _i in self.watch.interfaces_added(since)]

    def euiccs_changes(self, since):
        return self.watch.property_changes(ROOT, IF_MANAGER, 'Euiccs', since)

    def wait_gone(self, since, profiles):
        """Waits, on signals alone, for the eUICC and PROFILES to leave the bus."""
        wait_until(lambda: set(profiles) | {self.euicc} <= set(self.removed_since(since)),
                   message='InterfacesRemoved of the eUICC and its profiles')
        wait_until(lambda: [] in self.euiccs_changes(since),
                   message='the Manager\'s Euiccs without the eUICC')
        removed = self.removed_since(since)
        # the profiles leave before the eUICC they name
        for p in profiles:
            self.assertLess(removed.index(p), removed.index(self.euicc), removed)

    def wait_back(self, since, n_profiles):
        """Waits, on signals alone, for the same eUICC path and its profiles."""
        def profiles_added():
            added = self.added_since(since)
            return [p for p in added if p.startswith(ROOT + '/Profile/')]
        wait_until(lambda: self.euicc in self.added_since(since)
                   and len(profiles_added()) == n_profiles,
                   message='InterfacesAdded of the eUICC and its profiles')
        wait_until(lambda: [self.euicc] in self.euiccs_changes(since),
                   message='the Manager\'s Euiccs with the eUICC again')
        added = self.added_since(since)
        for p in profiles_added():
            self.assertLess(added.index(self.euicc), added.index(p), added)


class TestIdleCard(HotplugCase):

    def test_card_leaves_and_comes_back_without_any_call(self):
        c = self.watch
        profiles = c.get(self.euicc, IF_EUICC, 'Profiles')
        self.assertEqual(len(profiles), 2)
        # from here on nothing calls the daemon until it told of both changes
        since = time.monotonic()
        self.sim.stop()
        self.wait_gone(since, profiles)
        since = time.monotonic()
        self.sim.start()
        self.wait_back(since, 2)
        # what the panel reads then: the same object, the same card
        self.assertEqual(c.euiccs(), [self.euicc])
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'Eid'), EID)
        self.assertEqual(c.profile_states(self.euicc),
                         {ICCID_SEED1: 'enabled', ICCID_SEED2: 'disabled'})
        # and it works
        c.call(c.profile(self.euicc, ICCID_SEED2), esimtest.IF_PROFILE, 'SetNickname', 's',
               ('back',))

    def test_card_leaves_twice(self):
        """The watch is armed again on the link of the card that came back."""
        c = self.watch
        for _round in range(2):
            profiles = c.get(self.euicc, IF_EUICC, 'Profiles')
            since = time.monotonic()
            self.sim.stop()
            self.wait_gone(since, profiles)
            since = time.monotonic()
            self.sim.start()
            self.wait_back(since, 2)


class TestCardLeavesDuringJob(HotplugCase):

    # slow APDUs: the download is still on the card when it goes
    sim_extra = ('--fault', 'delay:*:15')

    def test_running_job_fails_with_card_gone(self):
        c = self.watch
        profiles = c.get(self.euicc, IF_EUICC, 'Profiles')
        job = c.install(self.euicc, self.smdp.ac(MID_A))
        c.wait_property(job, IF_JOB, 'Stage', lambda s: s == 'installing', timeout=60)
        since = time.monotonic()
        self.sim.stop()
        ok, name, msg, _result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'CardGone', msg)
        self.wait_gone(since, profiles)
        since = time.monotonic()
        self.sim.start()
        self.wait_back(since, 2)


if __name__ == '__main__':
    esimtest.main()
