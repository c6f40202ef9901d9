// CPU time a process spent, whole and on its main thread, read from /proc (Linux). Requests per
// second are moved by everything sharing the machine's two cores; CPU time per request is what one
// request costs the process that served it, and its main thread's share is the part no other
// thread can take over. The whole machine's busy time (/proc/stat) says what a request cost the two
// cores, the load generator and the kernel included, and whether they were full: where they were,
// a target's rate is the machine's busy time divided by that cost, and two targets' ratio that of
// their costs. Elsewhere than Linux there is no /proc: the figures are left out.
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

/**
 * The whole machine's CPU time from the first line of /proc/stat, in microseconds summed over every
 * core: busy (user, nice, system, irq, softirq) and all of it (idle, waiting for the disk and time
 * the hypervisor took included). Two busy cores for one second are 2,000,000 µs busy.
 */
export interface MachineSample {
  busyUs: number;
  totalUs: number;
}

/** The `cpu` line of /proc/stat as busy and total time. */
export function machineTimesOf(cpuLine: string): MachineSample {
  const [label, ...fields] = cpuLine.trim().split(/\s+/);
  if (label !== 'cpu' || fields.length < 8) throw new Error(`not the cpu line of /proc/stat: "${cpuLine}"`);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.slice(0, 8).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
  const busy = user + nice + system + irq + softirq;
  return { busyUs: busy * MICROSECONDS_PER_TICK, totalUs: (busy + idle + iowait + steal) * MICROSECONDS_PER_TICK };
}

export function machineSample(): MachineSample | undefined {
  try {
    return machineTimesOf(readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!);
  } catch {
    return undefined;
  }
}

export function machineBetween(before: MachineSample | undefined, after: MachineSample | undefined): MachineSample | undefined {
  if (!before || !after) return undefined;
  return { busyUs: after.busyUs - before.busyUs, totalUs: after.totalUs - before.totalUs };
}

/** What one slice of load cost: the serving process, the load generator, the machine. */
export interface CpuSlice {
  server: CpuSample | undefined;
  loadGeneratorUs: number;
  machine: MachineSample | undefined;
}

export interface CpuPerRequest {
  process: number;
  main_thread: number;
  load_generator: number;
  machine: number;
  machine_busy: number;
}

/** The machine's busy time per request and the share of its cores that was busy; undefined for no requests or no time. */
export function machineCost(machine: MachineSample, requests: number): { machine: number; machine_busy: number } | undefined {
  if (requests <= 0 || machine.totalUs <= 0) return undefined;
  return {
    machine: Math.round((machine.busyUs / requests) * 10) / 10,
    machine_busy: Math.round((machine.busyUs / machine.totalUs) * 100) / 100,
  };
}

/** The slices' costs per request; undefined if any slice could not be read. */
export function cpuPerRequest(cpuSlices: CpuSlice[], loadSlices: Array<{ requests: number }>): CpuPerRequest | undefined {
  if (cpuSlices.some((c) => c.server === undefined || c.machine === undefined)) return undefined;
  const requests = loadSlices.reduce((sum, r) => sum + r.requests, 0);
  const machine = machineCost(
    {
      busyUs: cpuSlices.reduce((sum, c) => sum + c.machine!.busyUs, 0),
      totalUs: cpuSlices.reduce((sum, c) => sum + c.machine!.totalUs, 0),
    },
    requests,
  );
  if (!machine) return undefined;
  const per = (us: number) => Math.round((us / requests) * 10) / 10;
  return {
    process: per(cpuSlices.reduce((sum, c) => sum + c.server!.processUs, 0)),
    main_thread: per(cpuSlices.reduce((sum, c) => sum + c.server!.mainThreadUs, 0)),
    load_generator: per(cpuSlices.reduce((sum, c) => sum + c.loadGeneratorUs, 0)),
    ...machine,
  };
}
