// The bench charges each slice the CPU time /proc reports for the serving process and its main
// thread; a misread field would put a wrong cost per request in bench/results.json.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuBetween, cpuSample, ticksOf } from '../../scripts/bench/cpu.js';

describe('CPU time from /proc', () => {
  it('reads utime + stime (fields 14 and 15) even when the command name holds spaces and parentheses', () => {
    const line = '4242 (node (writer) x) S 1 4242 4242 0 -1 4194560 9 0 0 0 1234 56 7 8 20 0 11 0 100 0 0';
    expect(ticksOf(line)).toBe(1234 + 56);
  });

  it.skipIf(!existsSync('/proc/self/stat'))('samples this process: work on its main thread shows in both figures', () => {
    // Tests run on a fork's main thread (vitest.config.ts); /proc counts in 10 ms ticks, so work
    // until three have passed rather than for a wall-clock time a busy machine may not grant.
    const before = cpuSample(process.pid)!;
    let after = before;
    let x = 0;
    const giveUp = performance.now() + 10_000;
    while (after.mainThreadUs - before.mainThreadUs < 30_000 && performance.now() < giveUp) {
      for (let i = 0; i < 100_000; i++) x += Math.sqrt(x + i);
      after = cpuSample(process.pid)!;
    }
    const spent = cpuBetween(before, after)!;
    expect(x).toBeGreaterThan(0);
    expect(spent.mainThreadUs).toBeGreaterThanOrEqual(30_000);
    expect(spent.processUs).toBeGreaterThan(0);
    // The whole holds its part. Compared as totals, not as the increase over a few ticks: the
    // kernel settles the process's total by its own accounting, which can trail a thread's by a
    // tick or two (the bench's slices last seconds, where that is noise).
    expect(before.mainThreadUs).toBeLessThanOrEqual(before.processUs);
    expect(after.mainThreadUs).toBeLessThanOrEqual(after.processUs);
  });

  it('leaves the figure out for a process that is not there', () => {
    expect(cpuSample(2 ** 30)).toBeUndefined();
    expect(cpuBetween(undefined, { processUs: 1, mainThreadUs: 1 })).toBeUndefined();
  });
});
