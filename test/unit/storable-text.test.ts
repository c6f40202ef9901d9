// Which fields of a JSON value hold text a store could not keep as it is: U+0000, which only one of
// them can hold, and half of a UTF-16 surrogate pair, which UTF-8 cannot write.
import { describe, expect, it } from 'vitest';
import { LONE_SURROGATE_REFUSAL, NUL_REFUSAL, textRefusal, unstorableFields } from '../../src/store/storable-text.js';

describe('text a store keeps as it is', () => {
  it('refuses U+0000 and a lone surrogate, and takes everything else, pairs and U+FFFD included', () => {
    expect(textRefusal('a\u0000b')).toBe(NUL_REFUSAL);
    for (const lone of ['\ud800', 'a\udfff', '\udc00\ud800', 'x\ud83d'])
      expect(textRefusal(lone), JSON.stringify(lone)).toBe(LONE_SURROGATE_REFUSAL);
    for (const fine of [
      '',
      'control \u0001\u001f\u007f',
      'U+FFFD \ufffd',
      'a pair 😀 \ud83d\ude00',
      '"\\u0000" as six characters',
      'Қазақстан',
    ]) {
      expect(textRefusal(fine), JSON.stringify(fine)).toBeUndefined();
    }
  });

  it('names every such field by its dotted path, in document order', () => {
    const body = {
      project_id: 1234,
      payment: { id: 'pay\u0000', status: 'success', sum: { amount: 100, currency: 'KZT' } },
      items: ['ok', { reason: '\ud800' }],
      tail: 'x\u0000y',
    };
    expect(unstorableFields(body)).toEqual([
      { field: 'payment.id', refusal: NUL_REFUSAL },
      { field: 'items.1.reason', refusal: LONE_SURROGATE_REFUSAL },
      { field: 'tail', refusal: NUL_REFUSAL },
    ]);
    expect(unstorableFields({ a: 'fine', b: [null, true, 0, '😀'] })).toEqual([]);
    expect(unstorableFields(null)).toEqual([]);
    expect(unstorableFields(12)).toEqual([]);
  });

  it("names a bare string as '' and writes a key's own such text as an escape, so the path can be stored", () => {
    expect(unstorableFields('\u0000')).toEqual([{ field: '', refusal: NUL_REFUSAL }]);
    const [nul, lone] = unstorableFields({ 'k\u0000': { v: '\u0000' }, 'h\ud800': 'x\ud800' });
    expect(nul!.field).toBe('k\\u0000.v');
    expect(lone!.field).toBe('h\\ud800');
    expect(textRefusal(nul!.field + lone!.field)).toBeUndefined();
  });
});
