#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""ES9+/ES11 wire quirks of deployed servers (esimd issue 9, items 4, 5, 7, 8, 9).

Each test drives a download, a discovery or the notification processing end
to end through the daemon against a test SM-DP+/SM-DS (tests/smdp/) that has
one --quirk or --fault of a real server."""

import socket

import esimtest
from esimtest import (ERR, IF_EUICC, IF_PROFILE, EID, MID_A, MID_B, ICCID_A, ICCID_B,
                      EsimTestCase, StandardCase, standard_sim_profiles, standard_smdp_profiles,
                      wait_until)


class WireCase(StandardCase):
    """The standard world, the SM-DP+ with the knobs of the subclass."""

    def install_a(self, code=None):
        c = self.watch
        result = c.install_ok(self.euicc, code or self.smdp.ac(MID_A))
        self.assertEqual(c.get(result, IF_PROFILE, 'Iccid'), ICCID_A)
        self.assertIn(ICCID_A, self.sim.profiles())
        wait_until(lambda: self.smdp.stats().get('downloads', {}).get('installed') == 1,
                   message='the installation counted at the SM-DP+')
        return result

    def wait_notifications_gone(self):
        c = self.watch
        wait_until(lambda: c.get(self.euicc, IF_EUICC, 'PendingNotifications') == 0
                   and not self.sim.notifications(), message='no pending notification')


class TestWrappedBase64(WireCase):
    """Base64 members wrapped at 64 columns with CRLF (and a charset in the content type)."""

    smdp_extra = ('--quirk', 'wrap-base64', '--quirk', 'json-charset')

    def test_wrap_base64(self):
        self.install_a()


class TestWrappedUnpaddedBase64(WireCase):
    """Base64 members at 76 columns and without their '=' padding."""

    smdp_extra = ('--quirk', 'wrap-base64:76', '--quirk', 'unpadded-base64')

    def test_wrap_base64_76_unpadded(self):
        self.install_a()


class TestLowercaseTransactionId(WireCase):
    """The server writes the transactionId in lower case and wants it back as written."""

    smdp_extra = ('--quirk', 'lowercase-transaction-id')

    def test_lowercase_transaction_id(self):
        self.install_a()
        self.assertEqual(self.smdp.stats()['orders'][MID_A]['state'], 'consumed')


class TestEmpty200Notification(WireCase):
    """handleNotification acknowledged with 200 and an empty body."""

    smdp_extra = ('--quirk', 'empty-200-notification')

    def test_empty_200_notification(self):
        self.install_a()
        # acknowledged, so removed from the card, not retried
        self.wait_notifications_gone()
        stats = self.smdp.stats()
        self.assertEqual(stats['notifications']['accepted'], 1, stats['notifications'])
        self.assertEqual(stats['requests'].get('es9plus/handleNotification'), 1, stats['requests'])
        self.assertEqual(stats['httpStatus'].get('204'), None, stats['httpStatus'])


class TestUppercaseAddress(WireCase):
    """An activation code with an upper-case SM-DP+ address, at a server that
    refuses upper-case letters in Host and smdpAddress."""

    smdp_extra = ('--address', 'localhost:0', '--quirk', 'reject-uppercase-host')

    def test_reject_uppercase_host(self):
        code = f'LPA:1$LOCALHOST:{self.smdp.port}${MID_A}'
        self.install_a(code)
        stats = self.smdp.stats()
        self.assertNotIn('400', stats['httpStatus'], stats['httpStatus'])
        # the notification address in the metadata is the server's own
        self.wait_notifications_gone()
        self.assertEqual(stats['notifications']['accepted'], 1, stats['notifications'])


class TestRedirect(WireCase):
    smdp_extra = ('--fault', 'redirect:initiateAuthentication')

    def test_redirect_refused(self):
        c = self.watch
        _job, (ok, name, msg, _result) = c.install_and_wait(self.euicc, self.smdp.ac(MID_A))
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'ServerRefused', msg)
        self.assertIn('redirect refused', msg)
        # never followed
        self.assertEqual(self.smdp.stats()['requests'].get('es9plus/initiateAuthentication'), 1)


class TestHttp4xxJson(WireCase):
    smdp_extra = ('--fault', 'http4xx-json:authenticateClient')

    def test_http4xx_json(self):
        c = self.watch
        _job, (ok, name, msg, _result) = c.install_and_wait(self.euicc, self.smdp.ac(MID_A))
        self.assertFalse(ok)
        # the SGP.22 codes of the body (8.2.6 / 3.8), not just "HTTP 400"
        self.assertEqual(name, ERR + 'MatchingIdRefused', msg)
        self.assertIn('HTTP 400', msg)
        self.assertNotIn(ICCID_A, self.sim.profiles())


class TestExpired(WireCase):
    smdp_extra = ('--fault', 'expired:getBoundProfilePackage')

    def test_expired(self):
        c = self.watch
        _job, (ok, name, msg, _result) = c.install_and_wait(self.euicc, self.smdp.ac(MID_A))
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'SessionExpired', msg)
        self.assertIn('expire', msg)
        self.assertNotIn(ICCID_A, self.sim.profiles())


class SmdsCase(EsimTestCase):
    """An SM-DP+ with the orders and a separate SM-DS (with the knobs of the
    subclass) whose event points to it."""

    smds_extra = ()

    def setUp(self):
        super().setUp()
        self.smdp = self.world.smdp(standard_smdp_profiles(), name='smdp')
        self.smds = self.world.smdp((), ('--event', f'{EID}={MID_B}@{self.smdp.address}')
                                    + tuple(self.smds_extra), name='smds')
        self.sim = self.world.sim(standard_sim_profiles(self.world.tmpdir, self.smdp))
        self.world.start_daemon()
        self.euicc = self.watch.euicc_for(self.sim)

    def discover_one(self):
        events = self.watch.call(self.euicc, IF_EUICC, 'Discover', 's', (self.smds.address,))
        self.assertEqual(len(events), 1, events)
        address, mid, code = events[0]
        self.assertEqual(address, self.smdp.address)
        self.assertEqual(mid, MID_B)
        return code


class TestEs11OnEs9plusPath(SmdsCase):
    """An SM-DS that serves ES11 only under /gsma/rsp2/es9plus/."""

    smds_extra = ('--quirk', 'es11-on-es9plus-path')

    def test_es11_on_es9plus_path(self):
        code = self.discover_one()
        stats = self.smds.stats()
        self.assertEqual(stats['httpStatus'].get('404'), 1, stats['httpStatus'])
        self.assertEqual(stats['requests'].get('es9plus/authenticateClient'), 1, stats['requests'])
        # remembered for this server: no second 404
        self.discover_one()
        stats = self.smds.stats()
        self.assertEqual(stats['httpStatus'].get('404'), 1, stats['httpStatus'])
        self.assertEqual(stats['requests'].get('es9plus/authenticateClient'), 2, stats['requests'])
        result = self.watch.install_ok(self.euicc, code)
        self.assertEqual(self.watch.get(result, IF_PROFILE, 'Iccid'), ICCID_B)


class TestEventWithoutId(SmdsCase):
    """An event entry without eventId among the good ones."""

    smds_extra = ('--quirk', 'event-without-id')

    def test_event_without_id(self):
        code = self.discover_one()
        result = self.watch.install_ok(self.euicc, code)
        self.assertEqual(self.watch.get(result, IF_PROFILE, 'Iccid'), ICCID_B)


def free_port():
    """A loopback port free now, for a server whose address another one must
    know before it starts (a cascade loop)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class CascadeCase(EsimTestCase):
    """An SM-DP+ with the orders and SM-DSs (--role smds: ES11 signed with a
    CERT.DSauth) whose events point to the SM-DP+ or to each other."""

    def setUp(self):
        super().setUp()
        self.smdp = self.world.smdp(standard_smdp_profiles(), name='smdp')

    def start(self):
        self.sim = self.world.sim(standard_sim_profiles(self.world.tmpdir, self.smdp))
        self.world.start_daemon()
        self.euicc = self.watch.euicc_for(self.sim)

    def smds(self, name, *events, extra=()):
        args = ['--role', 'smds']
        for event in events:
            args += ['--event', f'{EID}={event}']
        return self.world.smdp((), tuple(args) + tuple(extra), name=name)

    def discover(self, smds):
        events = self.watch.call(self.euicc, IF_EUICC, 'Discover', 's', (smds.address,))
        return sorted((address, mid) for address, mid, _code in events), events

    def requests(self, server):
        return server.stats().get('requests', {})


class TestSmdsCascade(CascadeCase):
    """root SM-DS -> alternative SM-DS -> SM-DP+ (SGP.22 3.6.1: an event's
    rspServerAddress may name an alternative SM-DS)."""

    def test_cascade_to_alternative_smds(self):
        alt = self.smds('alt', f'{MID_B}@{self.smdp.address}')
        root = self.smds('root', f'TO-ALT@{alt.address}')
        self.start()
        found, events = self.discover(root)
        self.assertEqual(found, [(self.smdp.address, MID_B)], events)
        # the alternative SM-DS was asked once, in the session of its probe
        self.assertEqual(self.requests(alt).get('es11/initiateAuthentication'), 1)
        self.assertEqual(self.requests(alt).get('es11/authenticateClient'), 1)
        # the SM-DP+ was only probed
        self.assertEqual(self.requests(self.smdp).get('es11/initiateAuthentication'), 1)
        self.assertNotIn('es11/authenticateClient', self.requests(self.smdp))
        result = self.watch.install_ok(self.euicc, events[0][2])
        self.assertEqual(self.watch.get(result, IF_PROFILE, 'Iccid'), ICCID_B)
        self.assertIn(ICCID_B, self.sim.profiles())


class TestSmdsCascadeLoop(CascadeCase):
    """Two SM-DSs pointing at each other: each asked once, the events of both
    kept (and deduplicated), no error."""

    def test_cascade_loop(self):
        root_port = free_port()
        root_address = f'127.0.0.1:{root_port}'
        alt = self.smds('alt', f'{MID_B}@{self.smdp.address}', f'BACK@{root_address}')
        root = self.smds('root', f'TO-ALT@{alt.address}', f'{MID_A}@{self.smdp.address}',
                         f'{MID_B}@{self.smdp.address}',
                         extra=('--listen', root_address))
        self.assertEqual(root.address, root_address)
        self.start()
        found, events = self.discover(root)
        self.assertEqual(found, sorted([(self.smdp.address, MID_A), (self.smdp.address, MID_B)]),
                         events)
        for server in (root, alt):
            self.assertEqual(self.requests(server).get('es11/initiateAuthentication'), 1,
                             server.stats())
            self.assertEqual(self.requests(server).get('es11/authenticateClient'), 1,
                             server.stats())
        # the SM-DP+ probed once for its two events
        self.assertEqual(self.requests(self.smdp).get('es11/initiateAuthentication'), 1)


class TestSmdsCascadeDepth(CascadeCase):
    """Alternative SM-DSs are asked three levels below the root, not four."""

    def test_cascade_depth_bounded(self):
        deepest = self.smds('alt4', f'{MID_B}@{self.smdp.address}')
        alt3 = self.smds('alt3', f'TO-ALT4@{deepest.address}', f'{MID_A}@{self.smdp.address}')
        alt2 = self.smds('alt2', f'TO-ALT3@{alt3.address}')
        alt1 = self.smds('alt1', f'TO-ALT2@{alt2.address}')
        root = self.smds('root', f'TO-ALT1@{alt1.address}')
        self.start()
        found, events = self.discover(root)
        self.assertEqual(found, [(self.smdp.address, MID_A)], events)
        for server in (alt1, alt2, alt3):
            self.assertEqual(self.requests(server).get('es11/authenticateClient'), 1,
                             server.stats())
        # identified by its probe, not asked
        self.assertEqual(self.requests(deepest).get('es11/initiateAuthentication'), 1)
        self.assertNotIn('es11/authenticateClient', self.requests(deepest))


class TestSmdsEventToSmdp(CascadeCase):
    """An event naming a plain SM-DP+ is a download target: the probe is an
    ES11 initiateAuthentication only, never an authenticateClient there."""

    def test_event_to_smdp_not_cascaded(self):
        root = self.smds('root', f'{MID_B}@{self.smdp.address}')
        self.start()
        found, events = self.discover(root)
        self.assertEqual(found, [(self.smdp.address, MID_B)], events)
        requests = self.requests(self.smdp)
        self.assertEqual(requests.get('es11/initiateAuthentication'), 1, requests)
        self.assertNotIn('es11/authenticateClient', requests)
        self.assertNotIn('es9plus/authenticateClient', requests)
        # the order is untouched by the probe
        self.assertEqual(self.smdp.stats()['orders'][MID_B]['state'], 'available')
        result = self.watch.install_ok(self.euicc, events[0][2])
        self.assertEqual(self.watch.get(result, IF_PROFILE, 'Iccid'), ICCID_B)


class TestSmdsProbeFails(CascadeCase):
    """A probe that fails (here HTTP 500) keeps the event as it is."""

    def setUp(self):
        EsimTestCase.setUp(self)
        self.smdp = self.world.smdp(standard_smdp_profiles(),
                                    ('--fault', 'http500:initiateAuthentication:1'), name='smdp')

    def test_probe_failure_keeps_event(self):
        root = self.smds('root', f'{MID_B}@{self.smdp.address}')
        self.start()
        found, events = self.discover(root)
        self.assertEqual(found, [(self.smdp.address, MID_B)], events)
        self.assertEqual(self.smdp.stats()['httpStatus'].get('500'), 1)
        result = self.watch.install_ok(self.euicc, events[0][2])
        self.assertEqual(self.watch.get(result, IF_PROFILE, 'Iccid'), ICCID_B)


if __name__ == '__main__':
    esimtest.main()
