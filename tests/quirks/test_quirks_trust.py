#!/usr/bin/python3
"""Quirks of the TLS trust and transfer timing of real SM-DP+ servers.

- Some production SM-DP+ servers present a TLS certificate from a public
  web CA, not from a GSMA CI: trusted with [tls] SystemRoots=true (the test
  points SystemRootsFile= at a throw-away "web CA", esim-smdp --tls-mode
  web-ca); refused otherwise, naming the issuer and that key.
- A chain ending in a root missing from the bundle (--tls-mode unknown-ci)
  or in an expired legacy root (--tls-mode legacy-expired, the root given
  as TrustAnchors=), an expired server certificate, a certificate for
  another host: each a specific error naming what is wrong.
- A bound profile package trickled over a slow link (--fault
  slow-body:getBoundProfilePackage:BYTES_PER_S) takes longer than the
  per-request timeout and still succeeds; one whose transfer stalls
  (--fault stall-body:getBoundProfilePackage) ends with a timeout.

Everything goes through the daemon on D-Bus, and the web-CA case also
through esimctl --card.
"""

import os

import esimtest
from esimtest import ERR, MID_A

from esimtest import DBusCallError, EsimTestCase, standard_smdp_profiles, upp, UPP_A

WEB_ROOT = 'CN=esim-smdp Test Web Root CA,O=Example Web PKI,C=US'
LEGACY_ROOT = 'CN=esim-smdp Legacy SMDP Root,O=Example Legacy Operator,C=DE'
ROGUE_ROOT = 'CN=esim-smdp untrusted CA'


class TrustCase(EsimTestCase):

    def start(self, smdp_extra=(), config=None, daemon=True):
        self.root = os.path.join(self.world.tmpdir, 'tls-root.pem')
        self.smdp = self.world.smdp(standard_smdp_profiles(),
                                    tuple(smdp_extra) + ('--tls-root-file', self.root))
        self.sim = self.world.sim()
        if not daemon:
            return
        cfg = config(self.root) if callable(config) else config
        self.world.start_daemon(extra_config=cfg)
        self.euicc = self.watch.euicc_for(self.sim)

    def install_failure(self, timeout=60):
        """(error name, message) of an install that has to fail."""
        try:
            job = self.watch.install(self.euicc, self.smdp.ac(MID_A))
        except DBusCallError as e:
            return e.name, e.message
        ok, name, msg, _result = self.watch.wait_job(job, timeout)
        self.assertFalse(ok, 'the install succeeded but should have failed')
        return name, msg

    def assertNothingSaid(self):
        # nothing was said to a server that was not trusted
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)
        self.assertEqual(self.sim.profiles(), {})


class TestWebCa(TrustCase):
    """Production SM-DP+ servers with a certificate of a public web CA."""

    def test_web_ca_trusted_with_system_roots(self):
        self.start(('--tls-mode', 'web-ca'),
                   lambda root: {'tls': {'SystemRoots': 'true', 'SystemRootsFile': root}})
        self.watch.install_ok(self.euicc, self.smdp.ac(MID_A))
        self.assertEqual(len(self.sim.profiles()), 1)

    def test_web_ca_refused_names_issuer_and_key(self):
        # the same store, known but not trusted: the default
        self.start(('--tls-mode', 'web-ca'),
                   lambda root: {'tls': {'SystemRootsFile': root}})
        name, msg = self.install_failure()
        self.assertEqual(name, ERR + 'ServerUnknownRoot', msg)
        self.assertIn('SM-DP+ certificate chain ends in an unknown root: ' + WEB_ROOT, msg)
        self.assertIn('[tls] SystemRoots=true', msg)
        self.assertNothingSaid()

    def test_esimctl_card_system_roots(self):
        # esimctl --card has the card to itself: no daemon
        self.start(('--tls-mode', 'web-ca'), daemon=False)
        card = f'socket:{self.sim.socket}'
        refused = self.world.esimctl('--card', card, 'install', self.smdp.ac(MID_A),
                                     '--system-roots-file', '/dev/null/none', bus=False)
        self.assertEqual(refused.returncode, 2, refused.stderr)
        # without the option: refused, and the message says which one
        refused = self.world.esimctl('--card', card, 'install', self.smdp.ac(MID_A), bus=False)
        self.assertEqual(refused.returncode, 1, refused.stderr)
        self.assertIn('unknown root: ' + WEB_ROOT, refused.stderr)
        self.assertIn('--ca', refused.stderr)
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)
        ok = self.world.esimctl('--card', card, 'install', self.smdp.ac(MID_A),
                                '--system-roots-file', self.root, bus=False)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertEqual(len(self.sim.profiles()), 1)


class TestRoots(TrustCase):
    """Roots missing from the bundle, expired roots and certificates."""

    def test_unknown_root(self):
        self.start(('--tls-mode', 'unknown-ci'))
        name, msg = self.install_failure()
        self.assertEqual(name, ERR + 'ServerUnknownRoot', msg)
        self.assertIn('SM-DP+ certificate chain ends in an unknown root: ' + ROGUE_ROOT, msg)
        self.assertIn('[daemon] TrustAnchors=', msg)
        self.assertNothingSaid()

    def test_test_ci_outside_test_mode(self):
        # the SGP.26 test CI is shipped, and named, but trusted only in test mode
        self.root = None
        self.smdp = self.world.smdp(standard_smdp_profiles())
        self.sim = self.world.sim()
        self.world.start_daemon(test_mode=False, extra_config={'TestCi': ''})
        self.euicc = self.watch.euicc_for(self.sim)
        name, msg = self.install_failure()
        self.assertEqual(name, ERR + 'ServerUnknownRoot', msg)
        self.assertIn('unknown root: C=IT,O=RSPTEST,OU=TESTCERT,CN=Test CI', msg)
        self.assertIn('TestMode=true', msg)

    def test_expired_legacy_root(self):
        self.start(('--tls-mode', 'legacy-expired'), lambda root: {'TrustAnchors': root})
        name, msg = self.install_failure()
        self.assertEqual(name, ERR + 'ServerCertificateExpired', msg)
        self.assertIn('SM-DP+ certificate chain ends in an expired root: ' + LEGACY_ROOT, msg)
        self.assertIn('expired on', msg)
        self.assertNothingSaid()

    def test_expired_server_certificate(self):
        self.start(('--tls-mode', 'expired'))
        name, msg = self.install_failure()
        self.assertEqual(name, ERR + 'ServerCertificateExpired', msg)
        self.assertIn('the SM-DP+ certificate is not valid now', msg)
        self.assertIn('expired on', msg)
        self.assertNothingSaid()

    def test_wrong_host(self):
        self.start(('--tls-mode', 'wrong-host'))
        name, msg = self.install_failure()
        self.assertEqual(name, ERR + 'ServerWrongHost', msg)
        self.assertIn('is for wrong.example.com, not for 127.0.0.1', msg)
        self.assertNothingSaid()


class TestSlowDownload(TrustCase):
    """Timeouts: per request, longer for the package, and a stall limit."""

    def test_slow_package_keeps_flowing(self):
        # the package is some 16 KiB of JSON: at a fifth of the UPP's size
        # per second its transfer takes several times RequestTimeoutSeconds
        rate = max(1000, os.path.getsize(upp(UPP_A)) // 5)
        self.start(('--fault', f'slow-body:getBoundProfilePackage:{rate}'),
                   {'network': {'RequestTimeoutSeconds': '2', 'DownloadTimeoutSeconds': '120',
                                'StallTimeoutSeconds': '3'}})
        self.watch.install_ok(self.euicc, self.smdp.ac(MID_A), timeout=120)
        self.assertEqual(len(self.sim.profiles()), 1)

    def test_stalled_package_times_out(self):
        # far below the download timeout: only the stall limit can end it
        self.start(('--fault', 'stall-body:getBoundProfilePackage'),
                   {'network': {'DownloadTimeoutSeconds': '3600', 'StallTimeoutSeconds': '2'}})
        name, msg = self.install_failure(timeout=60)
        self.assertEqual(name, ERR + 'Timeout', msg)
        self.assertIn('stalled', msg)
        self.assertEqual(self.sim.profiles(), {})


if __name__ == '__main__':
    esimtest.main()
