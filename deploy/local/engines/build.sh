#!/usr/bin/env bash
# Builds the engines OpenLGSP runs against locally, once per user, into $LGSP_CACHE/bin:
#   - nats-server  (NATS with JetStream), `go install`ed at a pinned version
#   - lgsp-ferretdb (FerretDB v1, SQLite backend, MongoDB wire protocol), from ./ferretdb
#   - lgsp-s3 (gofakes3, an S3-compatible server for the object-storage tests), from ./s3
#   - jaeger (Jaeger v2, the trace backend of `npm start` and the e2e trace tests), from ./jaeger,
#     only when asked: `build.sh jaeger` (see below)
# Called by deploy/local/toolchain.sh (which exports LGSP_ROOT and LGSP_CACHE); safe to run
# again: it only builds what is missing or out of date. GOPATH/GOCACHE are left at their
# defaults so the Go module and build caches are shared with any other Go work on the machine.
#
# First builds on the project machine (empty Go caches): nats-server ~1.5 min,
# lgsp-ferretdb ~5.5 min (mostly modernc.org/sqlite), lgsp-s3 ~0.5 min; afterwards a no-op.
#
# Without Go (1.21 or newer), a nats-server already on PATH (Debian's package) is linked
# instead, and FerretDB is skipped: tests then need MONGO_URL or a mongod on PATH; lgsp-s3 is
# not built either: the S3 tests of libs/storage then fail saying so.
#
# `build.sh jaeger` builds only Jaeger, under a lock of its own: its first build takes ~7 min on
# 2 cores (~1-2 min with warm Go caches), so toolchain.sh starts it in the background
# (`build.sh jaeger --background`) instead of holding `npm start` or `npm test` up, and whoever needs
# the binary (libs/testing startJaeger) runs `build.sh jaeger` too: it waits on the lock for a build
# under way and is a no-op afterwards.
set -euo pipefail

LGSP_ROOT="${LGSP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
LGSP_CACHE="${LGSP_CACHE:-$HOME/.cache/openlgsp}"

NATS_VERSION=v2.12.15    # latest v2.12.x on the Go module proxy (go list -m -versions)
FERRETDB_SRC="$LGSP_ROOT/deploy/local/engines/ferretdb"   # pins FerretDB v1.24.2 in go.mod
FERRETDB_TAGS=ferretdb_no_postgresql                       # SQLite only: smaller, faster build
S3_SRC="$LGSP_ROOT/deploy/local/engines/s3"               # pins gofakes3 v1.2.0 in go.mod
JAEGER_SRC="$LGSP_ROOT/deploy/local/engines/jaeger"       # pins Jaeger v1.76.0 (a `tool` in go.mod)

BIN="$LGSP_CACHE/bin"
mkdir -p "$BIN"

say() { printf '[openlgsp] %s\n' "$*" >&2; }

# One build at a time per cache and lock (two entry points may start together).
lock() {
  if command -v flock >/dev/null; then
    exec 9>"$LGSP_CACHE/$1"
    flock 9
  fi
}

did=0

go_usable() {
  command -v go >/dev/null || return 1
  # go.mod files here say `go 1.24`; Go 1.21+ can fetch that toolchain itself (GOTOOLCHAIN=auto).
  local v; v="$(go env GOVERSION 2>/dev/null)"; v="${v#go}"
  local major="${v%%.*}" rest="${v#*.}"; local minor="${rest%%[!0-9]*}"
  [ "${major:-0}" -gt 1 ] || { [ "${major:-0}" -eq 1 ] && [ "${minor:-0}" -ge 21 ]; }
}

# A command on PATH that is not our own cache's copy.
system_command() {
  local name="$1" dir
  local IFS=:
  for dir in $PATH; do
    [ -n "$dir" ] && [ "$dir" != "$BIN" ] && [ -x "$dir/$name" ] && { printf '%s\n' "$dir/$name"; return 0; }
  done
  return 1
}

ensure_nats() {
  local have=""
  [ -x "$BIN/nats-server" ] && have="$("$BIN/nats-server" --version 2>/dev/null || true)"
  if [ "$have" = "nats-server: $NATS_VERSION" ]; then return; fi

  if go_usable; then
    local tmp start; tmp="$(mktemp -d)"; start=$SECONDS
    if ! GOBIN="$tmp" go install "github.com/nats-io/nats-server/v2@$NATS_VERSION"; then
      rm -rf "$tmp"; say "building nats-server $NATS_VERSION failed"; exit 1
    fi
    rm -f "$BIN/nats-server" && mv "$tmp/nats-server" "$BIN/nats-server" && rm -rf "$tmp"
    say "built nats-server $NATS_VERSION into $BIN in $((SECONDS - start))s"
    did=1
    return
  fi

  local sys
  if sys="$(system_command nats-server)"; then
    if [ "$(readlink "$BIN/nats-server" 2>/dev/null)" != "$sys" ]; then
      ln -sfn "$sys" "$BIN/nats-server"
      say "no usable Go: linked $sys ($("$sys" --version 2>/dev/null || echo 'unknown version')) into $BIN instead of building $NATS_VERSION"
      did=1
    fi
    return
  fi
  [ -n "$have" ] && return   # keep whatever we have (an older build) rather than nothing
  say "nats-server missing: install Go 1.21+ (to build $NATS_VERSION) or Debian's nats-server package"
  exit 1
}

ensure_ferretdb() {
  local stamp="$BIN/lgsp-ferretdb.stamp" want
  want="$(cd "$FERRETDB_SRC" && cat ./*.go go.mod go.sum | sha256sum | cut -d' ' -f1)-$FERRETDB_TAGS"
  if [ -x "$BIN/lgsp-ferretdb" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi

  if ! go_usable; then
    say "no usable Go (1.21+): lgsp-ferretdb not built; tests need MONGO_URL or a mongod on PATH"
    did=1
    return
  fi
  local out="$BIN/lgsp-ferretdb.partial" start=$SECONDS
  if ! (cd "$FERRETDB_SRC" && go build -trimpath -buildvcs=false -tags "$FERRETDB_TAGS" -o "$out" .); then
    rm -f "$out"; say "building lgsp-ferretdb failed"; exit 1
  fi
  mv "$out" "$BIN/lgsp-ferretdb"
  echo "$want" >"$stamp"
  say "built lgsp-ferretdb ($(sed -n 's/^require github.com\/FerretDB\/FerretDB \(v[^ ]*\).*/FerretDB \1/p' "$FERRETDB_SRC/go.mod")) into $BIN in $((SECONDS - start))s"
  did=1
}

ensure_s3() {
  local stamp="$BIN/lgsp-s3.stamp" want
  want="$(cd "$S3_SRC" && cat main.go go.mod go.sum | sha256sum | cut -d' ' -f1)"
  if [ -x "$BIN/lgsp-s3" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi

  if ! go_usable; then
    say "no usable Go (1.21+): lgsp-s3 not built; the S3 tests of libs/storage need it"
    did=1
    return
  fi
  local out="$BIN/lgsp-s3.partial" start=$SECONDS
  if ! (cd "$S3_SRC" && go build -trimpath -buildvcs=false -o "$out" .); then
    rm -f "$out"; say "building lgsp-s3 failed"; exit 1
  fi
  mv "$out" "$BIN/lgsp-s3"
  echo "$want" >"$stamp"
  say "built lgsp-s3 ($(sed -n 's/^require github.com\/johannesboyne\/gofakes3 \(v[^ ]*\).*/gofakes3 \1/p' "$S3_SRC/go.mod")) into $BIN in $((SECONDS - start))s"
  did=1
}

jaeger_wanted() {
  (cd "$JAEGER_SRC" && cat go.mod go.sum | sha256sum | cut -d' ' -f1)
}

jaeger_up_to_date() {
  local stamp="$BIN/jaeger.stamp"
  [ -x "$BIN/jaeger" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(jaeger_wanted)" ]
}

ensure_jaeger() {
  jaeger_up_to_date && return
  if ! go_usable; then
    say "no usable Go (1.21+): jaeger not built; npm start runs without a trace backend and the e2e trace tests fail"
    exit 1
  fi
  local out="$BIN/jaeger.partial" start=$SECONDS want
  want="$(jaeger_wanted)"
  say "building jaeger ($(jaeger_version)) into $BIN (~7 min the first time on 2 cores)"
  # No -trimpath (unlike the others): it changes every package's build-cache key, and a Go cache
  # warmed by a plain `go build` of this module would be of no use.
  if ! (cd "$JAEGER_SRC" && go build -buildvcs=false -o "$out" github.com/jaegertracing/jaeger/cmd/jaeger); then
    rm -f "$out"; say "building jaeger failed"; exit 1
  fi
  mv "$out" "$BIN/jaeger"
  echo "$want" >"$BIN/jaeger.stamp"
  say "built jaeger ($(jaeger_version)) into $BIN in $((SECONDS - start))s"
}

jaeger_version() {
  sed -n 's/^\tgithub.com\/jaegertracing\/jaeger \(v[^ ]*\).*/Jaeger \1/p' "$JAEGER_SRC/go.mod" | head -1
}

case "${1:-}" in
  jaeger)
    if [ "${2:-}" = --background ]; then
      # Started by toolchain.sh: a no-op when up to date or when a build is already under way.
      jaeger_up_to_date && exit 0
      if command -v flock >/dev/null; then
        exec 9>"$LGSP_CACHE/.jaeger.lock"
        flock -n 9 || exit 0
      fi
      log="$LGSP_CACHE/jaeger-build.log"
      say "building jaeger in the background (log: $log); npm start exports traces once it is there"
      # Its own session (Ctrl-C on npm start does not stop it), at a low priority.
      setsid nice -n 10 bash "${BASH_SOURCE[0]}" jaeger >"$log" 2>&1 </dev/null 9>&- &
      exit 0
    fi
    lock .jaeger.lock
    ensure_jaeger
    ;;
  "")
    lock .engines.lock
    ensure_nats
    ensure_ferretdb
    ensure_s3
    [ "$did" = 1 ] || say "engines up to date"
    ;;
  *)
    say "usage: build.sh [jaeger [--background]]"
    exit 2
    ;;
esac
