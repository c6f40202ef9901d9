// The signature's parts against PHP itself: each case's answer was computed by PHP 8.2 and the
// platform's reference SDK (the fixture's `source` says how), over keys and values chosen to reach
// the corners of each part — digit runs and white space in keys, floats at their rounding ties,
// integer-like keys, depth, damaged JSON.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { naturalCompare } from '../../src/protocol/signature/natural-order.js';
import { phpFloatToString } from '../../src/protocol/signature/php-float.js';
import { decodeForSigning, JsonSyntaxError, stampUnder } from '../../src/protocol/signature/signature.js';

interface PhpReferenceCases {
  natural: Array<[string, string, -1 | 0 | 1]>;
  floats: Array<[string, string]>;
  sdk_stamps: Array<{ body: string; stamp: string }>;
  json: Array<{ body: string; stamp: string } | { body: string; refused: string }>;
}
const cases = JSON.parse(readFileSync(new URL('../fixtures/php-reference-cases.json', import.meta.url), 'utf8')) as PhpReferenceCases;
const sdkStamp = (body: string): string => stampUnder(decodeForSigning(body), 'sdk');

describe('against PHP 8.2 and the reference SDK', () => {
  it('orders keys as strnatcmp does', () => {
    for (const [a, b, order] of cases.natural) {
      expect(Math.sign(naturalCompare(Buffer.from(a), Buffer.from(b))), JSON.stringify([a, b])).toBe(order);
      expect(Math.sign(naturalCompare(Buffer.from(b), Buffer.from(a))), JSON.stringify([b, a])).toBe(-order || 0);
    }
  });

  it('prints a float as PHP does', () => {
    for (const [text, php] of cases.floats) expect(phpFloatToString(Number(text)), text).toBe(php);
  });

  it("stamps a body as the SDK's SignatureHandler does", () => {
    for (const { body, stamp } of cases.sdk_stamps) expect(sdkStamp(body), body).toBe(stamp);
  });

  it('refuses the damaged bodies json_decode refuses, and stamps the ones it decodes', () => {
    for (const c of cases.json) {
      if ('refused' in c) expect(() => decodeForSigning(c.body), `${c.body} (${c.refused})`).toThrow(JsonSyntaxError);
      else expect(sdkStamp(c.body), c.body).toBe(c.stamp);
    }
  });
});
