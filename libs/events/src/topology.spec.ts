import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverageProblems, intakeConsumer, subjectMatches, type ConsumerSpec } from './topology.js';

const feed: ConsumerSpec = {
  durable: 'x-feed',
  stream: 'CATALOGUE',
  filterSubjects: ['lgsp.catalogue.entry.withdrawn'],
  unhandled: 'skip',
};

describe('consumer coverage', () => {
  it('matches NATS wildcards token by token', () => {
    assert.equal(subjectMatches('lgsp.intake.*.catalogue.>', 'lgsp.intake.so-tp.catalogue.x.y'), true);
    assert.equal(subjectMatches('lgsp.intake.*.catalogue.>', 'lgsp.intake.so-tp.catalogue'), false);
    assert.equal(subjectMatches('lgsp.catalogue.entry.withdrawn', 'lgsp.catalogue.entry.withdrawn'), true);
    assert.equal(subjectMatches('lgsp.catalogue.entry.withdrawn', 'lgsp.catalogue.entry.listed'), false);
    assert.equal(subjectMatches('lgsp.*.entry', 'lgsp.catalogue.entry.listed'), false);
  });

  it('finds nothing wrong when each handled type has exactly one consumer', () => {
    const types = [
      'vn.openlgsp.catalogue.data-error.reported.v1',
      'vn.openlgsp.catalogue.entry.withdrawn.v1',
    ];
    assert.deepEqual(coverageProblems(types, [intakeConsumer('catalogue'), feed]), []);
  });

  it('names a handled type outside every filter, which would otherwise never run', () => {
    const problems = coverageProblems(['vn.openlgsp.catalogue.entry.listed.v1'], [feed]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /entry\.listed\.v1 .*outside every consumer's filters/);
  });

  it('names a type two consumers carry, which would run twice', () => {
    const all = { ...feed, durable: 'x-all', filterSubjects: ['lgsp.catalogue.>'] };
    const [problem] = coverageProblems(['vn.openlgsp.catalogue.entry.withdrawn.v1'], [feed, all]);
    assert.match(problem ?? '', /handled twice: x-feed and x-all/);
  });

  it('names a handled type without a contract', () => {
    assert.match(coverageProblems(['vn.openlgsp.nothing.v1'], [feed])[0] ?? '', /no contract/);
  });
});
