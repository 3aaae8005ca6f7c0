import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { atomFeed, type AtomFeedOptions } from './atom.js';
import { datasetChange } from './feed.fixtures.js';
import type { FeedItem } from './feed.model.js';

const options: AtomFeedOptions = {
  id: 'https://opendata.example.gov.vn/feed.atom',
  title: 'Dữ liệu mở — thay đổi gần đây',
  selfUrl: 'https://opendata.example.gov.vn/opendata/feed.atom',
  portalUrl: 'https://opendata.example.gov.vn/',
  datasetPage: (id) => `https://opendata.example.gov.vn/datasets/${id}?lang=vi&from=feed`,
};
const A = '0197a1b2-7c4d-7e8f-9a01-0000000000a1';

interface Entry {
  id: string;
  title: string;
  updated: string;
  link?: { '@_href': string }[];
  category: { '@_term': string };
  summary?: string;
}

function parse(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, 'the feed is well-formed XML');
  const parsed = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'entry' || name === 'link',
  }).parse(xml) as {
    feed: { '@_xmlns': string; id: string; updated: string; link: { '@_rel': string }[]; entry?: Entry[] };
  };
  return parsed.feed;
}

describe('the Atom feed', () => {
  it('lists the recent changes newest first, with stable ids and links to the dataset pages', () => {
    const items: FeedItem[] = [
      { position: 1, event: datasetChange('published', { datasetId: A }) },
      { position: 2, event: datasetChange('updated', { datasetId: A }) },
      { position: 3, event: datasetChange('retracted', { datasetId: A }) },
    ];
    const feed = parse(atomFeed(items, options));
    assert.equal(feed['@_xmlns'], 'http://www.w3.org/2005/Atom');
    assert.equal(feed.updated, items[2]!.event.time);
    assert.deepEqual(
      feed.link.map((l) => l['@_rel']),
      ['self', 'alternate'],
    );
    const entries = feed.entry!;
    assert.deepEqual(
      entries.map((e) => e.id),
      [3, 2, 1].map((p) => `urn:uuid:${items[p - 1]!.event.id}`),
    );
    assert.deepEqual(
      entries.map((e) => e.category['@_term']),
      [items[2]!, items[1]!, items[0]!].map((i) => i.event.type),
    );
    assert.ok(entries.every((e) => e.link![0]!['@_href'] === options.datasetPage(A)));
    assert.match(entries[0]!.title, /^Thu hồi: /);
    assert.match(entries[0]!.summary!, /thay thế/);
    assert.match(entries[2]!.title, /^Công bố: .+ \(phiên bản 1\)$/);
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    const title = 'Trường <b>"A" & \'B\'</b>\u0001\uD800';
    const xml = atomFeed([{ position: 1, event: datasetChange('published', { title }) }], {
      ...options,
      lang: 'en',
    });
    const entry = parse(xml).entry![0]!;
    // The parser gives back the text as written, markup and all; the invalid characters are replaced.
    assert.equal(entry.title, 'Published: Trường <b>"A" & \'B\'</b>\uFFFD\uFFFD (version 1)');
    assert.ok(!xml.includes('<b>'));
  });

  it('is a valid empty feed when nothing changed', () => {
    const now = new Date('2026-03-02T01:00:00Z');
    const feed = parse(atomFeed([], { ...options, now }));
    assert.equal(feed.updated, now.toISOString());
    assert.equal(feed.entry, undefined);
  });
});
