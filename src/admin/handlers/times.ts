// Times in a query: the generated validator checks their shape, not the calendar.
import { problem } from '../problem.js';

/** Whether the date of an RFC 3339 date-time (already of the right shape) is on the calendar. */
function onCalendar(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && !Number.isNaN(Date.parse(text));
}

type Period = { from?: string; to?: string };

/** The problem of a period that names no time: a date not on the calendar, or `to` not after `from`. */
export function periodProblem(params: Period) {
  const impossible = (['from', 'to'] as const).find((name) => params[name] !== undefined && !onCalendar(params[name]));
  if (impossible) {
    const message = `"${params[impossible]}" is not a date and time that exists`;
    return problem('invalid-request', `${impossible}: ${message}`, [{ field: impossible, message }]);
  }
  const { from, to } = params;
  if (from !== undefined && to !== undefined && Date.parse(to) <= Date.parse(from)) {
    const message = `must come after from (${from}): the period is [from, to)`;
    return problem('invalid-request', `to: ${message}`, [{ field: 'to', message }]);
  }
  return undefined;
}
