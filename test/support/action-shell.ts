// The action's shell run in this process as the runner would start it: inputs as INPUT_*
// variables, outputs and the job summary in files, workflow commands on stdout, the real
// @actions/core in between.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { vi } from 'vitest';

/** GITHUB_OUTPUT holds `name<<delimiter\nvalue\ndelimiter` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]!] = match[3]!;
  return outputs;
}

export interface ActionShellResult {
  /** Everything written to stdout: log lines and workflow commands. */
  stdout: string;
  /** process.exitCode as the shell left it (1 after core.setFailed); reset afterwards. */
  exitCode: number;
  outputs: Record<string, string>;
  summary: string;
}

export async function runActionShell(inputs: Record<string, string>, env: Record<string, string>, scratch: string): Promise<ActionShellResult> {
  const outputFile = path.join(scratch, 'output');
  const summaryFile = path.join(scratch, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
  for (const [name, value] of Object.entries({ ...env, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile })) vi.stubEnv(name, value);
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    // A fresh module graph, as a runner starts a fresh process: @actions/github reads its
    // context from the environment once, when it is first imported.
    vi.resetModules();
    const { run } = await import('../../src/main.js');
    await run();
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, exitCode, outputs: parseOutputs(await readFile(outputFile, 'utf8')), summary: await readFile(summaryFile, 'utf8') };
}
