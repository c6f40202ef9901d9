import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadDatabaseConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('defaults to the demo projects, port 8080 and the SQLite file', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'sqlite:./data/kassa24.db', demo: true });
    expect([...config.projects.keys()]).toEqual([1234, 111]);
    expect(config.demoAccounts.map((a) => a.customerId)).toContain('7123456789');
  });

  it('reads a secret, an array of secrets, or an object with limits per project', () => {
    const config = loadConfig({
      KASSA24_PROJECTS: JSON.stringify({
        1: 'a',
        2: ['new', 'old'],
        3: { secrets: ['c'], min_amount: 100, max_amount: 500 },
        4: { secret: 'd' },
      }),
      PORT: '9000',
    });
    expect(config.demo).toBe(false);
    expect(config.port).toBe(9000);
    expect(config.projects.get(1)).toEqual({ id: 1, secrets: ['a'] });
    expect(config.projects.get(2)?.secrets).toEqual(['new', 'old']);
    expect(config.projects.get(3)).toEqual({ id: 3, secrets: ['c'], minAmount: 100, maxAmount: 500 });
    expect(config.projects.get(4)?.secrets).toEqual(['d']);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['{}', /names no project/],
    ['{"abc":"s"}', /"abc" is not a project id/],
    ['{"1":""}', /secret #1 must be a non-empty string/],
    ['{"1":[]}', /non-empty array/],
    ['{"1":{"secrets":["s"],"min_amount":0}}', /min_amount must be a positive integer/],
    ['{"1":{"secrets":["s"],"min_amount":10,"max_amount":5}}', /min_amount 10 is above max_amount 5/],
    ['{"1":{"secrets":["s"],"limit":5}}', /unknown setting\(s\) limit/],
  ])('rejects KASSA24_PROJECTS=%s with a message that says what to fix', (value, message) => {
    expect(() => loadConfig({ KASSA24_PROJECTS: value })).toThrow(message);
  });

  it('refuses to start in production on demo secrets or with no project', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', KASSA24_PROJECTS: '{"1":"kassa24-demo-secret"}' })).toThrow(/public demo secret/);
    expect(loadConfig({ NODE_ENV: 'production', KASSA24_PROJECTS: '{"1":"real"}' }).production).toBe(true);
  });

  it('rejects a bad port', () => {
    expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT/);
  });

  it('moves /metrics to a listener of its own when METRICS_PORT is set, on HOST unless METRICS_HOST says', () => {
    expect(loadConfig({}).metricsListener).toBeUndefined();
    expect(loadConfig({ HOST: '10.0.0.5', METRICS_PORT: '9464' }).metricsListener).toEqual({ host: '10.0.0.5', port: 9464 });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '127.0.0.1' }).metricsListener).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(() => loadConfig({ METRICS_PORT: 'nine' })).toThrow('METRICS_PORT must be an integer from 0 to 65535, got "nine"');
    expect(() => loadConfig({ PORT: '9000', METRICS_PORT: '9000' })).toThrow('METRICS_PORT must differ from PORT (both 9000)');
    expect(() => loadConfig({ METRICS_HOST: '127.0.0.1' })).toThrow('METRICS_HOST is set without METRICS_PORT');
  });

  it('reads the scale-out settings', () => {
    expect(loadConfig({})).toMatchObject({
      databasePoolSize: 10,
      databaseTimeoutMs: 5000,
      databaseOperatorTimeoutMs: 60_000,
      migrateOnStart: true,
    });
    expect(
      loadConfig({
        DATABASE_POOL_SIZE: '4',
        DATABASE_TIMEOUT_MS: '1500',
        DATABASE_OPERATOR_TIMEOUT_MS: '300000',
        MIGRATE_ON_START: 'false',
      }),
    ).toMatchObject({
      databasePoolSize: 4,
      databaseTimeoutMs: 1500,
      databaseOperatorTimeoutMs: 300_000,
      migrateOnStart: false,
    });
    expect(() => loadConfig({ MIGRATE_ON_START: 'maybe' })).toThrow(/MIGRATE_ON_START must be true or false/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => loadConfig({ DATABASE_TIMEOUT_MS: '5s' })).toThrow(
      'DATABASE_TIMEOUT_MS must be an integer from 100 to 2147483647, got "5s"',
    );
    expect(() => loadConfig({ DATABASE_OPERATOR_TIMEOUT_MS: '-1' })).toThrow(
      'DATABASE_OPERATOR_TIMEOUT_MS must be an integer from 100 to 2147483647, got "-1"',
    );
    // The CLI reads these alone: a store command needs no project secret.
    expect(loadDatabaseConfig({ DATABASE_URL: 'postgres://db/kassa', DATABASE_TIMEOUT_MS: '1500', NODE_ENV: 'production' })).toEqual({
      databaseUrl: 'postgres://db/kassa',
      databasePoolSize: 10,
      databaseTimeoutMs: 1500,
      databaseOperatorTimeoutMs: 60_000,
    });
  });

  it('reads the platform settings: the Gate, the Data API, the payments sync of the service', () => {
    const config = loadConfig({
      GATE_URL: 'https://gate.example/',
      DATA_API_URL: 'https://data.example',
      DATA_API_TOKEN: 't',
      DATA_API_SECRET: 's',
      STATUS_SYNC_INTERVAL: '5m',
      STATUS_SYNC_OLDER_THAN: '1h',
    });
    expect(config).toMatchObject({
      gateUrl: 'https://gate.example',
      dataApi: { url: 'https://data.example', token: 't', secret: 's' },
      statusSync: { intervalMs: 300_000, olderThanMs: 3_600_000, ratePerSecond: 5 },
    });
    expect(() => loadConfig({ GATE_URL: 'gate.example' })).toThrow(/GATE_URL must be an http\(s\) URL/);
    // What the platform answers moves money: plain http only to this host itself.
    expect(() => loadConfig({ GATE_URL: 'http://gate.example' })).toThrow(/^GATE_URL must be https, got "http:\/\/gate.example"/);
    expect(() => loadConfig({ DATA_API_URL: 'http://10.0.0.7:8080', DATA_API_TOKEN: 't', DATA_API_SECRET: 's' })).toThrow(
      /^DATA_API_URL must be https/,
    );
    for (const local of ['http://127.0.0.1:9000', 'http://localhost:9000/', 'http://[::1]:9000']) {
      expect(loadConfig({ GATE_URL: local }).gateUrl, local).toBe(local.replace(/\/$/, ''));
    }
    expect(() => loadConfig({ DATA_API_URL: 'https://data.example' })).toThrow(/go together/);
    expect(() => loadConfig({ STATUS_SYNC_INTERVAL: '5m' })).toThrow(/needs GATE_URL/);
    expect(() => loadConfig({ STATUS_SYNC_INTERVAL: 'often', GATE_URL: 'https://g.example' })).toThrow(
      /STATUS_SYNC_INTERVAL must be a duration/,
    );
  });

  it('runs the reconciliation in the service when RECONCILE_INTERVAL says how often, with the Data API', () => {
    const dataApi = { DATA_API_URL: 'https://data.example', DATA_API_TOKEN: 't', DATA_API_SECRET: 's' };
    expect(loadConfig(dataApi).reconcile).toBeUndefined();
    const config = loadConfig({ ...dataApi, RECONCILE_INTERVAL: '1h', DATA_API_FIELDS: 'status=state' });
    expect(config.reconcile).toMatchObject({ intervalMs: 3_600_000, apply: false, fields: { status: 'state', payment_id: 'payment_id' } });
    expect(loadConfig({ ...dataApi, RECONCILE_INTERVAL: '1h', RECONCILE_APPLY: 'true' }).reconcile?.apply).toBe(true);
    expect(() => loadConfig({ RECONCILE_INTERVAL: '1h' })).toThrow(
      new ConfigError('RECONCILE_INTERVAL needs DATA_API_URL, DATA_API_TOKEN and DATA_API_SECRET: the reconciliation reads the Data API'),
    );
    expect(() => loadConfig({ ...dataApi, RECONCILE_INTERVAL: '1h', RECONCILE_APPLY: 'sometimes' })).toThrow(
      new ConfigError('RECONCILE_APPLY must be true or false, got "sometimes"'),
    );
    expect(() => loadConfig({ ...dataApi, RECONCILE_INTERVAL: '1h', DATA_API_FIELDS: 'colour=red' })).toThrow(
      /^DATA_API_FIELDS: "colour=red" is not field=Column/,
    );
    expect(() => loadConfig({ ...dataApi, RECONCILE_INTERVAL: 'daily' })).toThrow(/RECONCILE_INTERVAL must be a duration/);
    // A day is compared an hour after it ends, or as long as RECONCILE_AFTER says: up to the week compared.
    expect(config.reconcile?.afterMs).toBe(3_600_000);
    expect(loadConfig({ ...dataApi, RECONCILE_INTERVAL: '1h', RECONCILE_AFTER: '6h' }).reconcile?.afterMs).toBe(21_600_000);
    expect(loadConfig({ ...dataApi, RECONCILE_INTERVAL: '1h', RECONCILE_AFTER: '7d' }).reconcile?.afterMs).toBe(604_800_000);
    expect(() => loadConfig({ ...dataApi, RECONCILE_INTERVAL: '1h', RECONCILE_AFTER: '8d' })).toThrow(
      new ConfigError('RECONCILE_AFTER must be at most 7d, got "8d"'),
    );
    expect(() => loadConfig({ ...dataApi, RECONCILE_INTERVAL: '1h', RECONCILE_AFTER: 'soon' })).toThrow(
      /RECONCILE_AFTER must be a duration/,
    );
  });

  it('runs the expiry in the service only when PAYMENT_EXPIRY_INTERVAL says how often', () => {
    expect(loadConfig({}).paymentExpiryIntervalMs).toBeUndefined();
    expect(loadConfig({ PAYMENT_EXPIRY_INTERVAL: '1d' }).paymentExpiryIntervalMs).toBe(86_400_000);
    expect(() => loadConfig({ PAYMENT_EXPIRY_INTERVAL: 'daily' })).toThrow(/PAYMENT_EXPIRY_INTERVAL must be a duration/);
    expect(() => loadConfig({ PAYMENT_EXPIRY_INTERVAL: '10ms' })).toThrow(/PAYMENT_EXPIRY_INTERVAL must be at least 1s/);
    // A timer past 24.8 days fires at once: the job would run without pause.
    expect(loadConfig({ PAYMENT_EXPIRY_INTERVAL: '24d' }).paymentExpiryIntervalMs).toBe(24 * 86_400_000);
    expect(() => loadConfig({ PAYMENT_EXPIRY_INTERVAL: '25d' })).toThrow(
      new ConfigError('PAYMENT_EXPIRY_INTERVAL must be at most 24d, the longest timer Node.js keeps, got "25d"'),
    );
  });

  it('checks the ledger in the service only when LEDGER_CHECK_INTERVAL says how often', () => {
    expect(loadConfig({}).ledgerCheckIntervalMs).toBeUndefined();
    expect(loadConfig({ LEDGER_CHECK_INTERVAL: '1h' }).ledgerCheckIntervalMs).toBe(3_600_000);
    expect(() => loadConfig({ LEDGER_CHECK_INTERVAL: 'hourly' })).toThrow(/LEDGER_CHECK_INTERVAL must be a duration/);
    expect(() => loadConfig({ LEDGER_CHECK_INTERVAL: '500ms' })).toThrow(/LEDGER_CHECK_INTERVAL must be at least 1s/);
    expect(() => loadConfig({ LEDGER_CHECK_INTERVAL: '720h' })).toThrow(
      new ConfigError('LEDGER_CHECK_INTERVAL must be at most 24d, the longest timer Node.js keeps, got "720h"'),
    );
  });

  it('defaults every other setting, and refuses each out of range, naming it and the value', () => {
    expect(loadConfig({})).toMatchObject({
      host: '0.0.0.0',
      bodyLimitBytes: 65_536,
      requestTimeoutMs: 30_000,
      shutdownGraceMs: 10_000,
      trustProxy: false,
      production: false,
    });
    expect(loadConfig({}).allowedSources).toBeUndefined();
    expect(
      loadConfig({ HOST: '127.0.0.1', PORT: '0', BODY_LIMIT_BYTES: '1024', REQUEST_TIMEOUT_MS: '100', SHUTDOWN_GRACE_MS: '25000' }),
    ).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      bodyLimitBytes: 1024,
      requestTimeoutMs: 100,
      shutdownGraceMs: 25_000,
    });
    expect(loadConfig({ DATABASE_POOL_SIZE: '1000' }).databasePoolSize).toBe(1000);
    for (const [env, message] of [
      [{ PORT: '65536' }, 'PORT must be an integer from 0 to 65535, got "65536"'],
      [{ PORT: '-1' }, 'PORT must be an integer from 0 to 65535, got "-1"'],
      [{ BODY_LIMIT_BYTES: '1023' }, 'BODY_LIMIT_BYTES must be an integer of at least 1024, got "1023"'],
      [{ BODY_LIMIT_BYTES: '64k' }, 'BODY_LIMIT_BYTES must be an integer of at least 1024, got "64k"'],
      [{ REQUEST_TIMEOUT_MS: '99' }, 'REQUEST_TIMEOUT_MS must be an integer from 100 to 2147483647, got "99"'],
      [{ SHUTDOWN_GRACE_MS: '10s' }, 'SHUTDOWN_GRACE_MS must be an integer from 100 to 2147483647, got "10s"'],
      [{ SHUTDOWN_GRACE_MS: '2147483648' }, 'SHUTDOWN_GRACE_MS must be an integer from 100 to 2147483647, got "2147483648"'],
      [
        { DATABASE_OPERATOR_TIMEOUT_MS: '3000000000' },
        'DATABASE_OPERATOR_TIMEOUT_MS must be an integer from 100 to 2147483647, got "3000000000"',
      ],
      [{ DATABASE_POOL_SIZE: '1001' }, 'DATABASE_POOL_SIZE must be an integer from 1 to 1000, got "1001"'],
      [{ DATABASE_POOL_SIZE: 'ten' }, 'DATABASE_POOL_SIZE must be an integer from 1 to 1000, got "ten"'],
      [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY must be true or false, got "maybe"'],
    ] as const) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(new ConfigError(message));
    }
    // Two ephemeral ports never collide.
    expect(loadConfig({ PORT: '0', METRICS_PORT: '0' }).metricsListener).toEqual({ host: '0.0.0.0', port: 0 });
  });

  it('reads yes and no the usual ways, an empty value as the default', () => {
    for (const yes of ['true', 'TRUE', '1', 'yes']) expect(loadConfig({ TRUST_PROXY: yes }).trustProxy, yes).toBe(true);
    for (const no of ['false', '0', 'No', '']) expect(loadConfig({ TRUST_PROXY: no }).trustProxy, no).toBe(false);
    expect(loadConfig({ MIGRATE_ON_START: '' }).migrateOnStart).toBe(true);
  });

  it('allows the sources ALLOWED_SOURCES lists, addresses and ranges of both families, refusing what is neither', () => {
    const allowed = loadConfig({ ALLOWED_SOURCES: ' 203.0.113.7, 198.51.100.0/24 ,2001:db8::/32,' }).allowedSources!;
    expect(allowed.check('203.0.113.7', 'ipv4')).toBe(true);
    expect(allowed.check('203.0.113.8', 'ipv4')).toBe(false);
    expect(allowed.check('198.51.100.200', 'ipv4')).toBe(true);
    expect(allowed.check('2001:db8::1', 'ipv6')).toBe(true);
    expect(allowed.check('2001:db9::1', 'ipv6')).toBe(false);
    expect(loadConfig({ ALLOWED_SOURCES: '  ' }).allowedSources).toBeUndefined();
    for (const entry of ['10.0.0.0/33', '::/129', 'gate.example', '10.0.0.0/x', '10.0.0.0/']) {
      expect(() => loadConfig({ ALLOWED_SOURCES: `127.0.0.1, ${entry}` }), entry).toThrow(
        new ConfigError(`ALLOWED_SOURCES: "${entry}" is not an IP address or CIDR range (e.g. 203.0.113.7 or 198.51.100.0/24)`),
      );
    }
  });

  it('refuses project ids that are not positive integers as written, and entries of no known shape', () => {
    for (const key of ['0', '01', '-1', '1.5', '9007199254740993']) {
      expect(() => loadConfig({ KASSA24_PROJECTS: JSON.stringify({ [key]: 's' }) }), key).toThrow(`"${key}" is not a project id`);
    }
    for (const text of ['null', '[]', '"s"'])
      expect(() => loadConfig({ KASSA24_PROJECTS: text }), text).toThrow(/^KASSA24_PROJECTS must be/);
    for (const entry of [null, 5, true]) {
      expect(() => loadConfig({ KASSA24_PROJECTS: JSON.stringify({ 1: entry }) }), String(entry)).toThrow(
        /^KASSA24_PROJECTS\["1"\]: KASSA24_PROJECTS must be/,
      );
    }
    expect(() => loadConfig({ KASSA24_PROJECTS: '{"1":{"secrets":["s"],"max_amount":1.5}}' })).toThrow(
      new ConfigError('KASSA24_PROJECTS["1"].max_amount must be a positive integer in minor units'),
    );
    expect(() => loadConfig({ KASSA24_PROJECTS: '{"1":{"secret":"s","limit":5,"note":"x"}}' })).toThrow(
      new ConfigError('KASSA24_PROJECTS["1"]: unknown setting(s) limit, note; allowed: secrets (or secret), min_amount, max_amount'),
    );
    // Equal limits take exactly one amount.
    expect(loadConfig({ KASSA24_PROJECTS: '{"1":{"secret":"s","min_amount":500,"max_amount":500}}' }).projects.get(1)).toEqual({
      id: 1,
      secrets: ['s'],
      minAmount: 500,
      maxAmount: 500,
    });
    expect(loadConfig({ KASSA24_PROJECTS: '  ' }).demo).toBe(true);
  });

  it('names what production needs', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      new ConfigError('NODE_ENV=production: set KASSA24_PROJECTS; the demo projects are for trying the service out only'),
    );
    expect(() => loadConfig({ NODE_ENV: 'production', KASSA24_PROJECTS: '{"7":["real","kassa24-demo-secret"]}' })).toThrow(
      new ConfigError('NODE_ENV=production: project 7 uses the public demo secret; set its real secret in KASSA24_PROJECTS'),
    );
    expect(loadConfig({ NODE_ENV: 'production', KASSA24_PROJECTS: '{"7":"real"}' })).toMatchObject({ demo: false, demoAccounts: [] });
  });

  it('paces the payments sync by STATUS_SYNC_RATE, a positive decimal, and defaults what is not said', () => {
    const gate = { GATE_URL: 'https://gate.example', STATUS_SYNC_INTERVAL: '1s' };
    expect(loadConfig(gate).statusSync).toEqual({ intervalMs: 1000, olderThanMs: 900_000, ratePerSecond: 5, limit: 1000 });
    expect(loadConfig({ ...gate, STATUS_SYNC_RATE: '2.5' }).statusSync?.ratePerSecond).toBe(2.5);
    expect(loadConfig({ ...gate, STATUS_SYNC_RATE: ' ' }).statusSync?.ratePerSecond).toBe(5);
    expect(loadConfig({ ...gate, STATUS_SYNC_RATE: '0.001' }).statusSync?.ratePerSecond).toBe(0.001);
    // Slower than a question every 1,000 s, the pause would outgrow what a timer holds and fire at once.
    for (const rate of ['0', '-1', '0.0009', 'Infinity', '1e3', '0x10', 'fast']) {
      expect(() => loadConfig({ ...gate, STATUS_SYNC_RATE: rate }), rate).toThrow(
        new ConfigError(`STATUS_SYNC_RATE must be a number of requests a second from 0.001 up, got "${rate}"`),
      );
    }
    expect(() => loadConfig({ ...gate, STATUS_SYNC_INTERVAL: '999ms' })).toThrow(
      new ConfigError('STATUS_SYNC_INTERVAL must be at least 1s'),
    );
    expect(() => loadConfig({ ...gate, STATUS_SYNC_INTERVAL: '30d' })).toThrow(
      new ConfigError('STATUS_SYNC_INTERVAL must be at most 24d, the longest timer Node.js keeps, got "30d"'),
    );
    expect(() => loadConfig({ ...gate, STATUS_SYNC_OLDER_THAN: '36501d' })).toThrow(
      new ConfigError('STATUS_SYNC_OLDER_THAN must be at most 36500d, got "36501d"'),
    );
    expect(() => loadConfig({ ...gate, STATUS_SYNC_OLDER_THAN: '15 minutes' })).toThrow(
      new ConfigError('STATUS_SYNC_OLDER_THAN must be a duration such as 30s, 15m or 1h, got "15 minutes"'),
    );
    // Without an interval, nothing runs and nothing else is read.
    expect(loadConfig({ STATUS_SYNC_RATE: 'fast' }).statusSync).toBeUndefined();
  });

  it('takes the platform URLs without trailing slashes, refusing other schemes', () => {
    expect(loadConfig({ GATE_URL: 'https://gate.example/api///' }).gateUrl).toBe('https://gate.example/api');
    expect(() => loadConfig({ GATE_URL: 'ftp://gate.example' })).toThrow(
      new ConfigError('GATE_URL must be an http(s) URL, got "ftp://gate.example"'),
    );
    for (const partial of [{ DATA_API_TOKEN: 't' }, { DATA_API_SECRET: 's' }, { DATA_API_URL: 'https://d.example', DATA_API_TOKEN: 't' }]) {
      expect(() => loadConfig(partial), JSON.stringify(partial)).toThrow(
        new ConfigError(
          'DATA_API_URL, DATA_API_TOKEN and DATA_API_SECRET go together: the Dashboard API token and the secret issued with it',
        ),
      );
    }
    expect(loadConfig({}).dataApi).toBeUndefined();
  });
});
