#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Two eUICCs in parallel; two clients racing on one eUICC; a notification server that
hangs while the card serves another operation."""

import sys
import time

import esimtest
from esimtest import (ERR, IF_EUICC, IF_JOB, IF_PROFILE, MID_A, MID_B, ICCID_A, ICCID_B,
                      UPP_GENERIC, EsimTestCase, sim_profile, iccid, smdp_profile,
                      standard_smdp_profiles, wait_until)

LATENCY_MS = 250
GONE = ('org.freedesktop.DBus.Error.UnknownObject', 'org.freedesktop.DBus.Error.UnknownMethod',
        ERR + 'UnknownProfile', ERR + 'NothingToDelete')


def completed_at(client, job, since=0.0):
    """When CLIENT received the Completed signal of JOB, waiting for it: every client
    gets a signal on its own connection, in its own time."""
    found = wait_until(lambda: client.signals_of('Completed', job, IF_JOB, since),
                       message=f'Completed of {job} at one client')
    return found[0][0]


class TestTwoEuiccs(EsimTestCase):

    def test_parallel_downloads(self):
        smdp = self.world.smdp(standard_smdp_profiles(), ('--latency-ms', str(LATENCY_MS)))
        sim0 = self.world.sim()
        sim1 = self.world.sim()
        self.world.start_daemon()
        a, b = self.world.client(), self.world.client()
        e0, e1 = self.watch.euicc_for(sim0), self.watch.euicc_for(sim1)
        self.assertNotEqual(e0, e1)

        t0 = time.monotonic()
        pa = a.call_async(e0, IF_EUICC, 'InstallProfile', 'ssa{sv}', (smdp.ac(MID_A), '', {}))
        pb = b.call_async(e1, IF_EUICC, 'InstallProfile', 'ssa{sv}', (smdp.ac(MID_B), '', {}))
        job_a, job_b = pa.result(), pb.result()
        starts = {job_a: pa.finished_at, job_b: pb.finished_at}

        # a property read is answered at once while both cards are busy
        t_read = time.monotonic()
        self.watch.get(e0, IF_EUICC, 'FreeMemory')
        self.watch.get(e1, IF_EUICC, 'Profiles')
        read_time = time.monotonic() - t_read

        res_a, res_b = a.wait_job(job_a, 90), b.wait_job(job_b, 90)
        self.assertTrue(res_a[0], res_a[1:3])
        self.assertTrue(res_b[0], res_b[1:3])
        # client a gets job_b's signal on its own connection, maybe after b did
        ends = {job: completed_at(a, job) for job in (job_a, job_b)}
        total = max(ends.values()) - t0
        durations = {job: ends[job] - starts[job] for job in ends}
        overlap = min(ends.values()) - max(starts.values())
        sys_msg = f'durations {durations}, total {total:.2f} s, overlap {overlap:.2f} s'
        # each download waits >= 3 x LATENCY on the SM-DP+; in sequence the second would
        # start only after the first ended
        self.assertGreater(min(durations.values()), 3 * LATENCY_MS / 1000, sys_msg)
        self.assertGreater(overlap, 0.6 * min(durations.values()), sys_msg)
        self.assertLess(total, 0.8 * sum(durations.values()), sys_msg)
        self.assertLess(read_time, 2 * LATENCY_MS / 1000, f'property reads took {read_time:.2f} s')

        self.assertEqual(a.get(res_a[3], IF_PROFILE, 'Iccid'), ICCID_A)
        self.assertEqual(b.get(res_b[3], IF_PROFILE, 'Iccid'), ICCID_B)
        self.assertEqual(set(self.watch.profiles(e0)), {ICCID_A})
        self.assertEqual(set(self.watch.profiles(e1)), {ICCID_B})
        self.assertEqual(set(sim0.profiles()), {ICCID_A})
        self.assertEqual(set(sim1.profiles()), {ICCID_B})
        self.assertEqual(a.get(res_a[3], IF_PROFILE, 'Euicc'), e0)
        self.assertEqual(b.get(res_b[3], IF_PROFILE, 'Euicc'), e1)


class TestRacingClients(EsimTestCase):

    def setUp(self):
        super().setUp()
        self.smdp = self.world.smdp(
            standard_smdp_profiles() + [smdp_profile('AC-RACE', UPP_GENERIC[4], iccid=iccid(40))],
            ('--latency-ms', '100'))
        self.sim = self.world.sim([
            sim_profile(UPP_GENERIC[0], iccid=iccid(41), state='enabled', notify=self.smdp.address),
            sim_profile(UPP_GENERIC[1], iccid=iccid(42), notify=self.smdp.address),
            sim_profile(UPP_GENERIC[2], iccid=iccid(43), notify=self.smdp.address),
        ])
        self.world.start_daemon()
        self.euicc = self.watch.euicc_for(self.sim)
        self.a = self.world.client()
        self.b = self.world.client()

    def assertConsistent(self):
        """The daemon's view equals the card's; exactly one profile enabled at most."""
        daemon = self.watch.profile_states(self.euicc)
        card = {i: p['state'] for i, p in self.sim.profiles().items()}
        self.assertEqual(daemon, card)
        self.assertLessEqual(list(card.values()).count('enabled'), 1)

    def test_enable_race(self):
        p42 = self.watch.profile(self.euicc, iccid(42))
        p43 = self.watch.profile(self.euicc, iccid(43))
        pa = self.a.call_async(p42, IF_PROFILE, 'Enable')
        pb = self.b.call_async(p43, IF_PROFILE, 'Enable')
        self.assertIsNone(pa.result())
        self.assertIsNone(pb.result())
        last = iccid(42) if pa.finished_at > pb.finished_at else iccid(43)
        self.assertConsistent()
        self.assertEqual(self.sim.profiles()[last]['state'], 'enabled')

    def test_delete_race(self):
        p42 = self.watch.profile(self.euicc, iccid(42))
        pa = self.a.call_async(p42, IF_PROFILE, 'Delete')
        pb = self.b.call_async(p42, IF_PROFILE, 'Delete')
        wait_until(lambda: pa.done and pb.done, message='both replies')
        errors = [p.error for p in (pa, pb) if p.error is not None]
        self.assertEqual(len(errors), 1, f'{pa.error!r} {pb.error!r}')
        self.assertIn(errors[0].name, GONE, errors[0].message)
        self.assertNotIn(iccid(42), self.sim.profiles())
        self.assertConsistent()

    def test_install_race_same_matching_id(self):
        code = self.smdp.ac('AC-RACE')
        pa = self.a.call_async(self.euicc, IF_EUICC, 'InstallProfile', 'ssa{sv}', (code, '', {}))
        pb = self.b.call_async(self.euicc, IF_EUICC, 'InstallProfile', 'ssa{sv}', (code, '', {}))
        wait_until(lambda: pa.done and pb.done, message='both replies')
        outcomes = {}
        for client, pending in ((self.a, pa), (self.b, pb)):
            if pending.error is not None:
                outcomes[pending] = (False, pending.error.name, None)
                continue
            ok, name, msg, _result = client.wait_job(pending.value, 90)
            outcomes[pending] = (ok, name or msg, pending.value)
        results = sorted(o[0] for o in outcomes.values())
        self.assertEqual(results, [False, True], outcomes)
        failure = [o[1] for o in outcomes.values() if not o[0]][0]
        self.assertIn(failure, (ERR + 'MatchingIdRefused', ERR + 'IccidAlreadyInstalled'),
                      outcomes)
        # one eUICC, one download at a time: the second job touched nothing before the
        # first had completed
        jobs = [o[2] for o in outcomes.values() if o[2] is not None]
        if len(jobs) == 2:
            since = min(self.a.job_since.get(j, 0) or self.b.job_since.get(j, 0) for j in jobs)
            ends = {j: completed_at(self.watch, j, since) for j in jobs}
            first, second = sorted(jobs, key=lambda j: ends[j])
            busy = [t for (t, _p, _i, _m, args) in self.watch.signals_of(
                        'PropertiesChanged', second, esimtest.IF_PROPS, since)
                    if args[0] == IF_JOB and args[1].get('Stage') in
                    ('authenticating', 'preparing', 'installing')]
            if busy:
                self.assertGreaterEqual(busy[0], ends[first],
                                        'the second download started before the first ended')
        self.assertIn(iccid(40), self.sim.profiles())
        self.assertEqual(len(self.sim.profiles()), 4)
        self.assertConsistent()

    def test_interleaved_burst(self):
        """Two clients pipelining calls without waiting: every answer is a success or
        the state error its turn in the queue explains, never a card or busy error, and
        the daemon agrees with the card afterwards."""
        p41 = self.watch.profile(self.euicc, iccid(41))
        p42 = self.watch.profile(self.euicc, iccid(42))
        p43 = self.watch.profile(self.euicc, iccid(43))
        names = [f'name {i}' for i in range(6)]
        nick = [self.a.call_async(p43, IF_PROFILE, 'SetNickname', 's', (n,)) for n in names]
        switch = [self.b.call_async(target, IF_PROFILE, 'Enable')
                  for target in (p42, p41, p42, p41)]
        reads = [self.watch.call_async(p41, 'org.freedesktop.DBus.Properties', 'GetAll', 's',
                                       (IF_PROFILE,)) for _ in range(5)]
        wait_until(lambda: all(p.done for p in nick + switch + reads), 60, 'every reply')
        for p in nick + reads:
            self.assertIsNone(p.error)
        for p in switch:
            if p.error is not None:
                # pipelined calls of one client may be authorized out of order; enabling
                # the enabled profile is then refused, as it should be
                self.assertEqual(p.error.name, ERR + 'ProfileNotDisabled', p.error.message)
        self.assertGreaterEqual(len([p for p in switch if p.error is None]), 2)
        nickname = self.watch.get(p43, IF_PROFILE, 'Nickname')
        self.assertIn(nickname, names)
        self.assertEqual(self.sim.profiles()[iccid(43)].get('nickname'), nickname)
        self.assertConsistent()
        # and the queue still works
        self.a.call(p42 if self.sim.profiles()[iccid(42)]['state'] == 'disabled' else p41,
                    IF_PROFILE, 'Enable')
        self.assertConsistent()


class TestHangingNotificationServer(EsimTestCase):
    """A notification delivery waits for its server outside the eUICC's queue."""

    HTTP_TIMEOUT_S = 12

    def test_enable_during_hanging_delivery(self):
        smdp = self.world.smdp(standard_smdp_profiles(), ('--fault', 'timeout:handleNotification'))
        sim = self.world.sim([
            sim_profile(UPP_GENERIC[0], iccid=iccid(51), state='enabled', notify=smdp.address),
            sim_profile(UPP_GENERIC[1], iccid=iccid(52), notify=smdp.address),
            sim_profile(UPP_GENERIC[2], iccid=iccid(53), notify=smdp.address),
        ])
        self.world.start_daemon(extra_config={
            'HttpTimeoutSeconds': str(self.HTTP_TIMEOUT_S),
            'NotificationRetrySeconds': '3600', 'NotificationRetryMaxSeconds': '3600'})
        euicc = self.watch.euicc_for(sim)
        c = self.world.client()

        def hanging():
            return smdp.stats().get('requests', {}).get('es9plus/handleNotification', 0)

        # the switch leaves two notifications; the first one's delivery hangs
        c.call(self.watch.profile(euicc, iccid(52)), IF_PROFILE, 'Enable')
        wait_until(lambda: hanging() >= 1, message='a notification delivery hanging')
        t_hang = time.monotonic()
        pending = len(sim.notifications())

        t0 = time.monotonic()
        c.call(self.watch.profile(euicc, iccid(53)), IF_PROFILE, 'Enable')
        enable_time = time.monotonic() - t0
        since_hang = time.monotonic() - t_hang
        sys_msg = (f'Enable took {enable_time:.2f} s, {since_hang:.2f} s after the delivery '
                   f'began hanging (HTTP timeout {self.HTTP_TIMEOUT_S} s)')
        sys.stderr.write(sys_msg + '\n')
        # still the first request: the delivery had not timed out when the card switched
        self.assertEqual(hanging(), 1, sys_msg)
        self.assertLess(since_hang, self.HTTP_TIMEOUT_S, sys_msg)
        self.assertLess(enable_time, self.HTTP_TIMEOUT_S / 3, sys_msg)
        self.assertEqual(sim.profiles()[iccid(53)]['state'], 'enabled')
        # nothing acknowledged, nothing removed: the Enable only added its own
        self.assertEqual(pending, 2)
        self.assertEqual(len(sim.notifications()), 4)
        self.assertEqual(self.watch.profile_states(euicc),
                         {i: p['state'] for i, p in sim.profiles().items()})


if __name__ == '__main__':
    esimtest.main()
