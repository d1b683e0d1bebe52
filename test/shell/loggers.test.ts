// Every log line passes redaction where it is written, whichever module wrote it: the
// console logger on the command line, @actions/core's commands inside Actions.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedactor } from '../../src/adapters/http/redact.js';
import { actionsLogger, consoleLogger } from '../../src/shell/loggers.js';

const KEY = 'sk-admin-Lg7Qw2Er9Ty4Ui1Op5As';
const LINE = `provider said sk-admin-Lg7…p5As, then key ending in ${KEY.slice(-6)}; header Bearer ${KEY}`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('loggers', () => {
  it('the console logger masks credential shapes, and pieces of the secrets it is given', async () => {
    let written = '';
    const logger = consoleLogger({ verbose: true, write: (text) => void (written += text), redact: createRedactor([KEY]) });
    logger.info(LINE);
    logger.warning(LINE);
    logger.debug(LINE);
    await logger.group(LINE, async () => undefined);
    const lines = written.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(/provider said sk-admin-\*\*\*, then key ending in \*\*\*; header Bearer \*\*\*$/);
  });

  it('without secrets, the console logger still masks anything shaped like a key', () => {
    let written = '';
    consoleLogger({ verbose: false, write: (text) => void (written += text) }).info('token ghp_abcDEF123 and key sk-proj-Zz9…Yy8');
    expect(written).toBe('token ghp_*** and key sk-proj-***\n');
  });

  it('the Actions logger masks before @actions/core writes the line', () => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    const logger = actionsLogger(createRedactor([KEY]));
    logger.info(LINE);
    logger.warning(LINE);
    logger.debug(LINE);
    vi.restoreAllMocks();
    expect(stdout).not.toContain(KEY.slice(-6));
    expect(stdout).not.toContain('Lg7');
    expect(stdout.match(/sk-admin-\*\*\*/g)).toHaveLength(3);
  });
});
