// Text both stores keep as it was given. PostgreSQL's `text` cannot hold U+0000 (NUL) and SQLite's
// can, so a NUL that reached a store would be kept by one and fail the other's statement; and both
// keep UTF-8, in which half of a UTF-16 surrogate pair cannot be written, so a lone one would be
// kept as U+FFFD, another text (two such ids would become one). Every boundary refuses the text
// it would hand a store with these words, before the store sees it, whichever store it is.

export const NUL_REFUSAL = 'must not contain U+0000 (NUL)';
export const LONE_SURROGATE_REFUSAL = 'must be well-formed Unicode: it holds half of a UTF-16 surrogate pair (U+D800 to U+DFFF alone)';

/** Why a store could not keep `text` as it is, or undefined when it can. */
export function textRefusal(text: string): string | undefined {
  if (text.includes('\u0000')) return NUL_REFUSAL;
  if (!text.isWellFormed()) return LONE_SURROGATE_REFUSAL;
  return undefined;
}

export interface UnstorableField {
  /** A dotted path (`payment.id`, `items.0.reason`; `''` for the value itself). */
  field: string;
  refusal: string;
}

// A key is named as it is, but as it would end up in a stored refusal reason, it is escaped.
const segment = (key: string | number): string =>
  textRefusal(String(key)) === undefined ? String(key) : JSON.stringify(String(key)).slice(1, -1);

/** The fields of `value` (a JSON value) whose text a store could not keep as it is, in document order. */
export function unstorableFields(value: unknown, path = ''): UnstorableField[] {
  if (typeof value === 'string') {
    const refusal = textRefusal(value);
    return refusal === undefined ? [] : [{ field: path, refusal }];
  }
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, v]) => unstorableFields(v, path ? `${path}.${segment(key)}` : segment(key)));
}
