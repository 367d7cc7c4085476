#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the C suite of libesim (test-libesim) against the real daemon."""

import os
import subprocess

import esimtest
from esimtest import (CC, EID, ICCID_A, ICCID_B, ICCID_CC, ICCID_SEED1, ICCID_SEED2, MID_A,
                      MID_B, MID_CC, StandardCase, TIMEOUT)


class TestLibesimC(StandardCase):

    # a late client still finds the finished job on the bus
    daemon_config = {'JobLingerSeconds': '60'}
    # a download slow enough for Progress steps between 0 and 1
    smdp_extra = ('--latency-ms', '60')
    sim_extra = ('--fault', 'delay:*:3')

    def test_c_suite(self):
        exe = esimtest.required_program('LIBESIM_TEST_PATH')
        env = dict(os.environ,
                   ESIM_TEST_BUS_ADDRESS=self.world.bus.address,
                   ESIM_TEST_TIMEOUT=str(int(TIMEOUT)),
                   ESIM_TEST_EID=EID,
                   ESIM_TEST_DEVICE=self.sim.socket,
                   ESIM_TEST_ICCID_SEED1=ICCID_SEED1,
                   ESIM_TEST_ICCID_SEED2=ICCID_SEED2,
                   ESIM_TEST_ICCID_A=ICCID_A,
                   ESIM_TEST_ICCID_B=ICCID_B,
                   ESIM_TEST_CODE=self.smdp.ac(MID_A),
                   ESIM_TEST_CODE_B=self.smdp.ac(MID_B),
                   ESIM_TEST_CODE_UNKNOWN=self.smdp.ac('NO-SUCH-ORDER'),
                   ESIM_TEST_CODE_CC=self.smdp.ac(MID_CC),
                   ESIM_TEST_CC=CC,
                   ESIM_TEST_ICCID_CC=ICCID_CC)
        # LIBESIM_TEST_WRAPPER='gdb -batch -ex run -ex bt --args' for a backtrace
        wrapper = os.environ.get('LIBESIM_TEST_WRAPPER', '').split()
        proc = subprocess.run(wrapper + [exe, '--verbose'], env=env, capture_output=True, text=True,
                              timeout=10 * TIMEOUT, check=False)
        print(proc.stdout)
        self.assertEqual(proc.returncode, 0, f'test-libesim failed:\n{proc.stdout}\n{proc.stderr}')
        # the consent case postponed once (the order stayed usable), then installed
        self.assertEqual(self.smdp.stats()['cancelReasons'], [1])
        self.assertEqual(self.smdp.stats()['orders'][MID_CC]['state'], 'consumed')


if __name__ == '__main__':
    esimtest.main()
