# SPDX-License-Identifier: LGPL-2.1-or-later
"""Harness of the esimd integration tests.

Every test gets a world of its own in a temporary directory: a private
dbus-daemon (the daemon's "system bus"), python-dbusmock's polkitd template on
it, simulated eUICCs (tests/sim/esim-sim), a test SM-DP+ (tests/smdp/esim-smdp)
and esimd with a generated configuration. Tests talk to the daemon with Gio
over that bus. Waiting is always for a condition (a signal, a property, a
process exit) with a bounded timeout, on the GLib main loop; nothing sleeps to
synchronize. Teardown stops every process it started, also after a failure.

The programs come from the environment meson sets (ESIMD_PATH, ESIMCTL_PATH,
ESIM_SIM_PATH, ESIM_SMDP_PATH, ESIM_SHARED_DIR); a missing program or Python
module is an error, never a skip.
"""

import ctypes
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import zlib
import struct

try:
    import gi
    gi.require_version('Gio', '2.0')
    gi.require_version('GLib', '2.0')
    from gi.repository import Gio, GLib
    import dbusmock  # python3-dbusmock: the polkitd template
except ImportError as e:  # a missing dependency fails loudly
    sys.stderr.write(f'esimtest: missing Python module: {e} (install python3-gi python3-dbusmock, '
                     f'run with /usr/bin/python3)\n')
    sys.exit(1)

DBUSMOCK_VERSION = getattr(dbusmock, '__version__', '?')

BUS_NAME = 'org.freedesktop.Esim1'
ROOT = '/org/freedesktop/Esim1'
IF_MANAGER = 'org.freedesktop.Esim1.Manager'
IF_EUICC = 'org.freedesktop.Esim1.Euicc'
IF_PROFILE = 'org.freedesktop.Esim1.Profile'
IF_JOB = 'org.freedesktop.Esim1.Job'
IF_PROPS = 'org.freedesktop.DBus.Properties'
IF_OM = 'org.freedesktop.DBus.ObjectManager'
ERR = 'org.freedesktop.Esim1.Error.'

ACTION = 'org.freedesktop.esim1.'
ACTIONS = [ACTION + a for a in ('install-profile', 'manage-profile', 'delete-profile',
                                'reset-memory', 'configure')]

EID = '89049032123451234512345678901235'

# generous but bounded: a slow CI machine running several suites at once
TIMEOUT = float(os.environ.get('ESIM_TEST_TIMEOUT', '30'))

PR_SET_PDEATHSIG = 1


def _fail_setup(message):
    sys.stderr.write(f'esimtest: {message}\n')
    sys.exit(1)


def required_program(env_name, fallback=None):
    path = os.environ.get(env_name)
    if not path and fallback:
        path = shutil.which(fallback)
    if not path or not os.access(path, os.X_OK):
        _fail_setup(f'{env_name} does not name an executable ({path!r}); run through meson test')
    return path


def shared_dir():
    d = os.environ.get('ESIM_SHARED_DIR')
    if not d or not os.path.isdir(d):
        _fail_setup(f'ESIM_SHARED_DIR is not a directory ({d!r})')
    return d


def shared(*parts):
    return os.path.join(shared_dir(), *parts)


DBUS_DAEMON = shutil.which('dbus-daemon') or _fail_setup('dbus-daemon not found (package dbus-daemon)')
PYTHON = '/usr/bin/python3' if os.access('/usr/bin/python3', os.X_OK) else sys.executable


def data_dir():
    """The project's data/ (GSMA roots in ci/, the test CI in ci-test/)."""
    d = os.environ.get('ESIMD_DATADIR') or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', '..', 'data')
    if not os.path.isdir(os.path.join(d, 'ci')):
        _fail_setup(f'no GSMA roots in {d}/ci')
    return os.path.abspath(d)


def upp(name):
    return shared('fixtures', 'upp', name)


# the TS.48 packages; the UNIQUE ones carry their own ICCIDs
UPP_A = 'TS48V1-A-UNIQUE.der'
ICCID_A = '8949449999999990023'
UPP_B = 'TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der'
ICCID_B = '8949449999999990163'
UPP_GENERIC = ['TS48v1_A.der', 'TS48v1_B.der', 'TS48v2_SAIP2.3_BERTLV.der',
               'TS48v4_SAIP2.3_NoBERTLV.der', 'TS48v5_SAIP2.3_BERTLV_SUCI.der']


def luhn_iccid(body):
    """An ICCID made of BODY (digits) and its Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def iccid(n):
    """A distinct test ICCID (19 digits + check digit) for number N."""
    return luhn_iccid('8900012345678%06d' % n)


def tiny_png():
    """A valid 1x1 PNG, well under the 1 KiB icon limit."""
    def chunk(kind, data):
        c = kind + data
        return struct.pack('>I', len(data)) + c + struct.pack('>I', zlib.crc32(c) & 0xffffffff)
    ihdr = struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b'\x00\xff\x00\x00')
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', idat) + chunk(b'IEND', b'')


def _pdeathsig():
    # children die with the test process, whatever way it ends
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # pylint: disable=broad-except
        pass


class DBusCallError(Exception):
    """A D-Bus error reply: .name is the D-Bus error name."""

    def __init__(self, name, message):
        super().__init__(f'{name}: {message}')
        self.name = name
        self.message = message


def _convert_error(e):
    if isinstance(e, GLib.Error):
        name = Gio.DBusError.get_remote_error(e)
        msg = e.message
        if name and msg.startswith('GDBus.Error:'):
            msg = msg[len('GDBus.Error:') + len(name):].lstrip(': ')
        if not name:
            name = f'(local {e.domain} {e.code})'
        return DBusCallError(name, msg)
    return e


# --------------------------------------------------------------------------
# waiting on the main loop


def wait_until(predicate, timeout=TIMEOUT, message='condition'):
    """Runs the default main context until PREDICATE() is true; fails after TIMEOUT s.

    A periodic wake-up lets predicates that look outside the loop (a process
    exit, a file) be re-evaluated; signals and replies wake it at once."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    tick = GLib.timeout_add(25, lambda: True)
    try:
        while True:
            while ctx.pending():
                ctx.iteration(False)
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f'timed out after {timeout:.0f} s waiting for {message}')
            ctx.iteration(True)
    finally:
        GLib.source_remove(tick)


def drain():
    ctx = GLib.MainContext.default()
    while ctx.pending():
        ctx.iteration(False)


# --------------------------------------------------------------------------
# processes


class Proc:
    """A child process with its output in a log file."""

    def __init__(self, name, argv, log_path, env=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_path = log_path
        self.log = open(log_path, 'ab')  # pylint: disable=consider-using-with
        self.log.write(('\n=== ' + ' '.join(self.argv) + '\n').encode())
        self.log.flush()
        self.popen = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                      stderr=subprocess.STDOUT, env=env, preexec_fn=_pdeathsig)
        self.pid = self.popen.pid

    def running(self):
        return self.popen.poll() is None

    def send(self, sig):
        if self.running():
            self.popen.send_signal(sig)

    def wait_exit(self, timeout=TIMEOUT):
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Ends the process (SIG, then SIGKILL after TIMEOUT s); returns its status."""
        if self.running():
            self.popen.send_signal(sig)
            if self.wait_exit(timeout) is None:
                self.log.write(f'\n=== {self.name} did not exit on {sig!r}; killed\n'.encode())
                self.popen.kill()
                self.popen.wait()
        self.log.close()
        return self.popen.returncode

    def tail(self, lines=80):
        try:
            with open(self.log_path, 'rb') as f:
                data = f.read().decode(errors='replace').splitlines()
        except OSError:
            return ''
        return '\n'.join(data[-lines:])


class Bus:
    """A private dbus-daemon standing in for the system bus."""

    def __init__(self, tmpdir):
        self.dir = os.path.join(tmpdir, 'bus')
        os.mkdir(self.dir)
        conf = os.path.join(self.dir, 'bus.conf')
        with open(conf, 'w', encoding='utf-8') as f:
            f.write(f'''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <keep_umask/>
  <listen>unix:dir={self.dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
''')
        self.log_path = os.path.join(tmpdir, 'dbus-daemon.log')
        log = open(self.log_path, 'wb')  # pylint: disable=consider-using-with
        self.popen = subprocess.Popen([DBUS_DAEMON, '--config-file=' + conf, '--nofork',
                                       '--print-address=1'],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=log, preexec_fn=_pdeathsig)
        log.close()
        ready, _, _ = select.select([self.popen.stdout], [], [], TIMEOUT)
        if not ready:
            self.popen.kill()
            raise RuntimeError('dbus-daemon printed no address')
        self.address = self.popen.stdout.readline().decode().strip()
        if not self.address:
            raise RuntimeError('dbus-daemon failed: ' + open(self.log_path).read())

    def connect(self):
        return Gio.DBusConnection.new_for_address_sync(
            self.address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.popen.stdout.close()


def name_has_owner(conn, name):
    reply = conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                           'NameHasOwner', GLib.Variant('(s)', (name,)), GLib.VariantType('(b)'),
                           Gio.DBusCallFlags.NONE, -1, None)
    return reply.unpack()[0]


class Polkit:
    """python-dbusmock's polkitd template on the private bus."""

    NAME = 'org.freedesktop.PolicyKit1'
    PATH = '/org/freedesktop/PolicyKit1/Authority'

    def __init__(self, bus, tmpdir):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=bus.address)
        self.proc = Proc('polkitd-mock', [PYTHON, '-m', 'dbusmock', '--system', '-t', 'polkitd'],
                         os.path.join(tmpdir, 'polkitd-mock.log'), env=env)
        self.conn = bus.connect()
        wait_until(lambda: not self.proc.running() or name_has_owner(self.conn, self.NAME),
                   message='the polkitd mock on the bus')
        if not self.proc.running():
            raise RuntimeError('the polkitd mock failed:\n' + self.proc.tail())

    def _mock(self, method, sig=None, args=None):
        self.conn.call_sync(self.NAME, self.PATH, 'org.freedesktop.DBus.Mock', method,
                            GLib.Variant(sig, args) if sig else None, None,
                            Gio.DBusCallFlags.NONE, -1, None)

    def allow_all(self):
        self._mock('AllowUnknown', '(b)', (True,))

    def allow_only(self, actions):
        """Denies every action except ACTIONS."""
        self._mock('AllowUnknown', '(b)', (False,))
        self._mock('SetAllowed', '(as)', (list(actions),))

    def deny_all(self):
        self.allow_only([])

    def stop(self):
        self.conn.close_sync(None)
        self.proc.stop()


class Sim:
    """A simulated eUICC (esim-sim) on a unix socket."""

    def __init__(self, tmpdir, name, profiles=(), extra=()):
        self.name = name
        self.dir = os.path.join(tmpdir, name)
        os.mkdir(self.dir)
        self.socket = os.path.join(self.dir, 'card.sock')
        self.state_path = os.path.join(self.dir, 'card.state')
        self.log_path = os.path.join(tmpdir, name + '.log')
        self.seeded = len(profiles)
        self.proc = None
        self.start(profiles, extra)

    def start(self, profiles=(), extra=()):
        argv = [required_program('ESIM_SIM_PATH'), '--socket', self.socket, '--state',
                self.state_path, '--pki', shared('fixtures', 'sgp26')]
        for p in profiles:
            argv += ['--profile', p]
        argv += list(extra)
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        self.proc = Proc(self.name, argv, self.log_path)
        wait_until(lambda: not self.proc.running() or os.path.exists(self.socket),
                   message=f'{self.name} listening')
        if not self.proc.running():
            raise RuntimeError(f'{self.name} exited early:\n' + self.proc.tail())

    def state(self):
        with open(self.state_path, encoding='utf-8') as f:
            return json.load(f)

    def profiles(self):
        return {p['iccid']: p for p in self.state().get('profiles', [])}

    def notifications(self):
        return self.state().get('notifications', [])

    def stop(self):
        if self.proc:
            self.proc.stop()


def sim_profile(upp_name, **kw):
    """An esim-sim --profile SPEC: the package and key=value options."""
    parts = [upp(upp_name)]
    parts += [f'{k.replace("_", "-")}={v}' for k, v in kw.items()]
    return ','.join(parts)


def smdp_profile(matching_id, upp_name, **kw):
    """An esim-smdp --profile SPEC."""
    parts = [f'{matching_id}={upp(upp_name)}']
    for k, v in kw.items():
        parts.append(k if v is True else f'{k}={v}')
    return ','.join(parts)


class Smdp:
    """The test SM-DP+ / SM-DS (esim-smdp) on 127.0.0.1."""

    def __init__(self, tmpdir, profiles=(), extra=(), name='smdp'):
        self.dir = os.path.join(tmpdir, name)
        os.mkdir(self.dir)
        self.port_file = os.path.join(self.dir, 'port')
        self.stats_path = os.path.join(self.dir, 'stats.json')
        argv = [required_program('ESIM_SMDP_PATH'), '--pki', shared('fixtures', 'sgp26'),
                '--listen', '127.0.0.1:0', '--port-file', self.port_file,
                '--stats-file', self.stats_path]
        for p in profiles:
            argv += ['--profile', p]
        argv += list(extra)
        env = dict(os.environ)
        if 'ASAN_OPTIONS' in env:
            env['ASAN_OPTIONS'] += ':fast_unwind_on_malloc=0'
        self.proc = Proc(name, argv, os.path.join(tmpdir, name + '.log'), env=env)
        wait_until(lambda: not self.proc.running() or self._port(), message='esim-smdp listening')
        if not self.proc.running():
            raise RuntimeError('esim-smdp exited early:\n' + self.proc.tail())
        self.port = self._port()
        self.address = f'127.0.0.1:{self.port}'

    def _port(self):
        try:
            with open(self.port_file, encoding='utf-8') as f:
                text = f.read().strip()
            return int(text) if text else 0
        except (OSError, ValueError):
            return 0

    def ac(self, matching_id, cc_required=False):
        """The activation code of MATCHING_ID at this server."""
        code = f'LPA:1${self.address}${matching_id}'
        return code + '$$1' if cc_required else code

    def stats(self):
        try:
            with open(self.stats_path, encoding='utf-8') as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def notification_log(self):
        return self.stats().get('notifications', {}).get('log', [])

    def stop(self):
        self.proc.stop()


class Daemon:
    """esimd with a generated configuration."""

    def __init__(self, tmpdir, bus, sims, test_mode=True, extra_config=None, name='esimd'):
        self.tmpdir = tmpdir
        self.bus = bus
        self.sims = list(sims)
        self.state_dir = os.path.join(tmpdir, 'esimd-state')
        os.makedirs(self.state_dir, exist_ok=True)
        self.config_path = os.path.join(tmpdir, 'esimd.conf')
        cfg = {
            'TestMode': 'true' if test_mode else 'false',
            'TestCi': shared('fixtures', 'sgp26', 'CertificateIssuer', 'CERT_CI_ECDSA_NIST.pem'),
            'JobLingerSeconds': '2',
            'NotificationRetrySeconds': '1',
            'NotificationRetryMaxSeconds': '2',
            'HttpConnectTimeoutSeconds': '5',
            'HttpTimeoutSeconds': '20',
            'ModemManager': 'false',
            # the shipped GSMA roots, from the source tree
            'CaDirectory': os.path.join(data_dir(), 'ci'),
        }
        # a dict value is a group of its own: {'tls': {'SystemRoots': 'true'}}
        cfg.update(extra_config or {})
        groups = {k: v for k, v in cfg.items() if isinstance(v, dict)}
        with open(self.config_path, 'w', encoding='utf-8') as f:
            f.write('[daemon]\n')
            for k, v in cfg.items():
                if not isinstance(v, dict):
                    f.write(f'{k}={v}\n')
            for group, keys in groups.items():
                f.write(f'\n[{group}]\n')
                for k, v in keys.items():
                    f.write(f'{k}={v}\n')
            for sim in self.sims:
                f.write(f'\n[euicc:{sim.name}]\nTransport=socket:{sim.socket}\n')
        self.log_path = os.path.join(tmpdir, name + '.log')
        self.proc = None
        self.exit_statuses = []

    def start(self, conn):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus.address)
        env.pop('DBUS_SESSION_BUS_ADDRESS', None)
        env.pop('STATE_DIRECTORY', None)
        self.proc = Proc('esimd', [required_program('ESIMD_PATH'), '--config', self.config_path,
                                   '--state-dir', self.state_dir, '--verbose'],
                         self.log_path, env=env)
        wait_until(lambda: not self.proc.running() or name_has_owner(conn, BUS_NAME),
                   message='esimd on the bus')
        if not self.proc.running():
            raise AssertionError(f'esimd exited with {self.proc.popen.returncode}:\n'
                                 + self.proc.tail())

    def running(self):
        return self.proc is not None and self.proc.running()

    def kill(self):
        """SIGKILL, as a crash or an OOM kill would."""
        self.proc.send(signal.SIGKILL)
        self.proc.wait_exit()
        self.exit_statuses.append(self.proc.stop())

    def stop(self, sig=signal.SIGTERM, timeout=40):
        if self.proc is None:
            return None
        status = self.proc.stop(sig, timeout)
        self.exit_statuses.append(status)
        return status


# --------------------------------------------------------------------------
# the client side


class Pending:
    """An asynchronous method call in flight."""

    def __init__(self):
        self.done = False
        self.value = None
        self.error = None
        self.finished_at = None

    def result(self, timeout=TIMEOUT):
        wait_until(lambda: self.done, timeout, 'a method reply')
        if self.error:
            raise self.error
        return self.value


class Client:
    """One D-Bus client of the daemon (its own connection), recording every signal."""

    def __init__(self, bus):
        self.conn = bus.connect()
        self.signals = []   # (monotonic time, path, interface, member, args)
        self.job_since = {}  # job path: when it was asked for
        self._sub = self.conn.signal_subscribe(None, None, None, None, None,
                                               Gio.DBusSignalFlags.NONE, self._on_signal, None)

    def _on_signal(self, _conn, sender, path, iface, member, params, _data):
        self.signals.append((time.monotonic(), path, iface, member, params.unpack()))

    def close(self):
        self.conn.signal_unsubscribe(self._sub)
        try:
            self.conn.close_sync(None)
        except GLib.Error:
            pass

    # -- calls

    @staticmethod
    def _args(sig, args):
        if sig is None:
            return None
        return GLib.Variant('(' + sig + ')', tuple(args))

    def call(self, path, iface, method, sig=None, args=(), timeout=TIMEOUT):
        """Calls METHOD; returns the unpacked reply (one value, a tuple, or None)."""
        try:
            reply = self.conn.call_sync(BUS_NAME, path, iface, method, self._args(sig, args),
                                        None, Gio.DBusCallFlags.NO_AUTO_START,
                                        int(timeout * 1000), None)
        except GLib.Error as e:
            raise _convert_error(e) from None
        return self._unpack(reply)

    @staticmethod
    def _unpack(reply):
        if reply is None:
            return None
        values = reply.unpack()
        if len(values) == 0:
            return None
        if len(values) == 1:
            return values[0]
        return values

    def call_async(self, path, iface, method, sig=None, args=(), timeout=TIMEOUT):
        pending = Pending()
        since = time.monotonic()

        def done(conn, res, _data):
            try:
                pending.value = self._unpack(conn.call_finish(res))
                if method == 'InstallProfile':
                    self.job_since[pending.value] = since
            except GLib.Error as e:
                pending.error = _convert_error(e)
            pending.finished_at = time.monotonic()
            pending.done = True

        self.conn.call(BUS_NAME, path, iface, method, self._args(sig, args), None,
                       Gio.DBusCallFlags.NO_AUTO_START, int(timeout * 1000), None, done, None)
        return pending

    def call_error(self, path, iface, method, sig=None, args=()):
        """Calls METHOD expecting an error; returns the DBusCallError."""
        try:
            value = self.call(path, iface, method, sig, args)
        except DBusCallError as e:
            return e
        raise AssertionError(f'{method} on {path} succeeded ({value!r}) but should have failed')

    def get(self, path, iface, prop):
        return self.call(path, IF_PROPS, 'Get', 'ss', (iface, prop))

    def get_all(self, path, iface):
        return self.call(path, IF_PROPS, 'GetAll', 's', (iface,))

    def managed_objects(self):
        return self.call(ROOT, IF_OM, 'GetManagedObjects')

    def introspect(self, path):
        return self.call(path, 'org.freedesktop.DBus.Introspectable', 'Introspect')

    # -- the objects

    def euiccs(self):
        return self.get(ROOT, IF_MANAGER, 'Euiccs')

    def euicc_for(self, sim):
        for path in self.euiccs():
            if self.get(path, IF_EUICC, 'Device') == sim.socket:
                return path
        raise AssertionError(f'no Euicc object for {sim.socket}')

    def profiles(self, euicc):
        """{ICCID: Profile object path} of EUICC."""
        return {self.get(p, IF_PROFILE, 'Iccid'): p for p in self.get(euicc, IF_EUICC, 'Profiles')}

    def profile(self, euicc, iccid_):
        found = self.profiles(euicc)
        if iccid_ not in found:
            raise AssertionError(f'no profile {iccid_} on {euicc} (have {sorted(found)})')
        return found[iccid_]

    def profile_states(self, euicc):
        return {self.get(p, IF_PROFILE, 'Iccid'): self.get(p, IF_PROFILE, 'State')
                for p in self.get(euicc, IF_EUICC, 'Profiles')}

    # -- signals

    def signals_of(self, member, path=None, iface=None, since=0.0):
        return [s for s in self.signals
                if s[3] == member and (path is None or s[1] == path)
                and (iface is None or s[2] == iface) and s[0] >= since]

    def property_changes(self, path, iface, prop, since=0.0):
        """Values PROP took in PropertiesChanged signals of PATH, in order."""
        values = []
        for (_t, _p, _i, _m, args) in self.signals_of('PropertiesChanged', path, IF_PROPS, since):
            if args[0] == iface and prop in args[1]:
                values.append(args[1][prop])
        return values

    def interfaces_added(self, since=0.0):
        return [(a[0], a[1]) for (_t, _p, _i, _m, a)
                in self.signals_of('InterfacesAdded', ROOT, IF_OM, since)]

    def interfaces_removed(self, since=0.0):
        return [(a[0], a[1]) for (_t, _p, _i, _m, a)
                in self.signals_of('InterfacesRemoved', ROOT, IF_OM, since)]

    def wait_property(self, path, iface, prop, predicate, timeout=TIMEOUT):
        """Waits until PROP of PATH satisfies PREDICATE (read after every signal)."""
        last = []

        def check():
            try:
                last[:] = [self.get(path, iface, prop)]
            except DBusCallError as e:
                last[:] = [e]
                return False
            return predicate(last[0])
        wait_until(check, timeout, f'{prop} of {path} (last {last!r})')
        return last[0]

    # -- jobs

    def install(self, euicc, code, cc='', options=None):
        opts = {k: GLib.Variant('b', v) if isinstance(v, bool) else v
                for k, v in (options or {}).items()}
        since = time.monotonic()
        job = self.call(euicc, IF_EUICC, 'InstallProfile', 'ssa{sv}', (code, cc, opts))
        self.job_since[job] = since
        return job

    def wait_job(self, job, timeout=60, since=None):
        """Waits for the Completed signal of JOB: (success, error_name, message, result).

        Job paths are counters that start again with a restarted daemon: only
        signals after the job was asked for count."""
        if since is None:
            since = self.job_since.get(job, 0.0)
        found = wait_until(lambda: self.signals_of('Completed', job, IF_JOB, since), timeout,
                           f'Completed of {job}')
        return found[0][4]

    def install_and_wait(self, euicc, code, cc='', options=None, timeout=60):
        job = self.install(euicc, code, cc, options)
        return job, self.wait_job(job, timeout)

    def install_ok(self, euicc, code, cc='', options=None, timeout=60):
        job, (ok, name, msg, result) = self.install_and_wait(euicc, code, cc, options, timeout)
        if not ok:
            raise AssertionError(f'install of {code!r} failed: {name}: {msg}')
        return result

    def install_error(self, euicc, code, cc='', options=None, timeout=60):
        """The error name of a failing install, whether the call or the job failed."""
        try:
            job = self.install(euicc, code, cc, options)
        except DBusCallError as e:
            return e.name
        ok, name, msg, _result = self.wait_job(job, timeout)
        if ok:
            raise AssertionError(f'install of {code!r} succeeded but should have failed')
        return name


# --------------------------------------------------------------------------
# the test case base


class World:
    """Everything of one test: temp dir, bus, polkit, peers, daemon, clients."""

    def __init__(self):
        self.tmpdir = tempfile.mkdtemp(prefix='esimd-it-')
        self.sims = []
        self.smdps = []
        self.clients = []
        self.daemon = None
        self.bus = None
        self.polkit = None
        self.bus = Bus(self.tmpdir)
        self.polkit = Polkit(self.bus, self.tmpdir)
        self.polkit.allow_all()
        self.watch = self.client()   # the observer every test has

    def client(self):
        c = Client(self.bus)
        self.clients.append(c)
        return c

    def smdp(self, profiles=(), extra=(), name=None):
        s = Smdp(self.tmpdir, profiles, extra, name or f'smdp{len(self.smdps)}')
        self.smdps.append(s)
        return s

    def sim(self, profiles=(), extra=(), name=None):
        s = Sim(self.tmpdir, name or f'sim{len(self.sims)}', profiles, extra)
        self.sims.append(s)
        return s

    def start_daemon(self, test_mode=True, extra_config=None, wait_profiles=True):
        """Starts esimd on the configured sims; waits for every eUICC and its profiles."""
        if self.daemon is None:
            self.daemon = Daemon(self.tmpdir, self.bus, self.sims, test_mode, extra_config)
        self.daemon.start(self.watch.conn)
        self.wait_ready(wait_profiles, test_mode)
        return self.daemon

    def restart_daemon(self, wait_profiles=True):
        self.daemon.start(self.watch.conn)
        self.wait_ready(wait_profiles)

    def wait_ready(self, wait_profiles=True, test_mode=True):
        c = self.watch

        def euiccs_ready():
            try:
                paths = c.euiccs()
                if len(paths) != len(self.sims):
                    return False
                return all(len(c.get(p, IF_EUICC, 'Eid')) == 32 for p in paths)
            except DBusCallError:
                return False
        wait_until(euiccs_ready, message=f'{len(self.sims)} eUICC objects with their EID')
        if not wait_profiles:
            return
        for sim in self.sims:
            expected = len([p for p in sim.state().get('profiles', [])
                            if test_mode or p.get('class') != 0])
            path = c.euicc_for(sim)
            c.wait_property(path, IF_EUICC, 'Profiles', lambda v, n=expected: len(v) == n)

    def esimctl(self, *args, timeout=60, bus=True):
        """Runs esimctl against the daemon; returns CompletedProcess (text)."""
        env = dict(os.environ, LC_ALL='C.UTF-8')
        env.pop('DBUS_SESSION_BUS_ADDRESS', None)
        env['DBUS_SYSTEM_BUS_ADDRESS'] = self.bus.address if bus else bus_nowhere(self.tmpdir)
        return subprocess.run([required_program('ESIMCTL_PATH')] + [str(a) for a in args],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                              timeout=timeout, preexec_fn=_pdeathsig, check=False)

    def logs(self):
        out = []
        procs = [s.proc for s in self.sims] + [s.proc for s in self.smdps]
        if self.daemon and self.daemon.proc:
            procs.insert(0, self.daemon.proc)
        for p in procs:
            out.append(f'--- {p.name} ({p.log_path}) ---\n{p.tail(120)}')
        if self.polkit:
            out.append(f'--- polkitd mock ---\n{self.polkit.proc.tail(20)}')
        return '\n'.join(out)

    def close(self, failed=False):
        if failed:
            sys.stderr.write('\n' + self.logs() + '\n')
        if self.daemon is not None:
            self.daemon.stop()
        for c in self.clients:
            c.close()
        for s in self.sims:
            s.stop()
        for s in self.smdps:
            s.stop()
        if self.polkit is not None:
            self.polkit.stop()
        if self.bus is not None:
            self.bus.stop()
        if os.environ.get('ESIM_TEST_KEEP'):
            sys.stderr.write(f'kept {self.tmpdir}\n')
        else:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


def bus_nowhere(tmpdir):
    """A bus address where nobody listens (esimctl: daemon unreachable)."""
    return 'unix:path=' + os.path.join(tmpdir, 'no-such-bus')


class EsimTestCase(unittest.TestCase):
    """Base class: self.world is fresh for every test and torn down after it."""

    maxDiff = None

    def setUp(self):
        self.world = World()
        self.addCleanup(self._close_world)
        self.watch = self.world.watch

    def _close_world(self):
        # cleanups run in a fresh test part: ask the result whether this test failed
        result = getattr(getattr(self, '_outcome', None), 'result', None)
        failed = result is None or any(getattr(t, 'test_case', t) is self
                                       for t, _ in result.errors + result.failures)
        self.world.close(failed)

    # assertions

    def assertDBusError(self, error_name, func, *args, **kwargs):
        try:
            value = func(*args, **kwargs)
        except DBusCallError as e:
            self.assertEqual(e.name, error_name, f'message: {e.message}')
            return e
        raise AssertionError(f'expected {error_name}, got success ({value!r})')

    def assertNotDenied(self, func, *args, **kwargs):
        """Runs FUNC; any error other than NotAuthorized is fine here."""
        try:
            return func(*args, **kwargs)
        except DBusCallError as e:
            self.assertNotEqual(e.name, ERR + 'NotAuthorized', e.message)
            return e


def main():
    # meson ends a test with SIGTERM on timeout: unwind so that cleanups run
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    unittest.main(verbosity=2, buffer=False)


# --------------------------------------------------------------------------
# the usual world: one SM-DP+ with a few orders, one card with two profiles

MID_A = 'AC-ONE'          # UPP_A, ICCID_A
MID_B = 'AC-TWO'          # UPP_B, ICCID_B
MID_CC = 'AC-CC'          # needs the confirmation code CC
MID_DEFAULT = 'AC-DEF'    # the default order (empty matching ID)
MID_DUP = 'AC-DUP'        # a package with the ICCID of a seeded profile
CC = '12345678'
ICCID_CC = iccid(10)
ICCID_DEFAULT = iccid(11)
ICCID_SEED1 = iccid(1)    # seeded, enabled, nickname, icon, owner
ICCID_SEED2 = iccid(2)    # seeded, disabled


def standard_smdp_profiles():
    return [
        smdp_profile(MID_A, UPP_A, name='Integration A', spn='Test Op A'),
        smdp_profile(MID_B, UPP_B, name='Integration B', spn='Test Op B'),
        smdp_profile(MID_CC, UPP_GENERIC[1], iccid=ICCID_CC, cc=CC, name='With Code'),
        smdp_profile(MID_DEFAULT, UPP_GENERIC[2], iccid=ICCID_DEFAULT, name='Default Order',
                     default=True),
        smdp_profile(MID_DUP, UPP_GENERIC[4], iccid=ICCID_SEED2, name='Duplicate'),
    ]


def standard_sim_profiles(tmpdir, smdp):
    icon = os.path.join(tmpdir, 'icon.png')
    if not os.path.exists(icon):
        with open(icon, 'wb') as f:
            f.write(tiny_png())
    return [
        sim_profile(UPP_GENERIC[0], iccid=ICCID_SEED1, state='enabled', name='Seed One',
                    spn='Seed Operator', nickname='home', mccmnc='00101', icon=icon,
                    notify=smdp.address),
        sim_profile(UPP_GENERIC[3], iccid=ICCID_SEED2, name='Seed Two', notify=smdp.address),
    ]


class StandardCase(EsimTestCase):
    """One SM-DP+ (standard orders), one card (two seeded profiles), esimd."""

    smdp_extra = ()
    sim_extra = ()
    daemon_config = None

    def setUp(self):
        super().setUp()
        self.smdp = self.world.smdp(standard_smdp_profiles(), self.smdp_extra)
        self.sim = self.world.sim(standard_sim_profiles(self.world.tmpdir, self.smdp),
                                  self.sim_extra)
        self.world.start_daemon(extra_config=self.daemon_config)
        self.euicc = self.watch.euicc_for(self.sim)
