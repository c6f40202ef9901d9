// Admin commands over the same DATABASE_URL as the service: accounts and payments.
import { schemaValidators } from '../../generated/validators.js';
import { EXPIRY_THRESHOLD_DAYS, expiryCutoff } from '../ledger/expiry.js';
import type { Account, Payment, PaymentStatus } from '../ledger/model.js';
import { AccountExistsError, type Store } from '../store/store.js';
import { CliError } from './cli-error.js';

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
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

function requireCustomerId(id: string | undefined, usage: string): string {
  if (id === undefined) throw new CliError(`usage: ${usage}`);
  // The same rule the contract applies to customer_id: what the platform can send is what can be added.
  if (!schemaValidators.CustomerId(id)) throw new CliError(`customer id ${JSON.stringify(id)} breaks the contract: 1 to 255 characters, no control characters`);
  return id;
}

export async function addAccount(store: Store, opts: { customerId?: string; currency?: string; additionalId?: string }) {
  const usage = 'accounts add --customer-id ID --currency KZT [--additional-id X]';
  const customerId = requireCustomerId(opts.customerId, usage);
  if (opts.currency === undefined) throw new CliError(`usage: ${usage}`);
  if (!schemaValidators.Currency(opts.currency)) throw new CliError(`currency ${JSON.stringify(opts.currency)} is not an ISO 4217 alpha-3 code such as KZT`);
  try {
    const account = await store.addAccount({
      customerId,
      currency: opts.currency,
      ...(opts.additionalId !== undefined && { additionalCustomerId: opts.additionalId }),
    });
    return accountJson(account);
  } catch (error) {
    if (error instanceof AccountExistsError) throw new CliError(`account ${customerId} already exists`, 1);
    throw error;
  }
}

export async function showAccount(store: Store, customerId: string | undefined) {
  const id = requireCustomerId(customerId, 'accounts show ID');
  const account = await store.findAccount(id);
  if (!account) throw new CliError(`no account ${id}`, 1);
  return accountJson(account);
}

export async function closeAccount(store: Store, customerId: string | undefined) {
  const id = requireCustomerId(customerId, 'accounts close ID');
  const account = await store.closeAccount(id);
  if (!account) throw new CliError(`no account ${id}`, 1);
  return accountJson(account);
}

export async function listPayments(store: Store, opts: { customerId?: string; status?: string }) {
  if (opts.status !== undefined && !PAYMENT_STATUSES.includes(opts.status as PaymentStatus)) {
    throw new CliError(`--status must be one of ${PAYMENT_STATUSES.join(', ')}`);
  }
  const payments = await store.listPayments({
    ...(opts.customerId !== undefined && { customerId: opts.customerId }),
    ...(opts.status !== undefined && { status: opts.status as PaymentStatus }),
  });
  return payments.map(paymentJson);
}

export async function listCallbacks(store: Store, opts: { paymentId?: string; flagged?: boolean }) {
  const callbacks = await store.listCallbacks({
    ...(opts.paymentId !== undefined && { paymentId: opts.paymentId }),
    ...(opts.flagged && { flagged: true }),
  });
  return callbacks.map((c) => ({
    id: c.id,
    payment_id: c.paymentId,
    project_id: c.projectId,
    status: c.status,
    result: c.result,
    review_reason: c.reviewReason,
    deliveries: c.deliveries,
    received_at: c.receivedAt,
    last_received_at: c.lastReceivedAt,
    headers: c.headers,
    raw_body: c.rawBody,
  }));
}

export async function expirePayments(store: Store, olderThanDays: string | undefined) {
  const days = olderThanDays === undefined ? EXPIRY_THRESHOLD_DAYS : Number(olderThanDays);
  if (!Number.isInteger(days) || days < 1) throw new CliError('--older-than-days must be a positive whole number of days');
  const cutoff = expiryCutoff(new Date(), days);
  return { expired: await store.expirePendingPayments(cutoff), created_before: cutoff.toISOString() };
}
