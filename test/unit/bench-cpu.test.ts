// The bench charges each slice the CPU time /proc reports for the serving process and its main
// thread; a misread field would put a wrong cost per request in bench/results.json.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cpuBetween,
  cpuPerRequest,
  cpuSample,
  machineBetween,
  machineCost,
  machineSample,
  machineTimesOf,
  ticksOf,
} from '../../scripts/bench/cpu.js';

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

describe("the whole machine's time from /proc/stat", () => {
  it('counts user, nice, system, irq and softirq as busy; idle, iowait and steal only in the total; guest not twice', () => {
    //                  user nice system idle iowait irq softirq steal guest guest_nice
    const line = 'cpu  600  10   200    900  40     5   15      30    100   0';
    expect(machineTimesOf(line)).toEqual({
      busyUs: (600 + 10 + 200 + 5 + 15) * 10_000,
      totalUs: (600 + 10 + 200 + 900 + 40 + 5 + 15 + 30) * 10_000,
    });
  });

  it("refuses a line that is not the machine's total", () => {
    expect(() => machineTimesOf('cpu0 1 2 3 4 5 6 7 8 0 0')).toThrow(/not the cpu line/);
    expect(() => machineTimesOf('cpu 1 2 3')).toThrow(/not the cpu line/);
  });

  it.skipIf(!existsSync('/proc/stat'))('samples this machine: time only moves forward, busy within the total', () => {
    const before = machineSample()!;
    let x = 0;
    for (let i = 0; i < 2_000_000; i++) x += Math.sqrt(i);
    const spent = machineBetween(before, machineSample())!;
    expect(x).toBeGreaterThan(0);
    expect(spent.busyUs).toBeGreaterThanOrEqual(0);
    expect(spent.totalUs).toBeGreaterThanOrEqual(spent.busyUs);
  });
});

describe("cost per request of a target's slices", () => {
  const slice = (processUs: number, busyUs: number, totalUs: number) => ({
    server: { processUs, mainThreadUs: processUs / 2 },
    loadGeneratorUs: 40_000,
    machine: { busyUs, totalUs },
  });

  it('divides each cost by the requests of all slices, and gives the share of the cores that was busy', () => {
    // Two slices of one second on two cores, 1,000 requests in all.
    const cost = cpuPerRequest(
      [slice(100_000, 1_800_000, 2_000_000), slice(60_000, 1_600_000, 2_000_000)],
      [{ requests: 600 }, { requests: 400 }],
    );
    expect(cost).toEqual({ process: 160, main_thread: 80, load_generator: 80, machine: 3400, machine_busy: 0.85 });
  });

  it("gives the machine's cost of one run the same way (npm run load)", () => {
    expect(machineCost({ busyUs: 1_700_000, totalUs: 2_000_000 }, 6_800)).toEqual({ machine: 250, machine_busy: 0.85 });
    expect(machineCost({ busyUs: 1_700_000, totalUs: 2_000_000 }, 0)).toBeUndefined();
    expect(machineCost({ busyUs: 0, totalUs: 0 }, 10)).toBeUndefined();
  });

  it('leaves the figures out when a slice could not be read or served nothing', () => {
    expect(cpuPerRequest([{ ...slice(1, 1, 2), machine: undefined }], [{ requests: 10 }])).toBeUndefined();
    expect(cpuPerRequest([{ ...slice(1, 1, 2), server: undefined }], [{ requests: 10 }])).toBeUndefined();
    expect(cpuPerRequest([slice(1, 1, 2)], [{ requests: 0 }])).toBeUndefined();
  });
});
