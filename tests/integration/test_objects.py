#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every object, property and non-download method of the D-Bus API."""

import os
import xml.etree.ElementTree as ET

import esimtest
from esimtest import (ERR, IF_EUICC, IF_JOB, IF_MANAGER, IF_OM, IF_PROFILE, ROOT, EID,
                      ICCID_SEED1, ICCID_SEED2, StandardCase, EsimTestCase, sim_profile,
                      UPP_GENERIC, iccid, wait_until)

IFACE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'dbus-interfaces')


def documented(iface):
    """{kind: {name: signature}} of an interface from dbus-interfaces/IFACE.xml."""
    tree = ET.parse(os.path.join(IFACE_DIR, iface + '.xml'))
    node = tree.getroot().find(f"interface[@name='{iface}']")
    out = {'method': {}, 'property': {}, 'signal': {}}
    for el in node:
        if el.tag == 'property':
            out['property'][el.get('name')] = el.get('type')
        elif el.tag in ('method', 'signal'):
            out[el.tag][el.get('name')] = ''.join(
                (a.get('direction', 'in') if el.tag == 'method' else 'out') + ':' + a.get('type') + ';'
                for a in el.findall('arg'))
    return out


class TestObjects(StandardCase):

    def test_introspection_matches_documented_api(self):
        c = self.watch
        seed = c.profile(self.euicc, ICCID_SEED1)
        for path, iface in ((ROOT, IF_MANAGER), (self.euicc, IF_EUICC), (seed, IF_PROFILE)):
            want = documented(iface)
            root = ET.fromstring(c.introspect(path))
            node = root.find(f"interface[@name='{iface}']")
            self.assertIsNotNone(node, f'{iface} not on {path}')
            got = {'method': {}, 'property': {}, 'signal': {}}
            for el in node:
                if el.tag == 'property':
                    got['property'][el.get('name')] = el.get('type')
                    self.assertEqual(el.get('access'), 'read', f'{iface}.{el.get("name")}')
                elif el.tag in ('method', 'signal'):
                    got[el.tag][el.get('name')] = ''.join(
                        (a.get('direction', 'in') if el.tag == 'method' else 'out') + ':'
                        + a.get('type') + ';' for a in el.findall('arg'))
            self.assertEqual(got, want, f'{iface} on {path}')
        self.assertIsNotNone(ET.fromstring(c.introspect(ROOT)).find(f"interface[@name='{IF_OM}']"))

    def test_manager_properties(self):
        c = self.watch
        props = c.get_all(ROOT, IF_MANAGER)
        self.assertEqual(set(props), {'Version', 'Euiccs', 'TestMode'})
        self.assertRegex(props['Version'], r'^\d+\.\d+\.\d+')
        if os.environ.get('ESIM_VERSION'):
            self.assertEqual(props['Version'], os.environ['ESIM_VERSION'])
        self.assertEqual(props['Euiccs'], [self.euicc])
        self.assertTrue(props['TestMode'])
        # an opaque hash of the EID, never the EID
        self.assertRegex(self.euicc, r'^/org/freedesktop/Esim1/Euicc/[0-9a-f]{16}$')
        self.assertNotIn(EID, self.euicc)

    def test_euicc_properties(self):
        c = self.watch
        props = c.get_all(self.euicc, IF_EUICC)
        self.assertEqual(set(props), set(documented(IF_EUICC)['property']))
        self.assertEqual(props['Eid'], EID)
        self.assertEqual(props['Transport'], 'socket')
        self.assertEqual(props['Device'], self.sim.socket)
        self.assertEqual(props['Modem'], '/')
        self.assertEqual(props['SimSlot'], 0)
        self.assertEqual(props['Sgp22Version'], '2.2.2')
        self.assertEqual(props['ProfileVersion'], '2.3.1')
        self.assertEqual(props['FirmwareVersion'], '1.0.0')
        self.assertGreater(props['FreeMemory'], 0)
        self.assertLess(props['FreeMemory'], 1048576)   # two seeded profiles use some
        self.assertTrue(props['CiKeyIds'])
        for key_id in props['CiKeyIds']:
            self.assertRegex(key_id, r'^[0-9A-Fa-f]{40}$')
        self.assertIn(ci_key_id().lower(), [k.lower() for k in props['CiKeyIds']])
        self.assertEqual(props['DefaultSmdpAddress'], '')
        self.assertEqual(props['RootSmdsAddress'], 'testrootsmds.example.com')
        self.assertEqual(props['PendingNotifications'], 0)
        self.assertEqual(len(props['Profiles']), 2)
        for p in props['Profiles']:
            self.assertRegex(p, r'^/org/freedesktop/Esim1/Profile/\d+$')

    def test_profile_properties(self):
        c = self.watch
        p1 = c.get_all(c.profile(self.euicc, ICCID_SEED1), IF_PROFILE)
        self.assertEqual(set(p1), set(documented(IF_PROFILE)['property']))
        card = self.sim.profiles()
        self.assertEqual(p1['Euicc'], self.euicc)
        self.assertEqual(p1['Iccid'], ICCID_SEED1)
        self.assertEqual(p1['IsdpAid'].upper(), card[ICCID_SEED1]['aid'].upper())
        self.assertEqual(p1['State'], 'enabled')
        self.assertEqual(p1['Name'], 'Seed One')
        self.assertEqual(p1['ServiceProvider'], 'Seed Operator')
        self.assertEqual(p1['Nickname'], 'home')
        self.assertEqual(p1['Class'], 'operational')
        self.assertEqual(p1['PolicyRules'], [])
        self.assertEqual(p1['OperatorId'], '001-01')
        self.assertEqual(p1['IconType'], 'png')
        self.assertEqual(bytes(p1['Icon']), esimtest.tiny_png())

        p2 = c.get_all(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE)
        self.assertEqual(p2['Iccid'], ICCID_SEED2)
        self.assertEqual(p2['IsdpAid'].upper(), card[ICCID_SEED2]['aid'].upper())
        self.assertNotEqual(p1['IsdpAid'], p2['IsdpAid'])
        self.assertEqual(p2['State'], 'disabled')
        self.assertEqual(p2['Name'], 'Seed Two')
        self.assertEqual(p2['ServiceProvider'], 'Test Operator')
        self.assertEqual(p2['Nickname'], '')
        self.assertEqual(p2['OperatorId'], '')
        self.assertEqual(p2['IconType'], '')
        self.assertEqual(bytes(p2['Icon']), b'')

    def test_paths_carry_no_personal_data(self):
        objects = self.watch.managed_objects()
        for path in objects:
            self.assertNotIn(EID, path)
            self.assertRegex(path, r'^/org/freedesktop/Esim1/((Profile|Job)/\d+|Euicc/[0-9a-f]{16})$')
            for iccid_ in (ICCID_SEED1, ICCID_SEED2):
                self.assertNotIn(iccid_, path)

    def test_object_manager(self):
        c = self.watch
        objects = c.managed_objects()
        self.assertIn(self.euicc, objects)
        self.assertEqual(objects[self.euicc][IF_EUICC]['Eid'], EID)
        profiles = [p for p, ifaces in objects.items() if IF_PROFILE in ifaces]
        self.assertEqual(sorted(profiles), sorted(c.get(self.euicc, IF_EUICC, 'Profiles')))
        iccids = {objects[p][IF_PROFILE]['Iccid'] for p in profiles}
        self.assertEqual(iccids, {ICCID_SEED1, ICCID_SEED2})

    def test_enable_disable(self):
        c = self.watch
        p1 = c.profile(self.euicc, ICCID_SEED1)
        p2 = c.profile(self.euicc, ICCID_SEED2)
        self.assertIsNone(c.call(p2, IF_PROFILE, 'Enable'))
        self.assertEqual(c.get(p2, IF_PROFILE, 'State'), 'enabled')
        self.assertEqual(c.get(p1, IF_PROFILE, 'State'), 'disabled')
        card = self.sim.profiles()
        self.assertEqual(card[ICCID_SEED2]['state'], 'enabled')
        self.assertEqual(card[ICCID_SEED1]['state'], 'disabled')
        wait_until(lambda: 'enabled' in c.property_changes(p2, IF_PROFILE, 'State')
                   and 'disabled' in c.property_changes(p1, IF_PROFILE, 'State'),
                   message='PropertiesChanged of State on both profiles')

        self.assertIsNone(c.call(p2, IF_PROFILE, 'Disable'))
        self.assertEqual(c.get(p2, IF_PROFILE, 'State'), 'disabled')
        self.assertEqual(c.get(p1, IF_PROFILE, 'State'), 'disabled')
        self.assertEqual(self.sim.profiles()[ICCID_SEED2]['state'], 'disabled')
        wait_until(lambda: c.property_changes(p2, IF_PROFILE, 'State')[-1:] == ['disabled'],
                   message='PropertiesChanged State=disabled')

        c.call(p1, IF_PROFILE, 'Enable')
        self.assertEqual(c.profile_states(self.euicc),
                         {ICCID_SEED1: 'enabled', ICCID_SEED2: 'disabled'})

        # every change is notified to the profile's SM-DP+ (here the test one)
        wait_until(lambda: c.get(self.euicc, IF_EUICC, 'PendingNotifications') == 0
                   and not self.sim.notifications(),
                   message='the enable/disable notifications delivered')
        kinds = [(e['kind'], e.get('iccid')) for e in self.smdp.notification_log()]
        self.assertIn(('enable', ICCID_SEED2), kinds)
        self.assertIn(('disable', ICCID_SEED1), kinds)
        self.assertIn(('disable', ICCID_SEED2), kinds)

    def test_set_nickname(self):
        c = self.watch
        p2 = c.profile(self.euicc, ICCID_SEED2)
        c.call(p2, IF_PROFILE, 'SetNickname', 's', ('Travel ✈',))
        self.assertEqual(c.get(p2, IF_PROFILE, 'Nickname'), 'Travel ✈')
        self.assertEqual(self.sim.profiles()[ICCID_SEED2].get('nickname'), 'Travel ✈')
        wait_until(lambda: 'Travel ✈' in c.property_changes(p2, IF_PROFILE, 'Nickname'),
                   message='PropertiesChanged of Nickname')
        c.call(p2, IF_PROFILE, 'SetNickname', 's', ('',))
        self.assertEqual(c.get(p2, IF_PROFILE, 'Nickname'), '')
        self.assertIn(self.sim.profiles()[ICCID_SEED2].get('nickname', ''), ('', None))
        # 64 bytes is the limit
        c.call(p2, IF_PROFILE, 'SetNickname', 's', ('n' * 64,))
        self.assertEqual(c.get(p2, IF_PROFILE, 'Nickname'), 'n' * 64)

    def test_delete(self):
        c = self.watch
        p2 = c.profile(self.euicc, ICCID_SEED2)
        c.call(p2, IF_PROFILE, 'Delete')
        self.assertEqual(list(c.profiles(self.euicc)), [ICCID_SEED1])
        self.assertNotIn(ICCID_SEED2, self.sim.profiles())
        wait_until(lambda: any(p == p2 and IF_PROFILE in i for p, i in c.interfaces_removed()),
                   message='InterfacesRemoved of the deleted profile')
        wait_until(lambda: any(p2 not in v for v in
                               c.property_changes(self.euicc, IF_EUICC, 'Profiles')),
                   message='PropertiesChanged of Profiles')
        with self.assertRaises(esimtest.DBusCallError) as cm:
            c.get(p2, IF_PROFILE, 'Iccid')
        self.assertIn(cm.exception.name, ('org.freedesktop.DBus.Error.UnknownObject',
                                          'org.freedesktop.DBus.Error.UnknownMethod',
                                          'org.freedesktop.DBus.Error.UnknownInterface'))
        wait_until(lambda: ('delete', ICCID_SEED2) in
                   [(e['kind'], e.get('iccid')) for e in self.smdp.notification_log()],
                   message='the delete notification at the SM-DP+')
        wait_until(lambda: c.get(self.euicc, IF_EUICC, 'PendingNotifications') == 0,
                   message='PendingNotifications back to 0')
        self.assertEqual(self.sim.notifications(), [])

    def test_set_default_smdp_address(self):
        c = self.watch
        c.call(self.euicc, IF_EUICC, 'SetDefaultSmdpAddress', 's', (self.smdp.address,))
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'DefaultSmdpAddress'), self.smdp.address)
        self.assertEqual(self.sim.state().get('default-smdp'), self.smdp.address)
        wait_until(lambda: self.smdp.address in
                   c.property_changes(self.euicc, IF_EUICC, 'DefaultSmdpAddress'),
                   message='PropertiesChanged of DefaultSmdpAddress')
        c.call(self.euicc, IF_EUICC, 'SetDefaultSmdpAddress', 's', ('',))
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'DefaultSmdpAddress'), '')
        self.assertIn(self.sim.state().get('default-smdp', ''), ('', None))

    def test_reset_memory(self):
        c = self.watch
        before = c.get(self.euicc, IF_EUICC, 'FreeMemory')
        paths = sorted(c.get(self.euicc, IF_EUICC, 'Profiles'))
        c.call(self.euicc, IF_EUICC, 'ResetMemory', 'as', (['operational'],))
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'Profiles'), [])
        self.assertEqual(self.sim.profiles(), {})
        self.assertGreater(c.get(self.euicc, IF_EUICC, 'FreeMemory'), before)
        wait_until(lambda: sorted(p for p, i in c.interfaces_removed() if IF_PROFILE in i) == paths,
                   message='InterfacesRemoved of both profiles')
        # two delete notifications, delivered automatically
        wait_until(lambda: sorted(e.get('iccid') for e in self.smdp.notification_log()
                                  if e['kind'] == 'delete') == sorted([ICCID_SEED1, ICCID_SEED2]),
                   message='two delete notifications at the SM-DP+')
        self.assertDBusError(ERR + 'NothingToDelete', c.call, self.euicc, IF_EUICC, 'ResetMemory',
                             'as', (['operational'],))
        self.assertDBusError(ERR + 'InvalidArgument', c.call, self.euicc, IF_EUICC, 'ResetMemory',
                             'as', (['everything'],))
        self.assertDBusError(ERR + 'InvalidArgument', c.call, self.euicc, IF_EUICC, 'ResetMemory',
                             'as', ([],))

    def test_reset_default_smdp(self):
        c = self.watch
        c.call(self.euicc, IF_EUICC, 'SetDefaultSmdpAddress', 's', ('smdp.example.org',))
        c.call(self.euicc, IF_EUICC, 'ResetMemory', 'as', (['default-smdp'],))
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'DefaultSmdpAddress'), '')
        self.assertEqual(len(c.get(self.euicc, IF_EUICC, 'Profiles')), 2)

    def test_rescan(self):
        c = self.watch
        before = c.managed_objects()
        self.assertIsNone(c.call(ROOT, IF_MANAGER, 'Rescan'))
        self.world.wait_ready()
        self.assertEqual(c.euiccs(), [self.euicc])
        self.assertEqual(set(c.profiles(self.euicc)), {ICCID_SEED1, ICCID_SEED2})
        after = c.managed_objects()
        self.assertEqual({p for p in before if '/Job/' not in p},
                         {p for p in after if '/Job/' not in p})

    def test_job_interface_on_rejected_install_is_documented(self):
        # a Job exposes every documented property (its full life is in test_install)
        c = self.watch
        job = c.install(self.euicc, self.smdp.ac('NO-SUCH-ORDER'))
        self.assertRegex(job, r'^/org/freedesktop/Esim1/Job/\d+$')
        props = c.get_all(job, IF_JOB)
        self.assertEqual(set(props), set(documented(IF_JOB)['property']))
        self.assertEqual(props['Operation'], 'install-profile')
        self.assertEqual(props['Euicc'], self.euicc)
        self.assertEqual(props['StartedByUid'], os.getuid())
        ok, name, msg, result = c.wait_job(job)
        self.assertFalse(ok)
        self.assertEqual(name, ERR + 'MatchingIdRefused', msg)
        self.assertRegex(msg, r'8\.2\.6')         # the ES9+ subject code in the message
        self.assertEqual(result, '/')
        self.assertTrue(c.get(job, IF_JOB, 'Finished'))
        self.assertEqual(c.get(job, IF_JOB, 'Stage'), 'failed')
        self.assertEqual(c.get(job, IF_JOB, 'ErrorName'), name)
        self.assertEqual(c.get(job, IF_JOB, 'ErrorMessage'), msg)


class TestNotificationsOnDemand(StandardCase):
    """ProcessNotifications: the first delivery fails, the manual run sends the rest."""

    smdp_extra = ('--fault', 'http500:handleNotification:1')
    daemon_config = {'NotificationRetrySeconds': '3600', 'NotificationRetryMaxSeconds': '3600'}

    def test_process_notifications(self):
        c = self.watch
        c.call(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE, 'Enable')
        # queued behind the automatic run on the same eUICC
        delivered, failed = c.call(self.euicc, IF_EUICC, 'ProcessNotifications')
        self.assertEqual(failed, 0)
        self.assertGreaterEqual(delivered, 1)
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'PendingNotifications'), 0)
        self.assertEqual(self.sim.notifications(), [])
        kinds = [(e['kind'], e.get('iccid')) for e in self.smdp.notification_log()]
        self.assertIn(('enable', ICCID_SEED2), kinds)
        self.assertIn(('disable', ICCID_SEED1), kinds)
        self.assertEqual(c.call(self.euicc, IF_EUICC, 'ProcessNotifications'), (0, 0))


class TestNotificationsKept(StandardCase):
    """A notification the server does not acknowledge stays on the card."""

    smdp_extra = ('--fault', 'http500:handleNotification')
    daemon_config = {'NotificationRetrySeconds': '3600', 'NotificationRetryMaxSeconds': '3600'}

    def test_failed_delivery_keeps_notifications(self):
        c = self.watch
        c.call(c.profile(self.euicc, ICCID_SEED2), IF_PROFILE, 'Enable')
        delivered, failed = c.call(self.euicc, IF_EUICC, 'ProcessNotifications')
        self.assertEqual(delivered, 0)
        self.assertEqual(failed, 2)
        self.assertEqual(c.get(self.euicc, IF_EUICC, 'PendingNotifications'), 2)
        self.assertEqual(len(self.sim.notifications()), 2)
        wait_until(lambda: 2 in c.property_changes(self.euicc, IF_EUICC, 'PendingNotifications'),
                   message='PropertiesChanged of PendingNotifications')


class TestTestMode(EsimTestCase):
    """SetTestMode: test-class profiles come and go with test mode."""

    def test_set_test_mode(self):
        smdp = self.world.smdp()
        sim = self.world.sim([
            sim_profile(UPP_GENERIC[0], iccid=iccid(20), notify=smdp.address),
            sim_profile(UPP_GENERIC[1], iccid=iccid(21), **{'class': 'test'},
                        notify=smdp.address)])
        self.world.start_daemon(test_mode=True)
        c = self.watch
        euicc = c.euicc_for(sim)
        self.assertEqual(set(c.profiles(euicc)), {iccid(20), iccid(21)})
        test_path = c.profile(euicc, iccid(21))
        self.assertEqual(c.get(test_path, IF_PROFILE, 'Class'), 'test')

        c.call(ROOT, IF_MANAGER, 'SetTestMode', 'b', (False,))
        self.assertFalse(c.get(ROOT, IF_MANAGER, 'TestMode'))
        wait_until(lambda: False in c.property_changes(ROOT, IF_MANAGER, 'TestMode'),
                   message='PropertiesChanged of TestMode')
        c.wait_property(euicc, IF_EUICC, 'Profiles', lambda v: len(v) == 1)
        self.assertEqual(set(c.profiles(euicc)), {iccid(20)})
        wait_until(lambda: any(p == test_path for p, _i in c.interfaces_removed()),
                   message='the test profile removed from the object manager')

        c.call(ROOT, IF_MANAGER, 'SetTestMode', 'b', (True,))
        self.assertTrue(c.get(ROOT, IF_MANAGER, 'TestMode'))
        c.wait_property(euicc, IF_EUICC, 'Profiles', lambda v: len(v) == 2)
        self.assertEqual(set(c.profiles(euicc)), {iccid(20), iccid(21)})

    def test_config_without_test_mode_hides_test_profiles(self):
        sim = self.world.sim([
            sim_profile(UPP_GENERIC[0], iccid=iccid(20), notify=''),
            sim_profile(UPP_GENERIC[1], iccid=iccid(21), **{'class': 'test'}, notify='')])
        self.world.start_daemon(test_mode=False)
        c = self.watch
        self.assertFalse(c.get(ROOT, IF_MANAGER, 'TestMode'))
        self.assertEqual(set(c.profiles(c.euicc_for(sim))), {iccid(20)})


def ci_key_id():
    """The subjectKeyIdentifier of the SGP.26 NIST CI, as hex."""
    from cryptography import x509
    with open(esimtest.shared('fixtures', 'sgp26', 'CertificateIssuer', 'CERT_CI_ECDSA_NIST.der'),
              'rb') as f:
        cert = x509.load_der_x509_certificate(f.read())
    ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return ski.digest.hex()


if __name__ == '__main__':
    esimtest.main()
