// The Prism mock partners and QA use serves exactly the spec's named examples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from '../../generated/openapi-document.js';
import { startPrism, SPEC, type Prism } from '../support/prism.js';

type Media = { examples?: Record<string, { value: unknown }> };
type Response = { $ref?: string; content?: Record<string, Media> };
type Operation = { operationId: string; requestBody?: { content: Record<string, Media> }; responses: Record<string, Response> };
const doc = openapiDocument as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, Response> };
};

const served: Array<[string, string, string, string, unknown, unknown]> = [];
for (const [path, item] of Object.entries(doc.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    const request = Object.values(operation.requestBody?.content['application/json']?.examples ?? {})[0]?.value;
    for (const [status, response] of Object.entries(operation.responses)) {
      const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').pop()!]! : response;
      for (const [name, example] of Object.entries(resolved.content?.['application/json']?.examples ?? {})) {
        served.push([`${operation.operationId} ${status} ${name}`, method, path, status, request, example.value]);
      }
    }
  }
}

let mock: Prism;
beforeAll(async () => {
  mock = await startPrism(['mock', SPEC]);
}, 60_000);
afterAll(() => mock?.stop());

describe('npm run mock (Prism)', () => {
  it.each(served)('serves %s', async (_name, method, path, status, request, expected) => {
    const exampleName = _name.split(' ').pop()!;
    const response = await fetch(mock.url + path, {
      method: method.toUpperCase(),
      headers: { 'content-type': 'application/json', prefer: `code=${status}, example=${exampleName}` },
      ...(request !== undefined && { body: JSON.stringify(request) }),
    });
    expect(response.status).toBe(Number(status));
    expect(await response.json()).toEqual(expected);
  });
});
