// One line for a contract violation, naming the field and what the contract wants of it. The errors
// are the generated validators' own, from bodies that break the contract.
import { describe, expect, it } from 'vitest';
import { schemaValidators as admin } from '../../generated/admin/validators.js';
import { schemaValidators as partner, type ValidationError, type Validator as GeneratedValidator } from '../../generated/validators.js';
import { describeValidationError } from '../../src/protocol/validation-message.js';

type Validator = GeneratedValidator<unknown>;

function firstError(validate: Validator, body: unknown): ValidationError {
  expect(validate(body)).toBe(false);
  return validate.errors![0]!;
}

const described = (validate: Validator, body: unknown, tags?: string[]) => describeValidationError(firstError(validate, body), tags);

describe('a contract violation in one line', () => {
  it('calls a body that is not an object by what it must be, and a nested value by its type', () => {
    for (const body of [[], 'verify', 12, null]) expect(described(partner.TerminalRequest, body)).toBe('body: must be a JSON object');
    expect(described(partner.Callback, { project_id: 1, payment: 'p-1' })).toBe('payment: must be of type object');
    expect(
      described(partner.Callback, {
        project_id: 1,
        payment: { id: 'p-1', status: 'success', sum: { amount: 1, currency: 'KZT' } },
        operation: { type: 5 },
      }),
    ).toBe('operation.type: must be of type string');
  });

  it('names a missing field by its path', () => {
    expect(described(partner.Callback, { project_id: 1, payment: { id: 'p-1', status: 'success' } })).toBe(
      'payment.sum: required field is missing',
    );
  });

  it("names the discriminator's field, and the values it takes when told them", () => {
    expect(described(partner.TerminalRequest, { project_id: 1 })).toBe('type: required field is missing or not a string');
    expect(described(partner.TerminalRequest, { project_id: 1, type: 5 })).toBe('type: required field is missing or not a string');
    expect(described(partner.TerminalRequest, { project_id: 1, type: 'refund' }, ['verify', 'check_deposit'])).toBe(
      'type: "refund" is not a known value; expected "verify" or "check_deposit"',
    );
    expect(described(partner.TerminalRequest, { project_id: 1, type: 'refund' })).toBe('type: "refund" is not a known value');
  });

  it('lists what an enumeration allows: one value as itself, several as a choice', () => {
    expect(described(admin.Role, 'admin')).toBe('body: must be one of "viewer", "operator"');
    expect(
      describeValidationError({
        instancePath: '/payment_method',
        keyword: 'enum',
        params: { allowedValues: ['kassa24_bvu'] },
        message: 'must be equal to one of the allowed values',
      }),
    ).toBe('payment_method: must be "kassa24_bvu"');
  });

  it("says anything else in the validator's words, after the field", () => {
    expect(
      described(partner.Callback, {
        project_id: 1,
        payment: { id: 'p-1', status: 'success', sum: { amount: 1, currency: 'kzt' } },
      }),
    ).toBe('payment.sum.currency: must match pattern "^[A-Z]{3}$"');
    const { message: _message, ...withoutMessage } = firstError(partner.ProjectId, 0);
    expect(describeValidationError({ ...withoutMessage, instancePath: '/project_id' })).toBe('project_id: is invalid');
  });

  it('reads a field whose name holds "/" or "~" as its name', () => {
    const error = (instancePath: string): ValidationError => ({
      instancePath,
      keyword: 'required',
      params: { missingProperty: 'id' },
    });
    expect(describeValidationError(error('/a~1b/c~0d/~01'))).toBe('a/b.c~d.~1.id: required field is missing');
  });
});
