import { describe, expect, it } from 'vitest';
import type { Account } from '../../src/ledger/model.js';
import { judgeAccountClose, judgeAccountCreate, judgeAdjustment, type Adjustment } from '../../src/ledger/operator-rules.js';
import { decodeCursor, encodeCursor, InvalidCursorError, pageOf } from '../../src/store/cursor.js';

const account = (status: Account['status'] = 'active'): Account => ({
  customerId: 'acc-1',
  currency: 'KZT',
  balance: 0,
  status,
  additionalCustomerId: null,
  createdAt: '2026-12-01T00:00:00.000Z',
});

describe('account rules', () => {
  it('opens an account with a new id and an ISO currency only', () => {
    expect(judgeAccountCreate({ customerId: 'acc-2', currency: 'KZT', actor: 'a' }, undefined)).toBeUndefined();
    expect(judgeAccountCreate({ customerId: 'acc-1', currency: 'KZT', actor: 'a' }, account())).toMatchObject({ reason: 'exists' });
    expect(judgeAccountCreate({ customerId: 'acc-2', currency: 'kzt', actor: 'a' }, undefined)).toMatchObject({
      reason: 'invalid',
      field: 'currency',
    });
    expect(judgeAccountCreate({ customerId: ' ', currency: 'KZT', actor: 'a' }, undefined)).toMatchObject({
      reason: 'invalid',
      field: 'customer_id',
    });
  });

  it('closes an active account only', () => {
    expect(judgeAccountClose({ customerId: 'acc-1', actor: 'a' }, account())).toEqual({ account: account() });
    expect(judgeAccountClose({ customerId: 'acc-1', actor: 'a' }, account('closed'))).toMatchObject({
      refused: { reason: 'already_closed' },
    });
    expect(judgeAccountClose({ customerId: 'acc-1', actor: 'a' }, undefined)).toMatchObject({ refused: { reason: 'not_found' } });
  });
});

describe('adjustment rules', () => {
  const request = { customerId: 'acc-1', amount: -6000, reason: 'paid twice', idempotencyKey: 'k-1', actor: 'anna' };
  const funded = { ...account(), balance: 5000 };

  it('refuses to make a balance negative, saying both amounts in KZT and in minor units', () => {
    expect(judgeAdjustment(request, funded, undefined, false)).toEqual({
      refused: {
        reason: 'negative_balance',
        message:
          'adjustment of -60.00 KZT (-6000 minor units) would make the balance of acc-1 negative: it is 50.00 KZT (5000 minor units)',
      },
    });
    expect(judgeAdjustment({ ...request, amount: -5000 }, funded, undefined, false)).toEqual({ account: funded });
  });

  it('refuses a key used for another adjustment, naming that one and its amount', () => {
    const earlier: Adjustment = {
      ...request,
      id: 7,
      amount: 500,
      currency: 'KZT',
      callbackId: null,
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    expect(judgeAdjustment(request, funded, earlier, false)).toEqual({
      refused: {
        reason: 'idempotency_conflict',
        message: 'idempotency key k-1 was used for another adjustment (#7: 5.00 KZT (500 minor units) to acc-1); use a new key',
      },
    });
  });
});

describe('cursors', () => {
  it('round-trips a key and refuses anything it did not make', () => {
    expect(decodeCursor(encodeCursor(['2026-12-01T00:00:00.000Z', 'acc-1']), ['string', 'string'])).toEqual([
      '2026-12-01T00:00:00.000Z',
      'acc-1',
    ]);
    for (const bad of ['!!!', encodeCursor([1]), encodeCursor(['a', 2]), Buffer.from('{"a":1}').toString('base64url')]) {
      expect(() => decodeCursor(bad, ['string', 'string'])).toThrow(InvalidCursorError);
    }
  });

  it('keeps a page to its limit and points after its last item only when there is more', () => {
    expect(pageOf([1, 2, 3], 2, (n) => [n], String)).toEqual({ items: ['1', '2'], nextCursor: encodeCursor([2]) });
    expect(pageOf([1, 2], 2, (n) => [n], String)).toEqual({ items: ['1', '2'], nextCursor: null });
  });
});
