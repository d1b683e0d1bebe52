// A ledger run for a large organization (about 3,000 usage records a day): a year's
// backfill, run once, and the 7-day sync users wait for every day. Are requests at the
// API's minimum, is wall time within the target's multiple of the I/O-and-parsing floor,
// and does memory stay bounded (streamed day by day, not a year held at once)?
//
// Fairness: responses are recorded once from the simulator and replayed byte for byte,
// so data generation is paid by neither side; tool and floor run in fresh child
// processes, alternately, with dirty pages flushed before each. The tool is the built
// action (`node dist/index.js`), timed from its start, so its wall time also holds Node's
// start-up and module loading (about 0.3 s), which the floor's does not.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runBuiltAction } from '../built-action.js';
import { runJob } from '../child-process.js';
import { flushDisk, MiB, removeDir, type TreeDigest, treeDifferences, treeDigest, treeSha256 } from '../files.js';
import { loadRecording } from '../recording.js';
import { startReplayServer } from '../replay-server.js';
import type { Scenario, ScenarioContext, ScenarioMeasurement } from '../scenario.js';
import { BENCH_ENV } from '../in-process-backfill.js';
import { median } from '../stats.js';

const NOW = '2026-11-22T06:00:00Z';
// The simulator's default (100,000 results a page) splits a 31-day completions page of
// the large organization; raised so every query fits one page and the lower bound below
// (no follow-up pages) is the right yardstick. The bench still reports any split.
const MAX_RESULTS_PER_PAGE = 1_000_000;

// The provider's own limits (OpenAI organization usage API), not the tool's constants:
// a usage request returns at most 31 daily buckets, a costs request at most 180.
// Ten usage endpoints: completions, embeddings, moderations, images, audio speeches and
// transcriptions, vector stores, code interpreter sessions, web and file search calls.
const USAGE_ENDPOINTS = 10;
const USAGE_DAYS_PER_REQUEST = 31;
const COSTS_DAYS_PER_REQUEST = 180;

/** Fewest requests for `days` contiguous days when no day needs a second page. */
export function backfillLowerBound(days: number): number {
  return USAGE_ENDPOINTS * Math.ceil(days / USAGE_DAYS_PER_REQUEST) + Math.ceil(days / COSTS_DAYS_PER_REQUEST);
}

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

interface LedgerRunSpec {
  name: string;
  command: 'backfill' | 'sync';
  days: number;
  targets: ScenarioMeasurement['targets'];
}

async function run(spec: LedgerRunSpec, context: ScenarioContext): Promise<ScenarioMeasurement> {
  const { days } = spec;
  const notes: string[] = [];
  const problems: string[] = [];

  context.log(`recording the responses a ${days}-day ${spec.command} of the large organization needs`);
  const recorded = (
    await runJob('record-backfill', { dir: context.workDir, now: NOW, days: days, org: 'large', maxResultsPerPage: MAX_RESULTS_PER_PAGE })
  ).result;
  if (recorded.nonOkStatuses.length > 0) problems.push(`the simulator answered non-200 statuses while recording: ${recorded.nonOkStatuses.join(', ')}`);
  if (recorded.followUpPages > 0) notes.push(`${recorded.followUpPages} follow-up page(s): the lower bound assumes none (raise MAX_RESULTS_PER_PAGE)`);
  notes.push(`recorded ${recorded.responses} responses (${recorded.plannedRequests} planned by the backfill, ${recorded.followUpPages} follow-up pages), ${mib(recorded.bodyBytes)} of bodies`);

  const responses = await loadRecording(recorded.recordingDir);
  const urls = responses.map((response) => response.url);
  const server = await startReplayServer(responses);
  const tools: Array<{ wallMs: number; peakMiB: number; requests: number }> = [];
  const floors: Array<{ wallMs: number; peakMiB: number }> = [];
  let first: TreeDigest | undefined;
  let floorBytes = 0;
  let floorFiles = 0;
  try {
    for (let round = 1; round <= context.repeat; round += 1) {
      const cwd = path.join(context.workDir, `tool-${round}`);
      const floorDir = path.join(context.workDir, `floor-${round}`);
      flushDisk();
      server.reset();
      const execArgv = context.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`] : [];
      await mkdir(cwd, { recursive: true });
      const tool = await runBuiltAction(
        { command: spec.command, 'openai-base-url': `${server.origin}/v1`, days: String(days), publish: 'none', now: NOW, 'audit-dir': 'audit' },
        { workspace: cwd, secrets: BENCH_ENV, execArgv },
      );
      const auditDir = path.join(cwd, 'audit');
      tools.push({ wallMs: tool.wallMs, peakMiB: tool.peakMiB, requests: server.counts.requests });
      context.log(
        `round ${round}: tool ${seconds(tool.wallMs)} (${seconds(tool.cpuUserMs + tool.cpuSystemMs)} CPU), ${server.counts.requests} requests, peak ${tool.peakMiB.toFixed(1)} MiB`,
      );
      if (tool.exitCode !== 0) problems.push(`round ${round}: the action exited ${tool.exitCode}: ${tool.log.slice(-500)}`);
      if (server.counts.unrecorded > 0) problems.push(`round ${round}: ${server.counts.unrecorded} request(s) had no recording`);
      if (tool.outputs['windows-processed'] !== String(days)) problems.push(`round ${round}: ${tool.outputs['windows-processed'] ?? 'no'} windows processed, expected ${days}`);
      if ((tool.outputs['issues-by-code'] ?? '{}') !== '{}') problems.push(`round ${round}: findings ${tool.outputs['issues-by-code']}`);

      // Same responses, same --now: every round must write the same ledger.
      const digest = await treeDigest(auditDir);
      let keepTool = false;
      if (first === undefined) {
        first = digest;
        notes.push(`the ledger: ${digest.files} files, ${mib(digest.bytes)}, tree sha256 ${treeSha256(digest)}`);
        keepTool = context.keep;
      } else {
        const differing = treeDifferences(first, digest);
        if (differing.length > 0) {
          keepTool = context.keep;
          problems.push(`round ${round} wrote a different ledger than round 1: ${differing.length} file(s), e.g. ${differing.slice(0, 3).join(', ')}`);
        }
      }

      flushDisk();
      server.reset();
      const floor = await runJob('backfill-floor', { origin: server.origin, urls, fromAuditDir: auditDir, outDir: floorDir });
      floors.push({ wallMs: floor.result.wallMs, peakMiB: floor.peakMiB });
      floorBytes = floor.result.bytesWritten;
      floorFiles = floor.result.filesWritten;
      context.log(`round ${round}: floor ${seconds(floor.result.wallMs)}, ${floor.result.requests} requests, ${floor.result.filesWritten} snapshots (${mib(floorBytes)})`);

      // A ledger is about 2.5 GiB: keep only what --keep asked for.
      if (!keepTool) await removeDir(cwd);
      await removeDir(floorDir);
    }
  } finally {
    await server.close();
  }

  notes.push(`tool runs: ${tools.map((sample) => seconds(sample.wallMs)).join(', ')}; peak ${tools.map((sample) => sample.peakMiB.toFixed(1)).join(', ')} MiB`);
  notes.push(`floor runs: ${floors.map((sample) => seconds(sample.wallMs)).join(', ')}; ${urls.length} pages fetched and parsed, ${floorFiles} snapshots (${mib(floorBytes)}) written`);
  return {
    scenario: spec.name,
    requests: median(tools.map((sample) => sample.requests)),
    lowerBound: backfillLowerBound(days),
    wallMs: median(tools.map((sample) => sample.wallMs)),
    floorMs: median(floors.map((sample) => sample.wallMs)),
    peakMiB: median(tools.map((sample) => sample.peakMiB)),
    targets: spec.targets,
    notes,
    problems,
  };
}

function ledgerRunScenario(spec: LedgerRunSpec, description: string): Scenario {
  return { name: spec.name, description, run: (context) => run(spec, context) };
}

// A year's backfill runs once: it may take longer than the floor by more than the daily job.
export const backfill365 = ledgerRunScenario(
  { name: 'backfill-365', command: 'backfill', days: 365, targets: { maxRatio: 5, maxPeakMiB: 512 } },
  `backfill 365 days of the large synthetic organization (about 3,000 usage records a day), --now ${NOW}`,
);

// The daily job users wait for; its wall time includes Node's start-up.
export const sync7 = ledgerRunScenario(
  { name: 'sync-7', command: 'sync', days: 7, targets: { maxRatio: 5, maxPeakMiB: 256 } },
  `sync the last 7 days of the same organization, --now ${NOW}`,
);
