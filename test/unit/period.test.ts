import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { periodOf } from '../../src/cli/period.js';

const USAGE = 'usage: ledger export --from DATE --to DATE';
const refusal = (from: string, to: string): string => {
  try {
    periodOf(from, to, USAGE);
  } catch (error) {
    if (error instanceof CliError) return error.message;
    throw error;
  }
  throw new Error(`${from}..${to} was taken`);
};

describe('a period from --from and --to', () => {
  it('takes a date as its whole UTC day, --to included', () => {
    expect(periodOf('2026-12-01', '2026-12-01', USAGE)).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' });
    expect(periodOf('2026-11-30', '2026-12-31', USAGE)).toEqual({ from: '2026-11-30T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
  });

  it('takes a time as itself, in any offset, and mixes the two', () => {
    expect(periodOf('2026-12-01T10:00:00Z', '2026-12-01T13:30:00+03:00', USAGE)).toEqual({
      from: '2026-12-01T10:00:00.000Z',
      to: '2026-12-01T10:30:00.000Z',
    });
    expect(periodOf('2026-12-01T10:00:00Z', '2026-12-01', USAGE)).toEqual({
      from: '2026-12-01T10:00:00.000Z',
      to: '2026-12-02T00:00:00.000Z',
    });
  });

  it('refuses what is neither, naming the option and the text, with the usage', () => {
    expect(refusal('yesterday', '2026-12-01')).toBe(
      `--from takes a date (2026-12-01) or a time (2026-12-01T10:00:00Z), got "yesterday"\n${USAGE}`,
    );
    expect(refusal('2026-12-01', '2026-13-01')).toBe(
      `--to takes a date (2026-12-01) or a time (2026-12-01T10:00:00Z), got "2026-13-01"\n${USAGE}`,
    );
  });

  it('refuses an empty period, saying where each end falls', () => {
    expect(refusal('2026-12-02', '2026-12-01')).toBe(
      'the period is empty: --from 2026-12-02 starts at 2026-12-02T00:00:00.000Z, --to 2026-12-01 ends at 2026-12-02T00:00:00.000Z, ' +
        `its whole day included; --to must end after --from starts\n${USAGE}`,
    );
    expect(refusal('2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z')).toBe(
      'the period is empty: --from 2026-12-01T10:00:00Z starts at 2026-12-01T10:00:00.000Z, --to 2026-12-01T10:00:00Z ends at ' +
        `2026-12-01T10:00:00.000Z; --to must end after --from starts\n${USAGE}`,
    );
  });
});
