#!/usr/bin/env bash
# The entry point behind `npm start`, `npm test`, `npm run demo`, `npm run token`, `npm run bench`.
# It installs what the machine lacks first (toolchain.sh), then does the one thing asked.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=toolchain.sh
source "$here/toolchain.sh"
cd "$LGSP_ROOT"
export LGSP_DATA="${LGSP_DATA:-$LGSP_ROOT/.lgsp}"

build() {
  say "building (contracts check, TypeScript)"
  npx nx run-many -t build --outputStyle=static >"$LGSP_DATA/build.log" 2>&1 || { cat "$LGSP_DATA/build.log"; exit 1; }
}

cmd="${1:-}"
shift || true
mkdir -p "$LGSP_DATA"
case "$cmd" in
  start)
    build
    exec node deploy/local/platform.mjs "$@"
    ;;
  test)
    build
    say "lint and format"
    npx eslint . --max-warnings=0
    npx prettier --check . --log-level=warn
    say "unit, integration and end-to-end tests (each suite starts its own engines)"
    log="$LGSP_DATA/test.log"
    set +e
    npx nx run-many -t test --outputStyle=static --parallel=1 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    say "deployment manifests"
    bash k8s/validate.sh || status=1
    # Each project's runner closes with "ℹ pass N" / "ℹ fail N"; add them up (colours stripped).
    plain=$(sed -E 's/\x1b\[[0-9;]*m//g' "$log")
    passed=$(printf '%s\n' "$plain" | awk '/^ℹ pass [0-9]+/ {s+=$3} END {print s+0}')
    failed=$(printf '%s\n' "$plain" | awk '/^ℹ fail [0-9]+/ {s+=$3} END {print s+0}')
    [ "$failed" -eq 0 ] || status=1
    echo
    echo "tests: $passed passed, $failed failed"
    exit "$status"
    ;;
  demo)
    exec node deploy/local/demo.mjs "$@"
    ;;
  token)
    [ -f libs/auth/dist/src/cli/token.js ] || build
    exec node libs/auth/dist/src/cli/token.js --keys "$LGSP_DATA/keys" "$@"
    ;;
  bench)
    build
    # Each service's benchmarks (load-tests/<service>-bench.mjs), the catalogue's first, one at a time: all
    # take --quick and --n=; --only= picks among the catalogue's four. Each writes its rows as JSON in
    # $LGSP_DATA/bench; bench-summary.mjs composes them into one table with the goals. A runner that
    # fails does not stop the others; the run then exits 1.
    other_args=()
    for a in "$@"; do [[ "$a" == --quick || "$a" == --n=* ]] && other_args+=("$a"); done
    node load-tests/bench-summary.mjs --begin "$@"
    failed=()
    node load-tests/catalogue-bench.mjs "$@" || failed+=(catalogue-bench)
    for b in load-tests/*-bench.mjs; do
      [[ "$b" == load-tests/catalogue-bench.mjs ]] && continue
      node "$b" "${other_args[@]}" || failed+=("$(basename "$b" .mjs)")
    done
    node load-tests/bench-summary.mjs
    if [ "${#failed[@]}" -gt 0 ]; then
      echo "benchmarks that failed: ${failed[*]}" >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: npm start | npm test | npm run demo | npm run token -- --agency CODE --roles r1,r2 | npm run bench" >&2
    exit 2
    ;;
esac
