// Entry point of the bundled action (dist/index.js): a small launcher that runs the action's
// shell (src/main.ts) in the engine bundle on a worker thread; see launch/launcher.ts.
import { redactCredentialShapes } from './domain/credential-shapes.js';
import { launch } from './launch/launcher.js';
import { errorCommand } from './launch/workflow-command.js';

void launch({
  shell: 'action',
  engine: './engine/index.js',
  from: import.meta.url,
  // As the action's shell reads it (core.getInput trims).
  command: process.env.INPUT_COMMAND?.trim() || 'sync',
  env: process.env,
  argv: [],
  // A crash message may carry anything the engine held: mask credential shapes in it.
  reportCrash: (message) => process.stdout.write(errorCommand(redactCredentialShapes(message))),
}).then((code) => {
  process.exitCode = code;
});
