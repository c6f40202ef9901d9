// The Prism mocks (`npm run mock`, `npm run mock -- --admin`) serve exactly each spec's named
// examples; the admin mock with CORS on, so a console in a browser can be built against it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument as adminDocument } from '../../generated/admin/openapi-document.js';
import { openapiDocument } from '../../generated/openapi-document.js';
import { projectRoot } from '../support/processes.js';
import { startPrism, type Prism } from '../support/prism.js';

type Media = { examples?: Record<string, { value: unknown }> };
type Response = { $ref?: string; content?: Record<string, Media> };
type Operation = { operationId: string; requestBody?: { content: Record<string, Media> }; responses: Record<string, Response> };
type Doc = { paths: Record<string, Record<string, Operation | unknown[]>>; components: { responses?: Record<string, Response> } };

/** [name, method, path, status, request example, answer example] for every answer example of `doc`. */
function examplesOf(document: unknown): Array<[string, string, string, string, unknown, unknown]> {
  const doc = document as Doc;
  const served: Array<[string, string, string, string, unknown, unknown]> = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (method === 'parameters') continue;
      const { operationId, requestBody, responses } = operation as Operation;
      const request = Object.values(requestBody?.content['application/json']?.examples ?? {})[0]?.value;
      // A path parameter takes the value of the examples, which all speak of the same records.
      const path = template
        .replace('{customer_id}', '7123456789')
        .replace('{payment_id}', 'p-1')
        .replace('{callback_id}', '17')
        .replace('{reconciliation_id}', '4');
      for (const [status, response] of Object.entries(responses)) {
        const resolved = response.$ref ? doc.components.responses![response.$ref.split('/').pop()!]! : response;
        for (const media of Object.values(resolved.content ?? {})) {
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            served.push([`${operationId} ${status} ${name}`, method, path, status, request, example.value]);
          }
        }
      }
    }
  }
  return served;
}

const SPECS: Array<{ name: string; spec: string; doc: unknown; headers: Record<string, string> }> = [
  { name: 'partner', spec: 'kassa24-bvu.yaml', doc: openapiDocument, headers: {} },
  { name: 'admin', spec: 'kassa24-admin.yaml', doc: adminDocument, headers: { authorization: 'Bearer any-token' } },
];

describe.each(SPECS)('npm run mock: the $name spec (Prism)', ({ spec, doc, headers }) => {
  let mock: Prism;
  beforeAll(async () => {
    mock = await startPrism(['mock', path.join(projectRoot, 'openapi', spec), '--cors']);
  }, 60_000);
  afterAll(() => mock?.stop());

  it.each(examplesOf(doc))('serves %s', async (name, method, path, status, request, expected) => {
    const response = await fetch(mock.url + path, {
      method: method.toUpperCase(),
      headers: {
        'content-type': 'application/json',
        origin: 'http://console.test',
        ...headers,
        prefer: `code=${status}, example=${name.split(' ').pop()!}`,
      },
      ...(request !== undefined && { body: JSON.stringify(request) }),
    });
    expect(response.status).toBe(Number(status));
    expect(await response.json()).toEqual(expected);
    expect(response.headers.get('access-control-allow-origin')).toBeTruthy();
  });
});
