// A target measured in several slices, in turns with others, as one figure: how `npm run bench`
// and `npm run load -- --koa-reference` report what they measured on a machine whose speed drifts.
import type { LoadResult } from './load.js';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Several slices of one target, as one figure: requests over time; latencies the median slice's. */
export function combine(slices: LoadResult[], sliceSeconds: number): LoadResult {
  const requests = slices.reduce((sum, r) => sum + r.requests, 0);
  return {
    rps: Math.round(requests / (slices.length * sliceSeconds)),
    p50_ms: median(slices.map((r) => r.p50_ms)),
    p99_ms: median(slices.map((r) => r.p99_ms)),
    errors: slices.reduce((sum, r) => sum + r.errors, 0),
    requests,
  };
}

/** Runs made at the same time against several instances, as one: rates add up, latency is the worst. */
export function together(runs: LoadResult[]): LoadResult {
  if (runs.length === 1) return runs[0]!;
  return {
    rps: runs.reduce((sum, r) => sum + r.rps, 0),
    p50_ms: Math.max(...runs.map((r) => r.p50_ms)),
    p99_ms: Math.max(...runs.map((r) => r.p99_ms)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
  };
}

/**
 * The median over rounds of each round's own ratio of a target to a reference, slice i of one
 * measured beside slice i of the other: the figure least moved by the machine's drift.
 */
export function ratioByRound(target: LoadResult[], reference: LoadResult[]): number {
  if (target.length !== reference.length || target.length === 0)
    throw new Error(`ratioByRound: ${target.length} slices against ${reference.length}`);
  return median(target.map((r, i) => r.requests / reference[i]!.requests));
}
