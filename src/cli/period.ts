// A period given on the command line as --from and --to, in the ledger's ISO text: a date stands for
// the whole UTC day (`--to` included), a time for itself.
import { CliError } from './cli-error.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// A time as ISO 8601 writes it, with its offset: what Date.parse takes besides (a bare date-time,
// read in the machine's own zone; a year of five digits) is not a bound an operator meant.
const TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** Whether `day` (YYYY-MM-DD) is on the calendar: Date.parse turns 2026-02-30 into March 2nd. */
const onCalendar = (day: string): boolean => {
  const time = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === day;
};

function periodBound(text: string, option: string, end: boolean, usage: string): string {
  const day = DAY.test(text) ? text : TIME.exec(text)?.[1];
  const time = day === undefined || !onCalendar(day) ? Number.NaN : Date.parse(text === day ? `${day}T00:00:00Z` : text);
  if (Number.isNaN(time))
    throw new CliError(`${option} takes a date (2026-12-01) or a time (2026-12-01T10:00:00Z), got "${text}"\n${usage}`);
  // ISO text of years 0000 to 9999 compares as the times do, as the ledger's columns are compared.
  const bound = new Date(time + (text === day && end ? 86_400_000 : 0)).toISOString();
  if (!/^\d{4}-/.test(bound)) throw new CliError(`${option} is outside the years 0000 to 9999, got "${text}"\n${usage}`);
  return bound;
}

/** [from, to) as ISO times, never empty; `usage` goes with any refusal. */
export function periodOf(from: string, to: string, usage: string): { from: string; to: string } {
  const period = { from: periodBound(from, '--from', false, usage), to: periodBound(to, '--to', true, usage) };
  if (period.from >= period.to) {
    const whole = DAY.test(to) ? ', its whole day included' : '';
    throw new CliError(
      `the period is empty: --from ${from} starts at ${period.from}, --to ${to} ends at ${period.to}${whole}; --to must end after --from starts\n${usage}`,
    );
  }
  return period;
}
