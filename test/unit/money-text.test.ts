import { describe, expect, it } from 'vitest';
import { moneyText } from '../../src/ledger/money-text.js';

describe('an amount in a text people act on', () => {
  it('gives KZT with two decimals and the minor units it came as', () => {
    expect(moneyText(15000, 'KZT')).toBe('150.00 KZT (15000 minor units)');
    expect(moneyText(5, 'KZT')).toBe('0.05 KZT (5 minor units)');
    expect(moneyText(1500000, 'KZT')).toBe('15000.00 KZT (1500000 minor units)');
  });

  it('keeps the sign of a debit, below one tenge too', () => {
    expect(moneyText(-500, 'KZT')).toBe('-5.00 KZT (-500 minor units)');
    expect(moneyText(-5, 'KZT')).toBe('-0.05 KZT (-5 minor units)');
  });

  it('is exact at the largest amount the ledger holds', () => {
    expect(moneyText(Number.MAX_SAFE_INTEGER, 'KZT')).toBe('90071992547409.91 KZT (9007199254740991 minor units)');
  });
});

describe('an amount in a currency whose minor unit is not a hundredth', () => {
  it('places the point as ISO 4217 says', () => {
    expect(moneyText(150, 'JPY')).toBe('150 JPY (150 minor units)');
    expect(moneyText(-1500, 'KWD')).toBe('-1.500 KWD (-1500 minor units)');
  });
});
