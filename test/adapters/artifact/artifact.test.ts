import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/ports.js';
import { uploadEvidence } from '../../../src/adapters/artifact/artifact.js';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(m), warning: (m) => void lines.push(m), debug: () => {}, group: (_n, body) => body() };
}

describe('uploadEvidence', () => {
  it('is skipped with a note outside GitHub Actions, whatever the files', async () => {
    const logger = recordingLogger();
    const result = await uploadEvidence({ name: 'evidence', files: ['/nonexistent/raw.json'], rootDirectory: '/nonexistent', retentionDays: 30, env: {}, logger });
    expect(result).toEqual({ uploaded: false });
    expect(logger.lines).toEqual(['Not running inside GitHub Actions: the evidence artifact is skipped']);
  });
});
