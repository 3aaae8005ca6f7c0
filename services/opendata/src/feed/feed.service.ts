import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { JETSTREAM } from '@openlgsp/events';
import { problem, ProblemError } from '@openlgsp/http';
import type { RuleViolation } from '@openlgsp/domain';
import { SseAdmission, type Admission } from './admission.rules.js';
import { atomFeed } from './atom.js';
import { FEED_CONFIG, type FeedConfig } from './feed.config.js';
import { FeedFanout, type FeedClient, type FeedWriter } from './fanout.js';
import type { FeedFilter, ResumePoint } from './feed.model.js';
import type { Checked } from './position.rules.js';
import { recentFeedItems } from './recent.js';

/**
 * The instance's side of the change feed: ONE JetStream subscription started with the app and
 * shared by every SSE client (the fan-out), ended on shutdown with a `shutdown` frame to each.
 */
@Injectable()
export class FeedService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly fanout: FeedFanout;
  private readonly admission: SseAdmission;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(FEED_CONFIG) private readonly config: FeedConfig,
  ) {
    this.fanout = new FeedFanout(js, config.fanout);
    this.admission = new SseAdmission(config.admission);
  }

  // The events module creates the OPENDATA stream in its own bootstrap, which Nest runs first (it is
  // imported deeper than this feature).
  async onApplicationBootstrap(): Promise<void> {
    await this.fanout.start();
  }

  // Before the NATS connection drains, so every client gets its `shutdown` frame and position.
  async beforeApplicationShutdown(): Promise<void> {
    await this.fanout.close('shutdown');
  }

  get clientCount(): number {
    return this.fanout.clientCount;
  }

  /**
   * A place for one more SSE client from `address`, or a 429 (its address holds its share) or 503
   * (the instance is full) problem with the Retry-After to send; `release` gives the place back.
   */
  admit(address: string): { release: () => void } | { refused: ProblemError; retryAfterSeconds: number } {
    const admission: Admission = this.admission.admit(address);
    if (admission.admitted) return { release: once(() => this.admission.release(address)) };
    const retryAfterSeconds = this.config.busyRetryAfterSeconds;
    return {
      retryAfterSeconds,
      refused: new ProblemError(
        admission.reason === 'address-limit'
          ? problem(
              429,
              `at most ${admission.limit} change-feed streams from one address; close one or try again later`,
              { code: 'too-many-streams' },
            )
          : problem(503, 'this instance serves as many change-feed streams as it can; try again later', {
              code: 'feed-busy',
            }),
      ),
    };
  }

  serve(writer: FeedWriter, request: { filter: FeedFilter; resume: ResumePoint }): Promise<FeedClient> {
    return this.fanout.connect(writer, request);
  }

  async atom(filter: FeedFilter, limit: number, lang: 'vi' | 'en'): Promise<string> {
    const items = await recentFeedItems(this.js, {
      filter,
      limit: Math.min(limit, this.config.atomMaxEntries),
    });
    const portal = this.config.portalUrl;
    return atomFeed(items, {
      id: `${portal}/opendata/feed.atom`,
      title: lang === 'vi' ? 'Dữ liệu mở: các thay đổi gần đây' : 'Open data: recent changes',
      selfUrl: `${portal}/opendata/feed.atom`,
      portalUrl: portal,
      datasetPage: (id) => `${portal}/datasets/${encodeURIComponent(id)}`,
      lang,
    });
  }
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}

/** A query that cannot be parsed: 400 problem+json naming every wrong field, nothing started. */
export function orBadRequest<T>(checked: Checked<T>): T {
  if (checked.ok) return checked.value;
  throw new ProblemError(
    problem(400, 'The request does not match what this endpoint accepts.', {
      code: 'invalid-request',
      errors: checked.violations.map((v: RuleViolation) => ({ path: v.path ?? '', message: v.message })),
    }),
  );
}
