export {
  isOpenAiEndpoint,
  MAX_COSTS_DAYS_PER_REQUEST,
  MAX_USAGE_DAYS_PER_REQUEST,
  OPENAI_ENDPOINT_SPECS,
  OPENAI_ENDPOINTS,
  OPENAI_GROUP_BY,
  OPENAI_USAGE_ENDPOINTS,
  type OpenAiEndpoint,
  type OpenAiEndpointSpec,
  type OpenAiUsageEndpoint,
} from './endpoints.js';
export { normalizeResult, unixSecondsToIso } from './normalize.js';
export { parseOpenAiPage, OPENAI_RESULT_SCHEMAS, type OpenAiPage, type OpenAiResult } from './schemas.js';
export { SCOPE_MISSING_MESSAGE } from './paginate.js';
export { createOpenAiSource, ProviderRequestError, ScopeMissingError, type OpenAiSourceOptions } from './source.js';
