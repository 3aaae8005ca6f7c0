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
