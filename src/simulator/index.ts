// An in-process stand-in for the OpenAI organization usage and costs endpoints, speaking
// their real shapes over loopback HTTP. Its data is a deterministic set of usage events;
// tests can add to it, restate days, queue failures and ask for the exact truth to
// compare a fetched ledger against.

import { sumCounters, totalCost } from './aggregate.js';
import { buildCatalog } from './catalog.js';
import { USAGE_SPECS } from './endpoints.js';
import { EventStore } from './event-store.js';
import { idFilters } from './query.js';
import { restateDay } from './restatement.js';
import { Scenarios } from './scenarios.js';
import { listen } from './server.js';
import { FailureQueue, RequestRateLimiter } from './throttles.js';
import { SCENARIO_NAMES, type LoggedRequest, type Simulator, type SimulatorOptions } from './types.js';

export { SCENARIO_NAMES, USAGE_ENDPOINTS } from './types.js';
export type { OrgSize, ScenarioName, SimEvent, Simulator, SimulatorOptions } from './types.js';

const DEFAULT_MAX_RESULTS_PER_PAGE = 100_000;

/** Options with their defaults filled in; only the request rate limit may stay unset. */
type Settings = Required<Omit<SimulatorOptions, 'maxRequestsPerMinute'>> & Pick<SimulatorOptions, 'maxRequestsPerMinute'>;

function validated(options: SimulatorOptions): Settings {
  const scenarios = options.scenarios ?? [];
  for (const name of scenarios) {
    if (!SCENARIO_NAMES.includes(name)) throw new Error(`unknown simulator scenario: ${name}`);
  }
  const org = options.org ?? 'small';
  if (!['small', 'large', 'empty'].includes(org)) throw new Error(`unknown simulator org: ${org}`);
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new Error(`simulator seed must be an integer, got ${seed}`);
  const maxResultsPerPage = options.maxResultsPerPage ?? DEFAULT_MAX_RESULTS_PER_PAGE;
  if (!Number.isInteger(maxResultsPerPage) || maxResultsPerPage < 1) {
    throw new Error(`maxResultsPerPage must be a positive integer, got ${maxResultsPerPage}`);
  }
  const max = options.maxRequestsPerMinute;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) throw new Error(`maxRequestsPerMinute must be a positive integer, got ${max}`);
  return {
    scenarios,
    seed,
    org,
    now: options.now ?? (() => new Date()),
    latencyMs: Math.max(0, options.latencyMs ?? 0),
    maxRequestsPerMinute: max,
    maxResultsPerPage,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const settings = validated(options);
  const store = new EventStore(buildCatalog(settings.seed, settings.org), settings.seed, settings.now);
  const scenarios = new Scenarios(settings.scenarios, store);
  const failures = new FailureQueue();
  const log: LoggedRequest[] = [];
  const server = await listen(
    {
      store,
      scenarios,
      failures,
      rateLimiter: new RequestRateLimiter(settings.maxRequestsPerMinute),
      maxResultsPerPage: settings.maxResultsPerPage,
    },
    { host: settings.host, port: settings.port, latencyMs: settings.latencyMs, log },
  );
  return {
    url: server.url,
    get requestLog() {
      return log;
    },
    clearLog: () => {
      log.length = 0;
    },
    addEvents: (events) => store.addEvents(events),
    restateDay: (date, percent) => restateDay(store, date, percent),
    failNext: (count, status, failOptions) => failures.add(count, status, failOptions),
    truth: (query) => sumCounters(store, USAGE_SPECS[query.endpoint], query.start, query.end, idFilters(query)),
    truthCost: (query) => totalCost(store, query.start, query.end),
    close: () => server.close(),
  };
}
