// The days the service's own reconciliation compares: the last week's, each once, an hour after it
// ended, oldest first.
import { describe, expect, it } from 'vitest';
import { daysToReconcile, isWholeDay, reconciledSince } from '../../src/reconcile/days-to-reconcile.js';

const day = (date: string) => ({ from: `${date}T00:00:00.000Z`, to: new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString() });
const starts = (days: Array<{ from: string }>) => days.map((d) => d.from.slice(0, 10));

describe('daysToReconcile', () => {
  it('gives the last seven days that ended an hour ago, oldest first', () => {
    const days = daysToReconcile(new Date('2026-12-08T01:00:00Z'), new Set());
    expect(starts(days)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07']);
    expect(days[6]).toEqual(day('2026-12-07'));
  });

  it('leaves yesterday for later in the first hour of today', () => {
    expect(starts(daysToReconcile(new Date('2026-12-08T00:59:59.999Z'), new Set())).at(-1)).toBe('2026-12-06');
  });

  it('waits as long after a day as it is told: six hours, two days', () => {
    expect(starts(daysToReconcile(new Date('2026-12-08T05:59:59.999Z'), new Set(), 6 * 3_600_000)).at(-1)).toBe('2026-12-06');
    expect(starts(daysToReconcile(new Date('2026-12-08T06:00:00Z'), new Set(), 6 * 3_600_000)).at(-1)).toBe('2026-12-07');
    const days = daysToReconcile(new Date('2026-12-08T12:00:00Z'), new Set(), 2 * 86_400_000);
    expect(starts(days)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05']);
  });

  it('leaves out the days already compared', () => {
    const compared = new Set(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-05', '2026-12-06', '2026-12-07'].map((d) => day(d).from));
    expect(daysToReconcile(new Date('2026-12-08T12:00:00Z'), compared)).toEqual([day('2026-12-04')]);
    compared.add(day('2026-12-04').from);
    expect(daysToReconcile(new Date('2026-12-08T23:59:00Z'), compared)).toEqual([]);
  });

  it("starts its window where the job's read of compared days begins", () => {
    for (const now of ['2026-12-08T00:59:59.999Z', '2026-12-08T01:00:00Z', '2026-12-08T23:59:00Z'].map((t) => new Date(t))) {
      expect(reconciledSince(now)).toBe(daysToReconcile(now, new Set())[0]!.from);
      expect(reconciledSince(now, 2 * 86_400_000)).toBe(daysToReconcile(now, new Set(), 2 * 86_400_000)[0]!.from);
    }
  });
});

describe('isWholeDay', () => {
  it('tells a whole UTC day from any other period', () => {
    expect(isWholeDay('2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z')).toBe(true);
    expect(isWholeDay('2026-12-07T00:00:00.000Z', '2026-12-09T00:00:00.000Z')).toBe(false);
    expect(isWholeDay('2026-12-07T06:00:00.000Z', '2026-12-08T06:00:00.000Z')).toBe(false);
  });
});
