import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from '@openlgsp/events';

export interface StreamView {
  name: string;
  messages: number;
  bytes: number;
  /** Messages appended per second over the last minute or so; undefined until two samples exist. */
  ratePerSecond?: number;
  consumers: ConsumerView[];
}

export interface ConsumerView {
  name: string;
  /** Messages not yet delivered to it. */
  pending: number;
  /** Delivered, not yet acknowledged. */
  ackPending: number;
  redelivered: number;
}

interface Sample {
  at: number;
  lastSeq: number;
}

const RATE_WINDOW_MS = 60_000;
const MIN_RATE_SPAN_MS = 1_000;

/**
 * The bus as JetStream's management API reports it, through the audit service's own connection. Each
 * look is also a sample: the rate is the growth of the stream's last sequence over the samples of the
 * last minute (a stream with limits retention shrinks as it ages, so its message count is no rate).
 */
@Injectable()
export class BusView implements OnApplicationShutdown {
  private jsm?: Promise<JetStreamManager>;
  private readonly samples = new Map<string, Sample[]>();
  private readonly timer: NodeJS.Timeout;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    // A sample every 15 s keeps a rate ready for the first look after a quiet while.
    this.timer = setInterval(() => void this.streams().catch(() => undefined), 15_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  manager(): Promise<JetStreamManager> {
    return (this.jsm ??= jetstreamManager(this.nc).catch((err: unknown) => {
      this.jsm = undefined;
      throw err;
    }));
  }

  async streams(): Promise<StreamView[]> {
    const jsm = await this.manager();
    const views: StreamView[] = [];
    const now = Date.now();
    for await (const info of jsm.streams.list()) {
      const name = info.config.name;
      const rate = this.sample(name, { at: now, lastSeq: info.state.last_seq });
      const consumers: ConsumerView[] = [];
      for await (const c of jsm.consumers.list(name))
        consumers.push({
          name: c.name,
          pending: c.num_pending,
          ackPending: c.num_ack_pending,
          redelivered: c.num_redelivered,
        });
      consumers.sort((a, b) => a.name.localeCompare(b.name));
      views.push({
        name,
        messages: info.state.messages,
        bytes: info.state.bytes,
        ...(rate !== undefined ? { ratePerSecond: rate } : {}),
        consumers,
      });
    }
    return views.sort((a, b) => a.name.localeCompare(b.name));
  }

  private sample(stream: string, sample: Sample): number | undefined {
    const kept = (this.samples.get(stream) ?? []).filter((s) => sample.at - s.at <= RATE_WINDOW_MS);
    kept.push(sample);
    this.samples.set(stream, kept);
    const first = kept[0]!;
    const span = sample.at - first.at;
    if (span < MIN_RATE_SPAN_MS) return undefined;
    return Math.round(((sample.lastSeq - first.lastSeq) / (span / 1000)) * 100) / 100;
  }
}
