/**
 * CKAN's Action API v3 envelope, so CKAN client libraries and harvesters read the portal unchanged:
 * `{help, success: true, result}` or `{help, success: false, error: {__type, message, ...}}`.
 * https://docs.ckan.org/en/2.10/api/index.html#making-an-api-request
 */
export interface CkanSuccess<T> {
  help: string;
  success: true;
  result: T;
}

export type CkanErrorType =
  'Validation Error' | 'Not Found Error' | 'Authorization Error' | 'Search Query Error';

export interface CkanFailure {
  help: string;
  success: false;
  error: { __type: CkanErrorType; message: string } & Record<string, unknown>;
}

/** The HTTP status CKAN answers each error type with. */
export const CKAN_ERROR_STATUS: Record<CkanErrorType, number> = {
  'Validation Error': 409,
  'Search Query Error': 409,
  'Not Found Error': 404,
  'Authorization Error': 403,
};

/** The `help` link CKAN puts on every answer: the action's documentation. */
export function helpUrl(apiBase: string, action: string): string {
  return `${apiBase}/3/action/help_show?name=${encodeURIComponent(action)}`;
}

export function ckanSuccess<T>(help: string, result: T): CkanSuccess<T> {
  return { help, success: true, result };
}

/**
 * A failure; a Validation Error also carries each field's messages beside `message`, as CKAN does
 * (`{"rows": ["Invalid integer"]}`).
 */
export function ckanFailure(
  help: string,
  type: CkanErrorType,
  message: string,
  fields: Record<string, string[]> = {},
): CkanFailure {
  return { help, success: false, error: { __type: type, message, ...fields } };
}
