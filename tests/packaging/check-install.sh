#!/bin/sh
# Packaging check: configures esimd with -Dtests=false in a scratch
# directory, builds and installs it into a DESTDIR, and checks what a
# distribution package gets: no test-only dependency looked up, the
# programs, the translated polkit policy, the LICENSE, man pages carrying
# the version.
#   check-install.sh SOURCE_DIR VERSION
# SPDX-License-Identifier: LGPL-2.1-or-later
set -eu
src=$1
version=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/esimd-packaging-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
build=$scratch/build
dest=$scratch/dest
status=0

fail() {
  echo "not ok: $*"
  status=1
}

# the environment of a test run (sanitizer options, test variables) is not
# a packager's
env -u ASAN_OPTIONS -u UBSAN_OPTIONS -u LSAN_OPTIONS -u MALLOC_CHECK_ -u MALLOC_PERTURB_ \
  meson setup "$build" "$src" -Dtests=false -Dwerror=true --prefix=/usr >"$scratch/setup.log" 2>&1 || {
  cat "$scratch/setup.log"
  echo "not ok: meson setup -Dtests=false failed"
  exit 1
}
ninja -C "$build" >"$scratch/build.log" 2>&1 || {
  tail -50 "$scratch/build.log"
  echo "not ok: the -Dtests=false build failed"
  exit 1
}
DESTDIR=$dest meson install -C "$build" --no-rebuild --quiet >"$scratch/install.log" 2>&1 || {
  cat "$scratch/install.log"
  echo "not ok: meson install failed"
  exit 1
}

# test-only dependencies are not even looked for
for dep in libsoup dbusmock vpcd pcscd umockdev; do
  if grep -qi "$dep" "$build/meson-logs/meson-log.txt"; then
    fail "-Dtests=false looks up the test-only $dep"
  fi
done

for f in usr/libexec/esimd usr/bin/esimctl; do
  [ -x "$dest/$f" ] || fail "$f is not installed"
done

policy=$dest/usr/share/polkit-1/actions/org.freedesktop.esim1.policy
if [ ! -f "$policy" ]; then
  fail "the polkit policy is not installed"
else
  n_actions=$(grep -c '<action ' "$policy")
  n_de=$(grep -c '<message xml:lang="de">' "$policy")
  [ "$n_de" -eq "$n_actions" ] || fail "polkit policy: $n_de of $n_actions messages in German"
  grep -q '<description xml:lang="de">' "$policy" || fail "polkit policy: no German descriptions"
fi

license=$dest/usr/share/doc/esimd/LICENSE
if [ ! -f "$license" ]; then
  fail "LICENSE is not installed"
else
  grep -q 'GNU LESSER GENERAL PUBLIC LICENSE' "$license" && grep -q 'Version 2.1, February 1999' "$license" \
    || fail "LICENSE is not the LGPL-2.1 text"
fi

for page in man1/esimctl.1 man8/esimd.8; do
  f=$dest/usr/share/man/$page
  if [ ! -f "$f" ]; then
    fail "$page is not installed"
    continue
  fi
  grep -q "^\.TH .*\"esimd $version\"" "$f" || fail "$page does not carry version $version"
  ! grep -q '@VERSION@' "$f" || fail "$page still says @VERSION@"
done

[ -f "$dest/usr/share/locale/de/LC_MESSAGES/esimd.mo" ] || fail "the German catalog is not installed"

# the optional features off: a daemon for card readers and configured
# eUICCs only, without libmm-glib, libqmi, libmbim or zbar
minimal=$scratch/minimal
if env -u ASAN_OPTIONS -u UBSAN_OPTIONS -u LSAN_OPTIONS -u MALLOC_CHECK_ -u MALLOC_PERTURB_ \
  meson setup "$minimal" "$src" -Dtests=false -Dwerror=true -Dmodemmanager=disabled \
  -Dqmi=disabled -Dmbim=disabled -Dzbar=disabled -Dintrospection=disabled -Dexamples=disabled \
  >"$scratch/minimal-setup.log" 2>&1 && ninja -C "$minimal" >"$scratch/minimal-build.log" 2>&1; then
  if ldd "$minimal/src/daemon/esimd" | grep -q 'libmm-glib'; then
    fail "-Dmodemmanager=disabled still links libmm-glib"
  fi
else
  tail -30 "$scratch/minimal-setup.log" "$scratch/minimal-build.log" 2>/dev/null || true
  fail "the build with the optional features disabled failed"
fi

[ $status -eq 0 ] && echo "ok: -Dtests=false builds and installs a complete tree"
exit $status
