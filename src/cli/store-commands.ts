// Admin commands over the same DATABASE_URL as the service: accounts and payments.
import { schemaValidators } from '../../generated/validators.js';
import { currencyProblem } from '../ledger/currency.js';
import { EXPIRY_THRESHOLD_DAYS, expiryCutoff, MAX_AGE_DAYS } from '../ledger/expiry.js';
import type { Account, Payment, PaymentStatus, StoredCallback } from '../ledger/model.js';
import type { AccountOutcome } from '../ledger/operator-rules.js';
import { readInSlices } from '../store/read-in-slices.js';
import { unstorableFields } from '../store/storable-text.js';
import { AccountExistsError, type NewAccount, type PaymentKey, type Store } from '../store/store.js';
import { callbackJson, rejectedCallbackJson } from '../admin/representation.js';
import { CliError } from './cli-error.js';
import { actorOf } from './operator-commands.js';
import { wholeNumber } from './whole-number.js';

const PAYMENT_STATUSES: readonly PaymentStatus[] = ['pending', 'success', 'failed', 'expired'];

export const accountJson = (a: Account) => ({
  customer_id: a.customerId,
  currency: a.currency,
  balance: a.balance,
  status: a.status,
  additional_customer_id: a.additionalCustomerId,
});

export const paymentJson = (p: Payment) => ({
  payment_id: p.paymentId,
  project_id: p.projectId,
  customer_id: p.customerId,
  amount: p.amount,
  currency: p.currency,
  status: p.status,
  last_callback_status: p.lastCallbackStatus,
  settled_by_adjustment: p.settledByAdjustment,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

function requireCustomerId(id: string | undefined, usage: string): string {
  if (id === undefined) throw new CliError(`usage: ${usage}`);
  // The same rule the contract applies to customer_id: what the platform can send is what can be added.
  if (!schemaValidators.CustomerId(id))
    throw new CliError(`customer id ${JSON.stringify(id)} breaks the contract: 1 to 255 characters, no control characters`);
  return id;
}

export async function addAccount(store: Store, opts: { customerId?: string; currency?: string; additionalId?: string; actor?: string }) {
  const usage = 'accounts add --customer-id ID --currency KZT [--additional-id X]';
  const customerId = requireCustomerId(opts.customerId, usage);
  if (opts.currency === undefined) throw new CliError(`usage: ${usage}`);
  const currency = currencyProblem(opts.currency);
  if (currency) throw new CliError(currency);
  const outcome = await store.createAccountAsOperator({
    customerId,
    currency: opts.currency,
    ...(opts.additionalId !== undefined && { additionalCustomerId: opts.additionalId }),
    actor: actorOf(opts.actor),
  });
  if ('refused' in outcome) throw new CliError(outcome.refused.message, 1);
  return accountJson(outcome.account);
}

export async function showAccount(store: Store, customerId: string | undefined) {
  const id = requireCustomerId(customerId, 'accounts show ID');
  const account = await store.findAccount(id);
  if (!account) throw new CliError(`no account ${id}`, 1);
  return accountJson(account);
}

export async function closeAccount(store: Store, customerId: string | undefined, actor: string | undefined) {
  const id = requireCustomerId(customerId, 'accounts close ID');
  return changedAccount(id, await store.closeAccountAsOperator({ customerId: id, actor: actorOf(actor) }));
}

// Counted up to here, as the console does: past it the operator reads the list anyway.
const PENDING_COUNTED = 100;

/** What an operator closing an account should know: its pending payments still credit it when they succeed. */
export async function pendingPaymentsNote(store: Store, customerId: string): Promise<string | undefined> {
  const pending = (await store.listPayments({ customerId, status: 'pending' }, { limit: PENDING_COUNTED + 1 })).length;
  if (pending === 0) return undefined;
  const count =
    pending > PENDING_COUNTED ? `More than ${PENDING_COUNTED} payments` : `${pending} ${pending === 1 ? 'payment' : 'payments'}`;
  return (
    `${count} opened on ${customerId} ${pending === 1 ? 'is' : 'are'} still pending: ` +
    `each success still credits the account and is flagged for review ` +
    `(payments list --customer-id ${customerId} --status pending)`
  );
}

export async function reopenAccount(store: Store, customerId: string | undefined, actor: string | undefined) {
  const id = requireCustomerId(customerId, 'accounts reopen ID');
  return changedAccount(id, await store.reopenAccountAsOperator({ customerId: id, actor: actorOf(actor) }));
}

function changedAccount(customerId: string, outcome: AccountOutcome) {
  if ('refused' in outcome) {
    throw new CliError(outcome.refused.reason === 'not_found' ? `no account ${customerId}` : outcome.refused.message, 1);
  }
  return accountJson(outcome.account);
}

const paymentKey = (p: Payment): PaymentKey => ({ createdAt: p.createdAt, paymentId: p.paymentId });
const idOf = (item: { id: number }) => item.id;

/** The payments, oldest first, read a slice at a time. */
export async function* listPayments(store: Store, opts: { customerId?: string; status?: string }) {
  if (opts.status !== undefined && !PAYMENT_STATUSES.includes(opts.status as PaymentStatus)) {
    throw new CliError(`--status must be one of ${PAYMENT_STATUSES.join(', ')}`);
  }
  const filter = {
    ...(opts.customerId !== undefined && { customerId: opts.customerId }),
    ...(opts.status !== undefined && { status: opts.status as PaymentStatus }),
  };
  for await (const payment of readInSlices((slice) => store.listPayments(filter, slice), paymentKey)) yield paymentJson(payment);
}

/** The admin API's callback with its review flattened, as the CLI prints it. */
export const storedCallbackJson = (c: StoredCallback) => {
  const { review: _review, ...callback } = callbackJson(c);
  return { ...callback, reviewed_at: c.reviewedAt, reviewed_by: c.reviewedBy, review_note: c.reviewNote };
};

/** The stored callbacks in the order they were stored, read a slice at a time. */
export async function* listCallbacks(store: Store, opts: { paymentId?: string; flagged?: boolean }) {
  const filter = {
    ...(opts.paymentId !== undefined && { paymentId: opts.paymentId }),
    ...(opts.flagged && { flagged: true }),
  };
  for await (const callback of readInSlices((slice) => store.listCallbacks(filter, slice), idOf)) yield storedCallbackJson(callback);
}

/** The signed callbacks refused for breaking the contract, as an operator reviews them, oldest first. */
export async function* listRejectedCallbacks(store: Store) {
  for await (const rejected of readInSlices((slice) => store.listRejectedCallbacks(slice), idOf)) yield rejectedCallbackJson(rejected);
}

export async function expirePayments(store: Store, olderThanDays: string | undefined) {
  const usage = `usage: payments expire [--older-than-days ${EXPIRY_THRESHOLD_DAYS}]`;
  const days = olderThanDays === undefined ? EXPIRY_THRESHOLD_DAYS : wholeNumber(olderThanDays, '--older-than-days', usage);
  if (days < 1 || days > MAX_AGE_DAYS)
    throw new CliError(`--older-than-days must be a whole number of days from 1 to ${MAX_AGE_DAYS}\n${usage}`);
  const cutoff = expiryCutoff(new Date(), days);
  return { expired: await store.expirePendingPayments(cutoff), created_before: cutoff.toISOString() };
}

const IMPORT_FIELDS = new Set(['customer_id', 'currency', 'additional_customer_id']);
// Enough to fix a file by; a file with more mistakes than this has one mistake repeated.
const MAX_REPORTED = 20;
// Accounts written at once: the store's group commit puts them in shared transactions.
const IMPORT_CHUNK = 500;

/** One line of an import, or what is wrong with it. */
function importedAccount(line: string): { account: NewAccount } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'must be a JSON object' };
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !IMPORT_FIELDS.has(key));
  if (unknown.length)
    return { error: `unknown field ${unknown.join(', ')}; the fields are customer_id, currency and additional_customer_id` };
  const { customer_id: customerId, currency, additional_customer_id: additionalId } = fields;
  if (!schemaValidators.CustomerId(customerId))
    return { error: 'customer_id must be a string of 1 to 255 characters without control characters' };
  if (typeof currency !== 'string') return { error: 'currency must be an ISO 4217 code such as KZT' };
  const currencyWrong = currencyProblem(currency);
  if (currencyWrong) return { error: currencyWrong };
  // What verify will answer for the account must keep the contract.
  if (additionalId !== undefined && !schemaValidators.VerifyResponse({ code: 0, currency, additional_customer_id: additionalId })) {
    return { error: 'additional_customer_id must be a string' };
  }
  const [unstorable] = unstorableFields(fields);
  if (unstorable) return { error: `${unstorable.field} ${unstorable.refusal}` };
  return { account: { customerId, currency, ...(additionalId !== undefined && { additionalCustomerId: additionalId as string }) } };
}

const sameAccount = (existing: Account, wanted: NewAccount) =>
  existing.currency === wanted.currency && existing.additionalCustomerId === (wanted.additionalCustomerId ?? null);

/**
 * Accounts from JSON lines (`{"customer_id": …, "currency": …, "additional_customer_id": …}`): a
 * merchant's existing accounts, brought over at once. Every line is checked before anything is
 * written; an account already stored as given is counted unchanged and one stored differently is
 * left as it is and reported, so running the same file twice changes nothing.
 */
export async function importAccounts(store: Store, text: string) {
  const accounts: NewAccount[] = [];
  const errors: string[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, index) => {
    // trim() also drops the byte-order mark spreadsheet exports put first, and Windows' \r.
    const line = raw.trim();
    if (line === '') return;
    const parsed = importedAccount(line);
    if ('error' in parsed) {
      errors.push(`line ${index + 1}: ${parsed.error}`);
      return;
    }
    const earlier = seen.get(parsed.account.customerId);
    if (earlier !== undefined) {
      errors.push(`line ${index + 1}: customer_id ${JSON.stringify(parsed.account.customerId)} is already on line ${earlier}`);
      return;
    }
    seen.set(parsed.account.customerId, index + 1);
    accounts.push(parsed.account);
  });
  if (errors.length) {
    const more = errors.length > MAX_REPORTED ? `\n… and ${errors.length - MAX_REPORTED} more` : '';
    throw new CliError(`nothing imported: ${errors.length} line(s) to fix\n${errors.slice(0, MAX_REPORTED).join('\n')}${more}`);
  }

  const outcomes: Array<'added' | 'unchanged' | 'conflicting'> = [];
  for (let start = 0; start < accounts.length; start += IMPORT_CHUNK) {
    const chunk = accounts.slice(start, start + IMPORT_CHUNK);
    outcomes.push(
      ...(await Promise.all(
        chunk.map(async (account) => {
          try {
            await store.addAccount(account);
            return 'added' as const;
          } catch (error) {
            if (!(error instanceof AccountExistsError)) {
              const reason = error instanceof Error ? error.message : String(error);
              throw new CliError(
                `import stopped at customer_id ${JSON.stringify(account.customerId)}: ${reason}\n` +
                  'the accounts written so far are kept; importing the same file again completes the import',
                1,
              );
            }
            const existing = await store.findAccount(account.customerId);
            return existing && sameAccount(existing, account) ? ('unchanged' as const) : ('conflicting' as const);
          }
        }),
      )),
    );
  }
  const counted = (outcome: (typeof outcomes)[number]) => outcomes.filter((o) => o === outcome).length;
  const added = counted('added');
  const unchanged = counted('unchanged');
  // In the file's order, whichever write answered first.
  const conflicts = accounts.filter((_, i) => outcomes[i] === 'conflicting').map((a) => a.customerId);
  const summary = { added, unchanged, conflicting: conflicts.length };
  if (conflicts.length) {
    const listed = conflicts
      .slice(0, MAX_REPORTED)
      .map((id) => JSON.stringify(id))
      .join(', ');
    throw new CliError(
      `${JSON.stringify(summary)}\nalready stored with another currency or additional id, left as they are: ${listed}${conflicts.length > MAX_REPORTED ? ', …' : ''}`,
      1,
    );
  }
  return summary;
}
