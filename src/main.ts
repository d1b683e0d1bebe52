// The action's shell: read the inputs, run one command, set every output once at the end,
// write the job summary. The single catch turns any error into one failure message.

import * as core from '@actions/core';
import { runCommand } from './commands/dispatch.js';
import { getErrorMessage } from './errors.js';
import { OPTIONS, OUTPUTS } from './options.js';
import { systemClock } from './ports.js';
import { parseSettings } from './settings.js';
import { actionsLogger } from './shell/loggers.js';

function readInputs(): { command: string; options: Record<string, string> } {
  const options: Record<string, string> = {};
  for (const spec of OPTIONS) {
    if (spec.cliOnly || spec.actionOnly) continue;
    const value = core.getInput(spec.name);
    if (value !== '') options[spec.name] = value;
  }
  return { command: core.getInput('command') || 'sync', options };
}

/** `engine`: what only the bundled engine can give (see engine.ts). */
export async function run(engine: { dayBuilderScript?: URL } = {}): Promise<void> {
  try {
    const { command, options } = readInputs();
    const secret = options['openai-admin-key'];
    if (secret) core.setSecret(secret);
    if (options['github-token']) core.setSecret(options['github-token']);
    for (const name of ['OPENAI_ADMIN_KEY', 'OPENAI_API_KEY_USAGE_TRACKING', 'GITHUB_TOKEN']) {
      const value = process.env[name];
      if (value) core.setSecret(value);
    }
    const settings = parseSettings(command, [], options, process.env, systemClock.now());
    const report = await runCommand(settings, {
      cwd: process.env.GITHUB_WORKSPACE || process.cwd(),
      clock: systemClock,
      logger: actionsLogger,
      env: process.env,
      dayBuilderScript: engine.dayBuilderScript,
    });
    for (const output of OUTPUTS) core.setOutput(output.name, report.outputs[output.name] ?? '');
    await core.summary.addRaw(report.summary).write();
  } catch (error) {
    core.setFailed(getErrorMessage(error));
  }
}
