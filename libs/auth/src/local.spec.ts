import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from './config.js';
import { defaultKeysDir, issueToken, localKeys } from './local.js';
import type { Role } from './principal.js';
import { TokenVerifier } from './token-verifier.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('./cli/token.js', import.meta.url));
const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lgsp-auth-'));
  dirs.push(dir);
  return dir;
};
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('local keys', () => {
  it('creates the key pair once (private key 0600) and reuses it', async () => {
    const dir = join(await tempDir(), 'keys');
    const first = await localKeys(dir);
    assert.equal(first.created, true);
    assert.equal((await stat(first.privateKeyPath)).mode & 0o777, 0o600);
    assert.match(first.publicKeyPem, /BEGIN PUBLIC KEY/);
    const second = await localKeys(dir);
    assert.equal(second.created, false);
    assert.equal(second.publicKeyPem, first.publicKeyPem);

    const token = await issueToken(
      { sub: 'alice', agency: 'SOTTTT', roles: ['dic'], ttl: 60 },
      first.privateKey,
      {
        issuer: DEFAULT_ISSUER,
        audience: DEFAULT_AUDIENCE,
      },
    );
    const verifier = new TokenVerifier({
      publicKeyPem: second.publicKeyPem,
      issuer: DEFAULT_ISSUER,
      audience: DEFAULT_AUDIENCE,
    });
    assert.equal((await verifier.verify(token)).agency, 'SOTTTT');
  });

  it('refuses to issue tokens with a bad agency or unknown roles', async () => {
    const { privateKey } = await localKeys(await tempDir());
    const opts = { issuer: 'i', audience: 'a' };
    await assert.rejects(issueToken({ sub: 'x', agency: 'A.B', roles: ['dic'] }, privateKey, opts), /agency/);
    const roles = ['boss'] as unknown as Role[];
    await assert.rejects(issueToken({ sub: 'x', agency: 'AB', roles }, privateKey, opts), /unknown: boss/);
  });

  it('defaults to $LGSP_DATA/keys, else ./.lgsp/keys', () => {
    assert.equal(defaultKeysDir({ LGSP_DATA: '/srv/lgsp' }), '/srv/lgsp/keys');
    assert.equal(defaultKeysDir({}), join(process.cwd(), '.lgsp', 'keys'));
  });
});

describe('token CLI', () => {
  it('prints only a token that the public key verifies', async () => {
    const dir = await tempDir();
    const { stdout, stderr } = await run(process.execPath, [
      cli,
      '--agency',
      'SOTTTT',
      '--roles',
      'dic,provider',
      '--sub',
      'alice',
      '--ttl',
      '8h',
      '--keys',
      dir,
    ]);
    assert.equal(stderr, '');
    assert.match(stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const keys = await localKeys(dir);
    const verifier = new TokenVerifier({
      publicKeyPem: keys.publicKeyPem,
      issuer: DEFAULT_ISSUER,
      audience: DEFAULT_AUDIENCE,
    });
    assert.deepEqual(await verifier.verify(stdout.trim()), {
      sub: 'alice',
      agency: 'SOTTTT',
      roles: ['dic', 'provider'],
      via: 'token',
    });
  });

  it('fails with a usage error on bad arguments', async () => {
    const dir = await tempDir();
    for (const [args, message] of [
      [['--agency', 'SOTTTT', '--roles', 'dic,boss'], /unknown role\(s\): boss/],
      [['--agency', 'SO.TT', '--roles', 'dic'], /bad agency code/],
      [['--roles', 'dic'], /--agency is required/],
      [['--agency', 'SOTTTT', '--roles', 'dic', '--ttl', 'soon'], /bad --ttl/],
    ] as const) {
      await assert.rejects(
        run(process.execPath, [cli, ...args, '--keys', dir]),
        (error: { code: number; stdout: string; stderr: string }) => {
          assert.equal(error.code, 2);
          assert.equal(error.stdout, '');
          assert.match(error.stderr, message);
          assert.match(error.stderr, /usage: token/);
          return true;
        },
      );
    }
  });
});
