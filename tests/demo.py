#!/usr/bin/python3
"""The README's demo: esimd on a private bus in test mode, a simulated eUICC
and the test SM-DP+, driven with esimctl exactly as a user would.

Run by tests/demo.sh (which installs and builds first) with the build
directory as its argument.
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'build'))
os.environ.setdefault('ESIMD_PATH', os.path.join(BUILD, 'src', 'daemon', 'esimd'))
os.environ.setdefault('ESIMCTL_PATH', os.path.join(BUILD, 'src', 'esimctl', 'esimctl'))
os.environ.setdefault('ESIM_SIM_PATH', os.path.join(BUILD, 'tests', 'sim', 'esim-sim'))
os.environ.setdefault('ESIM_SMDP_PATH', os.path.join(BUILD, 'tests', 'smdp', 'esim-smdp'))
os.environ.setdefault('ESIM_SHARED_DIR', os.path.join(HERE, '..', '..', 'shared'))
sys.path.insert(0, os.path.join(HERE, 'integration'))

import esimtest  # noqa: E402  pylint: disable=wrong-import-position


def esimctl(bus, *args, expect_failure=False):
    print('$ esimctl ' + ' '.join(args), flush=True)
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=bus.address)
    env.pop('DBUS_SESSION_BUS_ADDRESS', None)
    rc = subprocess.call([os.environ['ESIMCTL_PATH']] + list(args), env=env)
    if rc != 0:
        print(f'(exit code {rc})')
        if not expect_failure:
            raise SystemExit(f'demo: esimctl {args[0]} failed')
    print(flush=True)


def main():
    with tempfile.TemporaryDirectory(prefix='esimd-demo-') as tmp:
        procs = []
        try:
            bus = esimtest.Bus(tmp)
            procs.append(bus)
            polkit = esimtest.Polkit(bus, tmp)
            procs.append(polkit)
            # a user at the console who may do everything
            polkit.allow_all()
            smdp = esimtest.Smdp(tmp, profiles=[
                esimtest.smdp_profile('DEMO-1', 'TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der',
                                      name='TS.48 v5 SUCI', spn='GSMA Test')])
            procs.append(smdp)
            sim = esimtest.Sim(tmp, 'sim0', profiles=[
                esimtest.sim_profile('TS48V1-A-UNIQUE.der', state='enabled', name='TS.48 v1 A',
                                     spn='GSMA Test', notify=smdp.address)])
            procs.append(sim)
            daemon = esimtest.Daemon(tmp, bus, [sim])
            daemon.start(bus.connect())
            procs.append(daemon)

            print(f'esimd runs on a private bus in test mode; the test SM-DP+ is at {smdp.address}\n')
            esimctl(bus, 'show')
            esimctl(bus, 'list')
            esimctl(bus, 'install', smdp.ac('DEMO-1'))
            esimctl(bus, 'enable', '8949449999999990163')
            esimctl(bus, 'nickname', '8949449999999990163', 'Travel')
            esimctl(bus, 'list')
            # the daemon sends them itself after every change; this just asks now
            esimctl(bus, 'notifications', 'process')
            esimctl(bus, 'notifications', 'list')
            print('# the same activation code again: the SM-DP+ has released it already')
            esimctl(bus, 'install', smdp.ac('DEMO-1'), expect_failure=True)
        finally:
            for p in reversed(procs):
                p.stop()


if __name__ == '__main__':
    main()
