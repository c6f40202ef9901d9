// The Data API client against the Prism mock of openapi/platform/data-api.yaml: Prism checks that
// the request keeps the spec; the client checks the example answer, its signature included (the
// spec's examples are signed with the secret `dashboard-secret`). Then against the fake platform:
// what it asks for, page after page, and what it does when the Data API fails or refuses.
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataApiError, dataApiOperations, type OperationsQuery } from '../../src/platform/data-api-client.js';
import { DATA_API, startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
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

describe('the Data API client against the platform', () => {
  let platform: FakePlatform;
  beforeAll(async () => {
    platform = await startFakePlatform({});
  });
  afterAll(() => platform?.close());
  beforeEach(() => {
    platform.operations.length = 0;
    platform.pages.length = 0;
    platform.dataApiRequests.length = 0;
    platform.dataApiFaults.length = 0;
  });

  // The first of December, UTC: `to` is exclusive, the Data API's interval_to inclusive.
  const december1: OperationsQuery = {
    from: '2026-12-01T00:00:00.000Z',
    to: '2026-12-02T00:00:00.000Z',
    projectIds: [1234, 5678],
    fields: ['payment_id', 'operation_status'],
  };
  const operation = (n: number) => ({
    operation_id: n,
    payment_id: `p-${n}`,
    project_id: 1234,
    operation_created_at: '2026-12-01 10:00:00',
    operation_type: 'sale',
    operation_status: 'success',
    operation_sum_amount: 5000,
    operation_sum_currency: 'KZT',
  });
  const pauses: number[] = [];
  const read = async (url = platform.url) => {
    pauses.length = 0;
    const operations = [];
    const settings = { url, token: DATA_API.token, secret: DATA_API.secret };
    const sleep = (ms: number) => {
      pauses.push(ms);
      return Promise.resolve();
    };
    for await (const op of dataApiOperations(settings, december1, { attempts: 3, firstPauseMs: 10 }, sleep)) operations.push(op);
    return operations;
  };

  it('asks for the period in UTC, its end inclusive to the second, a page after another until a short one', async () => {
    for (let n = 1; n <= 2345; n++) platform.operations.push(operation(n));
    const operations = await read();
    expect(operations.map((op) => op.operation_id)).toEqual(platform.operations.map((op) => op.operation_id));
    expect(platform.dataApiRequests).toEqual(
      [0, 1000, 2000].map((offset) => ({
        token: DATA_API.token,
        interval_from: '2026-12-01 00:00:00',
        interval_to: '2026-12-01 23:59:59',
        time_zone: 'UTC',
        project_ids: [1234, 5678],
        fields: ['payment_id', 'operation_status'],
        limit: 1000,
        offset,
      })),
    );
  });

  it('asks again after a 5xx, a 429 or no answer, pausing twice as long each time', async () => {
    platform.operations.push(operation(1));
    const unavailable = { status: 503, body: '{"status":"error","message":"maintenance"}' };
    platform.dataApiFaults.push(unavailable, { status: 429, body: '{"status":"error","message":"slow down"}' });
    expect(await read()).toHaveLength(1);
    expect(pauses).toEqual([10, 20]);
    expect(platform.pages).toEqual([0, 0, 0]);

    platform.dataApiFaults.push(unavailable, unavailable, unavailable);
    await expect(read()).rejects.toThrow(
      new DataApiError('the Data API answered 503 at offset 0: {"status":"error","message":"maintenance"}'),
    );
    expect(pauses).toEqual([10, 20]);

    await expect(read('http://127.0.0.1:9')).rejects.toThrow(/^the Data API answered nothing at offset 0: /);
    expect(pauses).toEqual([10, 20]);
  });

  it('does not ask again after a refusal, nor read an answer that is not JSON', async () => {
    platform.dataApiFaults.push({ status: 400, body: '{"status":"error","message":"interval is too long"}' });
    await expect(read()).rejects.toThrow(
      new DataApiError('the Data API answered 400 at offset 0: {"status":"error","message":"interval is too long"}'),
    );
    expect(platform.pages).toEqual([0]);
    expect(pauses).toEqual([]);

    platform.dataApiFaults.push({ status: 200, body: 'maintenance page' });
    await expect(read()).rejects.toThrow(new DataApiError("the Data API's answer at offset 0 is not JSON"));
  });
});
