import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { naturalCompare } from '../../src/protocol/signature/natural-order.js';
import { phpFloatToString } from '../../src/protocol/signature/php-float.js';
import {
  checkSignature,
  decodeForSigning,
  JsonSyntaxError,
  sign,
  signStamp,
  stampUnder,
  type SignatureAlgorithm,
} from '../../src/protocol/signature/signature.js';

interface Vector {
  name: string;
  secret: string;
  payload: Record<string, unknown>;
  stamp: string;
  signature: string;
}
const vectors = JSON.parse(readFileSync(new URL('../fixtures/signature-vectors.json', import.meta.url), 'utf8')) as Vector[];
const stamp = (json: string): string => stampUnder(decodeForSigning(json), 'documented');
const sdkStamp = (json: string): string => stampUnder(decodeForSigning(json), 'sdk');

interface AlgorithmVector {
  name: string;
  difference: string;
  secret: string;
  place: 'top' | 'general';
  body: string;
  stamps: Record<SignatureAlgorithm, string>;
  signatures: Record<SignatureAlgorithm, string>;
}
const algorithmVectors = (
  JSON.parse(readFileSync(new URL('../fixtures/signature-algorithm-vectors.json', import.meta.url), 'utf8')) as {
    vectors: AlgorithmVector[];
  }
).vectors;

interface SdkFixture {
  name: string;
  secret: string;
  body: unknown;
  verifies_under: Record<SignatureAlgorithm, boolean>;
}
const sdkFixtures = (
  JSON.parse(readFileSync(new URL('../fixtures/sdk-callback-fixtures.json', import.meta.url), 'utf8')) as { fixtures: SdkFixture[] }
).fixtures;

/** `body` (text of an object) with `signature` put at `place`, the text otherwise kept as it is. */
function signedAt(body: string, place: 'top' | 'general', signature: string): string {
  if (place === 'top') return body.replace(/\}\s*$/, `, "signature": ${JSON.stringify(signature)}}`);
  const withGeneral = body.replace(/"general":\s*\{/, `"general": {"signature": ${JSON.stringify(signature)}, `).replace(/, \}/, '}');
  if (withGeneral === body) throw new Error('the body has no "general" object');
  return withGeneral;
}

describe('signature vectors (platform SDK tests and Kassa24 examples)', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('%s: stamp and signature match', (_name, vector) => {
    const body = JSON.stringify(vector.payload);
    expect(stamp(body)).toBe(vector.stamp);
    expect(sign(body, vector.secret)).toBe(vector.signature);
    expect(signStamp(vector.stamp, vector.secret)).toBe(vector.signature);
    expect(checkSignature(decodeForSigning(body), [vector.secret])).toEqual({ ok: true, secretIndex: 0, algorithm: 'documented' });
  });
});

describe("both signature algorithms (the platform SDK's own code and test data)", () => {
  describe.each(algorithmVectors.map((v) => [v.name, v] as const))('%s', (_name, vector) => {
    it('stamps and signs the body as each algorithm does', () => {
      expect(stamp(vector.body)).toBe(vector.stamps.documented);
      expect(sdkStamp(vector.body)).toBe(vector.stamps.sdk);
      expect(sign(vector.body, vector.secret, 'documented')).toBe(vector.signatures.documented);
      expect(sign(vector.body, vector.secret, 'sdk')).toBe(vector.signatures.sdk);
      expect(signStamp(vector.stamps.sdk, vector.secret)).toBe(vector.signatures.sdk);
    });

    it.each(['documented', 'sdk'] as const)(
      'accepts the %s signature at its place, and names the algorithm when they differ',
      (algorithm) => {
        const signed = signedAt(vector.body, vector.place, vector.signatures[algorithm]);
        const decoded = decodeForSigning(signed);
        expect(decoded.location.place).toBe(vector.place);
        const check = checkSignature(decoded, ['another-secret', vector.secret]);
        const differ = vector.stamps.documented !== vector.stamps.sdk;
        expect(check).toEqual({ ok: true, secretIndex: 1, algorithm: differ ? algorithm : 'documented' });
        // Signing the signed body leaves its signature out, wherever it is.
        expect(sign(signed, vector.secret, algorithm)).toBe(vector.signatures[algorithm]);
      },
    );

    it('refuses a signature made with another secret under either algorithm', () => {
      for (const algorithm of ['documented', 'sdk'] as const) {
        const forged = sign(vector.body, 'not-the-secret', algorithm);
        expect(checkSignature(decodeForSigning(signedAt(vector.body, vector.place, forged)), [vector.secret])).toEqual({
          ok: false,
          reason: 'mismatch',
        });
      }
    });
  });

  it('computes the second stamp only for a body where the algorithms can differ', () => {
    const ordinary = '{"project_id":1234,"payment":{"id":"p","status":"success","sum":{"amount":1,"currency":"KZT"}},"signature":"x"}';
    expect(decodeForSigning(ordinary).stamps.map((s) => s.algorithm)).toEqual(['documented']);
    // An array takes the exact path, where the algorithms still agree: one stamp.
    expect(decodeForSigning('{"a":[1,{"b":2}],"signature":"x"}').stamps.map((s) => s.algorithm)).toEqual(['documented']);
    for (const vector of algorithmVectors.filter((v) => v.stamps.documented !== v.stamps.sdk)) {
      expect(
        decodeForSigning(vector.body).stamps.map((s) => s.algorithm),
        vector.name,
      ).toEqual(['documented', 'sdk']);
    }
  });

  it.each(sdkFixtures.map((f) => [f.name, f] as const))(
    'SDK callback fixture %s verifies under exactly the algorithms it names',
    (_name, fixture) => {
      const decoded = decodeForSigning(JSON.stringify(fixture.body));
      expect(decoded.location.place).toBe('general');
      const signature = (decoded.location as { value: string }).value;
      for (const algorithm of ['documented', 'sdk'] as const) {
        expect(signStamp(stampUnder(decoded, algorithm), fixture.secret) === signature, algorithm).toBe(fixture.verifies_under[algorithm]);
      }
      expect(checkSignature(decoded, [fixture.secret])).toMatchObject({ ok: true });
    },
  );

  it('leaves a null signature below the top in the SDK stamp, as isset() does', () => {
    expect(sdkStamp('{"a":{"signature":null,"b":1},"signature":"x"}')).toBe('a:b:1;a:signature:');
    expect(sdkStamp('{"a":{"signature":"y","b":1},"signature":"x"}')).toBe('a:b:1');
    // A key given twice: the last value decides, null or not.
    expect(sdkStamp('{"a":{"signature":null,"signature":"y"},"signature":"x"}')).toBe('');
  });

  it("follows the SDK: keys keep their case, no depth cut, ':' doubled, frame_mode skipped at any depth", () => {
    expect(sdkStamp('{"B":1,"a":{"b":{"c":{"d":{"e":1}}}},"x":{"frame_mode":"p","k:l":2}}')).toBe('B:1;a:b:c:d:e:1;x:k::l:2');
    expect(stamp('{"B":1,"a":{"b":{"c":{"d":{"e":1}}}},"x":{"frame_mode":"p","k:l":2}}')).toBe('a:b:c:;b:1;x:frame_mode:p;x:k:l:2');
  });
});

describe('checkSignature', () => {
  const vector = vectors.find((v) => v.name === 'kassa24-verify-request')!;
  const body = JSON.stringify(vector.payload);

  it('accepts any of several secrets (key rotation) and says which', () => {
    expect(checkSignature(decodeForSigning(body), ['new-secret', vector.secret])).toEqual({
      ok: true,
      secretIndex: 1,
      algorithm: 'documented',
    });
  });

  it('tells a missing, an empty, a non-string and a wrong signature apart', () => {
    const { signature: _s, ...unsigned } = vector.payload;
    expect(checkSignature(decodeForSigning(JSON.stringify(unsigned)), [vector.secret])).toEqual({ ok: false, reason: 'missing' });
    expect(checkSignature(decodeForSigning(JSON.stringify({ ...unsigned, signature: '' })), [vector.secret])).toEqual({
      ok: false,
      reason: 'empty',
    });
    expect(checkSignature(decodeForSigning(JSON.stringify({ ...unsigned, signature: ['x'] })), [vector.secret])).toEqual({
      ok: false,
      reason: 'not_a_string',
    });
    expect(checkSignature(decodeForSigning(body), ['another-secret'])).toEqual({ ok: false, reason: 'mismatch' });
    expect(checkSignature(decodeForSigning('[1,2]'), [vector.secret])).toEqual({ ok: false, reason: 'not_an_object' });
    expect(checkSignature(decodeForSigning(JSON.stringify({ ...unsigned, signature: null })), [vector.secret])).toEqual({
      ok: false,
      reason: 'not_a_string',
    });
    expect(checkSignature(decodeForSigning(JSON.stringify({ ...unsigned, signature: 7 })), [vector.secret])).toEqual({
      ok: false,
      reason: 'not_a_string',
    });
    expect(checkSignature(decodeForSigning(JSON.stringify({ ...unsigned, general: { signature: 7 } })), [vector.secret])).toEqual({
      ok: false,
      reason: 'not_a_string',
    });
  });

  it('refuses a body with a signature in both places, naming it', () => {
    const both = JSON.stringify({ ...vector.payload, general: { signature: vector.signature } });
    expect(checkSignature(decodeForSigning(both), [vector.secret])).toEqual({ ok: false, reason: 'both_places' });
    expect(checkSignature(decodeForSigning(both, JSON.parse(both)), [vector.secret])).toEqual({ ok: false, reason: 'both_places' });
  });

  it('rejects a body changed after signing, even by one digit', () => {
    const tampered = body.replace('7123456789', '7123456788');
    expect(checkSignature(decodeForSigning(tampered), [vector.secret])).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a signature of another length without throwing', () => {
    const long = JSON.stringify({ ...vector.payload, signature: `${vector.signature}AAAA` });
    expect(checkSignature(decodeForSigning(long), [vector.secret])).toEqual({ ok: false, reason: 'mismatch' });
    // 88 characters, but not 88 bytes: a letter swapped for a non-ASCII one.
    const wide = JSON.stringify({ ...vector.payload, signature: `é${vector.signature.slice(1)}` });
    expect(checkSignature(decodeForSigning(wide), [vector.secret])).toEqual({ ok: false, reason: 'mismatch' });
    // The right signature still passes after those (the compare buffers are reused).
    expect(checkSignature(decodeForSigning(body), [vector.secret])).toEqual({ ok: true, secretIndex: 0, algorithm: 'documented' });
  });
});

describe('stamp: flattening as the reference implementation does', () => {
  it('signs numbers as written: integers beyond 2^53 keep every digit', () => {
    expect(stamp('{"operation":{"id":9007199254740993123}}')).toBe('operation:id:9007199254740993123');
    expect(stamp('{"operation":{"id":9223372036854775807}}')).toBe('operation:id:9223372036854775807');
    expect(stamp('{"operation":{"id":9007199254740993}}')).toBe('operation:id:9007199254740993');
    expect(stamp('{"a":-9223372036854775808,"b":9223372036854775808}')).toBe('a:-9223372036854775808;b:9.2233720368548E+18');
  });

  it('prints fractions as PHP does', () => {
    expect(stamp('{"a":12.5,"b":-0.75,"c":1.0,"d":1e2,"e":0.1,"f":-0,"g":-0.0}')).toBe('a:12.5;b:-0.75;c:1;d:100;e:0.1;f:0;g:-0');
  });

  it('turns booleans into 1/0 and null into the empty string; empty containers add nothing', () => {
    expect(stamp('{"t":true,"f":false,"n":null,"o":{},"l":[],"s":""}')).toBe('f:0;n:;s:;t:1');
  });

  it('keys array items by index and lower-cases ASCII letters only', () => {
    expect(stamp('{"Items":[{"Name":"x"},{"Name":"y"}],"ЖУК":"z"}')).toBe('items:0:name:x;items:1:name:y;ЖУК:z');
  });

  it('sorts naturally: digit runs by value, bytes otherwise', () => {
    const keys = Array.from({ length: 12 }, (_, i) => `"list${i}":${i}`).join(',');
    expect(
      stamp(`{${keys}}`)
        .split(';')
        .map((e) => e.split(':')[0]),
    ).toEqual(Array.from({ length: 12 }, (_, i) => `list${i}`));
    expect(stamp('{"ab":1,"a_b":2,"a:b":3,"a1":4,"a-b":5}')).toBe('a-b:5;a1:4;a:b:3;a_b:2;ab:1');
    expect(stamp('{"payment_id":"x","payment":{"id":"y"}}')).toBe('payment:id:y;payment_id:x');
  });

  it('does not descend below three levels, and carries the cut entry under an int key', () => {
    // The cut entry gets int key 0, which sorts as "0" — before any letter.
    expect(stamp('{"z":{"y":{"x":{"w":1}}},"a":1}')).toBe('z:y:x:;a:1');
    expect(stamp('{"a":{"b":{"c":{}}}}')).toBe('a:b:c:');
  });

  it('follows PHP arrays: numeric keys become ints, array_merge renumbers them, "0" is a false prefix', () => {
    // "5" becomes int 5, then array_merge renumbers it to 0: still first, as "0" sorts before "b".
    expect(stamp('{"b":{"c":1},"5":"x"}')).toBe('5:x;b:c:1');
    expect(stamp('{"5":"x","b":{"c":1},"10":"y"}')).toBe('5:x;10:y;b:c:1');
    expect(stamp('{"0":{"a":1},"b":2}')).toBe('a:1;b:2');
    expect(stamp('{"a":1,"A":2}')).toBe('a:2');
  });

  it('leaves out only the signature it checks (the documented algorithm)', () => {
    expect(stamp('{"a":1,"signature":"s","n":{"signature":"t"}}')).toBe('a:1;n:signature:t');
  });

  it('refuses what json_decode refuses', () => {
    expect(() => stamp('{"a":"\\ud800"}')).toThrow(/surrogate/);
    expect(() => stamp('{"a":1,}')).toThrow(/offset 7/);
    expect(() => stamp('{"a":01}')).toThrow();
    expect(() => stamp('{"a":"x\ny"}')).toThrow(/control character/);
    expect(() => stamp(`${'['.repeat(513)}${']'.repeat(513)}`)).toThrow(/nesting/);
  });

  it('names what is wrong with text that is not JSON, and where', () => {
    const refusal = (text: string): string | undefined => {
      try {
        decodeForSigning(text, undefined);
        return undefined;
      } catch (error) {
        return error instanceof JsonSyntaxError ? error.message : String(error);
      }
    };
    expect(
      [
        '',
        '{"a":1',
        '{"a":1 "b":2}',
        '{"a" 1}',
        '{a:1}',
        '{"a":[1 2]}',
        '{"a":[1',
        '{"a":nul}',
        '{"a":1} x',
        '{"a":"\\u12G4"}',
        '{"a":"\\q"}',
        '{"a":"x',
      ].map(refusal),
    ).toEqual([
      'unexpected end of input at offset 0',
      "unexpected end of input, expected ',' or '}' at offset 6",
      "expected ',' or '}' at offset 7",
      "expected ':' at offset 5",
      'expected a string key at offset 1',
      "expected ',' or ']' at offset 8",
      "unexpected end of input, expected ',' or ']' at offset 7",
      'unexpected character at offset 5',
      'unexpected data after the JSON value at offset 8',
      'bad \\u escape at offset 8',
      'bad escape at offset 6',
      'unterminated string at offset 7',
    ]);
  });

  it('decodes escapes before signing', () => {
    expect(stamp('{"a":"\\u0416\\n\\/","b":"\\ud83d\\ude00"}')).toBe('a:Ж\n/;b:😀');
    // An upper-case key takes the body off the fast path, to the decoder that reads every escape.
    expect(stamp('{"A":"\\b\\f\\r\\t\\"\\\\"}')).toBe('a:\b\f\r\t"\\');
  });
});

describe('naturalCompare (PHP strnatcmp_ex)', () => {
  const cmp = (a: string, b: string) => Math.sign(naturalCompare(Buffer.from(a), Buffer.from(b)));
  it.each([
    ['item2', 'item10', -1],
    ['list:9', 'list:10', -1],
    ['a-b', 'a1', -1],
    ['a1', 'a:b', -1],
    ['a:b', 'a_b', -1],
    ['a_b', 'ab', -1],
    ['payment:id', 'payment_id', -1],
    ['x01', 'x1', -1],
    ['x 1', 'x1', 0],
    ['007', '7', 0],
    ['', 'a', -1],
    ['B', 'a', -1],
    ['abc', 'ab', 1],
  ] as const)('%j vs %j -> %i', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
    expect(cmp(b, a)).toBe(-expected || 0);
  });
});

describe('phpFloatToString (precision 14, half to even)', () => {
  it.each([
    [12.5, '12.5'],
    [-0.75, '-0.75'],
    [0.1 + 0.2, '0.3'],
    [1 / 3, '0.33333333333333'],
    [2 / 3, '0.66666666666667'],
    [1e14, '1.0E+14'],
    [123456789012345, '1.2345678901234E+14'],
    [12345678901234, '12345678901234'],
    [0.0001, '0.0001'],
    [0.00001, '1.0E-5'],
    [1e25, '1.0E+25'],
    [-1.5e-7, '-1.5E-7'],
    [5e-324, '4.9406564584125E-324'],
    [Infinity, 'INF'],
  ] as const)('%d -> %s', (value, expected) => {
    expect(phpFloatToString(value)).toBe(expected);
  });
});

describe('signingMiddleware (for fetch-based clients)', () => {
  it('appends the signature of exactly the text sent, without re-serialising it', async () => {
    const { signingMiddleware } = await import('../../src/protocol/signature/fetch-signer.js');
    const body = '{"type":"verify","customer_id":"7123456789","project_id":1234 }';
    const { init } = await signingMiddleware('kassa24-demo-secret').pre({ url: 'x', init: { method: 'POST', body } });
    expect(init.body).toBe(
      '{"type":"verify","customer_id":"7123456789","project_id":1234 ,"signature":"0lvNaRTa54GLdwDfGlgDWV1BP860AZLVAbKNw4Rr9IYGxbL1ksCV0rsP7/tllftFPPAnNJIwmiSL+pwzLb/Dwg=="}',
    );
    expect((await signingMiddleware('k').pre({ url: 'x', init: { body: '{}' } })).init.body).toBe(
      `{"signature":${JSON.stringify(sign('{}', 'k'))}}`,
    );
    const upper = '{"project_id":1,"General":{"A":1}}';
    const bySdk = (await signingMiddleware('k', 'sdk').pre({ url: 'x', init: { body: upper } })).init.body as string;
    expect(bySdk).toBe(`{"project_id":1,"General":{"A":1},"signature":${JSON.stringify(sign(upper, 'k', 'sdk'))}}`);
    expect(checkSignature(decodeForSigning(bySdk), ['k'])).toMatchObject({ ok: true, algorithm: 'sdk' });
  });
});
