import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/src/ → the repository root
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const generator = path.join(root, 'libs/contracts/scripts/generate.mjs');

/** Runs the generator on a copy of the repository's contracts, so the real tree is never touched. */
const generate = (copy: string, ...args: string[]) =>
  spawnSync(process.execPath, [generator, `--root=${copy}`, ...args], { encoding: 'utf8' });

describe('the generator', () => {
  let copy: string;
  before(() => {
    copy = mkdtempSync(path.join(tmpdir(), 'openlgsp-contracts-'));
    cpSync(path.join(root, 'contracts'), path.join(copy, 'contracts'), { recursive: true });
    const first = generate(copy);
    assert.equal(first.status, 0, first.stderr);
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  it('produces exactly what is committed', () => {
    for (const file of ['types.ts', 'validators.ts', 'catalog.ts']) {
      const generated = readFileSync(path.join(copy, 'libs/contracts/src/generated', file), 'utf8');
      assert.equal(
        generated,
        readFileSync(path.join(root, 'libs/contracts/src/generated', file), 'utf8'),
        `${file} is stale`,
      );
    }
    const asyncapi = readFileSync(path.join(copy, 'contracts/asyncapi.yaml'), 'utf8');
    assert.equal(
      asyncapi,
      readFileSync(path.join(root, 'contracts/asyncapi.yaml'), 'utf8'),
      'asyncapi.yaml is stale',
    );
  });

  it('passes its check when nothing changed', () => {
    const run = generate(copy, '--check');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /up to date/);
  });

  it('fails its check, naming the file, when a generated file was edited by hand', () => {
    const catalog = path.join(copy, 'libs/contracts/src/generated/catalog.ts');
    const original = readFileSync(catalog, 'utf8');
    appendFileSync(catalog, '// edited by hand\n');
    const run = generate(copy, '--check');
    writeFileSync(catalog, original);
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /out of date[\s\S]*libs\/contracts\/src\/generated\/catalog\.ts[\s\S]*contracts:generate/,
    );
    assert.doesNotMatch(run.stderr, /types\.ts/);
  });

  it('fails its check when a schema changed and the outputs were not regenerated', () => {
    const file = path.join(copy, 'contracts/events/catalogue/entry.listed.v1.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    schema['x-lgsp'].summary = 'A changed summary.';
    writeFileSync(file, JSON.stringify(schema, null, 2));
    const run = generate(copy, '--check');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /catalog\.ts/);
    assert.match(run.stderr, /asyncapi\.yaml/);
  });

  it('refuses a schema whose x-lgsp does not match its file name', () => {
    const file = path.join(copy, 'contracts/events/catalogue/entry.reviewed.v1.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    schema['x-lgsp'].subject = 'lgsp.catalogue.entry.looked-at';
    writeFileSync(file, JSON.stringify(schema, null, 2));
    const run = generate(copy, '--check');
    assert.notEqual(run.status, 0);
    assert.match(
      run.stderr,
      /entry\.reviewed\.v1\.json: x-lgsp\.subject must be lgsp\.catalogue\.entry\.reviewed/,
    );
  });
});
