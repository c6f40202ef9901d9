// The SQL of the store's lists read by the CLI, whole or a slice at a time (read-in-slices.ts).
import type { ListSlice, PaymentFilter, PaymentKey } from '../store.js';
import { PAYMENT_COLUMNS } from './rows.js';
import { UNSETTLED } from './statements.js';

export interface ListQuery {
  text: string;
  params: Array<string | number>;
}

/** ` limit ?` with its parameter when the list is read in slices. */
function limitOf(slice: ListSlice<unknown> | undefined, params: Array<string | number>): string {
  if (slice === undefined) return '';
  params.push(slice.limit);
  return ' limit ?';
}

export function paymentsListQuery(filter: PaymentFilter, slice?: ListSlice<PaymentKey>): ListQuery {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (filter.customerId !== undefined) {
    where.push('customer_id = ?');
    params.push(filter.customerId);
  }
  if (filter.status !== undefined) {
    where.push('status = ?');
    params.push(filter.status);
    // Read whole, the index of unsettled payments finds them (successful ones are most of the
    // table); read in slices, the creation index is walked once, in the list's own order, as a
    // sort of the unsettled index's rows would be repeated at every slice.
    if (filter.status !== 'success' && slice === undefined) where.push(UNSETTLED);
  }
  if (slice?.after !== undefined) {
    // A row value: the creation index is entered at the key, ties in created_at and all.
    where.push('(created_at, payment_id) > (?, ?)');
    params.push(slice.after.createdAt, slice.after.paymentId);
  }
  const filtered = where.length ? ` where ${where.join(' and ')}` : '';
  return { text: `select ${PAYMENT_COLUMNS} from payments${filtered} order by created_at, payment_id${limitOf(slice, params)}`, params };
}

/** The rows of `select` (a whole table's, no filter) in id order, after the slice's id. */
export function byIdQuery(
  select: string,
  slice: ListSlice<number> | undefined,
  filters: string[] = [],
  filterParams: Array<string | number> = [],
): ListQuery {
  const where = [...filters];
  const params = [...filterParams];
  if (slice?.after !== undefined) {
    where.push('id > ?');
    params.push(slice.after);
  }
  const filtered = where.length ? ` where ${where.join(' and ')}` : '';
  return { text: `${select}${filtered} order by id${limitOf(slice, params)}`, params };
}
