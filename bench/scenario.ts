// What every benchmark scenario hands back, so the runner can print one table and judge
// every scenario against its targets the same way. A scenario owns its own setup
// (recording, servers, temp dirs); the runner only picks scenarios and reports.

export interface ScenarioContext {
  /** How many times each measurement is repeated; the median is reported. */
  repeat: number;
  /** A fresh directory this scenario may fill; the runner deletes it afterwards. */
  workDir: string;
  /** When set, the tool's child processes write V8 CPU profiles here. */
  profileDir: string | undefined;
  /** Keep what is worth a look afterwards (e.g. a ledger that differs between rounds). */
  keep: boolean;
  /** Progress lines, so a run of several minutes shows where it is. */
  log(line: string): void;
}

export interface ScenarioMeasurement {
  scenario: string;
  /** Provider requests the tool made (median over the repetitions). */
  requests: number;
  /** The fewest requests the provider's API limits allow for the same data. */
  lowerBound: number;
  /** Median wall time of the tool doing the job. */
  wallMs: number;
  /** Median wall time of the same I/O and parsing with nothing else; absent when wall time is dominated by the provider's latency, so only CPU is judged. */
  floorMs?: number;
  /** Median CPU time (user + system) of the tool's process doing the job, when judged. */
  cpuMs?: number;
  /** Median peak resident set size of the tool's process. */
  peakMiB: number;
  targets: {
    /** Wall time may be at most this many times the floor (with floorMs). */
    maxRatio?: number;
    /** CPU time must stay below this (with cpuMs). */
    maxCpuMs?: number;
    /** Peak memory must stay below this. */
    maxPeakMiB: number;
  };
  /** Extra lines printed under the table: samples, sizes, sanity checks. */
  notes: string[];
  /** Sanity checks that make the figures meaningless when they fail (e.g. output differs). */
  problems: string[];
}

export interface Scenario {
  name: string;
  description: string;
  run(context: ScenarioContext): Promise<ScenarioMeasurement>;
}
