// Calls the admin API as an operator's tool would, and checks every request sent and every answer
// received against the admin contract (openapi/kassa24-admin.yaml) with openapi-backend's validator.
import { expect } from 'vitest';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import { openapiDocument } from '../../generated/admin/openapi-document.js';
import type { components } from '../../generated/admin/openapi-types.js';
import { CONTRACT_FORMATS } from '../../scripts/contract-formats.js';
import { AdminTokens } from '../../src/admin/admin-tokens.js';

export const OPERATOR_TOKEN = 'k24_test-operator-token';
export const VIEWER_TOKEN = 'k24_test-viewer-token';

/** The operator alice and the viewer carol, and any others a test names. */
export const testAdminTokens = (...others: Parameters<typeof AdminTokens.of>[0]): AdminTokens =>
  AdminTokens.of([
    { name: 'alice', role: 'operator', token: OPERATOR_TOKEN },
    { name: 'carol', role: 'viewer', token: VIEWER_TOKEN },
    ...others,
  ]);

const contract = new OpenAPIBackend({
  definition: openapiDocument as unknown as Document,
  validate: true,
  customizeAjv: (ajv) => {
    for (const [name, format] of Object.entries(CONTRACT_FORMATS)) ajv.addFormat(name, format);
    return ajv;
  },
});
const ready = contract.init();

export type Schemas = components['schemas'];

/** An answer whose body the contract's schema for its status has checked; `T` is what the test expects. */
export interface AdminAnswer<T> {
  status: number;
  contentType: string;
  headers: Headers;
  body: T;
}

export interface AdminCall {
  token?: string | undefined;
  body?: unknown;
  /** A raw body text, sent as it is (for malformed input). */
  rawBody?: string;
  /** The request is meant to break the contract: it is not checked before sending. */
  invalid?: boolean;
}

/** Sends a request to `baseUrl` + `path` ("GET /admin/v1/accounts?limit=2"). */
export async function admin<T = Schemas['Problem']>(baseUrl: string, request: string, call: AdminCall = {}): Promise<AdminAnswer<T>> {
  await ready;
  const [method = 'GET', target = '/'] = request.split(' ');
  const url = new URL(target, baseUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
  const operation = contract.router.matchOperation({ method, path: url.pathname, headers });
  if (!call.invalid && operation) {
    const checked = contract.validateRequest(
      { method, path: url.pathname, headers, query: Object.fromEntries(url.searchParams), body: call.body },
      operation,
    );
    expect(checked.errors ?? [], `the test's own request breaks the contract: ${request}`).toEqual([]);
  }
  const response = await fetch(url, {
    method,
    headers,
    ...(call.rawBody !== undefined ? { body: call.rawBody } : call.body !== undefined && { body: JSON.stringify(call.body) }),
  });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (operation) {
    const declared = Object.keys(operation.responses ?? {});
    expect(declared, `${request} answered ${response.status}, which the contract does not list`).toContain(String(response.status));
    const checked = contract.validateResponse(body, operation, response.status);
    expect(checked.errors ?? [], `${request} answered ${response.status} outside its schema: ${text}`).toEqual([]);
  }
  if (response.status >= 400) {
    expect(contentType).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ status: response.status, type: expect.stringMatching(/^urn:kassa24-bvu:problem:/) as unknown });
  }
  return { status: response.status, contentType, headers: response.headers, body: body as T };
}
