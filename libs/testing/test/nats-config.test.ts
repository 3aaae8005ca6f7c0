import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { requireBinary } from '../src/binaries.js';

/**
 * The NATS configuration exists once (deploy/nats/accounts.mjs): the committed copies for compose
 * and k8s are what the generator makes of it now, and nats-server accepts each variant.
 */

// dist/test/ → the repository root
const root = new URL('../../../../', import.meta.url);

interface Generator {
  generatedFiles(): Promise<{ file: string; content: string }[]>;
  composeConf(): string;
  COMPOSE_CONF: string;
}
interface Accounts {
  usersOf(options?: { variant?: string }): string[];
  passwordVariable(user: string): string;
}

const generator = () => import(new URL('deploy/nats/generate.mjs', root).href) as Promise<Generator>;
const accounts = () => import(new URL('deploy/nats/accounts.mjs', root).href) as Promise<Accounts>;

describe('the generated NATS configuration', () => {
  it('is committed as the definition makes it (compose, the public feed, k8s values)', async () => {
    const files = await (await generator()).generatedFiles();
    assert.ok(files.some((f) => f.file.endsWith('k8s/nats/values.yaml')));
    for (const { file, content } of files)
      assert.equal(
        readFileSync(file, 'utf8'),
        content,
        `${file} differs from deploy/nats/accounts.mjs: run node deploy/nats/generate.mjs`,
      );
  });

  it('is accepted by nats-server, passwords read from the environment as compose and k8s give them', async () => {
    const { COMPOSE_CONF } = await generator();
    const { usersOf, passwordVariable } = await accounts();
    const env = Object.fromEntries(usersOf().map((u) => [passwordVariable(u), `pw-${u}`]));
    const check = spawnSync(requireBinary('nats-server'), ['-t', '-c', COMPOSE_CONF], {
      env: { ...env, PATH: process.env.PATH },
      encoding: 'utf8',
    });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stderr + check.stdout, /is valid/);
  });

  it('keeps the test harness’s fixtures user out of what is deployed', async () => {
    const { composeConf } = await generator();
    assert.doesNotMatch(composeConf(), /lgsp-test-fixtures|no_auth_user/);
    assert.doesNotMatch(
      readFileSync(new URL('k8s/nats/values.yaml', root), 'utf8'),
      /lgsp-test-fixtures|no_auth_user/,
    );
  });
});
