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

  it('refuses a day not on the calendar, which Date.parse would roll into the next month', () => {
    expect(periodOf('2028-02-29', '2028-02-29', USAGE)).toEqual({ from: '2028-02-29T00:00:00.000Z', to: '2028-03-01T00:00:00.000Z' });
    for (const text of ['2026-02-29', '2026-02-30', '2026-04-31', '2026-02-30T10:00:00Z']) {
      expect(refusal(text, '2026-12-31'), text).toBe(
        `--from takes a date (2026-12-01) or a time (2026-12-01T10:00:00Z), got "${text}"\n${USAGE}`,
      );
    }
  });

  it('refuses a time without its offset, or in another shape than ISO 8601, which Date.parse would read in its own way', () => {
    expect(periodOf('2026-12-01T10:00Z', '2026-12-01T10:00:00.5-01:30', USAGE)).toEqual({
      from: '2026-12-01T10:00:00.000Z',
      to: '2026-12-01T11:30:00.500Z',
    });
    // Read in the machine's own time zone; a five-digit year; a space for the T; a day of 24 hours.
    for (const text of ['2026-12-01T10:00:00', '99999-01-01', '2026-12-01 10:00:00Z', '2026-12-01T24:00:00Z', 'Dec 1 2026']) {
      expect(refusal('2026-01-01', text), text).toBe(
        `--to takes a date (2026-12-01) or a time (2026-12-01T10:00:00Z), got "${text}"\n${USAGE}`,
      );
    }
  });

  it('refuses a bound outside the years 0000 to 9999, whose ISO text would not sort as its time', () => {
    expect(refusal('2026-01-01', '9999-12-31')).toBe(`--to is outside the years 0000 to 9999, got "9999-12-31"\n${USAGE}`);
    expect(refusal('0000-01-01T00:00:00+01:00', '2026-01-01')).toBe(
      `--from is outside the years 0000 to 9999, got "0000-01-01T00:00:00+01:00"\n${USAGE}`,
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
