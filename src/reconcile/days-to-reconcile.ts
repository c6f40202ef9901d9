// Which UTC days the service's own reconciliation (RECONCILE_INTERVAL) compares with the Data API:
// each of the last week's days once, a while after it ended (RECONCILE_AFTER, an hour unless set:
// operations completed near midnight reach the Data API a little later), oldest first, so that a
// service down for days catches up. Pure: the job reads which days the Data API runs compared.

export const RECONCILED_DAYS = 7;
/** How long after a day ends it is compared, unless RECONCILE_AFTER says otherwise. */
export const DAY_SETTLES_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface Day {
  /** The day's start, ISO (00:00:00.000Z). */
  from: string;
  /** The next day's start. */
  to: string;
}

/** Whether [from, to) is one whole UTC day: the periods the job compares. */
export function isWholeDay(from: string, to: string): boolean {
  const start = Date.parse(from);
  return start % DAY_MS === 0 && Date.parse(to) - start === DAY_MS;
}

/** The start of the oldest day `daysToReconcile` considers at `now`: where its read of compared days begins. */
export function reconciledSince(now: Date, settlesMs = DAY_SETTLES_MS): string {
  return new Date(newestEnd(now, settlesMs) - RECONCILED_DAYS * DAY_MS).toISOString();
}

/**
 * Of the last RECONCILED_DAYS days that ended at least `settlesMs` before `now`, those whose start
 * is not in `compared` (ISO starts of whole days already compared), oldest first.
 */
export function daysToReconcile(now: Date, compared: ReadonlySet<string>, settlesMs = DAY_SETTLES_MS): Day[] {
  const days: Day[] = [];
  for (let back = RECONCILED_DAYS; back >= 1; back -= 1) {
    const start = newestEnd(now, settlesMs) - back * DAY_MS;
    const from = new Date(start).toISOString();
    if (!compared.has(from)) days.push({ from, to: new Date(start + DAY_MS).toISOString() });
  }
  return days;
}

/** The end of the newest day that has settled at `now`. */
const newestEnd = (now: Date, settlesMs: number): number => Math.floor((now.getTime() - settlesMs) / DAY_MS) * DAY_MS;
