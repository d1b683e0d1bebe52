export {
  createHttpClient,
  ORIGIN_HEADER,
  RATE_LIMIT_HEADERS_KEPT,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type HttpStats,
  type RateLimitHeaders,
} from './client.js';
export { startRunDeadline, type RunDeadline } from './deadlines.js';
export {
  AuthError,
  ClientError,
  DeadlineExceededError,
  getErrorMessage,
  HttpError,
  InvalidResponseError,
  RetriesExhaustedError,
} from './errors.js';
export { createRedactor, REDACTED, type Redactor } from './redact.js';
