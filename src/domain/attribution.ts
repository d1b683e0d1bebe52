// Reconciles agent-run records with a provider's per-minute usage for one scope. The
// provider only reports what the whole scope used in each minute, so a minute that touches
// a single step belongs to that step outright, and a minute shared by several steps is
// split by how many seconds each spent in it. Splits use largest-remainder rounding so every
// figure is a whole token count and rounding neither creates nor loses a token.

/** [start, end), unix seconds, integers. */
export interface StepWindow {
  step_number: number;
  start: number;
  end: number;
}

/** id like "chatdev/run-42". */
export interface RunWindow {
  id: string;
  steps: StepWindow[];
}

/** A bucket [start, end), normally 60 s, with the scope's totals for that interval. */
export interface MinuteUsage {
  start: number;
  end: number;
  input_tokens: number;
  output_tokens: number;
}

export type AttributionMethod = 'exact' | 'apportioned';

export interface StepFigure {
  step_number: number;
  tokens_in: number;
  tokens_out: number;
  method: AttributionMethod;
}

export interface RunFigure {
  id: string;
  steps: StepFigure[];
  tokens_in: number;
  tokens_out: number;
}

export interface Attribution {
  runs: Map<string, RunFigure>;
  /** Tokens in buckets that overlapped no step of any run (other traffic on the scope, or gaps between steps). */
  unattributed: { tokens_in: number; tokens_out: number };
}

const MINUTE_SECONDS = 60;

function assertWholeCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${value}.`);
}

// Each part gets the floor of its exact quota and the units left over go to the largest
// fractional remainders. BigInt keeps the quotas exact when total × weight passes 2^53.
/** Largest-remainder apportionment of an integer total by integer weights; the parts sum exactly to total; ties broken deterministically by index. Weights all zero -> all zero (caller decides). */
export function apportion(total: number, weights: readonly number[]): number[] {
  assertWholeCount(total, 'apportion total');
  weights.forEach((weight) => assertWholeCount(weight, 'apportion weight'));

  const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  if (weightSum === 0n) return weights.map(() => 0);

  const bigTotal = BigInt(total);
  const parts: bigint[] = [];
  const remainders: bigint[] = [];
  let assigned = 0n;
  for (const weight of weights) {
    const quota = bigTotal * BigInt(weight);
    const part = quota / weightSum;
    parts.push(part);
    // Remainders share the denominator weightSum, so comparing numerators compares fractions.
    remainders.push(quota % weightSum);
    assigned += part;
  }

  // Fewer than weights.length units are left, and each goes to a part with a non-zero
  // remainder, so a zero weight never receives anything.
  const leftover = Number(bigTotal - assigned);
  const byRemainder = weights
    .map((_, index) => index)
    .sort((a, b) => {
      const difference = remainders[b]! - remainders[a]!;
      return difference > 0n ? 1 : difference < 0n ? -1 : a - b;
    });
  for (const index of byRemainder.slice(0, leftover)) parts[index]! += 1n;
  return parts.map(Number);
}

interface PlacedStep {
  start: number;
  end: number;
  runId: string;
  positionInRun: number;
  figure: StepFigure;
}

function compareIds(a: string, b: string): number {
  // Code-unit order rather than localeCompare, so results never depend on the host's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertValidRuns(runs: readonly RunWindow[]): void {
  const seen = new Set<string>();
  for (const run of runs) {
    // Figures are keyed by id: a repeated id would silently merge two runs' usage.
    if (seen.has(run.id)) throw new Error(`Run ${JSON.stringify(run.id)} is given more than once; each run must appear once.`);
    seen.add(run.id);
    for (const step of run.steps) {
      if (!Number.isSafeInteger(step.start) || !Number.isSafeInteger(step.end)) {
        throw new Error(`Run ${JSON.stringify(run.id)} step ${step.step_number} has non-integer timestamps [${step.start}, ${step.end}); steps must be whole unix seconds.`);
      }
      if (step.end <= step.start) {
        throw new Error(`Run ${JSON.stringify(run.id)} step ${step.step_number} ends at ${step.end}, not after its start ${step.start}; a step must last at least one second.`);
      }
    }
  }
}

function assertValidBucket(bucket: MinuteUsage): void {
  const interval = `[${bucket.start}, ${bucket.end})`;
  if (!Number.isSafeInteger(bucket.start) || !Number.isSafeInteger(bucket.end) || bucket.end <= bucket.start) {
    throw new Error(`Usage bucket ${interval} is not a non-empty interval of whole unix seconds.`);
  }
  for (const tokens of [bucket.input_tokens, bucket.output_tokens]) {
    if (!Number.isSafeInteger(tokens) || tokens < 0) throw new Error(`Usage bucket ${interval} has token count ${tokens}; token counts must be non-negative integers.`);
  }
}

/**
 * Every step in one order that depends only on the steps themselves, never on the order the
 * runs were given in, because apportionment breaks ties by position.
 */
function placeSteps(runs: readonly RunWindow[], figures: readonly StepFigure[][]): PlacedStep[] {
  const placed: PlacedStep[] = [];
  runs.forEach((run, runIndex) => {
    run.steps.forEach((step, positionInRun) => {
      placed.push({ start: step.start, end: step.end, runId: run.id, positionInRun, figure: figures[runIndex]![positionInRun]! });
    });
  });
  return placed.sort((a, b) => a.start - b.start || a.end - b.end || compareIds(a.runId, b.runId) || a.positionInRun - b.positionInRun);
}

function overlapSeconds(step: PlacedStep, bucket: MinuteUsage): number {
  return Math.min(step.end, bucket.end) - Math.max(step.start, bucket.start);
}

export function attributeUsage(runs: readonly RunWindow[], buckets: readonly MinuteUsage[]): Attribution {
  assertValidRuns(runs);
  buckets.forEach(assertValidBucket);

  const figures: StepFigure[][] = runs.map((run) =>
    run.steps.map((step): StepFigure => ({ step_number: step.step_number, tokens_in: 0, tokens_out: 0, method: 'exact' })),
  );
  const steps = placeSteps(runs, figures);
  const orderedBuckets = [...buckets].sort((a, b) => a.start - b.start || a.end - b.end);
  const unattributed = { tokens_in: 0, tokens_out: 0 };

  // Sweep: buckets by start, steps by start. `open` holds the steps that may still touch the
  // current or a later bucket, so each bucket only looks at steps near it.
  let open: PlacedStep[] = [];
  let nextStep = 0;
  for (const bucket of orderedBuckets) {
    while (nextStep < steps.length && steps[nextStep]!.start < bucket.end) open.push(steps[nextStep++]!);
    // Later buckets start no earlier, so a step ended by this bucket's start touches none of them.
    open = open.filter((step) => step.end > bucket.start);

    const touching: PlacedStep[] = [];
    const seconds: number[] = [];
    for (const step of open) {
      // Buckets of uneven width can leave a step in `open` that starts after this bucket ends.
      const overlap = overlapSeconds(step, bucket);
      if (overlap <= 0) continue;
      touching.push(step);
      seconds.push(overlap);
    }

    if (touching.length === 0) {
      unattributed.tokens_in += bucket.input_tokens;
      unattributed.tokens_out += bucket.output_tokens;
    } else if (touching.length === 1) {
      const figure = touching[0]!.figure;
      figure.tokens_in += bucket.input_tokens;
      figure.tokens_out += bucket.output_tokens;
    } else {
      const inputShares = apportion(bucket.input_tokens, seconds);
      const outputShares = apportion(bucket.output_tokens, seconds);
      // An empty minute splits into zeros with no estimate involved, so it leaves a step exact.
      const estimated = bucket.input_tokens + bucket.output_tokens > 0;
      touching.forEach((step, index) => {
        step.figure.tokens_in += inputShares[index]!;
        step.figure.tokens_out += outputShares[index]!;
        if (estimated) step.figure.method = 'apportioned';
      });
    }
  }

  const figuresById = new Map<string, RunFigure>();
  runs.forEach((run, runIndex) => {
    const stepFigures = figures[runIndex]!;
    figuresById.set(run.id, {
      id: run.id,
      steps: stepFigures,
      tokens_in: stepFigures.reduce((sum, step) => sum + step.tokens_in, 0),
      tokens_out: stepFigures.reduce((sum, step) => sum + step.tokens_out, 0),
    });
  });
  return { runs: figuresById, unattributed };
}

/** Pairs of runs whose step intervals overlap in time (half-open), which one scope cannot tell apart. */
export function findOverlappingRuns(runs: readonly RunWindow[]): Array<[string, string]> {
  assertValidRuns(runs);
  // A run occupies the union of its steps, not the span from first start to last end, so a
  // run sitting in another's gap between steps is no overlap; comparing steps gives exactly that.
  const spans = runs.flatMap((run, runIndex) => run.steps.map((step) => ({ start: step.start, end: step.end, runIndex })));
  spans.sort((a, b) => a.start - b.start || a.end - b.end);

  // Each pair is found once per overlapping pair of spans; a numeric key keeps repeats cheap.
  const pairKeys = new Set<number>();
  let open: typeof spans = [];
  for (const span of spans) {
    // Half-open: a span that ends exactly where this one starts does not overlap it.
    open = open.filter((other) => other.end > span.start);
    for (const other of open) {
      if (other.runIndex === span.runIndex) continue;
      pairKeys.add(Math.min(other.runIndex, span.runIndex) * runs.length + Math.max(other.runIndex, span.runIndex));
    }
    open.push(span);
  }
  const pairs = [...pairKeys].map((key): [string, string] => {
    const first = runs[Math.floor(key / runs.length)]!.id;
    const second = runs[key % runs.length]!.id;
    return compareIds(first, second) < 0 ? [first, second] : [second, first];
  });
  return pairs.sort((a, b) => compareIds(a[0], b[0]) || compareIds(a[1], b[1]));
}

/** Merged [start, end) covering all runs, widened by `marginSeconds` on both sides and aligned outward to whole minutes. Undefined for no runs/steps. */
export function queryRange(runs: readonly RunWindow[], marginSeconds: number): { start: number; end: number } | undefined {
  if (!Number.isFinite(marginSeconds) || marginSeconds < 0) throw new RangeError(`marginSeconds must be a non-negative number, got ${marginSeconds}.`);
  assertValidRuns(runs);
  let earliest = Infinity;
  let latest = -Infinity;
  for (const run of runs) {
    for (const step of run.steps) {
      earliest = Math.min(earliest, step.start);
      latest = Math.max(latest, step.end);
    }
  }
  if (earliest === Infinity) return undefined;
  return {
    start: Math.floor((earliest - marginSeconds) / MINUTE_SECONDS) * MINUTE_SECONDS,
    end: Math.ceil((latest + marginSeconds) / MINUTE_SECONDS) * MINUTE_SECONDS,
  };
}
