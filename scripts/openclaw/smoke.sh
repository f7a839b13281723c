#!/usr/bin/env bash
# Offline smoke test of the OpenClaw versions installed by scripts/openclaw/install.sh.
# Each version runs with HOME, OPENCLAW_STATE_DIR and TMPDIR in a fresh temp dir:
#   openclaw --version
#   openclaw models status --json      (empty state: no profiles, exit 0)
# Usage: scripts/openclaw/smoke.sh [VERSION ...]   (default: every version in the manifest)
# Note: 2026.9.x also creates 0-byte coordinator files in /tmp/openclaw-state-locks-<uid>/
# (hard-coded /tmp, not $TMPDIR) when it writes its state database; this smoke test
# only reads, so it leaves none.
set -euo pipefail
CACHE="${TOKENOPS_OPENCLAW_CACHE:-$HOME/.cache/tokenops-openclaw}"
MANIFEST="$CACHE/manifest.json"
[ -f "$MANIFEST" ] || { echo "smoke.sh: no $MANIFEST; run scripts/openclaw/install.sh" >&2; exit 1; }
NODE_BIN="$(sed -n 's/^{"node":"\([^"]*\)".*/\1/p' "$MANIFEST")"
VERSIONS=("$@")
if [ "${#VERSIONS[@]}" -eq 0 ]; then
  mapfile -t VERSIONS < <(grep -o '"20[0-9.]*":{' "$MANIFEST" | tr -d '":{')
fi

fail=0
for v in "${VERSIONS[@]}"; do
  entry="$CACHE/openclaw-$v/node_modules/openclaw/openclaw.mjs"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/openclaw-smoke-$v.XXXXXX")"
  mkdir -p "$tmp/home" "$tmp/state" "$tmp/tmp"
  run() {
    env HOME="$tmp/home" OPENCLAW_STATE_DIR="$tmp/state" TMPDIR="$tmp/tmp" \
      NO_COLOR=1 "$NODE_BIN" "$entry" "$@"
  }
  t0=$(date +%s%N)
  got="$(run --version 2>&1 || true)"
  t1=$(date +%s%N)
  if ! run models status --json >"$tmp/status.json" 2>"$tmp/status.err"; then
    echo "FAIL $v: models status --json exited non-zero; see $tmp/status.err"; fail=1; continue
  fi
  t2=$(date +%s%N)
  summary="$("$NODE_BIN" -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    process.stdout.write(`storePath=${s.auth.storePath.replace(process.argv[2], "<state>")} oauthProfiles=${s.auth.oauth.profiles.length}`);
  ' "$tmp/status.json" "$tmp/state")"
  case "$got" in
    "OpenClaw $v "*) echo "ok   $v: '$got' ($(( (t1-t0)/1000000 )) ms); models status: $summary ($(( (t2-t1)/1000000 )) ms)" ;;
    *) echo "FAIL $v: --version printed '$got'"; fail=1 ;;
  esac
  rm -rf "$tmp"
done
exit "$fail"
