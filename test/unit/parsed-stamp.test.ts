// The stamp from JSON.parse's value is only ever a shortcut: for any text JSON.parse accepts it either
// declines (undefined) or agrees with the exact path — parse as json_decode does, flatten as each
// algorithm does — on the stamp under both algorithms, and on the signature and its place. Texts are
// generated as text, not through JSON.stringify, so that they can repeat a key, carry escapes, white
// space, arrays, deep nesting, numbers JSON.parse rounds, or be cut short.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhpArray } from '../../src/protocol/signature/php-array.js';
import { parsedStamp } from '../../src/protocol/signature/parsed-stamp.js';
import { parsePhpJson } from '../../src/protocol/signature/php-json.js';
import { checkSignature, decodeForSigning, sign } from '../../src/protocol/signature/signature.js';
import { locateSignature, stampPlace } from '../../src/protocol/signature/signature-place.js';
import { exactStamp } from '../../src/protocol/signature/stamp.js';

/** The shortcut on `text`: JSON.parse, then the stamp of its value; undefined when either declines. */
function quickStamp(text: string): ReturnType<typeof parsedStamp> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return parsedStamp(text, parsed);
}

type Exact = { stamp: string; sdkStamp: string; place: string; signature: unknown } | 'not an object' | 'not JSON';

function exact(text: string): Exact {
  let php;
  try {
    php = parsePhpJson(text);
  } catch {
    return 'not JSON';
  }
  if (!(php instanceof PhpArray) || !/^[ \t\n\r]*\{/.test(text)) return 'not an object';
  const location = locateSignature(php);
  const place = stampPlace(location);
  return {
    stamp: exactStamp(php, 'documented', place),
    sdkStamp: exactStamp(php, 'sdk', place),
    place,
    signature: 'value' in location ? location.value : undefined,
  };
}

const space = fc.constantFrom('', '', '', ' ', '\n  ', '\t');
// Mostly plain keys, some that are not (upper case, digits, ':', empty, escaped), 'signature' often.
const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'ab', 'a_b', 'b', '_', 'sum', 'sum_initial', 'signature', 'id', 'payment', 'general') },
  { weight: 1, arbitrary: fc.constantFrom('A', 'a1', '10', '0', 'a:b', '', 'a b', '__proto__', 'a\\u0062', 'frame_mode', 'Signature') },
);
const scalar = fc.oneof(
  fc.constantFrom(
    '1',
    '-0',
    '0',
    '-0.0',
    '-7',
    '1.5',
    '1.0',
    '1e3',
    '1E3',
    '-2E+2',
    '5e-1',
    '-2.50E-3',
    '1e400',
    '12345678901234567890',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775808',
  ),
  // Around the line below which an integer's text and a float's read the same, and 2^53.
  fc.constantFrom(
    '99999999999999',
    '99999999999999.0',
    '100000000000000',
    '1e14',
    '1.0e14',
    '123456789012345',
    '9007199254740993',
    '-99999999999999',
  ),
  fc.constantFrom('true', 'false', 'null', '""', '"text"', '"Жx:y;z"', '"a\\/b"', '"\\u0416"', '"\\ud800"', '"2026-01-01T00:00:00+0000"'),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
);
const { value } = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: scalar },
    { weight: 2, arbitrary: tie('object') },
    { weight: 1, arbitrary: tie('array') },
  ),
  object: fc
    .array(fc.tuple(space, key, space, tie('value')), { maxLength: 6 })
    .map((members) => `{${members.map(([s1, k, s2, v]) => `${s1}"${k}"${s2}:${s2}${v}`).join(',')}}`),
  array: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
}));
const body = fc
  .tuple(space, fc.array(fc.tuple(key, value), { maxLength: 8 }), space)
  .map(([s1, members, s2]) => `${s1}{${members.map(([k, v]) => `"${k}":${v}`).join(',')}}${s2}`);
// A body damaged the ways text arrives damaged: cut short, a character dropped or added.
const damaged = fc
  .tuple(body, fc.nat(), fc.constantFrom('cut', 'drop', 'add'), fc.constantFrom('}', ',', '"', ':', 'x', ' ', '{', '\\'))
  .map(([text, at, how, c]) => {
    const i = at % (text.length + 1);
    return how === 'cut' ? text.slice(0, i) : how === 'drop' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + c + text.slice(i);
  });

describe('parsedStamp', () => {
  it('declines or agrees with the exact path, on any text', () => {
    let agreed = 0;
    fc.assert(
      fc.property(fc.oneof(body, damaged), (text) => {
        const quick = quickStamp(text);
        if (quick === undefined) return;
        agreed++;
        // A plain body has one stamp: the SDK's algorithm gives the same string.
        expect(exact(text)).toEqual({ stamp: quick.stamp, sdkStamp: quick.stamp, place: quick.place, signature: quick.signature });
      }),
      { numRuns: 20_000, seed: 20261127 },
    );
    // The generator must reach the shortcut often, or the property says little.
    expect(agreed).toBeGreaterThan(2500);
  });

  it('takes a signature in general, leaving general out when nothing else is in it', () => {
    expect(quickStamp('{"general":{"signature":"s"},"a":1}')).toEqual({ stamp: 'a:1', place: 'general', signature: 's' });
    expect(quickStamp('{"general":{"signature":"s","project_id":1},"a":1}')).toEqual({
      stamp: 'a:1;general:project_id:1',
      place: 'general',
      signature: 's',
    });
    expect(quickStamp('{"general":{"project_id":1},"a":1}')).toEqual({
      stamp: 'a:1;general:project_id:1',
      place: 'top',
      signature: undefined,
    });
  });

  it('takes the bodies the platform sends', () => {
    const callback =
      '{"project_id":1234,"payment":{"id":"p-1","type":"purchase","status":"success","sum":{"amount":10000,"currency":"KZT"}},' +
      '"operation":{"id":1000001,"sum_initial":{"amount":10000,"currency":"KZT"},"code":"0"},"signature":"c2ln"}';
    expect(quickStamp(callback)).toEqual({
      stamp:
        'operation:code:0;operation:id:1000001;operation:sum_initial:amount:10000;operation:sum_initial:currency:KZT;' +
        'payment:id:p-1;payment:status:success;payment:sum:amount:10000;payment:sum:currency:KZT;payment:type:purchase;project_id:1234',
      place: 'top',
      signature: 'c2ln',
    });
  });

  it('agrees with json_decode where a key is given twice: the last value counts', () => {
    expect(quickStamp('{"a":1,"b":2,"a":3}')).toEqual({ stamp: 'a:3;b:2', place: 'top', signature: undefined });
    expect(quickStamp('{"a":{"b":1},"a":{"c":2}}')).toEqual({ stamp: 'a:c:2', place: 'top', signature: undefined });
    expect(quickStamp('{"signature":"x","signature":"y"}')).toEqual({ stamp: '', place: 'top', signature: 'y' });
    expect(exact('{"a":1,"b":2,"a":3}')).toEqual({ stamp: 'a:3;b:2', sdkStamp: 'a:3;b:2', place: 'top', signature: undefined });
  });

  it('leaves to the exact path a body json_decode refuses in a value a repeated key hides', () => {
    const deep = `${'['.repeat(600)}${']'.repeat(600)}`;
    for (const text of ['{"a":"\\ud800","a":1}', `{"a":${deep},"a":1}`]) {
      expect(exact(text), text).toBe('not JSON');
      expect(quickStamp(text), text).toBeUndefined();
    }
    expect(quickStamp(`{"a":"x","a":1,"b":"${'{'.repeat(1100)}"}`), 'openers in a string: declined, coarsely').toBeUndefined();
  });

  it('leaves to the exact path what only it can settle', () => {
    for (const text of [
      '{"a":[1,2]}', // int keys, renumbered by array_merge
      '{"a":{"b":{"c":{"d":1}}}}', // past the depth cut
      '{"A":1}',
      '{"10":1}', // an int key to PHP, moved to the front by JavaScript
      '{"a b":1}',
      '{"signature":{"x":1}}',
      '{"signature":7}', // not a string: the exact path names it
      '{"signature":"x","general":{"signature":"y"}}', // two places: the exact path refuses it
      '{"a":{"signature":"x"},"signature":"y"}', // a second signature: the SDK removes it, the documented algorithm signs it
      '{"general":{"signature":"y"},"a":{"signature":"x"}}', // the same beside a signature in general
      '{"general":{"signature":"y","a":{"signature":"x"}}}', // and below it
      '{"frame_mode":"popup"}', // skipped by the SDK only
      '[{"a":1}]',
      '{"a":-0}', // int 0 to PHP: "0"; -0.0 would be "-0"
      '{"a":100000000000000}', // an int's digits, or "1.0E+14" had it been written 1e14
      '{"a":9007199254740993}', // beyond 2^53: JSON.parse rounds it
      '{"a":1e400}',
      '{"a":"\\ud800"}', // a lone surrogate: json_decode refuses the body
    ]) {
      expect(quickStamp(text), text).toBeUndefined();
    }
    expect(parsedStamp('{"a":1}', '{"a":1}'), 'text, not a parsed value').toBeUndefined();
    expect(parsedStamp('null', null)).toBeUndefined();
  });

  it('decodes escaped keys and values as json_decode does', () => {
    expect(quickStamp('{"a":"\\/x\\u0416","b":"\\n","c\\u0064":1}')).toEqual({
      stamp: 'a:/xЖ;b:\n;cd:1',
      place: 'top',
      signature: undefined,
    });
    // A pair is fine, but the text check does not tell a pair from a lone half: the exact path reads it.
    expect(quickStamp('{"b":"\\ud83d\\ude00"}')).toBeUndefined();
    expect(exact('{"b":"\\ud83d\\ude00"}')).toEqual({ stamp: 'b:😀', sdkStamp: 'b:😀', place: 'top', signature: undefined });
    expect(quickStamp('{"a":1.5,"b":0.1,"c":1.0,"d":true,"e":false,"f":null,"g":-7}')).toEqual({
      stamp: 'a:1.5;b:0.1;c:1;d:1;e:0;f:;g:-7',
      place: 'top',
      signature: undefined,
    });
  });

  it('gives checkSignature and sign the same answers either way', () => {
    const secret = 'a secret';
    const plain = '{"project_id":1,"customer_id":"c\\/1","type":"verify"}';
    // An array: the shortcut declines, the exact path signs and checks.
    const exactOnly = '{"project_id":1,"customer_id":"c\\/1","tags":["a"],"type":"verify"}';
    expect(quickStamp(plain)).toBeDefined();
    expect(quickStamp(exactOnly)).toBeUndefined();
    for (const text of [plain, exactOnly]) {
      const signed = `${text.slice(0, -1)},"signature":${JSON.stringify(sign(text, secret))}}`;
      expect(checkSignature(decodeForSigning(signed), [secret])).toEqual({ ok: true, secretIndex: 0, algorithm: 'documented' });
      expect(checkSignature(decodeForSigning(signed, JSON.parse(signed)), [secret])).toEqual({
        ok: true,
        secretIndex: 0,
        algorithm: 'documented',
      });
      expect(checkSignature(decodeForSigning(signed), ['another'])).toEqual({ ok: false, reason: 'mismatch' });
    }
  });
});
