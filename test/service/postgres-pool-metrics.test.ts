// On PostgreSQL, /metrics shows what each connection pool is doing at the scrape: the platform's
// operations held up by a locked payment fill its pool, those beyond it wait for a connection.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { OPERATOR_POOL_SIZE } from '../../src/store/postgres/pools.js';
import { postgresUrl } from '../support/databases.js';
import { callbackBody, checkDepositRequest, post, signed } from '../support/platform.js';
import { startService, type TestService } from '../support/service.js';

const POOL_SIZE = 2;
const CALLBACKS = 5;

describe.runIf(postgresUrl)('connection pools on /metrics (PostgreSQL)', () => {
  let service: TestService | undefined;
  let holder: pg.Client | undefined;
  afterEach(async () => {
    await holder?.end();
    await service?.close();
  });

  /** `name{labels} value` of the scrape, as a number (NaN when absent). */
  const scrape = async () => {
    const text = await (await fetch(`${service!.url}/metrics`)).text();
    return (name: string, labels: string) => Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1]);
  };

  it('shows each pool’s size, its busy and idle connections, and the operations waiting for one', async () => {
    service = await startService({
      backend: 'postgres',
      storeOptions: { poolSize: POOL_SIZE, timeoutMs: 20_000 },
      accounts: [{ customerId: 'acc-1', currency: 'KZT' }],
    });
    const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('acc-1', 10000)));
    const paymentId = body.payment_id!;

    let figure = await scrape();
    expect(figure('kassa24_store_pool_max_connections', 'pool="platform"')).toBe(POOL_SIZE);
    expect(figure('kassa24_store_pool_max_connections', 'pool="operator"')).toBe(OPERATOR_POOL_SIZE);
    expect(figure('kassa24_store_pool_waiting', 'pool="platform"')).toBe(0);
    expect(figure('kassa24_store_pool_connections', 'pool="platform",state="busy"')).toBe(0);
    expect(figure('kassa24_store_pool_connections', 'pool="platform",state="idle"')).toBeGreaterThanOrEqual(1);

    // Another session holds the payment's row: each callback for it keeps its connection until the
    // lock goes, and those beyond the pool's size wait for a connection.
    holder = new pg.Client({ connectionString: service.databaseUrl });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select * from payments where payment_id = $1 for update', [paymentId]);
    const answers = Promise.all(
      Array.from({ length: CALLBACKS }, (_, i) => {
        const callback = callbackBody(paymentId, 10000);
        return post(service!.url, '/callback', signed({ ...callback, operation: { ...callback.operation, id: 500 + i } }));
      }),
    );
    await expect
      .poll(async () => {
        figure = await scrape();
        return [
          figure('kassa24_store_pool_connections', 'pool="platform",state="busy"'),
          figure('kassa24_store_pool_connections', 'pool="platform",state="idle"'),
          figure('kassa24_store_pool_waiting', 'pool="platform"'),
        ];
      })
      .toEqual([POOL_SIZE, 0, CALLBACKS - POOL_SIZE]);

    await holder.query('commit');
    expect((await answers).map((answer) => answer.status)).toEqual(Array(CALLBACKS).fill(200));
    expect((await service.store.findAccount('acc-1'))?.balance).toBe(10000);
    figure = await scrape();
    expect(figure('kassa24_store_pool_waiting', 'pool="platform"')).toBe(0);
    expect(figure('kassa24_store_pool_connections', 'pool="platform",state="busy"')).toBe(0);
  });
});
