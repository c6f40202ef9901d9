// The admin API against the real app: the review story end to end, roles, problems, pagination.
// Every request sent and every answer received is checked against openapi/kassa24-admin.yaml.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admin, OPERATOR_TOKEN, testAdminTokens, VIEWER_TOKEN, type AdminCall, type Schemas } from '../support/admin.js';
import { backends, writePastTheStore } from '../support/databases.js';
import { JOB_RUN_AT, reconciliationDoneThenFailed, RECONCILE_FAILURE } from '../support/job-runs.js';
import { untilFeedGives } from '../support/ledger-feed.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { callbackBody, checkDepositRequest, DEMO_SECRET, post, signed, verifyRequest } from '../support/platform.js';
import { startService, type TestService } from '../support/service.js';

const CUSTOMER = '7123456789';

describe.each(backends())('admin API: %s', (backend) => {
  let service: TestService;
  const as =
    (token: string | undefined) =>
    <T = Schemas['Problem']>(request: string, call: AdminCall = {}) =>
      admin<T>(service.url, request, { token, ...call });
  const operator = as(OPERATOR_TOKEN);
  const viewer = as(VIEWER_TOKEN);

  beforeEach(async () => {
    service = await startService({ backend, adminTokens: testAdminTokens(), accounts: [{ customerId: CUSTOMER, currency: 'KZT' }] });
  });
  afterEach(() => service.close());

  /** A deposit of `deposited` and its callback naming `paid`: answers the payment id. */
  async function payment(deposited: number, paid: number): Promise<string> {
    const opened = await post(service.url, '/terminal', signed(checkDepositRequest(CUSTOMER, deposited)));
    const paymentId = opened.body.payment_id!;
    const ack = await post(service.url, '/callback', signed(callbackBody(paymentId, paid)));
    expect(ack.status).toBe(200);
    return paymentId;
  }

  it('walks the review story: flagged callback, queue, adjustment, review, ledger, audit', async () => {
    await payment(5000, 5000);
    const paymentId = await payment(10000, 15000);

    const queue = await operator<Schemas['CallbackPage']>('GET /admin/v1/callbacks?flagged=true&reviewed=false');
    expect(queue.status).toBe(200);
    expect(queue.body.items).toHaveLength(1);
    const flagged = queue.body.items[0]!;
    expect(flagged).toMatchObject({ payment_id: paymentId, result: 'flagged', review: null });
    expect(flagged.review_reason).toBe('amount mismatch: callback 150.00 KZT (15000 minor units), deposit 100.00 KZT (10000 minor units)');
    expect(JSON.parse(flagged.raw_body)).toMatchObject({ payment: { id: paymentId, sum: { amount: 15000 } } });

    const detail = await viewer<Schemas['PaymentDetail']>(`GET /admin/v1/payments/${paymentId}`);
    expect(detail.body.payment).toMatchObject({ payment_id: paymentId, status: 'pending', amount: 10000, flagged: true });
    expect(detail.body.callbacks.map((c) => c.id)).toEqual([flagged.id]);
    expect(detail.body.status_check).toBeNull();
    // What a status sync records when it asks the Gate about the payment, as the API shows it.
    for (const [askedAt, outcome, platformStatus] of [
      ['2026-12-01T10:00:00.000Z', 'not_answered', undefined],
      ['2026-12-01T10:05:00.000Z', 'still_pending', 'processing'],
    ] as const) {
      await service.store.recordStatusCheck({ paymentId, askedAt: new Date(askedAt), outcome, ...(platformStatus && { platformStatus }) });
    }
    expect((await viewer<Schemas['PaymentDetail']>(`GET /admin/v1/payments/${paymentId}`)).body.status_check).toEqual({
      last_asked_at: '2026-12-01T10:05:00.000Z',
      asks: 2,
      last_outcome: 'still_pending',
      last_platform_status: 'processing',
    });

    const adjustment = {
      customer_id: CUSTOMER,
      amount: 15000,
      reason: 'paid 150.00 for a 100.00 deposit; the callback credited nothing',
      idempotency_key: `review-${flagged.id}`,
      callback_id: flagged.id,
    };
    const added = await operator<Schemas['AdjustmentResult']>('POST /admin/v1/adjustments', { body: adjustment });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      balance: 20000,
      replayed: false,
      adjustment: { amount: 15000, actor: 'alice', callback_id: flagged.id },
    });
    const again = await operator<Schemas['AdjustmentResult']>('POST /admin/v1/adjustments', { body: adjustment });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...added.body, replayed: true });
    // The adjustment paid the payment by hand: paying it again, by its id, is refused.
    const twice = await operator<Schemas['Problem']>('POST /admin/v1/adjustments', {
      body: { ...adjustment, idempotency_key: 'pay-again', payment_id: paymentId },
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      type: 'urn:kassa24-bvu:problem:already-paid',
      title: 'The payment is paid already',
      detail: `payment ${paymentId} was paid by hand already (adjustment #${added.body.adjustment.id}): paying it again would pay it twice`,
    });

    const reviewed = await operator<Schemas['Callback']>(`POST /admin/v1/callbacks/${flagged.id}/review`, {
      body: { note: 'settled by the adjustment' },
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.review).toMatchObject({ reviewed_by: 'alice', note: 'settled by the adjustment' });
    expect((await operator<Schemas['CallbackPage']>('GET /admin/v1/callbacks?flagged=true&reviewed=false')).body.items).toEqual([]);

    const account = await viewer<Schemas['Account']>(`GET /admin/v1/accounts/${CUSTOMER}`);
    expect(account.body).toMatchObject({ customer_id: CUSTOMER, balance: 20000, status: 'active' });
    const ledger = await viewer<Schemas['LedgerPage']>(`GET /admin/v1/accounts/${CUSTOMER}/ledger`);
    expect(ledger.body.items.map((e) => [e.kind, e.amount])).toEqual([
      ['adjustment', 15000],
      ['credit', 5000],
    ]);
    expect(ledger.body.items.reduce((sum, e) => sum + e.amount, 0)).toBe(account.body.balance);

    const audit = await viewer<Schemas['AuditPage']>('GET /admin/v1/audit-log');
    expect(audit.body.items.map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ['callbacks.review', 'done', 'alice'],
      ['adjustments.add', 'refused', 'alice'],
      ['adjustments.add', 'done', 'alice'],
    ]);

    const summary = await viewer<Schemas['Summary']>('GET /admin/v1/summary');
    expect(summary.body.open_review_items).toBe(0);
    expect(summary.body.last_24h.credited_amount).toBe(5000);
    expect(summary.body.last_24h.by_status).toEqual(
      expect.arrayContaining([
        { status: 'success', count: 1, amount: 5000 },
        { status: 'pending', count: 1, amount: 10000 },
      ]),
    );
    expect(summary.body.days).toHaveLength(30);
    expect(summary.body.days.at(-1)).toEqual({ date: new Date().toISOString().slice(0, 10), payments: 2, credited_amount: 5000 });
    expect(summary.body.last_callback_received_at).not.toBeNull();
    expect(summary.body).toMatchObject({ currency: 'KZT', currencies: ['KZT'] });

    // The flagged callback settled by hand: the ledger's rules hold, and add up to the balance.
    const check = await viewer<Schemas['LedgerCheck']>('GET /admin/v1/ledger-check');
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ accounts: 1, payments: 2, credits: 1, adjustments: 1, broken: [] });
    expect(check.body.balances_total).toBe(check.body.credited_total + check.body.adjusted_total);
    expect(check.body.balances_total).toBe(account.body.balance);
    expect(check.body.by_currency).toEqual([
      {
        currency: 'KZT',
        accounts: 1,
        balances_total: account.body.balance,
        credited_total: 5000,
        adjusted_total: check.body.adjusted_total,
      },
    ]);
  });

  it('lets a viewer read everything and change nothing', async () => {
    const paymentId = await payment(10000, 12000);
    for (const read of [
      'GET /admin/v1/session',
      'GET /admin/v1/accounts',
      `GET /admin/v1/accounts/${CUSTOMER}`,
      `GET /admin/v1/accounts/${CUSTOMER}/ledger`,
      'GET /admin/v1/payments',
      `GET /admin/v1/payments/${paymentId}`,
      'GET /admin/v1/callbacks',
      'GET /admin/v1/rejected-callbacks',
      'GET /admin/v1/summary',
      'GET /admin/v1/ledger-check',
      'GET /admin/v1/jobs',
      'GET /admin/v1/audit-log',
    ]) {
      expect((await viewer(read)).status, read).toBe(200);
    }
    const callbackId = (await viewer<Schemas['CallbackPage']>('GET /admin/v1/callbacks')).body.items[0]!.id;
    const attempts: Array<[string, unknown]> = [
      ['POST /admin/v1/accounts', { customer_id: 'new-one' }],
      [`POST /admin/v1/accounts/${CUSTOMER}/close`, undefined],
      [`POST /admin/v1/callbacks/${callbackId}/review`, { note: 'seen' }],
      ['POST /admin/v1/adjustments', { customer_id: CUSTOMER, amount: 100, reason: 'x', idempotency_key: 'v-1' }],
    ];
    for (const [request, body] of attempts) {
      const refused = await viewer(request, { body });
      expect(refused.status, request).toBe(403);
      expect(refused.body.detail).toContain('carol is a viewer');
    }
    expect((await viewer<Schemas['Session']>('GET /admin/v1/session')).body).toEqual({ name: 'carol', role: 'viewer' });
    const head = await fetch(`${service.url}/admin/v1/session`, { method: 'HEAD', headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await viewer<Schemas['Account']>(`GET /admin/v1/accounts/${CUSTOMER}`)).body.balance).toBe(0);
    expect((await viewer<Schemas['AuditPage']>('GET /admin/v1/audit-log')).body.items).toEqual([]);
    expect(await service.store.findAccount('new-one')).toBeUndefined();
    // The audit log holds what took effect; the access log names who tried what, refusals included.
    const refusals = service.logs
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'request' && line.status === 403);
    expect(refusals.map(({ method, path, operation, actor }) => ({ method, path, operation, actor }))).toEqual([
      { method: 'POST', path: '/admin/v1/accounts', operation: 'createAccount', actor: 'carol' },
      { method: 'POST', path: `/admin/v1/accounts/${CUSTOMER}/close`, operation: 'closeAccount', actor: 'carol' },
      { method: 'POST', path: `/admin/v1/callbacks/${callbackId}/review`, operation: 'reviewCallback', actor: 'carol' },
      { method: 'POST', path: '/admin/v1/adjustments', operation: 'createAdjustment', actor: 'carol' },
    ]);
  });

  it('answers 401 without a valid token, naming the scheme', async () => {
    for (const token of [undefined, 'k24_not-a-token', '']) {
      const answer = await as(token)('GET /admin/v1/accounts');
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="kassa24-bvu admin"');
    }
    expect(service.logs.join('')).not.toContain(OPERATOR_TOKEN);
  });

  it('refuses what breaks the contract with each failing field', async () => {
    const badLimit = await operator('GET /admin/v1/payments?limit=501&status=lost&colour=red', { invalid: true });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.errors).toEqual([
      { field: 'colour', message: 'is not a parameter of this operation' },
      { field: 'status', message: 'must be one of "pending", "success", "failed", "expired"' },
      { field: 'limit', message: 'must be <= 500' },
    ]);
    expect(badLimit.body.detail).toBe(
      'colour: is not a parameter of this operation; status: must be one of "pending", "success", "failed", "expired"; limit: must be <= 500',
    );
    expect(badLimit.headers.get('cache-control')).toBe('no-store');
    expect(badLimit.headers.get('www-authenticate')).toBeNull();

    const badBody = await operator('POST /admin/v1/adjustments', {
      body: { customer_id: CUSTOMER, amount: 1.5, extra: true },
      invalid: true,
    });
    expect(badBody.status).toBe(400);
    expect(badBody.body.errors).toEqual([
      { field: 'reason', message: 'required field is missing' },
      { field: 'idempotency_key', message: 'required field is missing' },
      { field: 'extra', message: 'is not a field of this operation' },
      { field: 'amount', message: 'must be of type integer' },
    ]);
    expect(badBody.body.detail).toBe(
      'reason: required field is missing; idempotency_key: required field is missing; extra: is not a field of this operation; amount: must be of type integer',
    );

    const notJson = await operator('POST /admin/v1/adjustments', { rawBody: '{"customer_id":', invalid: true });
    expect(notJson.status).toBe(400);
    expect(notJson.body.detail).toBe('request body is not valid JSON: unexpected end of input at offset 15');
    expect(notJson.body.errors).toEqual([{ field: '', message: 'must be a JSON object' }]);
    const array = await operator('POST /admin/v1/adjustments', { rawBody: '[1]', invalid: true });
    expect(array.body).toMatchObject({ status: 400, detail: 'body: must be a JSON object' });
    const tooLarge = await operator('POST /admin/v1/adjustments', { rawBody: `{"reason": "${'x'.repeat(70_000)}"}`, invalid: true });
    expect(tooLarge.body).toMatchObject({
      type: 'urn:kassa24-bvu:problem:body-too-large',
      status: 413,
      detail: 'request body exceeds the limit of 65536 bytes',
    });
    const given = await operator('GET /admin/v1/session?verbose=1', { invalid: true });
    expect(given.body).toMatchObject({
      status: 400,
      detail: 'getSession takes no parameters',
      errors: [{ field: 'verbose', message: 'is not a parameter of this operation' }],
    });

    const zero = await operator('POST /admin/v1/adjustments', {
      body: { customer_id: CUSTOMER, amount: 0, reason: 'r', idempotency_key: 'z' },
    });
    expect(zero.status).toBe(400);
    expect(zero.body.errors).toEqual([{ field: 'amount', message: 'amount must be a non-zero whole number of minor units' }]);

    const impossible = await operator('GET /admin/v1/payments?from=2026-02-30T00:00:00Z');
    expect(impossible.status).toBe(400);
    expect(impossible.body.errors![0]!.field).toBe('from');

    // A summary in no currency there is (a typo of KZT) is refused, not answered with nothing.
    const typo = await operator('GET /admin/v1/summary?currency=KTZ');
    expect(typo.status).toBe(400);
    expect(typo.body.errors).toEqual([
      { field: 'currency', message: 'currency KTZ is not an ISO 4217 currency (this payment method pays in KZT)' },
    ]);
    const lowerCase = await operator('GET /admin/v1/summary?currency=kzt', { invalid: true });
    expect(lowerCase.status).toBe(400);
    expect(lowerCase.body.errors![0]!.field).toBe('currency');

    for (const list of ['payments', 'ledger']) {
      const backwards = await operator(`GET /admin/v1/${list}?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`);
      expect(backwards.status, list).toBe(400);
      expect(backwards.body.errors, list).toEqual([
        { field: 'to', message: 'must come after from (2026-12-02T00:00:00Z): the period is [from, to)' },
      ]);
    }

    const twice = await operator('GET /admin/v1/audit-log?limit=1&limit=2', { invalid: true });
    expect(twice.status).toBe(400);
    expect(twice.body.detail).toBe('limit: given 2 times; send it once');
    expect(twice.body.errors).toEqual([{ field: 'limit', message: 'given more than once' }]);

    const cursor = await operator('GET /admin/v1/audit-log?cursor=bm90LWEtY3Vyc29y');
    expect(cursor.status).toBe(400);
    const notOurs = 'is not one this list answered; start again without it';
    expect(cursor.body.errors).toEqual([{ field: 'cursor', message: notOurs }]);
    expect(cursor.body.detail).toBe(`cursor: ${notOurs}`);
    // Cursors that decode, but to no key of the list asked: another list's, or a forged one.
    const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    for (const [list, key] of [
      ['audit-log', ['7']],
      ['audit-log', [7, 8]],
      ['audit-log', { id: 7 }],
      ['audit-log', '7'],
      ['audit-log', []],
      ['payments', ['2026-12-01T00:00:00.000Z']],
      ['payments', ['2026-12-01T00:00:00.000Z', 7]],
      ['callbacks', ['2026-12-01T00:00:00.000Z', 'pay-1']],
    ] as const) {
      const refused = await operator(`GET /admin/v1/${list}?cursor=${forged(key)}`);
      expect(refused.status, `${list} ${JSON.stringify(key)}`).toBe(400);
      expect(refused.body.errors, `${list} ${JSON.stringify(key)}`).toEqual([{ field: 'cursor', message: notOurs }]);
    }

    const undecodable = await operator('GET /admin/v1/payments/%E0%A4%A', { invalid: true });
    expect(undecodable.status).toBe(400);
    expect(undecodable.headers.get('content-type')).toBe('application/problem+json');
    expect(undecodable.body.errors).toEqual([{ field: 'path', message: 'malformed percent-encoding' }]);

    expect((await operator('GET /admin/v1/nothing-here', { invalid: true })).body).toMatchObject({
      status: 404,
      detail: 'no such endpoint: GET /admin/v1/nothing-here',
    });
    const notAllowed = await operator('DELETE /admin/v1/accounts', { invalid: true });
    expect(notAllowed.body).toMatchObject({ status: 405, detail: 'DELETE is not allowed on /admin/v1/accounts; it takes GET, POST, HEAD' });
    expect(notAllowed.headers.get('allow')).toBe('GET, POST, HEAD');
    // Nothing refused for its shape reached the ledger or the audit log; the zero amount was judged.
    expect((await operator<Schemas['AuditPage']>('GET /admin/v1/audit-log')).body.items.map((e) => e.outcome)).toEqual(['refused']);
  });

  it('refuses text a store cannot keep as it is, alike on either store, naming each field, and writes nothing', async () => {
    const nul = 'must not contain U+0000 (NUL)';
    for (const [request, field] of [
      ['GET /admin/v1/payments/pay%00', 'payment_id'],
      ['GET /admin/v1/callbacks?payment_id=%00', 'payment_id'],
      ['GET /admin/v1/accounts?query=a%00', 'query'],
    ] as const) {
      const refused = await operator(request);
      expect(refused.status, request).toBe(400);
      expect(refused.body, request).toMatchObject({ detail: `${field}: ${nul}`, errors: [{ field, message: nul }] });
    }
    const adjustment = await operator('POST /admin/v1/adjustments', {
      body: { customer_id: CUSTOMER, amount: 100, reason: 'typo\u0000', idempotency_key: 'key-\ud800' },
    });
    expect(adjustment.status).toBe(400);
    expect(adjustment.body.errors).toEqual([
      { field: 'reason', message: nul },
      {
        field: 'idempotency_key',
        message: 'must be well-formed Unicode: it holds half of a UTF-16 surrogate pair (U+D800 to U+DFFF alone)',
      },
    ]);
    const account = await operator('POST /admin/v1/accounts', { body: { customer_id: 'acc-nul', additional_customer_id: 'CARD\u0000' } });
    expect(account.body).toMatchObject({ status: 400, errors: [{ field: 'additional_customer_id', message: nul }] });
    expect((await operator<Schemas['AuditPage']>('GET /admin/v1/audit-log')).body.items).toEqual([]);
    expect((await service.store.findAccount(CUSTOMER))?.balance).toBe(0);
    expect(await service.store.findAccount('acc-nul')).toBeUndefined();
  });

  it('opens and closes accounts, refusing duplicates, and audits every attempt', async () => {
    const opened = await operator<Schemas['Account']>('POST /admin/v1/accounts', {
      body: { customer_id: 'acc-new', additional_customer_id: 'CARD-1' },
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      customer_id: 'acc-new',
      currency: 'KZT',
      balance: 0,
      status: 'active',
      additional_customer_id: 'CARD-1',
    });
    expect((await operator('POST /admin/v1/accounts', { body: { customer_id: 'acc-new' } })).status).toBe(409);
    expect((await operator<Schemas['Account']>('POST /admin/v1/accounts/acc-new/close')).body.status).toBe('closed');
    expect((await operator('POST /admin/v1/accounts/acc-new/close')).status).toBe(409);
    expect((await operator('POST /admin/v1/accounts/nobody/close')).status).toBe(404);
    expect((await operator('GET /admin/v1/accounts/nobody')).status).toBe(404);
    expect((await operator('GET /admin/v1/accounts/nobody/ledger')).status).toBe(404);
    expect((await operator<Schemas['AccountPage']>('GET /admin/v1/accounts?status=closed')).body.items.map((a) => a.customer_id)).toEqual([
      'acc-new',
    ]);
    expect((await operator<Schemas['AccountPage']>('GET /admin/v1/accounts?query=card-')).body.items.map((a) => a.customer_id)).toEqual([
      'acc-new',
    ]);
    const audit = (await operator<Schemas['AuditPage']>('GET /admin/v1/audit-log')).body.items.map((e) => `${e.action} ${e.outcome}`);
    expect(audit).toEqual([
      'accounts.close refused',
      'accounts.close refused',
      'accounts.close done',
      'accounts.create refused',
      'accounts.create done',
    ]);
  });

  it('reopens a closed account: the platform finds it again with its balance; a viewer and an open account are refused', async () => {
    await payment(10000, 10000);
    const verify = () => post(service.url, '/terminal', signed(verifyRequest(CUSTOMER)));
    expect((await operator<Schemas['Account']>(`POST /admin/v1/accounts/${CUSTOMER}/close`)).body.status).toBe('closed');
    expect((await verify()).body).toEqual({ code: 404, error_description: `Account does not exist: ${CUSTOMER} is closed` });

    expect((await viewer(`POST /admin/v1/accounts/${CUSTOMER}/reopen`)).status).toBe(403);
    const reopened = await operator<Schemas['Account']>(`POST /admin/v1/accounts/${CUSTOMER}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ customer_id: CUSTOMER, status: 'active', balance: 10000 });
    expect((await verify()).body).toEqual({ code: 0, currency: 'KZT' });

    const again = await operator(`POST /admin/v1/accounts/${CUSTOMER}/reopen`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: 'urn:kassa24-bvu:problem:already-active',
      title: 'The account is open already',
      detail: `account ${CUSTOMER} is open: only a closed account is reopened`,
    });
    expect((await operator('POST /admin/v1/accounts/nobody/reopen')).status).toBe(404);
    const audit = (await viewer<Schemas['AuditPage']>('GET /admin/v1/audit-log')).body.items.map(
      (e) => `${e.actor} ${e.action} ${e.outcome}`,
    );
    expect(audit).toEqual([
      'alice accounts.reopen refused',
      'alice accounts.reopen refused',
      'alice accounts.reopen done',
      'alice accounts.close done',
    ]);
  });

  it("lists every account's ledger entries of a period, newest first, a page at a time", async () => {
    const first = await payment(5000, 5000);
    const adjusted = await operator<Schemas['AdjustmentResult']>('POST /admin/v1/adjustments', {
      body: { customer_id: CUSTOMER, amount: -1000, reason: 'refund, agreed', idempotency_key: 'ledger-1' },
    });
    expect(adjusted.status).toBe(201);
    const second = await payment(2500, 2500);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const period = `from=${day(-1)}T00:00:00Z&to=${day(1)}T00:00:00Z`;

    const seen: Schemas['LedgerEntry'][] = [];
    let cursor: string | null = null;
    do {
      const more: string = cursor ? `&cursor=${cursor}` : '';
      const page = await viewer<Schemas['LedgerPage']>(`GET /admin/v1/ledger?${period}&limit=2${more}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.map((e) => [e.kind, e.customer_id, e.amount, e.payment_id])).toEqual([
      ['credit', CUSTOMER, 2500, second],
      ['adjustment', CUSTOMER, -1000, null],
      ['credit', CUSTOMER, 5000, first],
    ]);
    expect(seen[1]).toMatchObject({ reason: 'refund, agreed', actor: 'alice', callback_id: null });
    const before = await viewer<Schemas['LedgerPage']>(`GET /admin/v1/ledger?from=2020-01-01T00:00:00Z&to=${day(-1)}T00:00:00Z`);
    expect(before.body).toEqual({ items: [], next_cursor: null });

    // Without bounds: every entry, since the first.
    expect((await viewer<Schemas['LedgerPage']>('GET /admin/v1/ledger')).body.items).toEqual(seen);
    const malformed = await viewer('GET /admin/v1/ledger?to=yesterday', { invalid: true });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors!.map((e) => e.field)).toEqual(['to']);
    const impossible = await viewer('GET /admin/v1/ledger?from=2026-02-30T00:00:00Z&to=2026-03-02T00:00:00Z');
    expect(impossible.status).toBe(400);
    expect(impossible.body.errors).toEqual([{ field: 'from', message: '"2026-02-30T00:00:00Z" is not a date and time that exists' }]);
  });

  it('feeds every ledger entry once to a reader that keeps its position', async () => {
    const follow = async (after: string | undefined, limit: number) => {
      const query = new URLSearchParams({ limit: String(limit), ...(after !== undefined && { after }) });
      const answer = await viewer<Schemas['LedgerFeed']>(`GET /admin/v1/ledger/feed?${query.toString()}`);
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const empty = await follow(undefined, 10);
    expect(empty).toMatchObject({ items: [], more: false });
    const paid = await payment(10000, 10000);
    const adjusted = await operator('POST /admin/v1/adjustments', {
      body: { customer_id: CUSTOMER, amount: -500, reason: 'fee', idempotency_key: 'fee-1' },
    });
    expect(adjusted.status).toBe(201);
    await payment(2000, 2000);
    await untilFeedGives(await service.store.operatorReads(), 3);

    const first = await follow(empty.next_after, 2);
    expect(first.items.map((e) => [e.kind, e.amount])).toEqual([
      ['credit', 10000],
      ['adjustment', -500],
    ]);
    expect(first.items[0]).toMatchObject({ payment_id: paid, customer_id: CUSTOMER, reason: null });
    expect(first.more).toBe(true);
    const second = await follow(first.next_after, 2);
    expect(second.items.map((e) => [e.kind, e.amount])).toEqual([['credit', 2000]]);
    expect(second.more).toBe(false);
    // Nothing new: the same position back, to poll with again.
    expect(await follow(second.next_after, 2)).toEqual({ items: [], next_after: second.next_after, more: false });
    // A reader starting now is given the same position, and reads on from there.
    const end = await viewer<Schemas['LedgerFeedEnd']>('GET /admin/v1/ledger/feed/end');
    expect(end).toMatchObject({ status: 200, body: { next_after: second.next_after } });
    await payment(3000, 3000);
    await untilFeedGives(await service.store.operatorReads(), 4);
    expect((await follow(end.body.next_after, 10)).items.map((e) => [e.kind, e.amount])).toEqual([['credit', 3000]]);

    if (backend === 'postgres') {
      // Entries carrying transaction ids the server has not reached, as a dump loaded elsewhere leaves them.
      await writePastTheStore({ backend, url: service.databaseUrl, drop: () => Promise.resolve() }, [
        `update ledger_entries set tx = '99999999999'`,
      ]);
      const refused = await viewer('GET /admin/v1/ledger/feed');
      expect(refused.body).toMatchObject({ status: 500, type: 'urn:kassa24-bvu:problem:internal' });
      expect(service.logs.join('\n')).toContain('the ledger holds entries of transaction 99999999999, which this server has not reached');
      await writePastTheStore({ backend, url: service.databaseUrl, drop: () => Promise.resolve() }, [`update ledger_entries set tx = '0'`]);
      expect((await follow(undefined, 10)).items).toHaveLength(4);
    }

    const forged = await viewer(`GET /admin/v1/ledger/feed?after=${Buffer.from('["1",2]').toString('base64url')}`);
    const reason = 'is not a position this feed answered: send the next_after of an earlier answer';
    expect(forged.body).toMatchObject({ status: 400, detail: `after: ${reason}`, errors: [{ field: 'after', message: reason }] });
  });

  it('pages through a list newest first, every item once', async () => {
    for (let i = 0; i < 7; i++) await operator('POST /admin/v1/accounts', { body: { customer_id: `page-${i}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await viewer<Schemas['AccountPage']>(`GET /admin/v1/accounts?limit=3${query}`);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((a) => a.customer_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen.slice(0, 7)).toEqual(['page-6', 'page-5', 'page-4', 'page-3', 'page-2', 'page-1', 'page-0']);
  });

  it('lists rejected callbacks and filters payments', async () => {
    const broken = signed({ project_id: 1234, payment: { id: 'p-x', status: 'success' } });
    expect((await post(service.url, '/callback', broken)).status).toBe(400);
    const rejected = await viewer<Schemas['RejectedCallbackPage']>('GET /admin/v1/rejected-callbacks');
    expect(rejected.body.items).toHaveLength(1);
    expect(rejected.body.items[0]!.reason).toMatch(/payment\.sum/);

    const flaggedId = await payment(1000, 2000);
    const creditedId = await payment(3000, 3000);
    const ids = async (query: string) =>
      (await viewer<Schemas['PaymentPage']>(`GET /admin/v1/payments?${query}`)).body.items.map((p) => p.payment_id);
    expect(await ids('flagged=true')).toEqual([flaggedId]);
    expect(await ids('flagged=false')).toEqual([creditedId]);
    expect(await ids('status=success')).toEqual([creditedId]);
    expect(await ids(`customer_id=${CUSTOMER}`)).toEqual([creditedId, flaggedId]);
    expect(await ids('from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00%2B05:00')).toEqual([]);
    expect(await ids(`to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toHaveLength(2);
  });

  it('filters each list by exactly what it is asked, and answers 404 or 409 for what it cannot find or do', async () => {
    const mine = await payment(1000, 1000);
    expect((await operator('POST /admin/v1/accounts', { body: { customer_id: 'other' } })).status).toBe(201);
    const theirs = (await post(service.url, '/terminal', signed(checkDepositRequest('other', 2000)))).body.payment_id!;
    expect((await post(service.url, '/callback', signed(callbackBody(theirs, 2000)))).status).toBe(200);
    const ids = async (query: string) =>
      (await viewer<Schemas['PaymentPage']>(`GET /admin/v1/payments?${query}`)).body.items.map((p) => p.payment_id);
    const soon = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    expect(await ids(`customer_id=${CUSTOMER}`)).toEqual([mine]);
    expect(await ids('customer_id=other')).toEqual([theirs]);
    expect(await ids(`from=${soon}`)).toEqual([]);
    expect(await ids('from=2000-01-01T00:00:00Z')).toEqual([theirs, mine]);

    const callbacks = await viewer<Schemas['CallbackPage']>(`GET /admin/v1/callbacks?payment_id=${theirs}`);
    expect(callbacks.body.items.map((c) => [c.payment_id, c.result])).toEqual([[theirs, 'credited']]);
    const ledger = async (query: string) =>
      (await viewer<Schemas['LedgerPage']>(`GET /admin/v1/ledger?${query}`)).body.items.map((e) => e.amount);
    expect(await ledger(`from=${soon}`)).toEqual([]);
    expect(await ledger(`to=${soon}`)).toEqual([2000, 1000]);
    expect(await ledger('to=2000-01-01T00:00:00Z')).toEqual([]);

    const empty = await viewer(`GET /admin/v1/payments?from=${soon}&to=${soon}`);
    expect(empty.status).toBe(400);
    expect(empty.body.errors!.map((e) => e.field)).toEqual(['to']);

    const unknown = await viewer(`GET /admin/v1/payments/never-opened`);
    expect([unknown.status, unknown.body.detail]).toEqual([404, 'payment never-opened does not exist']);
    const noCallback = await operator('POST /admin/v1/callbacks/999999/review', { body: { note: 'looked' } });
    expect([noCallback.status, noCallback.body.detail]).toEqual([404, 'callback 999999 does not exist']);
    const credited = callbacks.body.items[0]!.id;
    const notFlagged = await operator(`POST /admin/v1/callbacks/${credited}/review`, { body: { note: 'looked' } });
    expect([notFlagged.status, notFlagged.body.detail]).toEqual([409, `callback ${credited} is not flagged for review`]);
  });

  it("reads each job's last run: none before any ran, then a failure with its reason and the last done", async () => {
    expect((await viewer<Schemas['JobRuns']>('GET /admin/v1/jobs')).body).toEqual({ items: [] });
    await reconciliationDoneThenFailed(service.store);
    const at = JOB_RUN_AT;
    await service.store.recordJobRun({
      job: 'kassa24-bvu:ledger-check',
      startedAt: at('20'),
      finishedAt: at('21'),
      outcome: 'done',
      error: null,
    });
    const { status, body } = await viewer<Schemas['JobRuns']>('GET /admin/v1/jobs');
    expect(status).toBe(200);
    expect(body.items).toEqual([
      {
        job: 'kassa24-bvu:ledger-check',
        started_at: at('20'),
        finished_at: at('21'),
        outcome: 'done',
        error: null,
        last_done_at: at('21'),
      },
      {
        job: 'kassa24-bvu:reconcile',
        started_at: at('10'),
        finished_at: at('11'),
        outcome: 'failed',
        error: RECONCILE_FAILURE,
        last_done_at: at('01'),
      },
    ]);
  });

  it('reads reconciliation runs and their discrepancies, page by page', async () => {
    for (const source of ['file:1.csv', 'file:2.csv', 'file:3.csv']) {
      await service.store.recordReconciliation(
        {
          startedAt: new Date().toISOString(),
          finishedAt: new Date().toISOString(),
          source,
          periodFrom: null,
          periodTo: null,
          applied: false,
          summary: { compared: 2, matching: 0, unknown_payment: 2 },
          discrepancies: 2,
        },
        ['x-1', 'x-2'].map((paymentId) => ({
          kind: 'unknown_payment',
          paymentId,
          platform: { status: 'success' },
          ledger: null,
          applied: null,
        })),
      );
    }
    const first = await viewer<Schemas['ReconciliationPage']>('GET /admin/v1/reconciliations?limit=2');
    expect(first.body.items.map((r) => r.source)).toEqual(['file:3.csv', 'file:2.csv']);
    expect(first.body.items[0]).toMatchObject({ discrepancies: 2, discrepancies_kept: 2 });
    const rest = await viewer<Schemas['ReconciliationPage']>(`GET /admin/v1/reconciliations?limit=2&cursor=${first.body.next_cursor}`);
    expect(rest.body.items.map((r) => r.source)).toEqual(['file:1.csv']);
    const detail = await viewer<Schemas['ReconciliationDetail']>(`GET /admin/v1/reconciliations/${rest.body.items[0]!.id}?limit=1`);
    expect(detail.body.run).toMatchObject({ source: 'file:1.csv', discrepancies: 2, summary: { unknown_payment: 2 } });
    expect(detail.body.discrepancies.map((d) => [d.kind, d.payment_id, d.ledger])).toEqual([['unknown_payment', 'x-1', null]]);
    expect(detail.body.next_cursor).not.toBeNull();
    expect((await viewer('GET /admin/v1/reconciliations/999999')).status).toBe(404);
  });
});

describe.each(backends())('admin API asking the Gate about a payment: %s', (backend) => {
  let service: TestService;
  let platform: FakePlatform;
  beforeEach(async () => {
    platform = await startFakePlatform({ 1234: DEMO_SECRET });
    service = await startService({
      backend,
      adminTokens: testAdminTokens(),
      gateUrl: platform.url,
      accounts: [{ customerId: CUSTOMER, currency: 'KZT' }],
    });
  });
  afterEach(async () => {
    await service.close();
    await platform.close();
  });
  const ask = (paymentId: string, token = OPERATOR_TOKEN) =>
    admin<Schemas['StatusCheckAnswer']>(service.url, `POST /admin/v1/payments/${paymentId}/status-check`, { token });
  const balance = async () => (await service.store.findAccount(CUSTOMER))?.balance;

  it('applies what the Gate says once, through the callback path, naming the operator who asked', async () => {
    const opened = await post(service.url, '/terminal', signed(checkDepositRequest(CUSTOMER, 10000)));
    const paymentId = opened.body.payment_id!;
    platform.payments.set(paymentId, { projectId: 1234, status: 'processing', amount: 10000, currency: 'KZT' });

    expect((await ask(paymentId, VIEWER_TOKEN)).status).toBe(403);
    expect(platform.requests.get(paymentId)).toBeUndefined();

    // The Gate fails twice: the operator hears so, after one retry.
    platform.failNext(paymentId, 2);
    const unanswered = await ask(paymentId);
    expect(unanswered.status).toBe(200);
    expect(unanswered.body).toMatchObject({ outcome: 'not_answered', platform_status: null });
    expect(unanswered.body.detail).toMatch(/503/);
    expect(platform.requests.get(paymentId)).toBe(2);

    const pending = await ask(paymentId);
    expect(pending.body).toMatchObject({ outcome: 'still_pending', platform_status: 'processing', detail: null });
    expect(pending.body.result).toBeUndefined();
    expect(pending.body.payment.payment.status).toBe('pending');
    expect(pending.body.payment.status_check).toMatchObject({ asks: 2, last_outcome: 'still_pending', last_platform_status: 'processing' });
    expect(await balance()).toBe(0);

    platform.payments.set(paymentId, { projectId: 1234, status: 'success', amount: 10000, currency: 'KZT' });
    const applied = await ask(paymentId);
    expect(applied.body).toMatchObject({ outcome: 'applied', platform_status: 'success', result: 'credited', detail: null });
    expect(applied.body.payment.payment).toMatchObject({ status: 'success', last_callback_status: 'success', flagged: false });
    expect(applied.body.payment.callbacks).toHaveLength(1);
    expect(applied.body.payment.callbacks[0]).toMatchObject({
      source: 'status_request',
      result: 'credited',
      headers: { source: 'gate payment status', 'http-status': '200', 'asked-by': 'alice' },
    });
    expect(applied.body.payment.status_check).toMatchObject({ asks: 3, last_outcome: 'applied' });
    expect(await balance()).toBe(10000);

    // Asked again, the same answer is a duplicate: credited once.
    expect((await ask(paymentId)).body).toMatchObject({ outcome: 'applied', result: 'duplicate' });
    expect(await balance()).toBe(10000);
    // The platform's own callback, arriving late, credits nothing more.
    const late = await post(service.url, '/callback', signed(callbackBody(paymentId, 10000)));
    expect(late.status).toBe(200);
    expect(await balance()).toBe(10000);
    expect(await (await service.store.operatorReads()).ledgerCheck()).toMatchObject({ credits: 1, broken: [] });

    // Every question is an operator action in the audit log, with what came of it; the viewer's
    // refused one is not (it never reached the Gate).
    const audit = await admin<Schemas['AuditPage']>(service.url, 'GET /admin/v1/audit-log', { token: VIEWER_TOKEN });
    const asked = audit.body.items.filter((e) => e.action === 'payments.status_check').reverse();
    expect(asked.map((e) => [e.actor, e.outcome, (e.result as { outcome: string }).outcome])).toEqual([
      ['alice', 'done', 'not_answered'],
      ['alice', 'done', 'still_pending'],
      ['alice', 'done', 'applied'],
      ['alice', 'done', 'applied'],
    ]);
    expect(asked[2]!.request).toEqual({ paymentId, actor: 'alice' });
    expect(asked[2]!.result).toEqual({ payment_id: paymentId, outcome: 'applied', platform_status: 'success', result: 'credited' });
  });

  it('answers 404 for a payment this service never opened, asking the Gate nothing', async () => {
    const answer = await ask('never-issued');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ type: 'urn:kassa24-bvu:problem:not-found', detail: 'payment never-issued does not exist' });
    expect(platform.requests.size).toBe(0);
  });
});

describe('admin API without GATE_URL', () => {
  it('answers 501 to a question for the Gate, naming the setting', async () => {
    const service = await startService({ adminTokens: testAdminTokens(), accounts: [{ customerId: CUSTOMER, currency: 'KZT' }] });
    try {
      const opened = await post(service.url, '/terminal', signed(checkDepositRequest(CUSTOMER, 10000)));
      const answer = await admin(service.url, `POST /admin/v1/payments/${opened.body.payment_id!}/status-check`, { token: OPERATOR_TOKEN });
      expect(answer.status).toBe(501);
      expect(answer.body).toMatchObject({ type: 'urn:kassa24-bvu:problem:gate-not-configured', status: 501 });
      expect(answer.body.detail).toMatch(/^GATE_URL is not set/);
    } finally {
      await service.close();
    }
  });
});

describe('admin API turned off', () => {
  it('answers 404 under /admin/ when no tokens are configured', async () => {
    const service = await startService();
    try {
      const answer = await admin(service.url, 'GET /admin/v1/accounts', { token: OPERATOR_TOKEN });
      expect(answer.status).toBe(404);
      expect(answer.body.detail).toContain('the admin API is off');
    } finally {
      await service.close();
    }
  });
});
