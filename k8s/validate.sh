#!/usr/bin/env bash
# Validates the Kubernetes manifests, offline (only the Go module proxy is used, once, to build
# the pinned tools and fetch the pinned schema sources; see versions.env):
#   1. render    `kustomize build` of each overlay (overlays/local, overlays/production)
#   2. schemas   kubeconform -strict on every rendered object, against JSON Schemas generated
#                from the Kubernetes release's OpenAPI document (k8s.io/kubernetes Go module)
#                and the MongoDB operator's CRD (its Go module) by tools/cmd/schemagen.
#                No schema is downloaded from GitHub and a kind without a schema fails.
#   3. policy    tools/cmd/k8scheck: non-root, read-only root FS with /tmp emptyDir, dropped
#                capabilities, seccomp, probes, resources, pinned images, default-deny and
#                per-workload NetworkPolicies, a complete object set per service (Service,
#                HPA, PDB, Ingress path, MongoDB), per-overlay settings, no committed
#                production Secrets, and (c) every services/<name> deployed and vice versa.
#   4. nats      k8s/nats is a helmCharts kustomization; the chart cannot be fetched offline,
#                so it is not rendered here. Its values are checked by k8scheck (pin, 3-node
#                JetStream cluster, users, permissions), and the accounts block, turned into
#                nats.conf the way the chart does it, must pass `nats-server -t` of the same
#                version as the chart's image.
#
#   bash k8s/validate.sh              validate
#   bash k8s/validate.sh --self-test  also prove each stage fails on a broken copy of k8s/
set -euo pipefail

K8S_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$K8S_DIR/.." && pwd)"
LGSP_CACHE="${LGSP_CACHE:-$HOME/.cache/openlgsp}"
BIN="$LGSP_CACHE/bin"
# shellcheck source=versions.env
source "$K8S_DIR/versions.env"

say() { printf '[k8s] %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

command -v go >/dev/null || die "Go is needed (the tools are built from their Go modules)"
mkdir -p "$BIN"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# ensure_tool NAME MODULE VERSION: $BIN/NAME-VERSION, built from MODULE@VERSION when missing.
ensure_tool() {
  local name="$1" module="$2" version="$3" target="$BIN/$1-$3"
  if [ ! -x "$target" ]; then
    local start tmp
    start=$(date +%s)
    tmp="$(mktemp -d)"
    say "building $name $version from $module (first time on this machine)"
    GOBIN="$tmp" CGO_ENABLED=0 go install "$module@$version"
    mv "$tmp/$(ls "$tmp")" "$target" && rmdir "$tmp"
    say "built $name $version in $(($(date +%s) - start))s"
  fi
  printf '%s' "$target"
}

# module_dir MODULE VERSION: the module's extracted source in the Go module cache.
module_dir() {
  (cd "$WORK" && go mod download -json "$1@$2") | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

KUSTOMIZE="$(ensure_tool kustomize "$KUSTOMIZE_MODULE" "$KUSTOMIZE_VERSION")"
KUBECONFORM="$(ensure_tool kubeconform "$KUBECONFORM_MODULE" "$KUBECONFORM_VERSION")"
NATS_SERVER="$(ensure_tool nats-server "$NATS_SERVER_MODULE" "$NATS_SERVER_VERSION")"

# JSON Schemas, generated once per (Kubernetes, operator, generator) version.
gen_hash="$(cat "$K8S_DIR/tools/go.sum" "$K8S_DIR/tools/cmd/schemagen/main.go" | sha256sum | cut -c1-12)"
SCHEMAS="$LGSP_CACHE/k8s-schemas/kubernetes-$KUBERNETES_VERSION-mdbc-$MONGODB_OPERATOR_VERSION-$gen_hash"
if [ ! -f "$SCHEMAS/.complete" ]; then
  start=$(date +%s)
  say "generating JSON Schemas: Kubernetes $KUBERNETES_VERSION + MongoDBCommunity $MONGODB_OPERATOR_VERSION"
  k8s_src="$(module_dir "$KUBERNETES_MODULE" "$KUBERNETES_VERSION")"
  mdbc_src="$(module_dir "$MONGODB_OPERATOR_MODULE" "$MONGODB_OPERATOR_VERSION")"
  [ -f "$k8s_src/api/openapi-spec/swagger.json" ] || die "no swagger.json in $KUBERNETES_MODULE@$KUBERNETES_VERSION"
  rm -rf "$SCHEMAS.partial"
  (cd "$K8S_DIR/tools" && go run ./cmd/schemagen -out "$SCHEMAS.partial" \
    -swagger "$k8s_src/api/openapi-spec/swagger.json" -crd "$mdbc_src/$MONGODB_OPERATOR_CRD") >&2
  touch "$SCHEMAS.partial/.complete"
  rm -rf "$SCHEMAS" && mv "$SCHEMAS.partial" "$SCHEMAS"
  say "schemas ready in $(($(date +%s) - start))s"
fi
# The policy checker, built once per source change (go's build cache).
K8SCHECK="$WORK/k8scheck"
(cd "$K8S_DIR/tools" && go build -o "$K8SCHECK" ./cmd/k8scheck)

OVERLAYS=(local production)

# validate_tree K8S SERVICES OUT: all four stages on a k8s/ tree; non-zero if any fails.
validate_tree() {
  local k8s="$1" services="$2" out="$3" failed=0 o
  mkdir -p "$out"
  : >"$out/summary"
  local rendered=() files=()
  for o in "${OVERLAYS[@]}"; do
    if "$KUSTOMIZE" build "$k8s/overlays/$o" >"$out/$o.yaml" 2>"$out/$o.err"; then
      echo "render    $o: $(grep -c '^kind:' "$out/$o.yaml") objects" >>"$out/summary"
      rendered+=("-rendered" "$o=$out/$o.yaml")
      files+=("$out/$o.yaml")
    else
      cat "$out/$o.err"
      echo "render    $o: FAILED" >>"$out/summary"
      failed=1
    fi
  done
  if [ "${#files[@]}" -gt 0 ]; then
    if "$KUBECONFORM" -strict -summary -n 1 \
      -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" "${files[@]}" >"$out/kubeconform" 2>&1; then
      echo "schemas   $(tail -1 "$out/kubeconform" | sed 's/^Summary: //')" >>"$out/summary"
    else
      grep -v '^Summary' "$out/kubeconform" || true
      echo "schemas   FAILED: $(tail -1 "$out/kubeconform" | sed 's/^Summary: //')" >>"$out/summary"
      failed=1
    fi
  fi
  if "$K8SCHECK" "${rendered[@]}" -services "$services" -k8s "$k8s" \
    -nats-chart-version "$NATS_CHART_VERSION" -nats-conf-out "$out/nats.conf" -nats-env-out "$out/nats.env" >"$out/k8scheck" 2>&1; then
    echo "policy    $(tail -1 "$out/k8scheck" | sed 's/^k8scheck: //') assertions" >>"$out/summary"
  else
    grep -v '^k8scheck: [0-9]' "$out/k8scheck" || true
    echo "policy    FAILED: $(tail -1 "$out/k8scheck" | sed 's/^k8scheck: //') assertions" >>"$out/summary"
    failed=1
  fi
  if [ -f "$out/nats.conf" ] && (set -a && source "$out/nats.env" && "$NATS_SERVER" -t -c "$out/nats.conf") >"$out/nats" 2>&1; then
    echo "nats      accounts config accepted by nats-server $NATS_SERVER_VERSION -t (chart $NATS_CHART_VERSION not rendered offline)" >>"$out/summary"
  else
    cat "$out/nats" 2>/dev/null || true
    echo "nats      FAILED: nats-server $NATS_SERVER_VERSION -t rejects the accounts config" >>"$out/summary"
    failed=1
  fi
  # (c) every deployable services/<name> (one with an entry point, src/main.ts) has
  # k8s/base/services/<name>, and back. A package holding only its pure rules so far is not one.
  local code manifests
  code="$(cd "$services" && for d in */; do [ -f "$d/src/main.ts" ] && printf '%s ' "${d%/}"; done; true)"
  manifests="$(cd "$k8s/base/services" && for d in */; do [ -f "$d/kustomization.yaml" ] && printf '%s ' "${d%/}"; done; true)"
  if [ -n "$code" ] && [ "$code" = "$manifests" ]; then
    echo "services  ${code% }: each has k8s/base/services/<name> (rendered, routed, with NATS user: see policy)" >>"$out/summary"
  else
    echo "services  FAILED: services/ has [${code% }], k8s/base/services/ has [${manifests% }]" >>"$out/summary"
    failed=1
  fi
  return "$failed"
}

status=0
validate_tree "$K8S_DIR" "$REPO_DIR/services" "$WORK/main" || status=1
echo "k8s validation (kustomize $KUSTOMIZE_VERSION, kubeconform $KUBECONFORM_VERSION, schemas: Kubernetes $KUBERNETES_VERSION + MongoDBCommunity $MONGODB_OPERATOR_VERSION)"
sed 's/^/  /' "$WORK/main/summary"

passed=$(grep -vc 'FAILED' "$WORK/main/summary" || true)
failed=$(grep -c 'FAILED' "$WORK/main/summary" || true)
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
if [ "${1:-}" = "--self-test" ]; then
  # Each case breaks one thing in a copy of k8s/ (or of the services list); validation must
  # fail, at the stage named.
  selftest() {
    local label="$1" stage="$2" mutate="$3" dir="$WORK/self-$RANDOM"
    mkdir -p "$dir" && cp -r "$K8S_DIR" "$dir/k8s" && mkdir -p "$dir/services"
    for s in "$REPO_DIR"/services/*/; do
      [ -f "$s/src/main.ts" ] && mkdir -p "$dir/services/$(basename "$s")/src" && cp "$s/src/main.ts" "$dir/services/$(basename "$s")/src/"
    done
    (cd "$dir" && eval "$mutate")
    if validate_tree "$dir/k8s" "$dir/services" "$dir/out" >/dev/null 2>&1; then
      echo "  self-test FAILED to fail: $label"; failed=$((failed + 1))
    elif grep -q "^$stage .*FAILED" "$dir/out/summary"; then
      echo "  self-test ok: $label → $stage fails"; passed=$((passed + 1))
    else
      echo "  self-test failed elsewhere than $stage: $label"; sed 's/^/    /' "$dir/out/summary"; failed=$((failed + 1))
    fi
  }
  selftest "unknown field in a container securityContext" schemas \
    "sed -i 's/readOnlyRootFilesystem: true/readOnlyRootFileSystem: true/' k8s/base/service-template/deployment.yaml"
  selftest "MongoDBCommunity members is a string" schemas \
    "sed -i 's/members: 3/members: \"three\"/' k8s/base/service-template/mongodb.yaml"
  selftest "writable root filesystem" policy \
    "sed -i 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' k8s/base/service-template/deployment.yaml"
  selftest "no default-deny NetworkPolicy" policy \
    "sed -i '0,/podSelector: {}/s//podSelector: {matchLabels: {none: none}}/' k8s/base/platform/networkpolicies.yaml"
  selftest "a services/ folder without manifests" services \
    "mkdir -p services/newsvc/src && touch services/newsvc/src/main.ts"
  selftest "production STREAM_REPLICAS left at 1" policy \
    "sed -i 's|/data/STREAM_REPLICAS, value: \"3\"|/data/STREAM_REPLICAS, value: \"1\"|' k8s/overlays/production/kustomization.yaml"
  selftest "agency may publish outside its intake subject" policy \
    "sed -i 's/- lgsp.intake.STNMT.>/- lgsp.intake.>/' k8s/nats/values.yaml"
  selftest "misspelt NATS permission key" nats \
    "sed -i '0,/              publish:/s//              publsh:/' k8s/nats/values.yaml"
  selftest "kustomization names a missing file" render \
    "sed -i 's/  - jaeger.yaml/  - jaeger.yml/' k8s/base/platform/kustomization.yaml"
fi
echo "k8s validate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
