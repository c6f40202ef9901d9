// The Data API client against the Prism mock of openapi/platform/data-api.yaml: Prism checks that
// the request keeps the spec; the client checks the example answer, its signature included (the
// spec's examples are signed with the secret `dashboard-secret`).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataApiError, dataApiOperations } from '../../src/platform/data-api-client.js';
import { startPrism, type Prism } from '../support/prism.js';
import { projectRoot } from '../support/processes.js';

describe('the Data API client', () => {
  let prism: Prism;
  beforeAll(async () => {
    prism = await startPrism(['mock', path.join(projectRoot, 'openapi', 'platform', 'data-api.yaml'), '--errors']);
  }, 60_000);
  afterAll(() => prism?.stop());

  const query = {
    from: '2026-12-01T00:00:00.000Z',
    to: '2026-12-02T00:00:00.000Z',
    projectIds: [1234],
    fields: ['payment_id', 'operation_status'],
  };
  const all = async (secret: string) => {
    const operations = [];
    for await (const operation of dataApiOperations({ url: prism.url, token: 'dashboard-api-token', secret }, query))
      operations.push(operation);
    return operations;
  };

  it('sends a request the spec accepts and reads the signed example answer, a short page being the last', async () => {
    expect(await all('dashboard-secret')).toEqual([
      expect.objectContaining({ payment_id: '0b0f6a4e-5a1c-4f57-9a38-0d8cbd7f3d21', operation_status: 'success' }),
    ]);
  });

  it('refuses an answer not signed with its secret', async () => {
    await expect(all('another-secret')).rejects.toThrow(DataApiError);
    await expect(all('another-secret')).rejects.toThrow(/not signed with DATA_API_SECRET/);
  });
});
