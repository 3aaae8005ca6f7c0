// How a service's process starts outside a container: `npm start` (platform.mjs) and the platform
// benchmark (load-tests/platform-bench.mjs) run it so. The image gives the same V8 flags in NODE_OPTIONS
// (deploy/docker/service.Dockerfile); the platform benchmark checks the two agree.
import { join } from 'node:path';

/**
 * V8's young generation is sized for throughput by default (semi-spaces up to 16 MB, kept committed
 * once grown at start-up): capped at 2 MB, an idle service holds ~60 MB less resident memory
 * (platform-bench.mjs measures both in the same run); requests still allocate well within it.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2'];

/** The command and arguments that start `services/<service>` from its build. */
export function serviceCommand(root, service, flags = SERVICE_NODE_FLAGS) {
  return [process.execPath, [...flags, join(root, 'services', service, 'dist/src/main.js')]];
}
