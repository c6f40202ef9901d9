// Text both stores keep alike. PostgreSQL's `text` cannot hold U+0000 (NUL) and SQLite's can, so a
// NUL that reached a store would be kept by one and fail the other's statement: every boundary
// refuses it here first, with the same words, whichever store the service runs on.

/** What a boundary says of a field holding U+0000. */
export const NUL_REFUSAL = 'must not contain U+0000 (NUL)';

// A key is named as it is, but a NUL in it would end up in a stored refusal reason.
const segment = (key: string | number): string => String(key).replaceAll('\u0000', '\\u0000');

/**
 * The fields of `value` (a JSON value) whose text holds U+0000, as dotted paths (`payment.id`,
 * `items.0.reason`; `''` for `value` itself), in document order.
 */
export function fieldsHoldingNul(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path] : [];
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, v]) => fieldsHoldingNul(v, path ? `${path}.${segment(key)}` : segment(key)));
}
