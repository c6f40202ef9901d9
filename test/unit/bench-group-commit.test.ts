// The bench reads the service's group commit from its own /metrics text; a misread line would put
// wrong writes-per-flush figures in bench/results.json. Read here from what Metrics really writes.
import { describe, expect, it } from 'vitest';
import { commitTotalsOf, groupCommitFigures, totalsBetween } from '../../scripts/bench/group-commit.js';
import { Metrics } from '../../src/http/metrics.js';
import type { CommitListener } from '../../src/store/store.js';

function storeReporting(dialect: 'sqlite' | 'postgres', batches: Array<Parameters<CommitListener>>): Metrics {
  const metrics = new Metrics();
  let listener: CommitListener | undefined;
  metrics.watchStore({ dialect, onCommit: (l) => void (listener = l) });
  for (const batch of batches) listener!(...batch);
  return metrics;
}

describe('group commit figures from /metrics', () => {
  it('reads the batch histograms a SQLite store reported', async () => {
    const metrics = storeReporting('sqlite', [
      [16, 0.0012, 0.0008],
      [4, 0.0006, 0.0005],
    ]);
    expect(commitTotalsOf(await metrics.registry.metrics())).toEqual({
      batches: 2,
      writes: 20,
      batchSeconds: expect.closeTo(0.0018, 12) as unknown,
      commitSeconds: expect.closeTo(0.0013, 12) as unknown,
    });
  });

  it('finds nothing when the store reports no batches', async () => {
    const metrics = new Metrics();
    metrics.watchStore({ dialect: 'postgres' });
    expect(commitTotalsOf(await metrics.registry.metrics())).toBeUndefined();
  });

  it("turns the totals of each slice into per-flush figures over the slices' time", () => {
    const before = { batches: 10, writes: 100, batchSeconds: 0.01, commitSeconds: 0.008 };
    const after = { batches: 1010, writes: 17_100, batchSeconds: 1.21, commitSeconds: 0.808 };
    const slice = totalsBetween(before, after);
    expect(slice).toEqual({
      batches: 1000,
      writes: 17_000,
      batchSeconds: expect.closeTo(1.2, 9) as unknown,
      commitSeconds: expect.closeTo(0.8, 9) as unknown,
    });
    expect(groupCommitFigures([slice, slice], 4)).toEqual({ commits_per_s: 500, writes_per_commit: 17, batch_ms: 1.2, commit_ms: 0.8 });
    expect(groupCommitFigures([slice, undefined], 4)).toBeUndefined();
  });
});
