#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""esimctl through the daemon: output, JSON, exit codes."""

import json
import os
import select
import shutil
import signal
import socket
import subprocess

import esimtest
from esimtest import (CC, ERR, IF_EUICC, IF_JOB, IF_PROFILE, MID_A, MID_B, MID_CC, ICCID_A,
                      ICCID_B, ICCID_CC, ICCID_SEED1, ICCID_SEED2, StandardCase, EsimTestCase,
                      wait_until)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_NOT_AUTHORIZED = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130
CTL_ERR = 'org.freedesktop.Esim1.Ctl.Error.'


def closed_port():
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def esimctl_env(world):
    env = dict(os.environ, LC_ALL='C.UTF-8', DBUS_SYSTEM_BUS_ADDRESS=world.bus.address)
    env.pop('DBUS_SESSION_BUS_ADDRESS', None)
    return env


def esimctl_wrapped(world, wrapper, *args):
    """esimctl run under WRAPPER (a command line prefix, a tracer)."""
    env = esimctl_env(world)
    # LeakSanitizer cannot run under ptrace; AddressSanitizer itself still does
    asan = env.get('ASAN_OPTIONS', '')
    env['ASAN_OPTIONS'] = ':'.join([o for o in asan.split(':') if o and
                                    not o.startswith('detect_leaks=')] + ['detect_leaks=0'])
    return subprocess.run(wrapper + [esimtest.required_program('ESIMCTL_PATH')]
                          + [str(a) for a in args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, timeout=120,
                          check=False)


class Background:
    """esimctl running in the background, its stdout read line by line."""

    def __init__(self, world, *args):
        env = esimctl_env(world)
        self.popen = subprocess.Popen(
            [esimtest.required_program('ESIMCTL_PATH')] + [str(a) for a in args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            preexec_fn=esimtest._pdeathsig)  # pylint: disable=protected-access
        self.out = b''
        self.err = b''
        for f in (self.popen.stdout, self.popen.stderr):
            os.set_blocking(f.fileno(), False)

    def _read(self):
        for f, attr in ((self.popen.stdout, 'out'), (self.popen.stderr, 'err')):
            while select.select([f], [], [], 0)[0]:
                data = f.read()
                if not data:
                    break
                setattr(self, attr, getattr(self, attr) + data)
        return True

    def lines(self):
        self._read()
        return [line for line in self.out.decode().split('\n')[:-1]]

    def wait_stderr(self, text):
        wait_until(lambda: self._read() and (text in self.err.decode()
                                             or self.popen.poll() is not None),
                   message=f'esimctl saying {text!r}')
        self.assertions_running()

    def assertions_running(self):
        if self.popen.poll() is not None:
            raise AssertionError(f'esimctl exited with {self.popen.returncode}: '
                                 f'{self.out.decode()}{self.err.decode()}')

    def wait_exit(self):
        wait_until(lambda: self._read() and self.popen.poll() is not None,
                   message='esimctl to exit')
        self._read()
        return self.popen.returncode

    def stop(self):
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()
        self.popen.stdout.close()
        self.popen.stderr.close()


class TestEsimctl(StandardCase):

    def run_ok(self, *args):
        r = self.world.esimctl(*args)
        self.assertEqual(r.returncode, EXIT_OK, f'esimctl {args}: {r.stdout}{r.stderr}')
        return r

    def test_list_json(self):
        r = self.run_ok('--json', 'list')
        profiles = json.loads(r.stdout)
        self.assertIsInstance(profiles, list)
        by_iccid = {p['iccid']: p for p in profiles}
        self.assertEqual(set(by_iccid), {ICCID_SEED1, ICCID_SEED2})
        self.assertEqual(by_iccid[ICCID_SEED1]['state'], 'enabled')
        self.assertEqual(by_iccid[ICCID_SEED2]['state'], 'disabled')
        self.assertEqual(by_iccid[ICCID_SEED1]['name'], 'Seed One')
        self.assertEqual(by_iccid[ICCID_SEED1]['nickname'], 'home')

    def test_list_text(self):
        r = self.run_ok('list')
        self.assertIn(ICCID_SEED1, r.stdout)
        self.assertIn(ICCID_SEED2, r.stdout)
        self.assertIn('Seed One', r.stdout)

    def test_install_enable_list(self):
        c = self.watch
        r = self.run_ok('install', self.smdp.ac(MID_A))
        self.assertIn(ICCID_A, r.stdout)
        self.assertIn(ICCID_A, self.sim.profiles())
        self.assertIn(ICCID_A, c.profiles(self.euicc))
        self.run_ok('enable', ICCID_A)
        self.assertEqual(self.sim.profiles()[ICCID_A]['state'], 'enabled')
        self.assertEqual(c.get(c.profile(self.euicc, ICCID_A), IF_PROFILE, 'State'), 'enabled')
        states = {p['iccid']: p['state'] for p in json.loads(self.run_ok('--json', 'list').stdout)}
        self.assertEqual(states, {ICCID_SEED1: 'disabled', ICCID_SEED2: 'disabled',
                                  ICCID_A: 'enabled'})

    def test_install_json(self):
        r = self.run_ok('--json', 'install', self.smdp.ac(MID_B))
        self.assertEqual(json.loads(r.stdout)['iccid'], ICCID_B)

    def test_nickname_disable_delete(self):
        c = self.watch
        self.run_ok('nickname', ICCID_SEED2, 'Roaming')
        self.assertEqual(c.get(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE, 'Nickname'),
                         'Roaming')
        self.run_ok('disable', ICCID_SEED1)
        self.assertEqual(self.sim.profiles()[ICCID_SEED1]['state'], 'disabled')
        self.run_ok('delete', ICCID_SEED2)
        self.assertNotIn(ICCID_SEED2, self.sim.profiles())
        self.run_ok('set-default-smdp', self.smdp.address)
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'DefaultSmdpAddress'), self.smdp.address)

    def test_operation_failed_exit_1(self):
        r = self.world.esimctl('delete', ICCID_SEED1)          # enabled
        self.assertEqual(r.returncode, EXIT_FAILED, r.stdout + r.stderr)
        self.assertTrue(r.stderr.strip())
        # enabling the enabled profile is no failure (idempotent)
        r = self.world.esimctl('enable', ICCID_SEED1)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.world.esimctl('install', self.smdp.ac('NOT-IN-CATALOG'))
        self.assertEqual(r.returncode, EXIT_FAILED, r.stdout + r.stderr)
        r = self.world.esimctl('enable', esimtest.iccid(99))   # no such profile
        self.assertEqual(r.returncode, EXIT_FAILED, r.stdout + r.stderr)
        self.assertEqual(set(self.sim.profiles()), {ICCID_SEED1, ICCID_SEED2})

    def test_usage_exit_2(self):
        for args in ((), ('frobnicate',), ('enable',), ('--no-such-option', 'list'),
                     ('nickname', ICCID_SEED2)):
            with self.subTest(args=args):
                r = self.world.esimctl(*args)
                self.assertEqual(r.returncode, EXIT_USAGE, r.stdout + r.stderr)

    def test_not_authorized_exit_4(self):
        self.world.polkit.deny_all()
        r = self.world.esimctl('enable', ICCID_SEED2)
        self.assertEqual(r.returncode, EXIT_NOT_AUTHORIZED, r.stdout + r.stderr)
        r = self.world.esimctl('install', self.smdp.ac(MID_A))
        self.assertEqual(r.returncode, EXIT_NOT_AUTHORIZED, r.stdout + r.stderr)
        self.assertEqual(self.sim.profiles()[ICCID_SEED2]['state'], 'disabled')
        # reading still works
        self.assertEqual(self.world.esimctl('--json', 'list').returncode, EXIT_OK)


class TestEsimctlScripts(StandardCase):
    """What scripts rely on: JSON for failures and results, exit codes, no
    wipe without --yes, Ctrl-C, monitor."""

    def json_error(self, *args, exit_code):
        r = self.world.esimctl('--json', *args)
        self.assertEqual(r.returncode, exit_code, r.stdout + r.stderr)
        error = json.loads(r.stdout)['error']
        self.assertEqual(error['exit_code'], exit_code)
        self.assertTrue(error['message'])
        # the same words for people on stderr
        self.assertIn(error['message'], r.stderr)
        return error

    def test_json_errors(self):
        # the card refuses (an enabled profile cannot be deleted): the
        # daemon's error name
        e = self.json_error('delete', ICCID_SEED1, exit_code=EXIT_FAILED)
        self.assertEqual(e['name'], ERR + 'ProfileNotDisabled')
        e = self.json_error('install', self.smdp.ac('NOT-IN-CATALOG'), exit_code=EXIT_FAILED)
        self.assertEqual(e['name'], ERR + 'MatchingIdRefused')
        # found out by esimctl itself
        e = self.json_error('enable', esimtest.iccid(99), exit_code=EXIT_FAILED)
        self.assertEqual(e['name'], CTL_ERR + 'Failed')
        e = self.json_error('enable', '123', exit_code=EXIT_USAGE)
        self.assertEqual(e['name'], CTL_ERR + 'Usage')
        # unreachable server
        e = self.json_error('install', f'LPA:1$127.0.0.1:{closed_port()}$X', exit_code=EXIT_UNREACHABLE)
        self.assertEqual(e['name'], ERR + 'ServerUnreachable')
        # polkit says no
        self.world.polkit.deny_all()
        e = self.json_error('disable', ICCID_SEED1, exit_code=EXIT_NOT_AUTHORIZED)
        self.assertEqual(e['name'], ERR + 'NotAuthorized')
        e = self.json_error('install', self.smdp.ac(MID_A), exit_code=EXIT_NOT_AUTHORIZED)
        self.assertEqual(e['name'], ERR + 'NotAuthorized')

    def test_json_results(self):
        c = self.watch
        r = self.run_json('disable', ICCID_SEED1)
        self.assertEqual((r['command'], r['success'], r['iccid'], r['state']),
                         ('disable', True, ICCID_SEED1, 'disabled'))
        self.assertEqual(r['object_path'], c.profile(self.euicc, ICCID_SEED1))
        r = self.run_json('enable', ICCID_SEED2)
        self.assertEqual((r['iccid'], r['state']), (ICCID_SEED2, 'enabled'))
        r = self.run_json('nickname', ICCID_SEED1, 'Work')
        self.assertEqual((r['command'], r['nickname']), ('nickname', 'Work'))
        r = self.run_json('set-default-smdp', self.smdp.address)
        self.assertEqual((r['command'], r['default_smdp_address'], r['object_path']),
                         ('set-default-smdp', self.smdp.address, self.euicc))
        r = self.run_json('install', self.smdp.ac(MID_A))
        self.assertEqual((r['command'], r['success'], r['iccid']), ('install', True, ICCID_A))
        self.assertTrue(r['job'].startswith('/org/freedesktop/Esim1/Job/'), r)
        self.assertEqual(r['object_path'], c.profile(self.euicc, ICCID_A))
        r = self.run_json('delete', ICCID_SEED1)
        self.assertEqual((r['command'], r['iccid'], r['state']), ('delete', ICCID_SEED1, 'deleted'))
        r = self.run_json('rescan')
        self.assertEqual((r['command'], r['success']), ('rescan', True))

    def run_json(self, *args):
        r = self.world.esimctl('--json', *args)
        self.assertEqual(r.returncode, EXIT_OK, f'esimctl {args}: {r.stdout}{r.stderr}')
        return json.loads(r.stdout)

    def test_fast_failure_keeps_its_error(self):
        # a job that fails before esimctl could look at it: the error is the
        # job's, never a nameless "Failed"
        code = f'LPA:1$127.0.0.1:{closed_port()}$FAST'
        for i in range(25):
            with self.subTest(run=i):
                r = self.world.esimctl('--json', 'install', code)
                self.assertEqual(r.returncode, EXIT_UNREACHABLE, r.stdout + r.stderr)
                self.assertEqual(json.loads(r.stdout)['error']['name'], ERR + 'ServerUnreachable')
                self.assertIn('The server could not be reached', r.stderr)

    def test_fast_failure_slow_client(self):
        # the same, made certain: strace holds every message esimctl sends
        # for a while, so the job has failed before esimctl reads its
        # properties, and Completed waits behind the property read
        # strace is installed by .ci/install-deps.sh: missing, it is a failure
        strace = shutil.which('strace')
        self.assertIsNotNone(strace, 'strace is needed to slow esimctl down')
        code = f'LPA:1$127.0.0.1:{closed_port()}$FAST'
        for i in range(3):
            with self.subTest(run=i):
                r = esimctl_wrapped(
                    self.world, [strace, '-f', '-qq', '-o', '/dev/null', '-e', 'trace=sendmsg',
                     '-e', 'inject=sendmsg:delay_exit=200000'], '--json', 'install', code)
                self.assertEqual(r.returncode, EXIT_UNREACHABLE, r.stdout + r.stderr)
                self.assertEqual(json.loads(r.stdout)['error']['name'], ERR + 'ServerUnreachable')

    def test_reset_needs_yes_without_terminal(self):
        r = self.world.esimctl('reset', '--operational')
        self.assertEqual(r.returncode, EXIT_USAGE, r.stdout + r.stderr)
        self.assertIn('--yes', r.stderr)
        self.assertEqual(set(self.sim.profiles()), {ICCID_SEED1, ICCID_SEED2})
        e = self.json_error('reset', '--operational', exit_code=EXIT_USAGE)
        self.assertEqual(e['name'], CTL_ERR + 'Usage')
        self.assertEqual(set(self.sim.profiles()), {ICCID_SEED1, ICCID_SEED2})
        r = self.run_json('reset', '--operational', '--yes')
        self.assertEqual((r['command'], r['reset']), ('reset', ['operational']))
        self.assertEqual(set(self.sim.profiles()), set())

    def test_monitor_enable(self):
        c = self.watch
        path = c.profile(self.euicc, ICCID_SEED2)
        mon = Background(self.world, '--json', 'monitor')
        self.addCleanup(mon.stop)
        mon.wait_stderr('Monitoring')
        self.run_json('enable', ICCID_SEED2)

        def enabled_event():
            for line in mon.lines():
                ev = json.loads(line)
                if (ev['event'] == 'profile-changed' and ev['object_path'] == path
                        and ev['properties'].get('State') == 'enabled'):
                    return ev
            return None
        wait_until(enabled_event, message='a profile-changed event with State enabled')
        # the other profile went disabled, each event on its own line
        events = [json.loads(line) for line in mon.lines()]
        self.assertTrue(any(e['properties'].get('State') == 'disabled' for e in events
                            if e['event'] == 'profile-changed'), events)
        mon.popen.send_signal(signal.SIGINT)
        self.assertEqual(mon.wait_exit(), EXIT_OK, mon.err.decode())

    def test_monitor_text_install(self):
        mon = Background(self.world, 'monitor')
        self.addCleanup(mon.stop)
        mon.wait_stderr('Monitoring')
        self.run_json('install', self.smdp.ac(MID_B))
        wait_until(lambda: any(l.startswith('job-completed ') and 'success=true' in l
                               for l in mon.lines()), message='job-completed line')
        lines = mon.lines()
        self.assertTrue(any(l.startswith('job-added /org/freedesktop/Esim1/Job/') for l in lines),
                        lines)
        self.assertTrue(any(l.startswith('job-progress ') for l in lines), lines)
        self.assertTrue(any(l.startswith('profile-added ') and ICCID_B in l for l in lines), lines)
        mon.popen.send_signal(signal.SIGTERM)
        self.assertEqual(mon.wait_exit(), EXIT_OK, mon.err.decode())


class OnTerminal:
    """esimctl with a pseudo-terminal as its stdin (and stderr, where it
    asks), stdout a pipe: a person typing answers."""

    def __init__(self, world, *args):
        self.master, slave = os.openpty()
        self.popen = subprocess.Popen(
            [esimtest.required_program('ESIMCTL_PATH')] + [str(a) for a in args],
            stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=esimctl_env(world),
            preexec_fn=esimtest._pdeathsig)  # pylint: disable=protected-access
        os.close(slave)
        os.set_blocking(self.master, False)
        self.said = b''

    def _read(self):
        try:
            while select.select([self.master], [], [], 0)[0]:
                data = os.read(self.master, 4096)
                if not data:
                    break
                self.said += data
        except OSError:  # EIO once esimctl closed the terminal
            pass
        return True

    def wait_for(self, text):
        wait_until(lambda: self._read() and (text in self.said.decode(errors='replace')
                                             or self.popen.poll() is not None),
                   message=f'esimctl asking {text!r}')
        if text not in self.said.decode(errors='replace'):
            raise AssertionError(f'esimctl exited with {self.popen.returncode}: '
                                 f'{self.said.decode(errors="replace")}')

    def type(self, line):
        os.write(self.master, line.encode() + b'\n')

    def finish(self):
        out, _ = self.popen.communicate(timeout=120)
        self._read()
        os.close(self.master)
        return self.popen.returncode, out.decode(), self.said.decode(errors='replace')


class TestEsimctlConsent(StandardCase):
    """install --confirm: the profile shown and the answer typed before any
    download; check-code: the preview of a code."""

    def start(self, mid, *extra):
        t = OnTerminal(self.world, 'install', self.smdp.ac(mid), '--confirm', *extra)
        self.addCleanup(lambda: t.popen.poll() is not None or t.popen.kill())
        t.wait_for('Install it?')
        # shown before anything was downloaded
        self.assertNotIn('es9plus/getBoundProfilePackage', self.smdp.stats().get('requests', {}))
        return t

    def test_yes_installs(self):
        t = self.start(MID_A)
        self.assertIn('Integration A', t.said.decode())
        self.assertIn('Test Op A', t.said.decode())
        self.assertIn(ICCID_A, t.said.decode())
        t.type('y')
        rc, out, said = t.finish()
        self.assertEqual(rc, EXIT_OK, out + said)
        self.assertIn(ICCID_A, out)
        self.assertIn(ICCID_A, self.sim.profiles())

    def test_no_postpones(self):
        t = self.start(MID_B)
        t.type('')
        rc, out, said = t.finish()
        self.assertEqual(rc, EXIT_FAILED, out + said)
        self.assertIn('postponed', said)
        self.assertNotIn(ICCID_B, self.sim.profiles())
        stats = self.smdp.stats()
        self.assertEqual(stats['cancelReasons'], [1])
        self.assertEqual(stats['orders'][MID_B]['state'], 'available')

    def test_reject(self):
        t = self.start(MID_B)
        t.type('r')
        rc, out, said = t.finish()
        self.assertEqual(rc, EXIT_FAILED, out + said)
        self.assertIn('endUserRejection', said)
        self.assertEqual(self.smdp.stats()['cancelReasons'], [0])
        self.assertEqual(self.smdp.stats()['orders'][MID_B]['state'], 'consumed')

    def test_confirmation_code_typed(self):
        t = self.start(MID_CC)
        self.assertIn('confirmation code is needed', t.said.decode())
        t.type('yes')
        t.wait_for('Confirmation code:')
        t.type(CC)
        rc, out, said = t.finish()
        self.assertEqual(rc, EXIT_OK, out + said)
        # typed without echo
        self.assertNotIn(CC, said.split('Confirmation code:')[1])
        self.assertIn(ICCID_CC, self.sim.profiles())

    def test_confirm_needs_a_terminal(self):
        r = self.world.esimctl('install', self.smdp.ac(MID_A), '--confirm')
        self.assertEqual(r.returncode, EXIT_USAGE, r.stdout + r.stderr)
        self.assertIn('--confirm', r.stderr)
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)
        r = self.world.esimctl('--card', 'socket:/nonexistent', 'install', self.smdp.ac(MID_A),
                               '--confirm')
        self.assertEqual(r.returncode, EXIT_USAGE, r.stdout + r.stderr)

    def test_check_code(self):
        r = self.world.esimctl('--json', 'check-code', self.smdp.ac(MID_CC, cc_required=True))
        self.assertEqual(r.returncode, EXIT_OK, r.stdout + r.stderr)
        info = json.loads(r.stdout)
        self.assertEqual(info['smdp_address'], self.smdp.address)
        self.assertTrue(info['matching_id_present'])
        self.assertTrue(info['confirmation_code_required'])
        self.assertIsNone(info['smdp_oid'])
        r = self.world.esimctl('check-code', 'LPA:1$smdp.example.com$$1.2.3')
        self.assertEqual(r.returncode, EXIT_OK, r.stdout + r.stderr)
        self.assertIn('smdp.example.com', r.stdout)
        self.assertIn('1.2.3', r.stdout)
        r = self.world.esimctl('--json', 'check-code', 'LPA:2$x$y')
        self.assertEqual(r.returncode, EXIT_USAGE, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout)['error']['name'], ERR + 'InvalidActivationCode')
        # nothing contacted, the code not logged
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)
        with open(self.world.daemon.log_path, encoding='utf-8', errors='replace') as f:
            self.assertNotIn(MID_CC, f.read())


class TestEsimctlInterrupt(EsimTestCase):
    """Ctrl-C during a slow download cancels the job: exit 130."""

    def test_sigint_cancels_job(self):
        smdp = self.world.smdp(esimtest.standard_smdp_profiles(), ('--latency-ms', '1500'))
        sim = self.world.sim()
        self.world.start_daemon()
        c = self.watch
        proc = Background(self.world, '--json', 'install', smdp.ac(MID_A))
        self.addCleanup(proc.stop)

        def job_started():
            proc.assertions_running()
            jobs = [p for (p, ifaces) in c.interfaces_added() if IF_JOB in ifaces]
            return jobs[0] if jobs else None
        job = wait_until(job_started, message='the install job')
        proc.popen.send_signal(signal.SIGINT)
        self.assertEqual(proc.wait_exit(), EXIT_INTERRUPTED, proc.out.decode() + proc.err.decode())
        error = json.loads(proc.out)['error']
        self.assertEqual(error['exit_code'], EXIT_INTERRUPTED)
        self.assertEqual(error['name'], ERR + 'Cancelled')
        ok, name, _msg, _result = c.wait_job(job, since=0.0)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'Cancelled')
        self.assertNotIn(ICCID_A, sim.profiles())


class TestEsimctlDaemonRestart(StandardCase):
    """The daemon going away under esimctl: a download ends with exit 3, and
    monitor follows the daemon out and back in (libesim's client signals)."""

    sim_extra = ('--fault', 'delay:*:15')

    def test_install_daemon_killed(self):
        c = self.watch
        proc = Background(self.world, '--json', 'install', self.smdp.ac(MID_A))
        self.addCleanup(proc.stop)

        def job_started():
            proc.assertions_running()
            jobs = [p for (p, ifaces) in c.interfaces_added() if IF_JOB in ifaces]
            return jobs[0] if jobs else None
        job = wait_until(job_started, message='the install job')
        c.wait_property(job, IF_JOB, 'Stage', lambda s: s == 'installing', timeout=60)
        self.world.daemon.kill()
        self.assertEqual(proc.wait_exit(), EXIT_UNREACHABLE, proc.out.decode() + proc.err.decode())
        error = json.loads(proc.out)['error']
        self.assertEqual((error['exit_code'], error['name']),
                         (EXIT_UNREACHABLE, CTL_ERR + 'Unreachable'))
        self.assertIn('quit during the download', error['message'])

    def test_monitor_restart(self):
        mon = Background(self.world, '--json', 'monitor')
        self.addCleanup(mon.stop)
        mon.wait_stderr('Monitoring')
        self.world.daemon.kill()

        def events():
            return [json.loads(line) for line in mon.lines()]

        def removed_iccids():
            return {e['properties'].get('Iccid') for e in events()
                    if e['event'] == 'profile-removed'}
        wait_until(lambda: {ICCID_SEED1, ICCID_SEED2} <= removed_iccids()
                   and any(e['event'] == 'daemon-vanished' for e in events()),
                   message='the profiles removed and the daemon vanished')
        self.assertTrue(any(e['event'] == 'euicc-removed' for e in events()))
        self.world.restart_daemon()

        def added_iccids():
            return {e['properties'].get('Iccid') for e in events()
                    if e['event'] == 'profile-added'}
        wait_until(lambda: {ICCID_SEED1, ICCID_SEED2} <= added_iccids()
                   and any(e['event'] == 'daemon-appeared' for e in events()),
                   message='the profiles added and the daemon appeared')
        self.assertTrue(any(e['event'] == 'euicc-added' for e in events()))
        # the new objects are followed: a change after the restart is seen
        self.run_json('disable', ICCID_SEED1)
        wait_until(lambda: any(e['event'] == 'profile-changed'
                               and e['properties'].get('State') == 'disabled'
                               for e in events()), message='a profile-changed after the restart')
        mon.popen.send_signal(signal.SIGINT)
        self.assertEqual(mon.wait_exit(), EXIT_OK, mon.err.decode())

    def run_json(self, *args):
        r = self.world.esimctl('--json', *args)
        self.assertEqual(r.returncode, EXIT_OK, f'esimctl {args}: {r.stdout}{r.stderr}')
        return json.loads(r.stdout)


class TestEsimctlTwoEuiccs(EsimTestCase):
    """--euicc chooses among several eUICCs: by number, EID or object path."""

    def setUp(self):
        super().setUp()
        self.smdp = self.world.smdp(esimtest.standard_smdp_profiles())
        self.sim0 = self.world.sim([esimtest.sim_profile(esimtest.UPP_GENERIC[0],
                                                         iccid=ICCID_SEED1)])
        self.sim1 = self.world.sim([esimtest.sim_profile(esimtest.UPP_GENERIC[3],
                                                         iccid=ICCID_SEED2)],
                                   extra=('--eid', '89049032123451234512345678901243'))
        self.world.start_daemon()

    def test_euicc_selection(self):
        c = self.watch
        e0, e1 = c.euicc_for(self.sim0), c.euicc_for(self.sim1)
        eid1 = c.get(e1, IF_EUICC, 'Eid')
        # a command for one eUICC without --euicc: a clear usage error
        r = self.world.esimctl('set-default-smdp', self.smdp.address)
        self.assertEqual(r.returncode, EXIT_USAGE, r.stdout + r.stderr)
        self.assertIn('There are 2 eUICCs', r.stderr)
        self.assertIn('--euicc', r.stderr)
        self.assertEqual(c.get(e0, IF_EUICC, 'DefaultSmdpAddress'), '')
        number1 = e1.rsplit('/', 1)[1]
        for sel in (number1, eid1, e1):
            with self.subTest(euicc=sel):
                r = self.world.esimctl('--json', '--euicc', sel, 'list')
                self.assertEqual(r.returncode, EXIT_OK, r.stdout + r.stderr)
                self.assertEqual([p['iccid'] for p in json.loads(r.stdout)], [ICCID_SEED2])
        r = self.world.esimctl('--euicc', e1, 'set-default-smdp', self.smdp.address)
        self.assertEqual(r.returncode, EXIT_OK, r.stdout + r.stderr)
        self.assertEqual(c.get(e1, IF_EUICC, 'DefaultSmdpAddress'), self.smdp.address)
        self.assertEqual(c.get(e0, IF_EUICC, 'DefaultSmdpAddress'), '')
        # a profile is found on whichever eUICC holds it
        r = self.world.esimctl('enable', ICCID_SEED2)
        self.assertEqual(r.returncode, EXIT_OK, r.stdout + r.stderr)
        self.assertEqual(self.sim1.profiles()[ICCID_SEED2]['state'], 'enabled')
        # unknown and malformed choices
        r = self.world.esimctl('--euicc', '/org/freedesktop/Esim1/Euicc/77', 'list')
        self.assertEqual(r.returncode, EXIT_FAILED, r.stdout + r.stderr)
        r = self.world.esimctl('--euicc', 'first', 'list')
        self.assertEqual(r.returncode, EXIT_USAGE, r.stdout + r.stderr)


class TestEsimctlNoDaemon(EsimTestCase):

    def test_daemon_unreachable_exit_3(self):
        # a bus without esimd, and no bus at all
        r = self.world.esimctl('list')
        self.assertEqual(r.returncode, EXIT_UNREACHABLE, r.stdout + r.stderr)
        r = self.world.esimctl('list', bus=False)
        self.assertEqual(r.returncode, EXIT_UNREACHABLE, r.stdout + r.stderr)


if __name__ == '__main__':
    esimtest.main()
