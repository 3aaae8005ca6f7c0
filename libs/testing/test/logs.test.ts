import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * A suite's service logs go to its file, not the runner's output; a failing suite says where they are.
 * Each case runs a small suite in its own `node --test` process, as `npm test` does.
 */
const logs = fileURLToPath(new URL('../src/logs.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lgsp-logs-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runSuite(name: string, passes: boolean) {
  const file = join(dir, `${name}.test.mjs`);
  writeFileSync(
    file,
    [
      `import { appendFileSync } from 'node:fs';`,
      `import { it } from 'node:test';`,
      `import { logToSuiteFile } from ${JSON.stringify(logs)};`,
      `const log = logToSuiteFile();`,
      `it('logs a line', () => {`,
      `  appendFileSync(log, JSON.stringify({ level: 'warn', msg: 'line of ${name}' }) + '\\n');`,
      passes ? '' : `  throw new Error('expected failure');`,
      `});`,
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, LGSP_DATA: dir };
  delete env.LGSP_LOG_FILE;
  delete env.NODE_TEST_CONTEXT; // a runner of its own, not a subtest of this one
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', file], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  return {
    status: run.status,
    output: `${run.stdout}${run.stderr}`,
    log: join(dir, 'test-logs', `${name}.test.log`),
  };
}

describe('the logs of a test suite', () => {
  it('stay in the suite’s file when the suite passes', () => {
    const run = runSuite('quiet', true);
    assert.equal(run.status, 0, run.output);
    assert.doesNotMatch(run.output, /line of quiet/, 'a passing suite should not print its logs');
    assert.match(readFileSync(run.log, 'utf8'), /line of quiet/, `the log line should be in ${run.log}`);
  });

  it('are named, with their last lines, when the suite fails', () => {
    const run = runSuite('noisy', false);
    assert.equal(run.status, 1, run.output);
    assert.ok(
      run.output.includes(`logs of this suite are in ${run.log}`),
      `the path should be printed:\n${run.output}`,
    );
    assert.match(run.output, /line of noisy/, 'the tail of the log should be printed');
  });
});
