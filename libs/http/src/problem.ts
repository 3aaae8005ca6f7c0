/** RFC 9457 problem details, the one error shape every OpenLGSP endpoint answers with. */
export interface FieldError {
  /** JSON pointer into the request: `/content/dataFields/0/name`, or `?limit` for a query parameter. */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: FieldError[];
  source?: string;
  traceId?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://openlgsp.vn/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Rule violated',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

export function problem(status: number, detail?: string, extra: Partial<Problem> = {}): Problem {
  const code = extra.code ?? slug(TITLES[status] ?? 'error');
  return {
    type: `${TYPE_BASE}${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    ...extra,
    code,
  };
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** Thrown by controllers for a problem with field errors (e.g. a query that cannot be parsed). */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}
