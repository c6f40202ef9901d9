// The admin contract: a valid OpenAPI 3.0 document of its own, every example keeping its schema
// under the generated validators, every operation behind the bearer token; and the partner spec
// free of it.
import { OpenAPIBackend, type Document } from 'openapi-backend';
import { describe, expect, it } from 'vitest';
import { openapiDocument as adminDocument } from '../../generated/admin/openapi-document.js';
import { schemaValidators } from '../../generated/admin/validators.js';
import { openapiDocument as partnerDocument } from '../../generated/openapi-document.js';

type Media = { schema: { $ref?: string }; examples?: Record<string, { value: unknown }> };
type Operation = {
  operationId: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { $ref?: string; content?: Record<string, Media> }>;
};
const doc = adminDocument as unknown as {
  openapi: string;
  security: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { content: Record<string, Media> }> };
};
const operations = Object.values(doc.paths).flatMap((item) =>
  Object.entries(item)
    .filter(([key]) => key !== 'parameters')
    .map(([, op]) => op),
);
type SchemaName = keyof typeof schemaValidators;

function examples(): Array<[string, SchemaName, unknown]> {
  const rows: Array<[string, SchemaName, unknown]> = [];
  const add = (label: string, media: Media | undefined) => {
    for (const [name, example] of Object.entries(media?.examples ?? {})) {
      rows.push([`${label} ${name}`, media!.schema.$ref!.split('/').pop() as SchemaName, example.value]);
    }
  };
  for (const op of operations) {
    add(`${op.operationId} request`, op.requestBody?.content['application/json']);
    for (const [status, response] of Object.entries(op.responses)) {
      const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').pop()!]! : response;
      for (const media of Object.values(resolved.content ?? {})) add(`${op.operationId} ${status}`, media);
    }
  }
  return rows;
}

describe('the admin OpenAPI document', () => {
  it('is valid OpenAPI 3.0.3, every operation behind the bearer token', async () => {
    expect(doc.openapi).toBe('3.0.3');
    const api = new OpenAPIBackend({ definition: structuredClone(adminDocument) as unknown as Document, strict: true, validate: false });
    await expect(api.init()).resolves.toBeDefined();
    expect(doc.security).toEqual([{ bearerToken: [] }]);
    for (const op of operations) expect(Object.keys(op.responses), op.operationId).toContain('401');
  });

  it('lives under /admin/v1/, and the partner spec has none of it', () => {
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/admin/v1/'))).toBe(true);
    expect(Object.keys((partnerDocument as { paths: object }).paths).some((p) => p.startsWith('/admin'))).toBe(false);
  });

  it.each(examples())('example %s keeps schema %s', (_name, schema, value) => {
    const validate = schemaValidators[schema] as ((data: unknown) => boolean) & { errors?: unknown };
    // The validators fill in defaults: check a copy.
    expect(validate(structuredClone(value)), JSON.stringify(validate.errors)).toBe(true);
  });
});
