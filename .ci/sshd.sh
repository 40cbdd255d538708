#!/usr/bin/env bash
# OpenSSH's sshd for the local SFTP server of docs/destinations.md, which DocumentationBlocksIT runs: Debian's
# openssh-server package, installed if /usr/sbin/sshd is missing (as .ci/postgres.sh installs PostgreSQL), and, for
# root, the privilege-separation folder the docs name (mkdir -p /run/sshd), which the system service would create.
# Safe to run again: it prints only when it installs.
#   .ci/sshd.sh
set -euo pipefail
if [ ! -x /usr/sbin/sshd ]; then
  echo "Installing OpenSSH's sshd (Debian package openssh-server)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
fi
if [ "$(id -u)" = 0 ]; then
  mkdir -p /run/sshd
fi
