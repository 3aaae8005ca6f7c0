# syntax=docker/dockerfile:1.7
#
# One image recipe for every OpenLGSP service (services/<name>, an npm workspace).
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=catalogue \
#     -t openlgsp/catalogue:dev .
#
# Build context: the repository root (see /.dockerignore). Stages:
#   manifests  only the package.json files and the lockfile, so `npm ci` stays cached until
#              a dependency changes (not on every source edit)
#   build      full `npm ci` (dev dependencies included) and `tsc -b services/$SERVICE`, which
#              builds the service and, through its project references, the libs it uses
#   prod-deps  `npm ci --omit=dev` for this one workspace only (dev dependencies pruned)
#   runtime    node:24-slim + production node_modules + the dist/ of the service and of the
#              libs in its dependency closure. Runs as uid 10001, writes nothing outside /tmp,
#              so it works with a read-only root filesystem.

ARG NODE_IMAGE=node:24.21.0-slim

FROM ${NODE_IMAGE} AS base
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    NX_DAEMON=false \
    NX_NO_CLOUD=true
WORKDIR /app

FROM base AS manifests
COPY . /src
RUN cd /src \
 && find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print \
    | xargs cp --parents -t /app

FROM base AS build
ARG SERVICE
RUN test -n "$SERVICE" || { echo 'build with --build-arg SERVICE=<name> (a folder under services/)' >&2; exit 1; }
COPY --from=manifests /app/ ./
# --ignore-scripts: no dependency needs an install script to work (the only one is an
# analytics ping), and none may reach the network at build time.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --loglevel=error
COPY . .
RUN test -f "services/$SERVICE/package.json" || { echo "no such service: services/$SERVICE" >&2; exit 1; } \
 && npx tsc -b "services/$SERVICE" \
 && test -f "services/$SERVICE/dist/src/main.js"
# Collect what runs: the service's dist and the dist of every workspace lib reachable through
# its (non-dev) dependencies, each with its package.json (the workspace links resolve to them).
RUN node --input-type=module - <<'EOF'
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
const service = `services/${process.env.SERVICE}`;
const workspaces = new Map();
for (const group of ['libs', 'services']) {
  for (const dir of readdirSync(group)) {
    const file = `${group}/${dir}/package.json`;
    if (existsSync(file)) workspaces.set(JSON.parse(readFileSync(file, 'utf8')).name, `${group}/${dir}`);
  }
}
const needed = new Set([service]);
const queue = [service];
while (queue.length) {
  const pkg = JSON.parse(readFileSync(`${queue.shift()}/package.json`, 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const dir = workspaces.get(dep);
    if (dir && !needed.has(dir)) { needed.add(dir); queue.push(dir); }
  }
}
cpSync('package.json', '/out/package.json');
for (const dir of needed) {
  cpSync(`${dir}/package.json`, `/out/${dir}/package.json`);
  cpSync(`${dir}/dist`, `/out/${dir}/dist`, {
    recursive: true,
    // tests and incremental-build state do not ship
    filter: (p) => !/\/dist\/test(\/|$)|\.tsbuildinfo$|\.spec\.(js|d\.ts)(\.map)?$/.test(p),
  });
}
console.log(`runtime workspaces: ${[...needed].join(', ')}`);
EOF

FROM base AS prod-deps
ARG SERVICE
COPY --from=manifests /app/ ./
# Only this workspace's production dependencies (and those of the libs it links).
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --loglevel=error \
      --workspace "services/$SERVICE" --include-workspace-root=false \
 && mkdir -p /out \
 && find . -name node_modules -prune -type d -print | xargs cp -a --parents -t /out

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# The V8 flags are those of deploy/local/service-command.mjs (npm start), which says why.
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    PORT=3000 \
    HOME=/tmp \
    TMPDIR=/tmp \
    NODE_OPTIONS="--enable-source-maps --max-semi-space-size=2"
# Files belong to root and are read-only for the runtime user.
COPY --from=prod-deps /out/ /app/
COPY --from=build /out/ /app/
WORKDIR /app/services/${SERVICE}
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/'+process.env.SERVICE+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
