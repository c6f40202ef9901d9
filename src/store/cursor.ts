// Keyset pagination's cursor: the sort key of the last item of a page, opaque to callers
// (base64url of a JSON array), checked on the way back in.

export type CursorKey = Array<string | number>;

const NOT_OURS = 'is not one this list answered; start again without it';

/** A cursor that was not made by this service for this list. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  /**
   * @param field the parameter the cursor came in
   * @param reason what is wrong with it, as a field's error says it
   */
  constructor(
    readonly field = 'cursor',
    readonly reason = NOT_OURS,
  ) {
    super(`${field} ${reason}`);
  }
}

export const encodeCursor = (key: CursorKey): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The key in `cursor`, whose items must have the types of `shape`. */
export function decodeCursor<const S extends ReadonlyArray<'string' | 'number'>>(
  cursor: string,
  shape: S,
): { [I in keyof S]: S[I] extends 'string' ? string : number } {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((value, i) => typeof value !== shape[i])) {
    throw new InvalidCursorError();
  }
  return key as { [I in keyof S]: S[I] extends 'string' ? string : number };
}

export interface Page<T> {
  items: T[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** A page of `limit` from `rows` fetched with `limit + 1`: the extra row only says there is more. */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (row: R) => CursorKey, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(map), nextCursor: more ? encodeCursor(keyOf(kept[kept.length - 1]!)) : null };
}
