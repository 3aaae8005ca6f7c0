import type { Principal } from '@openlgsp/auth';
import { html, type Html } from '@openlgsp/http';
import type { LastVerification } from '../verification/verification.service.js';
import type { StreamView } from './bus.view.js';
import type { Flow, TrailState } from './console.read-model.js';
import type { DeadLetterView } from './dead-letters.service.js';
import { emitterOf, type FlowEvent } from './flow.rules.js';
import type { ServiceStatus, TraceLookup } from './platform-status.js';
import type { AgencyRejections } from './rejections.rules.js';
import { CONSOLE_PATH } from './console.session.js';

export type Section = 'flow' | 'bus' | 'dead-letters' | 'rejections' | 'trail' | 'services' | 'none';

export interface PageContext {
  who?: Principal;
  /** The form token every POST form repeats. */
  csrf?: string;
}

const SECTIONS: [Exclude<Section, 'none'>, string][] = [
  ['flow', 'Flows'],
  ['bus', 'Bus'],
  ['dead-letters', 'Dead letters'],
  ['rejections', 'Rejections'],
  ['trail', 'Audit trail'],
  ['services', 'Services'],
];

export const consolePaths = {
  home: () => `${CONSOLE_PATH}/`,
  flow: (q?: string) => (q ? `${CONSOLE_PATH}/flow?q=${encodeURIComponent(q)}` : `${CONSOLE_PATH}/flow`),
  section: (s: Exclude<Section, 'none'>) => `${CONSOLE_PATH}/${s}`,
  css: () => `${CONSOLE_PATH}/console.css`,
  signIn: () => `${CONSOLE_PATH}/sign-in`,
  signOut: () => `${CONSOLE_PATH}/sign-out`,
  replay: (seq: number) => `${CONSOLE_PATH}/dead-letters/${seq}/replay`,
  discard: (seq: number) => `${CONSOLE_PATH}/dead-letters/${seq}/discard`,
  verify: () => `${CONSOLE_PATH}/trail/verification`,
};

const csrfField = (ctx: PageContext) => html`<input type="hidden" name="csrf" value="${ctx.csrf ?? ''}" />`;

export function layout(ctx: PageContext, title: string, current: Section, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · OpenLGSP operator console</title>
        <link rel="stylesheet" href="${consolePaths.css()}" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <a class="brand" href="${consolePaths.home()}">OpenLGSP operator console</a>
          ${
            ctx.who
              ? html`<nav class="sections" aria-label="Console sections">
                    <ul>
                      ${SECTIONS.map(
                        ([s, label]) =>
                          html`<li>
                            <a
                              href="${consolePaths.section(s)}"
                              ${s === current ? html` aria-current="page"` : ''}
                              >${label}</a
                            >
                          </li>`,
                      )}
                    </ul>
                  </nav>
                  <span class="who"
                    >${ctx.who.sub} (${ctx.who.agency || 'no agency'})
                    <form method="post" action="${consolePaths.signOut()}">
                      ${csrfField(ctx)}<button type="submit">Sign out</button>
                    </form></span
                  >`
              : ''
          }
        </header>
        <main id="main">
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`;
}

const time = (iso?: string) =>
  iso ? html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time>` : '—';
const num = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString('en-US'));
const bytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
const notice = (text?: string) => (text ? html`<p class="confirm" role="status">${text}</p>` : '');
const alert = (text?: string) => (text ? html`<p class="alert" role="alert">${text}</p>` : '');

export function homePage(ctx: PageContext): Html {
  return layout(
    ctx,
    'Overview',
    'none',
    html`${flowSearch('')}
      <ul>
        <li>
          <a href="${consolePaths.section('bus')}">The bus</a>: each stream's size and rate, each consumer's
          pending and redelivered messages, each service's outbox backlog.
        </li>
        <li>
          <a href="${consolePaths.section('dead-letters')}">Dead letters</a>: what the consumers gave up on
          and why; replay or discard.
        </li>
        <li>
          <a href="${consolePaths.section('rejections')}">Rejections</a>: which integrators are struggling,
          and why.
        </li>
        <li>
          <a href="${consolePaths.section('trail')}">The audit trail</a>: last checkpoint, last verification,
          verify now.
        </li>
        <li><a href="${consolePaths.section('services')}">Services</a>: readiness and version.</li>
      </ul>`,
  );
}

function flowSearch(q: string): Html {
  return html`<form class="search" method="get" action="${consolePaths.flow()}" role="search">
    <label for="q">Trace id, request id, dataset id or incident id</label>
    <input id="q" name="q" type="search" value="${q}" maxlength="200" autocomplete="off" />
    <button type="submit">Show the flow</button>
  </form>`;
}

export interface FlowPageData {
  q: string;
  flow?: Flow;
  problem?: string;
  traces: Map<string, TraceLookup>;
}

export function flowPage(ctx: PageContext, data: FlowPageData): Html {
  const { flow } = data;
  let body: Html;
  if (!flow)
    body = html`${alert(data.problem)}
      <p class="hint">
        Give an id to see the business events about it, in order across services, beside the trace of each
        step.
      </p>`;
  else if (flow.events.length === 0)
    body = html`<p class="alert" role="alert">
      No event in the audit trail has ${flow.query.kind === 'trace' ? 'the trace id' : 'the id'}
      <code>${flow.query.kind === 'trace' ? flow.query.traceId : flow.query.id}</code>. Check the id; an event
      reaches the trail a moment after it is published.
    </p>`;
  else
    body = html`<div class="columns">
      <section aria-labelledby="events-title">
        <h2 id="events-title">Business events (${flow.events.length})</h2>
        <table>
          <caption>
            In the order they happened, from the audit trail
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Emitted by</th>
              <th scope="col">Event</th>
              <th scope="col">About</th>
              <th scope="col">Trace</th>
            </tr>
          </thead>
          <tbody>
            ${flow.events.map((e) => eventRow(e))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="traces-title">
        <h2 id="traces-title">Traces (${flow.traceIds.length})</h2>
        ${flow.traceIds.length ? flow.traceIds.map((id) => traceSection(id, data.traces.get(id) ?? { kind: 'not-configured' })) : html`<p>These events carry no trace context.</p>`}
      </section>
    </div>`;
  return layout(ctx, 'Flows', 'flow', html`${flowSearch(data.q)}${body}`);
}

function eventRow(e: FlowEvent): Html {
  return html`<tr>
    <td>${time(e.eventTime ?? e.recordedAt)}</td>
    <td>${emitterOf(e.source)}${e.agency ? html`<br /><span class="meta">agency ${e.agency}</span>` : ''}</td>
    <td>
      <code>${(e.type ?? '(not a CloudEvent)').replace(/^vn\.openlgsp\./, '')}</code><br /><span class="meta"
        >trail #${e.seq}, ${e.stream}</span
      >
    </td>
    <td>
      ${e.subject ? html`<a class="mono" href="${consolePaths.flow(e.subject)}">${e.subject}</a>` : '—'}
    </td>
    <td>
      ${e.traceId ? html`<a class="mono" href="#trace-${e.traceId}"><span class="sr">trace </span>${e.traceId.slice(0, 8)}…</a>` : '—'}
    </td>
  </tr>`;
}

function traceSection(traceId: string, lookup: TraceLookup): Html {
  const heading = html`<h3 id="trace-${traceId}">
    Trace <a class="mono" href="${consolePaths.flow(traceId)}">${traceId}</a>
  </h3>`;
  switch (lookup.kind) {
    case 'not-configured':
      return html`${heading}
        <p class="hint">
          No trace backend is configured (set <code>LGSP_TRACE_QUERY_URL</code> to Jaeger's query API), so
          only the business events are shown.
        </p>`;
    case 'not-found':
      return html`${heading}
        <p class="hint">The trace backend holds no spans of this trace (yet, or any more).</p>`;
    case 'unavailable':
      return html`${heading}
        <p class="alert">The trace backend did not answer: ${lookup.detail}.</p>`;
    case 'found': {
      const w = lookup.waterfall;
      return html`${heading}
        <table>
          <caption>
            ${w.rows.length} spans over ${w.totalMs} ms across ${w.services.join(', ')}
          </caption>
          <thead>
            <tr>
              <th scope="col">Span</th>
              <th scope="col">Service</th>
              <th scope="col" class="num">ms</th>
              <th scope="col">Time line</th>
            </tr>
          </thead>
          <tbody>
            ${w.rows.map(
              (r) =>
                html`<tr>
                  <td class="${r.depth > 3 ? 'depth-deep' : `depth-${r.depth}`}">
                    <code>${r.name}</code>${r.orphan ? html` <span class="badge bad">orphan</span>` : ''}
                  </td>
                  <td>${r.service}</td>
                  <td class="num">${r.durationMs}</td>
                  <td>
                    <svg
                      class="bar"
                      viewBox="0 0 100 10"
                      preserveAspectRatio="none"
                      role="img"
                      aria-label="starts at ${r.offsetPct}% of the trace, lasts ${r.widthPct}%"
                    >
                      <rect class="track" x="0" y="0" width="100" height="10"></rect>
                      <rect
                        class="${r.orphan ? 'orphan' : 'span'}"
                        x="${r.offsetPct}"
                        y="1"
                        width="${r.widthPct}"
                        height="8"
                      ></rect>
                    </svg>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`;
    }
  }
}

export function busPage(ctx: PageContext, streams: StreamView[], services: ServiceStatus[]): Html {
  return layout(
    ctx,
    'The bus',
    'bus',
    html`<table>
        <caption>
          JetStream streams
        </caption>
        <thead>
          <tr>
            <th scope="col">Stream</th>
            <th scope="col" class="num">Messages</th>
            <th scope="col" class="num">Size</th>
            <th scope="col" class="num">Rate (messages/s, last minute)</th>
          </tr>
        </thead>
        <tbody>
          ${streams.map(
            (s) =>
              html`<tr>
                <th scope="row">${s.name}</th>
                <td class="num">${num(s.messages)}</td>
                <td class="num">${bytes(s.bytes)}</td>
                <td class="num">${s.ratePerSecond === undefined ? 'measuring…' : s.ratePerSecond}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <table>
        <caption>
          Durable consumers
        </caption>
        <thead>
          <tr>
            <th scope="col">Stream</th>
            <th scope="col">Consumer</th>
            <th scope="col" class="num">Pending</th>
            <th scope="col" class="num">Delivered, not acknowledged</th>
            <th scope="col" class="num">Redelivered</th>
          </tr>
        </thead>
        <tbody>
          ${streams.flatMap((s) =>
            s.consumers.map(
              (c) =>
                html`<tr>
                  <td>${s.name}</td>
                  <th scope="row">${c.name}</th>
                  <td class="num">${num(c.pending)}</td>
                  <td class="num">${num(c.ackPending)}</td>
                  <td class="num">${num(c.redelivered)}</td>
                </tr>`,
            ),
          )}
        </tbody>
      </table>
      <table>
        <caption>
          Outbox backlog (events written, not yet published), from each service's /metrics
        </caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Store</th>
            <th scope="col" class="num">Pending events</th>
          </tr>
        </thead>
        <tbody>
          ${
            services.length === 0
              ? html`<tr>
                  <td colspan="3">No services configured (LGSP_CONSOLE_SERVICES).</td>
                </tr>`
              : ''
          }${services.map((s) => {
            const stores = Object.entries(s.outboxBacklog ?? {});
            if (!s.outboxBacklog)
              return html`<tr>
                <th scope="row">${s.name}</th>
                <td colspan="2">metrics not available</td>
              </tr>`;
            if (!stores.length)
              return html`<tr>
                <th scope="row">${s.name}</th>
                <td colspan="2">no backlog reported</td>
              </tr>`;
            return stores.map(
              ([store, n]) =>
                html`<tr>
                  <th scope="row">${s.name}</th>
                  <td>${store}</td>
                  <td class="num">${num(n)}</td>
                </tr>`,
            );
          })}
        </tbody>
      </table>`,
  );
}

export interface DeadLettersPageData {
  letters: DeadLetterView[];
  total: number;
  nextSeq?: number;
  notice?: string;
  problem?: string;
  /** The discard form that was refused, to show its problem beside it. */
  refused?: { seq: number; reason: string; problem: string };
}

export function deadLettersPage(ctx: PageContext, data: DeadLettersPageData): Html {
  return layout(
    ctx,
    'Dead letters',
    'dead-letters',
    html`${notice(data.notice)}${alert(data.problem)}
      <p>
        ${num(data.total)} message${data.total === 1 ? '' : 's'} in the <code>DLQ</code> stream. A replay
        publishes the event again on the subject it failed on (its consumers skip what they already applied);
        a discard removes it, with your reason in the audit trail.
      </p>
      ${data.letters.map((l) => letterSection(ctx, l, data.refused?.seq === l.seq ? data.refused : undefined))}
      ${data.nextSeq ? html`<p><a href="${consolePaths.section('dead-letters')}?from=${data.nextSeq}">More dead letters</a></p>` : ''}`,
  );
}

function letterSection(
  ctx: PageContext,
  l: DeadLetterView,
  refused?: { reason: string; problem: string },
): Html {
  const id = `letter-${l.seq}`;
  return html`<section class="letter" id="${id}" aria-labelledby="${id}-title">
    <h2 id="${id}-title">#${l.seq} · ${l.eventType ?? 'unknown event'}</h2>
    <table>
      <caption class="hint">
        Why it is here
      </caption>
      <tbody>
        <tr>
          <th scope="row">Given up by</th>
          <td>
            ${l.service}${l.deliveries !== undefined ? `, after ${l.deliveries} deliveries` : ''},
            ${time(l.time)}
          </td>
        </tr>
        <tr>
          <th scope="row">Reason</th>
          <td>${l.reason}</td>
        </tr>
        <tr>
          <th scope="row">Original subject</th>
          <td><code>${l.originalSubject ?? '—'}</code> (stream ${l.originalStream ?? '—'})</td>
        </tr>
        <tr>
          <th scope="row">Event</th>
          <td>
            ${l.eventId ? html`<a class="mono" href="${consolePaths.flow(l.eventId)}">${l.eventId}</a>` : '—'}${l.traceId ? html` · trace <a class="mono" href="${consolePaths.flow(l.traceId)}">${l.traceId}</a>` : ''}
          </td>
        </tr>
      </tbody>
    </table>
    <details>
      <summary>What it carries</summary>
      <pre>${l.preview}</pre>
    </details>
    <div class="actions">
      ${
        l.replayable
          ? html`<form method="post" action="${consolePaths.replay(l.seq)}">
              ${csrfField(ctx)}<button type="submit" aria-describedby="${id}-title">Replay #${l.seq}</button>
            </form>`
          : html`<p class="hint">Not replayable: ${l.whyNotReplayable}</p>`
      }
      <form method="post" action="${consolePaths.discard(l.seq)}">
        ${csrfField(ctx)}
        <div class="field">
          <label for="${id}-reason">Reason to discard #${l.seq}</label>
          <input
            id="${id}-reason"
            name="reason"
            maxlength="1000"
            required
            value="${refused?.reason ?? ''}"
            ${refused ? html` aria-invalid="true" aria-describedby="${id}-problem"` : ''}
          />
          ${refused ? html`<p class="alert" id="${id}-problem">${refused.problem}</p>` : ''}
        </div>
        <button type="submit" class="danger">Discard #${l.seq}</button>
      </form>
    </div>
  </section>`;
}

export function rejectionsPage(
  ctx: PageContext,
  data: { days: number; since: string; agencies: AgencyRejections[] },
): Html {
  const days = data.agencies[0]?.perDay.map((d) => d.day) ?? [];
  return layout(
    ctx,
    'Rejections',
    'rejections',
    html`<form class="search" method="get" action="${consolePaths.section('rejections')}">
        <label for="days">Days to look back</label>
        <select id="days" name="days">
          ${[1, 7, 14, 30, 90].map((d) => html`<option value="${d}" ${d === data.days ? html` selected` : ''}>${d}</option>`)}
        </select>
        <button type="submit">Show</button>
      </form>
      <p>
        Events refused with reasons on <code>lgsp.rejected.&lt;agency&gt;</code> since ${time(data.since)},
        from the audit trail.
      </p>
      ${
        data.agencies.length === 0
          ? html`<p>No rejections in this period.</p>`
          : html`<table class="days">
                <caption>
                  Rejections per agency per day (UTC)
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Agency</th>
                    <th scope="col" class="num">Total</th>
                    ${days.map((d) => html`<th scope="col" class="num">${d.slice(5)}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${data.agencies.map(
                    (a) =>
                      html`<tr>
                        <th scope="row">${a.agency}</th>
                        <td class="num">${a.total}</td>
                        ${a.perDay.map((d) => html`<td class="num">${d.count || ''}</td>`)}
                      </tr>`,
                  )}
                </tbody>
              </table>
              ${data.agencies.map(
                (a) =>
                  html`<h2>Why ${a.agency}'s events were refused</h2>
                    <table>
                      <caption>
                        Reasons, commonest first
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Reason</th>
                          <th scope="col" class="num">Times</th>
                          <th scope="col">For example</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${a.reasons.map(
                          (r) =>
                            html`<tr>
                              <th scope="row"><code>${r.code}</code></th>
                              <td class="num">${r.count}</td>
                              <td>${r.example}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>`,
              )}`
      }`,
  );
}

export function trailPage(ctx: PageContext, state: TrailState, done?: LastVerification): Html {
  const v = state.lastVerification;
  return layout(
    ctx,
    'The audit trail',
    'trail',
    html`${done ? (done.ok ? notice(`Verified: ${done.entriesChecked} entries and ${done.checkpointsChecked} checkpoints hold up to entry ${done.headSeq}.`) : alert(`Verification failed at entry ${done.firstBreak?.seq}: ${done.firstBreak?.reason}`)) : ''}
      <table>
        <caption>
          State of the hash chain
        </caption>
        <tbody>
          <tr>
            <th scope="row">Head</th>
            <td>
              ${state.head ? html`entry ${state.head.seq}, hash <code>${state.head.hash}</code>` : 'no entry yet'}
            </td>
          </tr>
          <tr>
            <th scope="row">Last checkpoint</th>
            <td>
              ${state.lastCheckpoint ? html`entry ${state.lastCheckpoint.seq}, signed ${time(state.lastCheckpoint.signedAt)} with key <code>${state.lastCheckpoint.keyId}</code>` : 'none signed yet'}
            </td>
          </tr>
          <tr>
            <th scope="row">Last verification</th>
            <td>
              ${v ? html`${time(v.at)}: ${v.ok ? html`<span class="badge ok">holds</span>` : html`<span class="badge bad">broken</span>`} — ${v.entriesChecked} entries, ${v.checkpointsChecked} checkpoints, up to entry ${v.headSeq}${v.firstBreak ? html`; first break at entry ${v.firstBreak.seq}: ${v.firstBreak.reason}` : ''}` : 'never verified'}
            </td>
          </tr>
        </tbody>
      </table>
      <form method="post" action="${consolePaths.verify()}">
        ${csrfField(ctx)}<button type="submit">Verify the trail now</button>
      </form>
      <p class="hint">
        Verification reads the whole stored trail; the action is recorded in the trail itself.
      </p>`,
  );
}

export function servicesPage(ctx: PageContext, services: ServiceStatus[], traceBackend: boolean): Html {
  return layout(
    ctx,
    'Services',
    'services',
    html`<table>
        <caption>
          Readiness and version of each service (LGSP_CONSOLE_SERVICES)
        </caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Readiness</th>
            <th scope="col">Version</th>
            <th scope="col">Engines</th>
          </tr>
        </thead>
        <tbody>
          ${
            services.length === 0
              ? html`<tr>
                  <td colspan="4">
                    No services configured: set LGSP_CONSOLE_SERVICES (e.g.
                    catalogue=http://catalogue:3000,…).
                  </td>
                </tr>`
              : ''
          }${services.map(
            (s) =>
              html`<tr>
                <th scope="row">${s.name}<br /><span class="meta">${s.baseUrl}</span></th>
                <td>
                  ${s.ready ? html`<span class="badge ok">ready</span>` : html`<span class="badge bad">not ready</span> ${s.detail}`}
                </td>
                <td>${s.version ?? '—'}</td>
                <td>
                  ${
                    Object.entries(s.checks ?? {})
                      .map(([k, v]) => `${k}: ${v}`)
                      .join(', ') || '—'
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      <p>Trace backend: ${traceBackend ? 'configured (LGSP_TRACE_QUERY_URL)' : 'none configured'}.</p>`,
  );
}

export function signInPage(ctx: PageContext, problem?: string): Html {
  return layout(
    ctx,
    'Sign in',
    'none',
    html`${alert(problem)}
      <p>
        The console is for DIC operators. Sign in with your platform token (locally:
        <code>npm run token -- --agency STTTT --roles dic</code>).
      </p>
      <form method="post" action="${consolePaths.signIn()}">
        <div class="field">
          <label for="token">Token</label>
          <textarea
            id="token"
            name="token"
            rows="4"
            cols="60"
            required
            autocomplete="off"
            spellcheck="false"
          ></textarea>
        </div>
        <button type="submit">Sign in</button>
      </form>`,
  );
}

export function errorPage(ctx: PageContext, status: number, title: string, detail: string): Html {
  const next =
    status === 401
      ? html`<p><a href="${consolePaths.signIn()}">Sign in</a></p>`
      : html`<p><a href="${consolePaths.home()}">Back to the console</a></p>`;
  return layout(
    ctx,
    title,
    'none',
    html`<p class="alert" role="alert">${detail}</p>
      ${next}`,
  );
}
