import { describe, expect, it } from 'vitest';
import { EXPIRY_THRESHOLD_DAYS, expiryCutoff } from '../../src/ledger/expiry.js';

describe('the expiry cutoff', () => {
  it('is the method threshold of 36 days before now, or the days given', () => {
    const now = new Date('2026-12-06T10:00:00.000Z');
    expect(EXPIRY_THRESHOLD_DAYS).toBe(36);
    expect(expiryCutoff(now).toISOString()).toBe('2026-10-31T10:00:00.000Z');
    expect(expiryCutoff(now, 1).toISOString()).toBe('2026-12-05T10:00:00.000Z');
  });
});
