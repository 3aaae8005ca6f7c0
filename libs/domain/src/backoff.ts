/** How much of a backoff is left to chance, so that many waiting clients do not retry in step. */
export type Jitter = 'none' | 'full' | 'equal';

export interface Backoff {
  /** The wait after the first failure (attempt 0), before jitter; doubled with each further attempt. */
  baseMs: number;
  /** No wait is longer than this. */
  maxMs: number;
  /** `none`: the capped wait itself; `full`: uniform in [0, wait); `equal`: uniform in [wait/2, wait). */
  jitter?: Jitter;
  /** A uniform draw in [0, 1); injectable so that a test knows what it gets. */
  random?: () => number;
}

/**
 * Capped exponential backoff: min(maxMs, baseMs·2^attempt), jittered as asked, in whole milliseconds
 * (what a timer honours: Node truncates a fractional delay). Attempts count from 0; a negative one
 * counts as 0. The jitter kinds are those of AWS's "Exponential Backoff And Jitter" (Brooker, 2015).
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs, jitter = 'none', random = Math.random }: Backoff,
): number {
  // The exponent is bounded so that a long outage never makes 2^attempt Infinity (0·Infinity is NaN).
  const wait = Math.max(0, Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 1_000)));
  switch (jitter) {
    case 'none':
      return Math.floor(wait);
    case 'full':
      return Math.floor(random() * wait);
    case 'equal':
      return Math.floor(wait / 2 + (random() * wait) / 2);
  }
}
