// CPU time a process spent, whole and on its main thread, read from /proc (Linux). Requests per
// second are moved by everything sharing the machine's two cores; CPU time per request is what one
// request costs the process that served it, and its main thread's share is the part no other
// thread can take over. Elsewhere than Linux there is no /proc: the figures are left out.
import { readFileSync } from 'node:fs';

// /proc reports times in USER_HZ, which Linux fixes at 100 for every architecture.
const MICROSECONDS_PER_TICK = 10_000;

export interface CpuSample {
  processUs: number;
  mainThreadUs: number;
}

/** utime + stime of one /proc stat line; the command name may hold spaces and parentheses. */
export function ticksOf(statLine: string): number {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5), counted from the state field (3) onwards.
  return Number(fields[11]) + Number(fields[12]);
}

export function cpuSample(pid: number): CpuSample | undefined {
  try {
    // The process's line counts every thread it ever had; the main thread's is the task with its id.
    // The thread first: read second, the whole could otherwise show less than its part.
    const mainTicks = ticksOf(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
    const processTicks = ticksOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return { processUs: processTicks * MICROSECONDS_PER_TICK, mainThreadUs: mainTicks * MICROSECONDS_PER_TICK };
  } catch {
    return undefined;
  }
}

/** The CPU spent between two samples. */
export function cpuBetween(before: CpuSample | undefined, after: CpuSample | undefined): CpuSample | undefined {
  if (!before || !after) return undefined;
  return { processUs: after.processUs - before.processUs, mainThreadUs: after.mainThreadUs - before.mainThreadUs };
}
