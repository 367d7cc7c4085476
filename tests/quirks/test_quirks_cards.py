#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""eUICCs in the field: small STORE DATA buffers, vendor ISD-R AIDs, sloppy
ES10 answers, SELECT without FCI; each simulated by an esim-sim knob."""

import json
import os
import re

import esimtest
from esimtest import (IF_EUICC, IF_PROFILE, MID_A, MID_B, ICCID_A, ICCID_B, ICCID_SEED1,
                      ICCID_SEED2, StandardCase, EsimTestCase, wait_until)

AID_5BER = 'A0000005591010FFFFFFFF8900050500'


def sim_apdus(sim):
    """The command APDUs the sim logged (it runs with -v), in hex."""
    with open(sim.log_path, encoding='utf-8', errors='replace') as f:
        return re.findall(r'C-APDU ([0-9A-F]+)', f.read())


def sim_status_words(sim):
    with open(sim.log_path, encoding='utf-8', errors='replace') as f:
        return [r[-4:] for r in re.findall(r'R-APDU ([0-9A-F]+)', f.read())]


class TestSmallSegments(StandardCase):
    """A card that takes STORE DATA blocks of at most 120 bytes."""

    sim_extra = ('--max-segment', '120', '-v')

    def test_download_then_next_session_at_120(self):
        c = self.watch
        c.install_ok(self.euicc, self.smdp.ac(MID_A))
        self.assertIn(ICCID_A, self.sim.profiles())
        refused = sim_status_words(self.sim).count('6700')
        self.assertGreaterEqual(refused, 1, 'the card never refused a long block')
        eid = c.get(self.euicc, IF_EUICC, 'Eid')
        state = os.path.join(self.world.daemon.state_dir, f'card-{eid}.json')
        wait_until(lambda: os.path.exists(state), message='the block size kept')
        with open(state, encoding='utf-8') as f:
            self.assertEqual(json.load(f)['storeDataSegmentSize'], 120)

        # a new daemon starts at 120: the card refuses nothing any more
        self.world.daemon.stop()
        self.world.restart_daemon()
        self.euicc = c.euicc_for(self.sim)
        c.install_ok(self.euicc, self.smdp.ac(MID_B))
        self.assertIn(ICCID_B, self.sim.profiles())
        self.assertEqual(sim_status_words(self.sim).count('6700'), refused)
        # and no block was longer than 120 bytes after the first refusal
        blocks = [a for a in sim_apdus(self.sim) if a[2:4] == 'E2']
        self.assertTrue(all(int(a[8:10], 16) <= 120 for a in blocks[-20:]))


class TestSmallSegments6601(StandardCase):
    """The same with 6601 as some cards answer."""

    sim_extra = ('--max-segment', '120:6601')

    def test_download(self):
        self.watch.install_ok(self.euicc, self.smdp.ac(MID_A))
        self.assertIn(ICCID_A, self.sim.profiles())


class TestVendorIsdrAid(StandardCase):
    """A removable eUICC whose ISD-R answers on 5ber's AID; the standard one
    gets 6A82."""

    sim_extra = ('--isdr-aid', AID_5BER)

    def test_list_enable(self):
        c = self.watch
        self.assertEqual(c.profile_states(self.euicc),
                         {ICCID_SEED1: 'enabled', ICCID_SEED2: 'disabled'})
        c.call(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE, 'Enable')
        self.assertEqual(self.sim.profiles()[ICCID_SEED2]['state'], 'enabled')
        c.wait_property(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE, 'State',
                        lambda v: v == 'enabled')

    def test_esimctl_card_isdr_aid(self):
        self.world.daemon.stop()
        r = self.world.esimctl('--card', f'socket:{self.sim.socket}', '--isdr-aid', AID_5BER,
                               '--json', 'list', bus=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual({p['iccid'] for p in json.loads(r.stdout)}, {ICCID_SEED1, ICCID_SEED2})
        # the standard AID alone is not there
        r = self.world.esimctl('--card', f'socket:{self.sim.socket}', '--isdr-aid',
                               'A0000005591010FFFFFFFF8900000100', 'list', bus=False)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)


class TestSparseEuiccInfo2(StandardCase):
    """EUICCInfo2 without the optional fields, the firmware version,
    ppVersion and SAS number, with a vendor tag."""

    sim_extra = ('--quirk', 'sparse-euiccinfo2')

    def test_properties(self):
        props = self.watch.get_all(self.euicc, IF_EUICC)
        self.assertEqual(props['Sgp22Version'], '2.2.2')
        self.assertEqual(props['ProfileVersion'], '2.3.1')
        self.assertEqual(props['FirmwareVersion'], '')
        self.assertGreater(props['FreeMemory'], 0)
        self.assertTrue(props['CiKeyIds'])
        self.assertEqual(len(props['Profiles']), 2)


class TestNoRootDs(StandardCase):
    """EuiccConfiguredAddresses without rootDsAddress."""

    sim_extra = ('--quirk', 'no-root-ds')

    def test_properties(self):
        props = self.watch.get_all(self.euicc, IF_EUICC)
        self.assertEqual(props['RootSmdsAddress'], '')
        self.assertEqual(len(props['Profiles']), 2)


class TestUnknownProfileTags(StandardCase):
    """ProfileInfo with vendor tags; notifications with an unknown event bit."""

    sim_extra = ('--quirk', 'unknown-profile-tags')

    def test_list_and_enable(self):
        c = self.watch
        p1 = c.get_all(c.profile(self.euicc, ICCID_SEED1), IF_PROFILE)
        self.assertEqual(p1['Name'], 'Seed One')
        self.assertEqual(p1['ServiceProvider'], 'Seed Operator')
        self.assertEqual(p1['Nickname'], 'home')
        self.assertEqual(p1['State'], 'enabled')
        # the switch leaves notifications with the odd bit on the card: the
        # profile list read after it is still whole
        c.call(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE, 'Enable')
        c.wait_property(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE, 'State',
                        lambda v: v == 'enabled')
        self.assertEqual(c.profile_states(self.euicc),
                         {ICCID_SEED1: 'disabled', ICCID_SEED2: 'enabled'})


class TestSelectNoFci(EsimTestCase):
    """SELECT of the ISD-R with P2 0C: no GET RESPONSE for an FCI."""

    def card(self, *extra):
        sim = self.world.sim(esimtest.standard_sim_profiles(self.world.tmpdir,
                                                            self.world.smdp()),
                             ('-v',) + extra)
        r = self.world.esimctl('--card', f'socket:{sim.socket}', '--json', 'list', bus=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual({p['iccid'] for p in json.loads(r.stdout)}, {ICCID_SEED1, ICCID_SEED2})
        r = self.world.esimctl('--card', f'socket:{sim.socket}', 'info', bus=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return sim_apdus(sim)

    def test_p2_0c_saves_the_get_response(self):
        apdus = self.card()
        selects = [i for i, a in enumerate(apdus) if a[2:4] == 'A4']
        self.assertEqual(len(selects), 2)  # list, info
        for i in selects:
            self.assertEqual(apdus[i][6:8], '0C')
            self.assertNotEqual(apdus[i + 1][2:4], 'C0', 'a GET RESPONSE after the SELECT')

    def test_card_refusing_p2_0c(self):
        plain = self.card()
        refusing = self.card('--quirk', 'no-select-p2-0c')
        # SELECT P2 0C refused, SELECT P2 00 and its GET RESPONSE: two more
        # per session
        self.assertEqual(len(refusing), len(plain) + 4)


if __name__ == '__main__':
    esimtest.main()
