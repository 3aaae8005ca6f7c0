import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where deploy/local/engines/build.sh puts the engines: $LGSP_CACHE/bin (default ~/.cache/openlgsp/bin). */
export function engineBinDir(): string {
  return join(process.env['LGSP_CACHE'] || join(homedir(), '.cache', 'openlgsp'), 'bin');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of an engine binary: the per-user cache first, then PATH; undefined if neither has it. */
export function findBinary(name: string, { cache = true }: { cache?: boolean } = {}): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  if (cache) dirs.unshift(engineBinDir());
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

export function requireBinary(name: string, hint = ''): string {
  const path = findBinary(name);
  if (path) return path;
  throw new Error(
    `${name} not found in ${engineBinDir()} or on PATH. Run \`npm test\` from the repository root once: ` +
      `it builds the engines (deploy/local/engines/build.sh).${hint ? ' ' + hint : ''}`,
  );
}
