// Times in a query: the generated validator checks their shape, not the calendar.
import { problem } from '../problem.js';

/** Whether the date of an RFC 3339 date-time (already of the right shape) is on the calendar. */
function onCalendar(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && !Number.isNaN(Date.parse(text));
}

type Period = { from?: string; to?: string };

/** A date-time the format check let through but the calendar has not (2026-02-30). */
export const impossibleTime = (params: Period) =>
  (['from', 'to'] as const).find((name) => params[name] !== undefined && !onCalendar(params[name]));

/** The problem of such a time, naming the field. */
export function impossibleTimeProblem(params: Period, field: 'from' | 'to') {
  const message = `"${params[field]}" is not a date and time that exists`;
  return problem('invalid-request', `${field}: ${message}`, [{ field, message }]);
}
