// Which fields of a JSON value hold U+0000, the one character only one of the stores can keep.
import { describe, expect, it } from 'vitest';
import { fieldsHoldingNul } from '../../src/store/storable-text.js';

describe('fieldsHoldingNul', () => {
  it('names every string holding U+0000 by its dotted path, in document order', () => {
    const body = {
      project_id: 1234,
      payment: { id: 'pay\u0000', status: 'success', sum: { amount: 100, currency: 'KZT' } },
      items: ['ok', { reason: '\u0000' }],
      tail: 'x\u0000y',
    };
    expect(fieldsHoldingNul(body)).toEqual(['payment.id', 'items.1.reason', 'tail']);
  });

  it('names nothing in text without it, whatever else it holds', () => {
    expect(fieldsHoldingNul({ a: 'control \u0001\u001f\u007f, U+FFFD \ufffd, "\\u0000" as six characters', b: [null, true, 0] })).toEqual(
      [],
    );
    expect(fieldsHoldingNul(null)).toEqual([]);
    expect(fieldsHoldingNul(12)).toEqual([]);
  });

  it("names a bare string as '' and writes a key's own NUL as an escape, so the path can be stored", () => {
    expect(fieldsHoldingNul('\u0000')).toEqual(['']);
    const [path] = fieldsHoldingNul({ 'k\u0000': { v: '\u0000' } });
    expect(path).toBe('k\\u0000.v');
    expect(path).not.toContain('\u0000');
  });
});
