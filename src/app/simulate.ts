// `usage-ledger simulate`: serve the embedded provider simulator on loopback until
// interrupted, so the CLI, the action or any client can be pointed at it.

import { EXIT_COMPLETED } from '../errors.js';
import { nextStopSignal } from '../launch/stop-signal.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../ports.js';
import type { Settings } from '../config/settings.js';
import { SCENARIO_NAMES, type ScenarioName, startSimulator } from '../simulator/index.js';

export function parseScenarios(names: readonly string[]): ScenarioName[] {
  const unknown = names.filter((name) => !SCENARIO_NAMES.includes(name as ScenarioName));
  if (unknown.length > 0) throw new UsageError(`unknown scenario ${unknown.join(', ')}; expected some of ${SCENARIO_NAMES.join(', ')}`, 'scenario');
  return names as ScenarioName[];
}

export async function serveSimulator(settings: Settings, logger: Logger): Promise<number> {
  const scenarios = parseScenarios(settings.scenarios);
  const simulator = await startSimulator({ port: settings.port, scenarios });
  logger.info(`Simulator serving the OpenAI usage and costs API at ${simulator.url}`);
  logger.info(`Scenarios: ${scenarios.length > 0 ? scenarios.join(', ') : 'none (steady)'}`);
  logger.info('Any key starting with sk-admin- is accepted. Try:');
  logger.info(`  OPENAI_ADMIN_KEY=sk-admin-local usage-ledger sync --openai-base-url ${simulator.url} --audit-dir audit-sim`);
  logger.info('Press Ctrl+C to stop.');
  await nextStopSignal();
  await simulator.close();
  return EXIT_COMPLETED;
}
