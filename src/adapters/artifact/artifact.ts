// The run's evidence (raw pages and diff files) as a workflow artifact, so it exists even
// with --publish none. Only inside Actions, where the artifact service's variables are set.
// The artifact client (and the storage SDK under it) is loaded only when it is used: it is
// the largest dependency by far, and most runs of the CLI never need it.

import type { Logger } from '../../ports.js';

export async function uploadEvidence(options: {
  name: string;
  files: readonly string[];
  rootDirectory: string;
  retentionDays: number;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
}): Promise<{ uploaded: boolean; id?: number }> {
  if (!options.env.ACTIONS_RUNTIME_TOKEN || !options.env.ACTIONS_RESULTS_URL) {
    options.logger.info('Not running inside GitHub Actions: the evidence artifact is skipped');
    return { uploaded: false };
  }
  if (options.files.length === 0) return { uploaded: false };
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const result = await client.uploadArtifact(options.name, [...options.files], options.rootDirectory, { retentionDays: options.retentionDays });
  options.logger.info(`Uploaded ${options.files.length} evidence file(s) as the artifact ${options.name}`);
  return { uploaded: true, ...(result.id === undefined ? {} : { id: result.id }) };
}
