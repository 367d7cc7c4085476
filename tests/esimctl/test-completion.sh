#!/usr/bin/env bash
# the bash completion of esimctl: commands, options, subcommands, and the
# ICCIDs and eUICC numbers esimctl prints with --json (a stand-in esimctl
# here, the daemon's part is covered by the integration tests)
# usage: test-completion.sh COMPLETION-FILE
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u

completion=$1
if [ ! -r /usr/share/bash-completion/bash_completion ]; then
  echo "1..0 # SKIP bash-completion is not installed"
  exit 0
fi
# shellcheck disable=SC1091
source /usr/share/bash-completion/bash_completion
# shellcheck disable=SC1090
source "$completion"

shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
cat > "$shim/esimctl" <<'SHIM'
#!/bin/sh
case "$*" in
  *"notifications list --json"*) printf '[\n  {\n    "euicc" : 0,\n    "pending_notifications" : 2\n  },\n  {\n    "euicc" : 1\n  }\n]\n' ;;
  *"list --json"*) printf '[\n  {\n    "iccid" : "8949449999999990163",\n    "euicc" : 0\n  },\n  {\n    "iccid" : "89000000000000000012",\n    "euicc" : 1\n  }\n]\n' ;;
esac
SHIM
chmod +x "$shim/esimctl"
PATH="$shim:$PATH"

n=0
failed=0
check() {
  local expected=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _esimctl esimctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  local got
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//')
  n=$((n + 1))
  if [ "$got" = "$expected" ]; then
    echo "ok $n - ${COMP_WORDS[*]}"
  else
    echo "not ok $n - ${COMP_WORDS[*]}: got '$got', expected '$expected'"
    failed=1
  fi
}

check "enable" esimctl en
check "notifications" esimctl not
check "set-default-smdp show" esimctl s
check "--enable --euicc" esimctl install --e
check "89000000000000000012 8949449999999990163" esimctl enable ''
check "89000000000000000012" esimctl --euicc 1 delete 8900
check "" esimctl nickname 8949449999999990163 ''
check "list process remove" esimctl notifications ''
check "off on" esimctl test-mode ''
check "0 1" esimctl list --euicc ''
check "qmi: qrtr:" esimctl --card q
check "monitor" esimctl mo
check "help" esimctl he
check "install" esimctl help ins
check "--version" esimctl --vers
echo "1..$n"
exit $failed
