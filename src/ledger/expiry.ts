// The method's threshold: a payment still pending after 36 days will not complete.
export const EXPIRY_THRESHOLD_DAYS = 36;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How far back an age given by an operator may reach: a century is older than any payment, and much
 * further the cutoff passes the dates JavaScript can hold.
 */
export const MAX_AGE_DAYS = 36_500;
export const MAX_AGE_MS = MAX_AGE_DAYS * DAY_MS;

/** Payments created before this instant and still pending are expired. */
export function expiryCutoff(now: Date, days = EXPIRY_THRESHOLD_DAYS): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
