#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The reference panel (examples/panel) under Xvfb against the real daemon:
its --self-test installs a profile with the progress bar through the
consent step (confirmed, "not now", with a confirmation code), enables it,
prints the model it shows and saves screenshots of the consent step and
of the end, which must be images with content, not blank ones."""

import os
import shutil
import struct
import subprocess
import zlib

import esimtest
from esimtest import (CC, ICCID_A, ICCID_B, ICCID_CC, ICCID_SEED1, ICCID_SEED2, MID_A, MID_B,
                      MID_CC, StandardCase, TIMEOUT)


def png_pixels(path):
    """(width, height, rows of RGBA tuples) of an 8-bit RGB(A) PNG."""
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, header = 8, b'', None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    width, height, depth, color, _c, _f, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, f'unsupported PNG {header}'
    bpp = 4 if color == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xff
            elif kind == 2:
                line[x] = (line[x] + b) & 0xff
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xff
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xff
        rows.append([tuple(line[i:i + bpp]) for i in range(0, stride, bpp)])
        prev = line
    return width, height, rows


class TestPanel(StandardCase):

    smdp_extra = ('--latency-ms', '60')

    def run_panel(self, *args, returncode=0):
        panel = esimtest.required_program('ESIM_PANEL_PATH')
        xvfb_run = shutil.which('xvfb-run')
        self.assertIsNotNone(xvfb_run, 'xvfb-run not found (package xvfb)')
        env = dict(os.environ,
                   DBUS_SYSTEM_BUS_ADDRESS=self.world.bus.address,
                   # GApplication and GTK look at the session bus: the same private bus
                   DBUS_SESSION_BUS_ADDRESS=self.world.bus.address,
                   GDK_BACKEND='x11', GSK_RENDERER='cairo', GTK_A11Y='none',
                   NO_AT_BRIDGE='1')
        env.pop('G_DEBUG', None)  # GTK's own warnings are not the panel's
        proc = subprocess.run([xvfb_run, '-a', '-s', '-screen 0 1024x768x24', panel,
                               '--self-test', *args],
                              env=env, capture_output=True, text=True, timeout=6 * TIMEOUT,
                              check=False)
        self.assertEqual(proc.returncode, returncode, f'{proc.stdout}\n{proc.stderr}')
        return proc.stdout.splitlines() if returncode == 0 else proc

    def assert_drawn(self, shot):
        """A window-sized image with text and widgets on it: its pixels."""
        width, height, rows = png_pixels(shot)
        self.assertGreaterEqual(width, 400)
        self.assertGreaterEqual(height, 300)
        colors = {px for row in rows for px in row}
        self.assertGreater(len(colors), 16, 'the screenshot is (nearly) blank')
        background = max(colors, key=lambda c: sum(row.count(c) for row in rows[::8]))
        drawn = sum(1 for row in rows for px in row if px != background)
        self.assertGreater(drawn, width * height // 50, 'hardly anything drawn')
        return rows

    def test_panel_self_test(self):
        consent_shot = os.path.join(self.world.tmpdir, 'panel-consent.png')
        shot = os.path.join(self.world.tmpdir, 'panel.png')
        lines = self.run_panel('--install', self.smdp.ac(MID_A), '--consent', 'confirm',
                               '--consent-screenshot', consent_shot, '--enable',
                               '--screenshot', shot)
        out = '\n'.join(lines)
        # the consent step showed what the SM-DP+ offers before the download
        self.assertIn(f'consent {ICCID_A}|Integration A|Test Op A|operational|no-code', lines,
                      out)
        # the model the panel shows: the seeded profiles and the installed one, enabled
        self.assertIn(f'profile {ICCID_A} enabled Integration A', lines, out)
        self.assertIn(f'profile {ICCID_SEED1} disabled Seed One', lines, out)
        self.assertTrue(any(line.startswith(f'profile {ICCID_SEED2} ') for line in lines))
        self.assertIn('progress 1.00', lines)
        self.assertEqual(self.sim.profiles()[ICCID_A]['state'], 'enabled')

        consent_rows = self.assert_drawn(consent_shot)
        rows = self.assert_drawn(shot)
        # the consent step is drawn: the two images differ
        self.assertNotEqual(consent_rows, rows)
        if os.environ.get('ESIM_PANEL_SCREENSHOT'):
            shutil.copy(shot, os.environ['ESIM_PANEL_SCREENSHOT'])
            base, ext = os.path.splitext(os.environ['ESIM_PANEL_SCREENSHOT'])
            shutil.copy(consent_shot, base + '-consent' + ext)

    def test_panel_not_now(self):
        """"Not now" at the consent step: nothing installed, the code stays usable."""
        lines = self.run_panel('--install', self.smdp.ac(MID_B), '--consent', 'decline')
        out = '\n'.join(lines)
        self.assertTrue(any(line.startswith(f'consent {ICCID_B}|') for line in lines), out)
        status = [line for line in lines if line.startswith('status ')]
        self.assertEqual(len(status), 1, out)
        self.assertIn('Not installed', status[0])
        self.assertIn('postponed', status[0])
        self.assertNotIn(ICCID_B, self.sim.profiles())
        stats = self.smdp.stats()
        self.assertEqual(stats['cancelReasons'], [1])
        self.assertEqual(stats['orders'][MID_B]['state'], 'available')
        self.assertNotIn('es9plus/getBoundProfilePackage', stats['requests'])

    def test_panel_confirmation_code(self):
        lines = self.run_panel('--install', self.smdp.ac(MID_CC), '--consent', 'confirm',
                               '--confirmation-code', CC)
        out = '\n'.join(lines)
        self.assertTrue(any(line.startswith(f'consent {ICCID_CC}|') and line.endswith('|code')
                            for line in lines), out)
        self.assertTrue(any(line.startswith(f'profile {ICCID_CC} ') for line in lines), out)
        self.assertIn(ICCID_CC, self.sim.profiles())

    def test_panel_bad_code(self):
        """A mistyped code is named at once, before anyone is contacted."""
        proc = self.run_panel('--install', 'LPA:1$$nothing', returncode=1)
        self.assertIn('Activation code:', proc.stderr)
        self.assertEqual(self.smdp.stats().get('requestsTotal', 0), 0)


if __name__ == '__main__':
    esimtest.main()
