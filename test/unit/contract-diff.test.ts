import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { breakingChanges } from '../../scripts/contract-diff.js';

const spec = () => load(readFileSync(new URL('../../openapi/kassa24-bvu.yaml', import.meta.url), 'utf8')) as any;

describe('breakingChanges', () => {
  it('finds none between the contract and itself, or for an added optional field', () => {
    expect(breakingChanges(spec(), spec())).toEqual([]);
    const next = spec();
    next.components.schemas.VerifyRequest.properties.terminal_id = { type: 'string', description: 'x' };
    next.components.schemas.VerifyResponse.properties.note = { type: 'string', description: 'x' };
    expect(breakingChanges(spec(), next)).toEqual([]);
  });

  it('finds a removed operation and a removed response', () => {
    const next = spec();
    delete next.paths['/readyz'];
    delete next.paths['/callback'].post.responses['503'];
    expect(breakingChanges(spec(), next).sort()).toEqual(['GET /readyz: operation removed', 'POST /callback: response 503 removed']);
  });

  it('finds a newly required request field, narrowed request values and a changed type', () => {
    const next = spec();
    next.components.schemas.Callback.required.push('operation');
    next.components.schemas.CheckDepositRequest.properties.payment_method = { type: 'string', enum: [], description: 'x' };
    next.components.schemas.Amount.type = 'string';
    const found = breakingChanges(spec(), next);
    expect(found).toContain('POST /callback request.operation: newly required');
    expect(found).toContain('POST /terminal request[1].payment_method: no longer accepts "kassa24_bvu"');
    expect(found).toContain('POST /terminal request[1].amount: type integer became string');
  });

  it('finds answers that lose a field or gain values', () => {
    const next = spec();
    next.components.schemas.CallbackAck.required = ['code'];
    next.components.schemas.CallbackAck.properties.result.enum.push('refunded');
    const found = breakingChanges(spec(), next);
    expect(found).toContain('POST /callback 200.result: no longer guaranteed in answers');
    expect(found).toContain('POST /callback 200.result: may now answer "refunded"');
  });
});
