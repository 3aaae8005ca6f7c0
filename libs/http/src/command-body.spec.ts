import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Module, Param, Post, Query } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { textPattern, type ErrorReportCorrectCommand } from '@openlgsp/contracts';
import { createApp } from './bootstrap.js';
import { CommandBody } from './command-body.js';
import { ProblemFilter, SERVICE_NAME } from './problem.filter.js';

// A passing suite prints the runner's lines only: the app's start-up logs are info.
process.env.LOG_LEVEL ??= 'warn';

@Controller('echo')
class EchoController {
  @Post(':word')
  echo(
    @Param('word') word: string,
    @Query('q') q: string | undefined,
    @CommandBody('catalogue.error-report.correct') body: ErrorReportCorrectCommand,
  ) {
    return { word, q, body };
  }
}

@Module({
  controllers: [EchoController],
  providers: [
    { provide: SERVICE_NAME, useValue: 'test' },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
class EchoModule {}

describe('@CommandBody and text normalisation at the edge', () => {
  let app: NestFastifyApplication;
  const nfd = 'Đất đai'.normalize('NFD');
  const post = (url: string, body: unknown) =>
    app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  before(async () => {
    process.env.AUDIT_ACCESS_EVENTS = 'off';
    app = await createApp('test', EchoModule);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  after(async () => app?.close());

  it('hands the use case the body its command schema accepts, with body, query and path text in NFC', async () => {
    const answer = await post(`/test/echo/${encodeURIComponent(nfd)}?q=${encodeURIComponent(nfd)}`, {
      correction: nfd,
    });
    assert.equal(answer.statusCode, 201, answer.body);
    assert.deepEqual(answer.json(), { word: 'Đất đai', q: 'Đất đai', body: { correction: 'Đất đai' } });
  });

  it('answers 400 invalid-request with JSON pointers for what the command schema refuses', async () => {
    const answer = await post('/test/echo/x', { correction: '  ', extra: 1 });
    assert.equal(answer.statusCode, 400);
    assert.match(String(answer.headers['content-type']), /application\/problem\+json/);
    const problem = answer.json();
    assert.equal(problem.code, 'invalid-request');
    assert.deepEqual(
      problem.errors.map((e: { path: string }) => e.path),
      ['/extra', '/correction'],
    );
  });

  it('treats a missing body as an empty one, so required fields are named', async () => {
    const answer = await app.inject({ method: 'POST', url: '/test/echo/x' });
    assert.equal(answer.statusCode, 400);
    assert.deepEqual(answer.json().errors, [
      { path: '/correction', message: "must have required property 'correction'" },
    ]);
  });

  it('documents the body from the command schema', async () => {
    const document = (await app.inject({ method: 'GET', url: '/test/openapi.json' })).json();
    const schema = document.paths['/test/echo/{word}'].post.requestBody.content['application/json'].schema;
    assert.equal(schema.title, 'ErrorReportCorrectCommand');
    assert.equal(schema.properties.correction.pattern, textPattern, 'the shared text rule, inlined');
  });
});
