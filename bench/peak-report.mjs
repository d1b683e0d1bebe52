// Preloaded (`node --import`) into the built action the bench measures. When the process
// exits it writes the process's own peak resident set (VmHWM) and CPU time, both threads
// together, to the file named by USAGE_LEDGER_BENCH_REPORT. Plain JavaScript so the
// measured process loads nothing the bench built.
import { readFileSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const target = process.env.USAGE_LEDGER_BENCH_REPORT;
if (isMainThread && target) {
  process.on('exit', () => {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    const cpu = process.cpuUsage();
    writeFileSync(target, JSON.stringify({ peakKiB: match ? Number(match[1]) : null, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 }));
  });
}
