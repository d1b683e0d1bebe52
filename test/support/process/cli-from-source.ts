// The command line as a real process, from the sources: the shell's main() with this
// process's arguments, environment and streams (see cliProcess in ../cli-process.ts).
import { main } from '../../../src/shell/cli-main.js';

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
});
