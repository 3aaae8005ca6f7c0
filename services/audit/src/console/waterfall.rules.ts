/** One span of a trace, placed on the trace's time line. */
export interface WaterfallRow {
  spanId: string;
  service: string;
  name: string;
  /** Nesting under its parent (0 for a root, or for a span whose parent is missing). */
  depth: number;
  /** Start and length as percentages of the whole trace. */
  offsetPct: number;
  widthPct: number;
  durationMs: number;
  /** A span whose parent is not in the trace. */
  orphan: boolean;
}

export interface Waterfall {
  traceId: string;
  totalMs: number;
  services: string[];
  rows: WaterfallRow[];
}

/** The shape of Jaeger's query API (`GET /api/traces/{traceId}`), as far as the waterfall reads it. */
interface JaegerSpan {
  spanID: string;
  operationName: string;
  startTime: number;
  duration: number;
  processID: string;
  references?: { refType: string; spanID: string }[];
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const MAX_SPANS = 2_000;

/** The waterfall of Jaeger's answer for one trace; undefined when it holds no such trace. */
export function waterfallOf(answer: unknown): Waterfall | undefined {
  const trace = (answer as { data?: JaegerTrace[] } | undefined)?.data?.[0];
  if (!trace || !Array.isArray(trace.spans) || trace.spans.length === 0) return undefined;
  const spans = trace.spans.slice(0, MAX_SPANS).filter((s) => s && typeof s.spanID === 'string');
  const byId = new Map(spans.map((s) => [s.spanID, s]));
  const parentOf = (s: JaegerSpan) =>
    s.references?.find((r) => r.refType === 'CHILD_OF' && byId.has(r.spanID))?.spanID ??
    s.references?.find((r) => byId.has(r.spanID))?.spanID;
  const start = Math.min(...spans.map((s) => s.startTime));
  const end = Math.max(...spans.map((s) => s.startTime + s.duration));
  const total = Math.max(end - start, 1);
  const depthOf = (s: JaegerSpan): number => {
    let depth = 0;
    for (let p = parentOf(s); p && depth < 64; p = parentOf(byId.get(p)!)) depth++;
    return depth;
  };
  const serviceOf = (s: JaegerSpan) => trace.processes?.[s.processID]?.serviceName ?? 'unknown';
  const rows = [...spans]
    .sort((a, b) => a.startTime - b.startTime)
    .map((s) => ({
      spanId: s.spanID,
      service: serviceOf(s),
      name: String(s.operationName ?? ''),
      depth: depthOf(s),
      offsetPct: round(((s.startTime - start) / total) * 100),
      widthPct: Math.max(round((s.duration / total) * 100), 0.2),
      durationMs: round(s.duration / 1000),
      orphan: (s.references?.length ?? 0) > 0 && parentOf(s) === undefined,
    }));
  return {
    traceId: trace.traceID,
    totalMs: round(total / 1000),
    services: [...new Set(rows.map((r) => r.service))],
    rows,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
