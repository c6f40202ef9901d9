// The spec handed to partners: a valid OpenAPI 3.0 document whose every example keeps its own
// schema, and whose signed examples carry real signatures.
import { OpenAPIBackend, type Document } from 'openapi-backend';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../../generated/openapi-document.js';
import { schemaValidators } from '../../generated/validators.js';
import { checkSignature, decodeForSigning } from '../../src/protocol/signature/signature.js';
import { DEMO_SECRET } from '../support/platform.js';

type Media = { schema: { $ref: string }; examples?: Record<string, { value: unknown }> };
type Operation = {
  operationId: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { $ref?: string; content?: Record<string, Media> }>;
};

const doc = openapiDocument as unknown as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { content: Record<string, Media> }> };
};
const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
const schemaName = (ref: string) => ref.split('/').pop() as keyof typeof schemaValidators;

function examplesOf(): Array<[string, keyof typeof schemaValidators, unknown, boolean]> {
  const rows: Array<[string, keyof typeof schemaValidators, unknown, boolean]> = [];
  for (const op of operations) {
    for (const [name, example] of Object.entries(op.requestBody?.content['application/json']?.examples ?? {})) {
      rows.push([
        `${op.operationId} request ${name}`,
        schemaName(op.requestBody!.content['application/json']!.schema.$ref),
        example.value,
        true,
      ]);
    }
    for (const [status, response] of Object.entries(op.responses)) {
      const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').pop()!]! : response;
      const media = resolved.content?.['application/json'];
      for (const [name, example] of Object.entries(media?.examples ?? {})) {
        rows.push([`${op.operationId} ${status} ${name}`, schemaName(media!.schema.$ref), example.value, false]);
      }
    }
  }
  return rows;
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.0.3', async () => {
    expect(doc.openapi).toBe('3.0.3');
    const api = new OpenAPIBackend({ definition: structuredClone(openapiDocument) as unknown as Document, strict: true, validate: false });
    await expect(api.init()).resolves.toBeDefined();
  });

  it('names every operation and gives each request body examples', () => {
    expect(operations.map((op) => op.operationId).sort()).toEqual(['callback', 'healthz', 'readyz', 'terminal']);
    for (const op of operations.filter((o) => o.requestBody)) {
      expect(Object.keys(op.requestBody!.content['application/json']!.examples ?? {}).length).toBeGreaterThan(0);
    }
  });

  it.each(examplesOf())('example %s keeps schema %s', (_name, schema, value, isRequest) => {
    const validate = schemaValidators[schema] as ((data: unknown) => boolean) & { errors?: unknown };
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    if (isRequest) {
      // Signed with the demo secret: the examples work against a demo service as they are.
      expect(checkSignature(decodeForSigning(JSON.stringify(value)), [DEMO_SECRET])).toMatchObject({ ok: true });
    }
  });
});
