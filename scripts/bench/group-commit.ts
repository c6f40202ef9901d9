// The service's group commit as it reports it on /metrics (kassa24_store_*), read around each write
// slice: how many writes shared one disk flush, and how long a batch and its COMMIT took. The write
// targets are only reachable if flushes are shared; this shows that they were, and by how much.
// A store that does not group-commit (PostgreSQL) reports no batches: the figures are left out.

export interface CommitTotals {
  batches: number;
  writes: number;
  batchSeconds: number;
  commitSeconds: number;
}

export interface GroupCommitFigures {
  /** Disk flushes (committed batches) per second of the slices. */
  commits_per_s: number;
  writes_per_commit: number;
  batch_ms: number;
  commit_ms: number;
}

/** The store's batch histograms' totals from a scrape's text; undefined if it reports none. */
export function commitTotalsOf(metricsText: string): CommitTotals | undefined {
  const read = (name: string): number | undefined => {
    const match = new RegExp(`^${name}\\{store="[a-z]+"\\} (\\S+)$`, 'm').exec(metricsText);
    return match ? Number(match[1]) : undefined;
  };
  const batches = read('kassa24_store_batch_writes_count');
  const writes = read('kassa24_store_batch_writes_sum');
  const batchSeconds = read('kassa24_store_batch_seconds_sum');
  const commitSeconds = read('kassa24_store_commit_seconds_sum');
  if (batches === undefined || writes === undefined || batchSeconds === undefined || commitSeconds === undefined) return undefined;
  return { batches, writes, batchSeconds, commitSeconds };
}

export async function commitTotals(baseUrl: string): Promise<CommitTotals | undefined> {
  const response = await fetch(`${baseUrl}/metrics`);
  return commitTotalsOf(await response.text());
}

export function totalsBetween(before: CommitTotals, after: CommitTotals): CommitTotals {
  return {
    batches: after.batches - before.batches,
    writes: after.writes - before.writes,
    batchSeconds: after.batchSeconds - before.batchSeconds,
    commitSeconds: after.commitSeconds - before.commitSeconds,
  };
}

/** Slices' totals as per-batch figures; undefined if a slice was not read or no batch ran. */
export function groupCommitFigures(slices: Array<CommitTotals | undefined>, seconds: number): GroupCommitFigures | undefined {
  if (slices.length === 0 || slices.some((s) => s === undefined)) return undefined;
  const sum = (key: keyof CommitTotals) => slices.reduce((total, s) => total + s![key], 0);
  const batches = sum('batches');
  if (batches <= 0) return undefined;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    commits_per_s: Math.round(batches / seconds),
    writes_per_commit: round1(sum('writes') / batches),
    batch_ms: round2((sum('batchSeconds') * 1000) / batches),
    commit_ms: round2((sum('commitSeconds') * 1000) / batches),
  };
}
