import type { AccessRecord } from './access.js';

export interface RefusalWindowOptions {
  /** How long a source's window lasts. */
  windowMs: number;
  /** How many identical refusals of one source are reported one by one in a window; the rest are counted. */
  alone: number;
  /** How many sources are told apart at once; beyond, refusals are counted per route without the address. */
  maxSources: number;
}

/** Identical refusals of one source, counted into one report. */
export interface RefusalAggregate {
  /** The first refusal counted (its route, trace and address), with the count and the last one's time. */
  record: AccessRecord;
  count: number;
  since: Date;
  until: Date;
}

interface Source {
  windowStart: number;
  reported: number;
  counted?: { record: AccessRecord; count: number; until: Date };
}

/**
 * Keeps anonymous refusals from padding the audit trail (300 anonymous POSTs in 2 s were 300 permanent
 * entries): per source — the caller's address, method, route and status — the first `alone` refusals of
 * a window are reported one by one (each in its own trace), the rest of the window become one report
 * with a count. A source still refused when its window ends starts the next one counting, so a steady
 * flood costs one entry per window. Bounded: past `maxSources` sources the address is left out of the
 * key (counted per route, which has a bounded number of templates).
 */
export class RefusalWindows {
  private readonly sources = new Map<string, Source>();

  constructor(
    readonly options: RefusalWindowOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a refusal; true when it is to be reported on its own, false when it joined its source's count. */
  admit(record: AccessRecord): boolean {
    let key = sourceKey(record, record.address ?? '');
    if (!this.sources.has(key) && this.sources.size >= this.options.maxSources) {
      record = { ...record, address: undefined };
      key = sourceKey(record, '*');
    }
    let source = this.sources.get(key);
    if (!source) this.sources.set(key, (source = { windowStart: this.now(), reported: 0 }));
    if (source.reported < this.options.alone) {
      source.reported++;
      return true;
    }
    if (source.counted) {
      source.counted.count++;
      source.counted.until = record.at;
    } else source.counted = { record, count: 1, until: record.at };
    return false;
  }

  /** The counts of the windows that have ended (all of them with `all`, at shutdown), to be reported now. */
  due(all = false): RefusalAggregate[] {
    const now = this.now();
    const out: RefusalAggregate[] = [];
    for (const [key, source] of this.sources) {
      if (!all && now - source.windowStart < this.options.windowMs) continue;
      if (!source.counted) {
        this.sources.delete(key);
        continue;
      }
      const { record, count, until } = source.counted;
      out.push({ record, count, since: record.at, until });
      // Still refused at the window's end: the next window only counts.
      this.sources.set(key, { windowStart: now, reported: this.options.alone });
    }
    return out;
  }

  get size(): number {
    return this.sources.size;
  }
}

function sourceKey(record: AccessRecord, address: string): string {
  return `${address}\u0000${record.method}\u0000${record.route}\u0000${record.status}`;
}
