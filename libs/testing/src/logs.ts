import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

const TAIL_LINES = 30;
const TAIL_BYTES = 64 * 1024;

/**
 * Sends the logs of the services a test suite runs to one file instead of the runner's output
 * (`LGSP_LOG_FILE`, read by `createLogger`): `$LGSP_DATA/test-logs/<test file>.log`, where
 * `LGSP_DATA` defaults to the repository's `.lgsp` as for `npm start`. A passing suite prints only
 * the runner's lines; a failing one prints the file's path and its last lines when the process
 * exits. `LGSP_LOG_FILE` set beforehand wins (`-` keeps the logs on stdout). Returns the file, or
 * undefined for stdout.
 */
export function logToSuiteFile(): string | undefined {
  if (process.env.LGSP_LOG_FILE)
    return process.env.LGSP_LOG_FILE === '-' ? undefined : process.env.LGSP_LOG_FILE;
  const dir = join(process.env.LGSP_DATA ?? defaultDataDir(), 'test-logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suiteName()}.log`);
  writeFileSync(file, ''); // this run's lines only
  process.env.LGSP_LOG_FILE = file;
  process.on('exit', (code) => {
    if (code !== 0) writeSync(2, failureNote(file));
  });
  return file;
}

/** The repository this process runs in (where `nx.json` is), if any. */
function repositoryRoot(): string | undefined {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Where `npm start` and `npm test` keep data (`<repository>/.lgsp`): one folder per clone or worktree. */
function defaultDataDir(): string {
  const root = repositoryRoot();
  return root ? join(root, '.lgsp') : join(tmpdir(), 'lgsp');
}

/** The test file's path in the repository: e.g. `libs-persistence-test-outbox.test` for its dist/ copy. */
function suiteName(): string {
  const script = process.argv[1];
  if (!script) return `pid-${process.pid}`;
  const rel = relative(repositoryRoot() ?? dirname(script), script);
  return rel
    .split(sep)
    .filter((part) => part !== 'dist' && part !== '..')
    .join('-')
    .replace(/\.[cm]?js$/, '');
}

function failureNote(file: string): string {
  if (!existsSync(file) || statSync(file).size === 0)
    return `\nThe services of this suite logged nothing (${file}).\n`;
  const lines = tail(file)
    .split('\n')
    .filter(Boolean)
    .slice(-TAIL_LINES)
    .map((l) => (l.length > 600 ? `${l.slice(0, 600)}…` : l));
  return `\nThe services' logs of this suite are in ${file}; the last ${lines.length} lines:\n${lines.join('\n')}\n`;
}

function tail(file: string): string {
  const size = statSync(file).size;
  const length = Math.min(size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}
