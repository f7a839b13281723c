#!/usr/bin/env bash
# System packages the test suites need, from Debian: redis-server (keyv on Redis, several
# bot replicas), systemd (its systemd-analyze verifies the units in deploy/), faketime
# (an agent whose clock is 10 min off, for the fault tests) and prometheus (its promtool
# checks and unit-tests the alerting rules in deploy/prometheus/; without recommends, the
# server itself is not started).
# Idempotent; run as root (CI is) or with sudo.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
if ((${#need[@]} == 0)); then
  echo "test dependencies present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
echo "installed: ${need[*]}"
