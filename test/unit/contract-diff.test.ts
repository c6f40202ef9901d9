import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { breakingChanges, type Json, type Obj } from '../../scripts/contract-diff.js';

const spec = () => load(readFileSync(new URL('../../openapi/kassa24-bvu.yaml', import.meta.url), 'utf8')) as Obj;
/** The object at `keys` inside `doc`, to edit in place. */
const node = (doc: Obj, ...keys: string[]): Obj => keys.reduce<Obj>((at, key) => at[key] as Obj, doc);
const schema = (doc: Obj, name: string, ...keys: string[]): Obj => node(doc, 'components', 'schemas', name, ...keys);

describe('breakingChanges', () => {
  it('finds none between the contract and itself, or for an added optional field', () => {
    expect(breakingChanges(spec(), spec())).toEqual([]);
    const next = spec();
    schema(next, 'VerifyRequest', 'properties').terminal_id = { type: 'string', description: 'x' };
    schema(next, 'VerifyResponse', 'properties').note = { type: 'string', description: 'x' };
    expect(breakingChanges(spec(), next)).toEqual([]);
  });

  it('finds a removed operation and a removed response', () => {
    const next = spec();
    delete node(next, 'paths')['/readyz'];
    delete node(next, 'paths', '/callback', 'post', 'responses')['503'];
    expect(breakingChanges(spec(), next).sort()).toEqual(['GET /readyz: operation removed', 'POST /callback: response 503 removed']);
  });

  it('finds a newly required request field, narrowed request values and a changed type', () => {
    const next = spec();
    (schema(next, 'Callback').required as Json[]).push('operation');
    schema(next, 'CheckDepositRequest', 'properties').payment_method = { type: 'string', enum: [], description: 'x' };
    schema(next, 'Amount').type = 'string';
    const found = breakingChanges(spec(), next);
    expect(found).toContain('POST /callback request.operation: newly required');
    expect(found).toContain('POST /terminal request[1].payment_method: no longer accepts "kassa24_bvu"');
    expect(found).toContain('POST /terminal request[1].amount: type integer became string');
  });

  it('finds answers that lose a field or gain values', () => {
    const next = spec();
    schema(next, 'CallbackAck').required = ['code'];
    (schema(next, 'CallbackAck', 'properties', 'result').enum as Json[]).push('refunded');
    const found = breakingChanges(spec(), next);
    expect(found).toContain('POST /callback 200.result: no longer guaranteed in answers');
    expect(found).toContain('POST /callback 200.result: may now answer "refunded"');
  });
});
