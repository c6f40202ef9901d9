// A period given on the command line as --from and --to, in the ledger's ISO text: a date stands for
// the whole UTC day (`--to` included), a time for itself.
import { CliError } from './cli-error.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function periodBound(text: string, option: string, end: boolean, usage: string): string {
  const time = DAY.test(text) ? Date.parse(`${text}T00:00:00Z`) + (end ? 86_400_000 : 0) : Date.parse(text);
  if (Number.isNaN(time))
    throw new CliError(`${option} takes a date (2026-12-01) or a time (2026-12-01T10:00:00Z), got "${text}"\n${usage}`);
  return new Date(time).toISOString();
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
