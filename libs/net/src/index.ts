export { classifyAddress, ipVersion, type AddressVerdict } from './address.js';
export { AllowList } from './allow-list.js';
export {
  checkUrl,
  systemResolver,
  type CheckedUrl,
  type GuardOptions,
  type ResolvedAddress,
  type Resolver,
} from './check-url.js';
export { OutboundRequestError, SsrfRefusedError, type OutboundFailure } from './errors.js';
export {
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  safeFetch,
  type SafeFetchOptions,
  type SafeRequest,
  type SafeResponse,
} from './safe-fetch.js';
export { outboundOptionsFromEnv, type OutboundOptions } from './config.js';
export { ConnectionPool, type ConnectionPoolOptions } from './connection-pool.js';
