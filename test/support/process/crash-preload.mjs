// Kills this process (SIGKILL: no cleanup, no finally) at a chosen point of a run, to
// test that a crash anywhere leaves a ledger the next run can recover:
//   USAGE_LEDGER_TEST_CRASH=rename:N   right after the Nth file is renamed into place
//   USAGE_LEDGER_TEST_CRASH=git:commit just before git commit starts
//   USAGE_LEDGER_TEST_CRASH=git:push   just before git push starts (committed, not pushed)
//   USAGE_LEDGER_TEST_CRASH=git:push-running  while git push runs
// USAGE_LEDGER_TEST_COUNT=FILE writes the number of renames to FILE at exit instead.
import childProcess from 'node:child_process';
import { writeFileSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const [kind, at] = (process.env.USAGE_LEDGER_TEST_CRASH ?? '').split(':');
const die = () => process.kill(process.pid, 'SIGKILL');
let renames = 0;

const rename = fsPromises.rename;
fsPromises.rename = async (...args) => {
  await rename(...args);
  renames += 1;
  if (kind === 'rename' && renames === Number(at)) die();
};

const spawn = childProcess.spawn;
childProcess.spawn = (command, args, ...rest) => {
  const gitCommand = command === 'git' ? args.find((arg) => ['commit', 'push'].includes(arg)) : undefined;
  if (kind === 'git' && gitCommand !== undefined && gitCommand === at) die();
  const child = spawn(command, args, ...rest);
  if (kind === 'git' && gitCommand === 'push' && at === 'push-running') setTimeout(die, 20);
  return child;
};
syncBuiltinESMExports();

const countFile = process.env.USAGE_LEDGER_TEST_COUNT;
if (countFile) process.on('exit', () => writeFileSync(countFile, String(renames)));
