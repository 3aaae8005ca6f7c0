/** Why an outbound call was refused before any byte left the platform. */
export class SsrfRefusedError extends Error {
  readonly code = 'ssrf-refused';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused to call ${url}: ${reason}`);
    this.name = 'SsrfRefusedError';
  }
}

export type OutboundFailure =
  'too-many-redirects' | 'response-too-large' | 'timeout' | 'unreachable' | 'invalid-url';

/** An outbound call that was allowed but did not give a usable answer. */
export class OutboundRequestError extends Error {
  constructor(
    readonly code: OutboundFailure,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${url}: ${message}`, options);
    this.name = 'OutboundRequestError';
  }
}
