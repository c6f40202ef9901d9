// Signed request bodies for load runs, prepared before the clock starts: the load generator shares
// the machine with the service, so it must not sign on the hot path.
import { randomBytes } from 'node:crypto';
import { signValue } from '../../src/protocol/signature/signature.js';

/**
 * Callbacks a second that the load tools prepare payments for (the bench and bench:ab seed them,
 * `npm run load` issues them): each callback settles a payment of its own, made before the clock
 * starts, and a run that outpaces them stops with "ran out". The callback target on the fastest
 * machine seen (half its Koa echo, 48,900 req/s on 2026-11-28) with room to spare; the service did
 * 14,600 there.
 */
export const PREPARED_CALLBACKS_PER_SECOND = 30_000;

export interface Signer {
  projectId: number;
  secret: string;
}

const signed = <T extends object>(body: T, secret: string): string => JSON.stringify({ ...body, signature: signValue(body, secret) });

export const verifyBody = (s: Signer, customerId: string): string =>
  signed({ type: 'verify', customer_id: customerId, project_id: s.projectId }, s.secret);

export const checkDepositBody = (s: Signer, customerId: string, amount: number): string =>
  signed(
    { type: 'check_deposit', project_id: s.projectId, customer_id: customerId, amount, currency: 'KZT', payment_method: 'kassa24_bvu' },
    s.secret,
  );

/** A successful-payment Gate callback shaped like the platform's (about 900 bytes). */
export const callbackBody = (s: Signer, paymentId: string, amount: number, sequence: number): string =>
  signed(
    {
      project_id: s.projectId,
      payment: {
        id: paymentId,
        type: 'purchase',
        status: 'success',
        date: '2026-01-01T00:00:00+0000',
        method: 'kassa24_bvu',
        sum: { amount, currency: 'KZT' },
        description: '',
      },
      account: { number: '123456' },
      customer: { id: 'customer' },
      operation: {
        id: 1_000_000 + sequence,
        type: 'sale',
        status: 'success',
        date: '2026-01-01T00:00:00+0000',
        created_date: '2026-01-01T00:00:00+0000',
        request_id: randomBytes(32).toString('hex'),
        sum_initial: { amount, currency: 'KZT' },
        sum_converted: { amount, currency: 'KZT' },
        code: '0',
        message: 'Success',
        provider: { id: 12345, payment_id: `p-${sequence}`, auth_code: '' },
      },
    },
    s.secret,
  );

/** Where a load run takes its next body from. Unique bodies are never sent twice. */
export interface BodySource {
  next(): string;
}

/** Cycles through bodies that may be sent again (verify, check_deposit). */
export function cycling(bodies: string[]): BodySource {
  let i = 0;
  return { next: () => bodies[i++ % bodies.length]! };
}

/** Each body once, across every run that shares this source (callbacks for distinct payments). */
export function once(bodies: string[], what: string): BodySource {
  let i = 0;
  return {
    next: () => {
      if (i >= bodies.length) throw new Error(`ran out of prepared ${what} (${bodies.length}); prepare more`);
      return bodies[i++]!;
    },
  };
}
