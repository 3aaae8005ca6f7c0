/** One rejection as the trail holds it: the agency told, when, and the reasons it was given. */
export interface RecordedRejection {
  agency: string;
  at: string;
  reasons: { code: string; message: string }[];
  eventType?: string;
}

export interface AgencyRejections {
  agency: string;
  total: number;
  /** Count per day (UTC), oldest first, one entry per day of the window. */
  perDay: { day: string; count: number }[];
  /** The commonest reasons first, each with one message as an example. */
  reasons: { code: string; count: number; example: string }[];
}

const DAY_MS = 86_400_000;

/** The days of the window ending today (UTC), oldest first, as YYYY-MM-DD. */
export function windowDays(now: Date, days: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) =>
    new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}

/**
 * Which integrators are struggling, and why: rejections per agency per day over the window, the most
 * rejected agency first, with its commonest reasons (DOMAIN.md: an integrator is told why on
 * `lgsp.rejected.<agency>`; DIC sees the whole picture).
 */
export function rejectionsByAgency(
  rejections: RecordedRejection[],
  now: Date,
  days: number,
): AgencyRejections[] {
  const window = windowDays(now, days);
  const first = window[0]!;
  const byAgency = new Map<
    string,
    { perDay: Map<string, number>; reasons: Map<string, { count: number; example: string }>; total: number }
  >();
  for (const r of rejections) {
    const day = r.at.slice(0, 10);
    if (day < first) continue;
    const a = byAgency.get(r.agency) ?? { perDay: new Map(), reasons: new Map(), total: 0 };
    byAgency.set(r.agency, a);
    a.total++;
    a.perDay.set(day, (a.perDay.get(day) ?? 0) + 1);
    for (const reason of r.reasons.length ? r.reasons : [{ code: 'unknown', message: '(no reason given)' }]) {
      const seen = a.reasons.get(reason.code) ?? { count: 0, example: reason.message };
      seen.count++;
      a.reasons.set(reason.code, seen);
    }
  }
  return [...byAgency]
    .map(([agency, a]) => ({
      agency,
      total: a.total,
      perDay: window.map((day) => ({ day, count: a.perDay.get(day) ?? 0 })),
      reasons: [...a.reasons]
        .map(([code, r]) => ({ code, count: r.count, example: r.example }))
        .sort((x, y) => y.count - x.count || x.code.localeCompare(y.code)),
    }))
    .sort((x, y) => y.total - x.total || x.agency.localeCompare(y.agency));
}
