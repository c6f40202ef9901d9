// Every answer a test sees is also checked against the contract's own response schemas.
import { expect } from 'vitest';
import { schemaValidators } from '../../generated/validators.js';
import type { Answer } from './platform.js';

type SchemaName = keyof typeof schemaValidators;

export function expectContract(answer: Answer, schema: SchemaName): void {
  const validate = schemaValidators[schema] as (data: unknown) => boolean;
  const ok = validate(answer.body);
  expect(ok, `answer breaks ${schema}: ${JSON.stringify((validate as { errors?: unknown }).errors)}\n${JSON.stringify(answer.body)}`).toBe(
    true,
  );
}
