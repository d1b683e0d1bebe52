// The action's shell: read the inputs, run one command, set every output once at the end,
// write the job summary. The single catch turns any error into one failure message.
// Everything the action says (logs, outputs, summary, failure) passes one redactor.

import * as core from '@actions/core';
import { composeAdapters } from './app/compose.js';
import { type CommandReport, IncompleteRunError, runCommand } from './app/dispatch.js';
import { getErrorMessage } from './errors.js';
import { OPTIONS, OUTPUTS } from './config/options.js';
import { systemClock } from './ports.js';
import { createRedactor, type Redactor } from './adapters/http/redact.js';
import { redactCredentialShapes } from './domain/credential-shapes.js';
import { parseSettings } from './config/settings.js';
import { actionsRunnerContext } from './shell/actions-context.js';
import { actionsLogger } from './shell/loggers.js';
import { knownSecrets } from './shell/secrets.js';

function readInputs(): { command: string; options: Record<string, string> } {
  const options: Record<string, string> = {};
  for (const spec of OPTIONS) {
    if (spec.cliOnly || spec.actionOnly) continue;
    const value = core.getInput(spec.name);
    if (value !== '') options[spec.name] = value;
  }
  return { command: core.getInput('command') || 'sync', options };
}

export async function run(): Promise<void> {
  let redact: Redactor = redactCredentialShapes;
  try {
    const { command, options } = readInputs();
    // Registered before anything is logged: the runner then masks them in every line.
    const secrets = knownSecrets(options, process.env);
    for (const secret of secrets) core.setSecret(secret);
    redact = createRedactor(secrets);
    const settings = parseSettings(command, [], options, process.env, systemClock.now(), actionsRunnerContext());
    const deps = { cwd: process.env.GITHUB_WORKSPACE || process.cwd(), clock: systemClock, logger: actionsLogger(redact), env: process.env };
    const result = await runCommand(settings, composeAdapters(settings, deps));
    await report(result, redact);
  } catch (error) {
    // A run that failed only in publishing still reports what it did and knows.
    if (error instanceof IncompleteRunError) await report(error.report, redact);
    core.setFailed(redact(getErrorMessage(error)));
  }
}

/** Every output once, and the job summary. */
async function report(result: CommandReport, redact: Redactor): Promise<void> {
  for (const output of OUTPUTS) core.setOutput(output.name, redact(result.outputs[output.name] ?? ''));
  await core.summary.addRaw(redact(result.summary)).write();
}
