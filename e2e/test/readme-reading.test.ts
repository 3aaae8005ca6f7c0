import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { curlRequest, expandWords, natsCommand, promisedStatuses, readmeCommands } from './readme.js';

/** How the README examples test reads shell examples: no engines, only the reading. */
const block = (...lines: string[]) => ['# Title', '', '```bash', ...lines, '```', ''].join('\n');
const expansion = (variables: Record<string, string> = {}) => ({
  variable: (name: string) => variables[name],
  run: async (argv: string[]) => `<${argv.join(' ')}>`,
});

describe('reading the README’s shell examples', () => {
  it('joins continued lines, keeps quoting, expands $VAR and $(…) and collects the comments below', async () => {
    const [command, ...rest] = readmeCommands(
      block(
        'ID=42',
        `curl -X POST "http://127.0.0.1:8080/catalogue/x/$ID?a=1" \\`,
        `  -H "authorization: Bearer $(npm run -s token -- --agency STNMT --roles dic)" \\`,
        `  -d '{"a": "b c"}'   # 201 created`,
        '# or 409 when raced',
        'npm start',
        '# not about curl',
      ),
    );
    assert.equal(rest.length, 0, 'only curl and nats commands are examples');
    assert.equal(command!.line, 5);
    assert.deepEqual(command!.comments, ['201 created', 'or 409 when raced']);
    assert.deepEqual(promisedStatuses(command!), [201]);
    const request = curlRequest(await expandWords(command!, expansion()), command!.line);
    assert.deepEqual(request, {
      method: 'POST',
      url: 'http://127.0.0.1:8080/catalogue/x/42?a=1',
      headers: { authorization: 'Bearer <npm run -s token -- --agency STNMT --roles dic>' },
      body: { text: '{"a": "b c"}' },
    });
  });

  it('reads nats pub with its headers and body, and nats sub', async () => {
    const [pub, sub] = readmeCommands(
      block(`nats pub lgsp.intake.A.x.y.z -H 'ce-id:1' \\`, `  '{"k":"v w"}'`, `nats sub 'lgsp.rejected.A'`),
    );
    assert.deepEqual(natsCommand(await expandWords(pub!, expansion()), pub!.line), {
      verb: 'pub',
      subject: 'lgsp.intake.A.x.y.z',
      headers: { 'ce-id': '1' },
      body: '{"k":"v w"}',
    });
    assert.deepEqual(natsCommand(await expandWords(sub!, expansion()), sub!.line), {
      verb: 'sub',
      subject: 'lgsp.rejected.A',
    });
  });

  it('names the README line of what it cannot read', async () => {
    assert.throws(
      () => readmeCommands(block('curl http://x | jq .')),
      /README line 4: the shell syntax '\|'/,
    );
    assert.throws(() => readmeCommands(block(`curl 'http://x`)), /README line 4: unterminated '/);
    const [unknownVariable] = readmeCommands(block('curl "http://x/$NOPE"'));
    await assert.rejects(
      expandWords(unknownVariable!, expansion()),
      /README line 4: \$NOPE is set by no line/,
    );
    assert.throws(
      () => curlRequest(['curl', '--compressed', 'http://x'], 9),
      /README line 9: curl option --compressed/,
    );
    assert.throws(() => natsCommand(['nats', 'req', 'x', 'y'], 9), /README line 9: nats req is not known/);
  });
});
