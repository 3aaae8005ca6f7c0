/** Why a request could not be authenticated. Messages never contain the credential itself. */
export type AuthFailureReason =
  | 'missing-token'
  | 'malformed-token'
  | 'disallowed-algorithm'
  | 'bad-signature'
  | 'unknown-key'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'invalid-claims'
  /** Issued for longer than the platform accepts (exp − iat above the maximum lifetime). */
  | 'too-long-lived'
  /** Issued in the future (iat ahead of now beyond the clock tolerance). */
  | 'issued-in-future'
  | 'unknown-api-key'
  /** The JWKS endpoint could not be reached or answered nonsense: not the caller's fault. */
  | 'key-source-unavailable';

export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly reason: AuthFailureReason,
    message: string,
  ) {
    super(message);
  }
}
