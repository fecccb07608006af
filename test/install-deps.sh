#!/usr/bin/env bash
# Installs the Debian packages eventml needs to build and test, when missing.
set -euo pipefail
packages=(postgresql-15 postgresql-server-dev-15 libpq-dev libeigen3-dev libboost-dev cmake g++ make
          googletest libgtest-dev clang libclang-rt-14-dev python3 valgrind sqlsmith)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "eventml needs these Debian packages: ${missing[*]}" >&2
    echo "install them as root (apt-get install ${missing[*]}) and run make again" >&2
    exit 1
fi
echo "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
