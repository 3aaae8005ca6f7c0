import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';

const TITLES = {
  401: 'Unauthorized',
  403: 'Forbidden',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
} as const;

/**
 * A Nest exception whose body is `{ title, status, detail, reason }` (the http library turns
 * it into problem+json). `reason` is also the exception's `errorCode`, `detail` its message.
 */
export function refusalException(status: keyof typeof TITLES, reason: string, detail: string): HttpException {
  const body = { title: TITLES[status], status, detail, reason };
  const options = { errorCode: reason };
  const exception =
    status === 401
      ? new UnauthorizedException(body, options)
      : status === 403
        ? new ForbiddenException(body, options)
        : status === 503
          ? new ServiceUnavailableException(body, options)
          : new HttpException(body, HttpStatus.TOO_MANY_REQUESTS, options);
  exception.message = detail;
  return exception;
}
