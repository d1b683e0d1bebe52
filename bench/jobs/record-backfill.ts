// Records what a backfill asks of the provider, cheaply. First the backfill runs against
// an empty simulated organization through a recording proxy: its requests depend only on
// the dates, so this lists exactly the URLs it will ask for, in seconds. Then the same
// URLs are fetched from the simulated organization being measured, following any
// next_page cursor as the API's pagination prescribes, and saved for the replay server.

import path from 'node:path';
import { startSimulator, type OrgSize } from '../../src/simulator/index.js';
import { removeDir } from '../files.js';
import { fetchRecorded, type RecordedResponse, saveRecording, startRecordingProxy } from '../recording.js';
import { BENCH_ENV, runBackfill } from '../in-process-backfill.js';

export interface RecordParams {
  /** Where the recording goes (recording/) and scratch space for listing the requests. */
  dir: string;
  now: string;
  days: number;
  org: OrgSize;
  /** Left to the simulator's default unless a scenario must keep pages from splitting. */
  maxResultsPerPage?: number;
}

export interface RecordResult {
  recordingDir: string;
  /** Requests the backfill made against the empty organization. */
  plannedRequests: number;
  responses: number;
  bodyBytes: number;
  /** Pages fetched by following a next_page cursor. */
  followUpPages: number;
  nonOkStatuses: number[];
}

async function plannedUrls(params: RecordParams, now: () => Date): Promise<string[]> {
  const empty = await startSimulator({ org: 'empty', now, host: '127.0.0.1' });
  const proxy = await startRecordingProxy(empty.url);
  const cwd = path.join(params.dir, 'discovery');
  try {
    await runBackfill({ baseUrl: proxy.url, cwd, now: params.now, days: params.days });
  } finally {
    await proxy.close();
    await empty.close();
    await removeDir(cwd);
  }
  return proxy.responses.map((response) => response.url);
}

function nextPageOf(response: RecordedResponse): string | undefined {
  if (response.status !== 200) return undefined;
  const page = JSON.parse(response.body.toString('utf8')) as { has_more?: unknown; next_page?: unknown };
  if (page.has_more !== true || typeof page.next_page !== 'string') return undefined;
  const next = new URL(response.url, 'http://127.0.0.1');
  next.searchParams.set('page', page.next_page);
  return `${next.pathname}${next.search}`;
}

export async function recordBackfill(params: RecordParams): Promise<RecordResult> {
  const fixed = new Date(params.now);
  const now = (): Date => new Date(fixed.getTime());
  const urls = await plannedUrls(params, now);

  const simulator = await startSimulator({
    org: params.org,
    now,
    host: '127.0.0.1',
    ...(params.maxResultsPerPage === undefined ? {} : { maxResultsPerPage: params.maxResultsPerPage }),
  });
  const origin = new URL(simulator.url).origin;
  const headers = { accept: 'application/json', authorization: `Bearer ${BENCH_ENV.OPENAI_ADMIN_KEY}` };
  const responses: RecordedResponse[] = [];
  let followUpPages = 0;
  try {
    for (const url of urls) {
      let next: string | undefined = url;
      while (next !== undefined) {
        const response = await fetchRecorded(origin, next, headers);
        responses.push(response);
        next = nextPageOf(response);
        if (next !== undefined) followUpPages += 1;
      }
    }
  } finally {
    await simulator.close();
  }
  const recordingDir = path.join(params.dir, 'recording');
  await saveRecording(recordingDir, responses);
  return {
    recordingDir,
    plannedRequests: urls.length,
    responses: responses.length,
    bodyBytes: responses.reduce((sum, response) => sum + response.body.length, 0),
    followUpPages,
    nonOkStatuses: responses.filter((response) => response.status !== 200).map((response) => response.status),
  };
}
