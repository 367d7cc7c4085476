#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Authorization through polkit (the python-dbusmock polkitd template)."""

import esimtest
from esimtest import (ACTION, ACTIONS, ERR, IF_EUICC, IF_JOB, IF_MANAGER, IF_PROFILE, ROOT,
                      MID_A, MID_B, ICCID_A, ICCID_SEED1, ICCID_SEED2, StandardCase,
                      DBusCallError)

NOT_AUTHORIZED = ERR + 'NotAuthorized'


class TestAuthorization(StandardCase):

    def call_or_job(self, path, iface, method, sig=None, args=()):
        """Runs a method; an InstallProfile job is followed to its end.
        Returns the error name or None."""
        c = self.watch
        try:
            value = c.call(path, iface, method, sig, args)
        except DBusCallError as e:
            return e.name
        if method == 'InstallProfile':
            ok, name, _msg, _result = c.wait_job(value)
            return None if ok else name
        return None

    def operations(self):
        c = self.watch
        p2 = c.profile(self.euicc, ICCID_SEED2)
        e = self.euicc
        # (action, description, path, interface, method, signature, arguments), in an order
        # that works when each one is allowed in turn
        return [
            ('manage-profile', 'SetNickname', p2, IF_PROFILE, 'SetNickname', 's', ('Work',)),
            ('manage-profile', 'Enable', p2, IF_PROFILE, 'Enable', None, ()),
            ('manage-profile', 'Disable', p2, IF_PROFILE, 'Disable', None, ()),
            ('manage-profile', 'ProcessNotifications', e, IF_EUICC, 'ProcessNotifications',
             None, ()),
            ('delete-profile', 'Delete', p2, IF_PROFILE, 'Delete', None, ()),
            ('reset-memory', 'ResetMemory', e, IF_EUICC, 'ResetMemory', 'as', (['default-smdp'],)),
            ('configure', 'SetDefaultSmdpAddress', e, IF_EUICC, 'SetDefaultSmdpAddress', 's',
             (self.smdp.address,)),
            ('configure', 'SetTestMode', ROOT, IF_MANAGER, 'SetTestMode', 'b', (True,)),
            ('install-profile', 'Discover', e, IF_EUICC, 'Discover', 's', (self.smdp.address,)),
            ('install-profile', 'InstallProfile', e, IF_EUICC, 'InstallProfile', 'ssa{sv}',
             (self.smdp.ac(MID_A), '', {})),
        ]

    def test_denied_everything_reading_works(self):
        c = self.watch
        self.world.polkit.deny_all()
        for action, what, path, iface, method, sig, args in self.operations():
            with self.subTest(method=what):
                self.assertEqual(self.call_or_job(path, iface, method, sig, args), NOT_AUTHORIZED,
                                 f'{what} without {action}')
        # reading needs nothing
        objects = c.managed_objects()
        self.assertIn(self.euicc, objects)
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'Eid'), esimtest.EID)
        for p in c.get(self.euicc, IF_EUICC, 'Profiles'):
            self.assertIn(c.get_all(p, IF_PROFILE)['Iccid'], (ICCID_SEED1, ICCID_SEED2))
        c.get_all(ROOT, IF_MANAGER)
        c.call(ROOT, IF_MANAGER, 'Rescan')   # changes nothing on a card: no authorization
        # nothing changed anywhere
        self.assertEqual(c.profile_states(self.euicc),
                         {ICCID_SEED1: 'enabled', ICCID_SEED2: 'disabled'})
        card = self.sim.profiles()
        self.assertEqual(set(card), {ICCID_SEED1, ICCID_SEED2})
        self.assertIn(card[ICCID_SEED2].get('nickname', ''), ('', None))
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'DefaultSmdpAddress'), '')
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)
        # the denial names the action
        e = self.assertDBusError(NOT_AUTHORIZED, c.call, c.profile(self.euicc, ICCID_SEED2),
                                 IF_PROFILE, 'Delete')
        self.assertTrue(e.message)

    def test_each_method_asks_for_its_action(self):
        c = self.watch
        for action, what, path, iface, method, sig, args in self.operations():
            with self.subTest(method=what):
                # every other action allowed: still refused
                self.world.polkit.allow_only([a for a in ACTIONS if a != ACTION + action])
                self.assertEqual(self.call_or_job(path, iface, method, sig, args), NOT_AUTHORIZED,
                                 f'{what} passed without {action}')
                # only its own action allowed: not refused
                self.world.polkit.allow_only([ACTION + action])
                err = self.call_or_job(path, iface, method, sig, args)
                self.assertNotEqual(err, NOT_AUTHORIZED, f'{what} refused with {action}')
                if method not in ('ResetMemory',):
                    self.assertIsNone(err, f'{what}: {err}')
        # the effects of the allowed calls
        self.assertNotIn(ICCID_SEED2, self.sim.profiles())
        self.assertIn(ICCID_A, self.sim.profiles())
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'DefaultSmdpAddress'), self.smdp.address)

    def test_polkit_gone_fails_closed(self):
        c = self.watch
        self.world.polkit.stop()
        self.world.polkit = None
        p2 = c.profile(self.euicc, ICCID_SEED2)
        e = c.call_error(p2, IF_PROFILE, 'Enable')
        self.assertIn(e.name, (NOT_AUTHORIZED, ERR + 'Failed'), e.message)
        self.assertEqual(self.sim.profiles()[ICCID_SEED2]['state'], 'disabled')
        self.assertTrue(self.world.daemon.running())
        self.assertEqual(c.get(p2, IF_PROFILE, 'State'), 'disabled')


class TestCancelAuthorization(StandardCase):
    """Job.Cancel is allowed to the user who started the job, even without the action."""

    smdp_extra = ('--latency-ms', '300')

    def test_starter_may_cancel(self):
        c = self.watch
        job = c.install(self.euicc, self.smdp.ac(MID_B))
        self.world.polkit.deny_all()
        c.call(job, IF_JOB, 'Cancel')
        ok, name, msg, _result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'Cancelled', msg)
        self.assertEqual(set(self.sim.profiles()), {ICCID_SEED1, ICCID_SEED2})


if __name__ == '__main__':
    esimtest.main()
