// What the small launcher and the engine thread tell each other. Kept apart from both so
// the launcher's bundle stays free of the engine's modules.

/** Which shell the engine thread runs: the action's (`dist/index.js`) or the CLI's. */
export type EngineShell = 'action' | 'cli';

export interface EngineData {
  shell: EngineShell;
  /** The command line after `node <script>`, for the CLI shell. */
  argv: string[];
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Sent by the launcher when the process receives a stop signal. */
export interface StopMessage {
  type: 'stop';
  signal: StopSignal;
}

/** The conventional exit status of a process ended by `signal` (128 + its number). */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export function isStopMessage(value: unknown): value is StopMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<StopMessage>;
  return message.type === 'stop' && (message.signal === 'SIGINT' || message.signal === 'SIGTERM');
}
