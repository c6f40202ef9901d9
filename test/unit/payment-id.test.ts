import { describe, expect, it } from 'vitest';
import { newPaymentId } from '../../src/ledger/payment-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// The first 48 bits of a version 7 UUID: milliseconds since the epoch.
const millisOf = (id: string): number => parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('payment ids', () => {
  it('are version 7 UUIDs carrying the millisecond they were made', () => {
    const now = Date.parse('2026-12-06T10:00:00.123Z');
    const id = newPaymentId(now);
    expect(id).toMatch(UUID_V7);
    expect(millisOf(id)).toBe(now);
  });

  it('never repeat, past the point where the random pool is refilled', () => {
    const now = Date.now();
    // Within one millisecond only the random bits tell ids apart; 256 ids use up one pool.
    const ids = Array.from({ length: 1000 }, () => newPaymentId(now));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('sort by the time they were made, as text', () => {
    const earlier = newPaymentId(Date.parse('2026-12-06T10:00:00.000Z'));
    const later = newPaymentId(Date.parse('2026-12-06T10:00:00.001Z'));
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });
});
