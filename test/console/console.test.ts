// The operator console in a real browser (Debian's Chromium): the review story against the real
// service, roles and an expired token, keyboard, a 360 px screen and the header at desktop widths;
// and every screen on the Prism mock of the admin spec with no error in the browser's console.
// Screenshots of each screen go to dist/console-screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../scripts/console-bundle.js';
import { consoleFiles } from '../../src/http/console-files.js';
import { admin, OPERATOR_TOKEN, testAdminTokens, VIEWER_TOKEN, type Schemas } from '../support/admin.js';
import { haveBrowser, launchBrowser } from '../support/browser.js';
import { writePastTheStore } from '../support/databases.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { JOB_RUN_AT, reconciliationDoneThenFailed, RECONCILE_FAILURE } from '../support/job-runs.js';
import { callbackBody, checkDepositRequest, DEMO_SECRET, post, signed, verifyRequest } from '../support/platform.js';
import { startPrism, type Prism } from '../support/prism.js';
import { projectRoot } from '../support/processes.js';
import { startService, type TestService } from '../support/service.js';

const browserHere = haveBrowser('Browser tests of the operator console');
const screenshots = path.join(projectRoot, 'dist', 'console-screenshots');
const CUSTOMER = '7123456789';

/** Every error the page reports: console errors, uncaught exceptions, failed requests but 401s. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 401/.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

// An operator whose name is longer than the header shows.
const LONG_NAME = 'night-shift-operator-almaty-2';
const LONG_NAME_TOKEN = 'k24_test-long-name-token';

async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('Admin API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
}

/** Fills the adjustment form in `form` (amounts in KZT) and asks to add it: the confirmation comes next. */
async function proposeAdjustment(form: Locator, amount: string, reason: string): Promise<void> {
  await form.getByLabel(/^Amount in KZT/).fill(amount);
  await form.getByLabel('Reason').fill(reason);
  await form.getByRole('button', { name: 'Add adjustment…' }).click();
}

/** Once the page has drawn what it did with the answers already in (the page's code, as text). */
const painted = (page: Page) => page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');

const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

describe.runIf(browserHere)('operator console', () => {
  let browser: Browser;
  const built = mkdtempSync(path.join(tmpdir(), 'kassa24-console-'));

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(built, { recursive: true, force: true });
  });

  describe('against the service', () => {
    let service: TestService;
    let platform: FakePlatform;
    beforeAll(async () => {
      await buildConsole({ outDir: path.join(built, 'service') });
      platform = await startFakePlatform({ 1234: DEMO_SECRET });
      service = await startService({
        adminTokens: testAdminTokens({ name: LONG_NAME, role: 'operator', token: LONG_NAME_TOKEN }),
        consoleDir: path.join(built, 'service'),
        gateUrl: platform.url,
        accounts: [{ customerId: CUSTOMER, currency: 'KZT' }],
      });
    }, 60_000);
    afterAll(async () => {
      await service?.close();
      await platform?.close();
    });

    /** The review queue, signed in as the operator: the page, its errors, and the payment's item. */
    async function reviewQueueItem(paymentId: string): Promise<{ page: Page; errors: string[]; item: Locator }> {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, OPERATOR_TOKEN);
      await page.goto(`${service.url}/console/#/review`);
      return { page, errors, item: page.locator('.queue-item', { hasText: paymentId }) };
    }

    /** A deposit of `deposited` whose callback names `paid`: flagged when they differ. */
    async function payment(deposited: number, paid: number): Promise<string> {
      const paymentId = (await post(service.url, '/terminal', signed(checkDepositRequest(CUSTOMER, deposited)))).body.payment_id!;
      expect((await post(service.url, '/callback', signed(callbackBody(paymentId, paid)))).status).toBe(200);
      return paymentId;
    }

    it('walks the review story: flagged callback, adjustment in KZT, review, balance and audit log', async () => {
      await payment(2500, 2500);
      const flaggedPayment = await payment(10000, 15000);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await signIn(page, service.url, OPERATOR_TOKEN);
      await expect.poll(() => page.locator('main').innerText()).toContain('flagged callback to review');
      // Each window counts its payments by status: the credited one and the flagged, still pending.
      const day = page.locator('.card', { has: page.getByRole('heading', { name: 'Last 24 hours' }) });
      expect(await day.locator('tbody').innerText()).toMatch(/pending\s+\d+[\s\S]*success\s+\d+/);
      await shoot(page, 'overview');

      await page.getByRole('link', { name: 'Review queue' }).click();
      const item = page.locator('.queue-item').first();
      await expect
        .poll(() => item.innerText())
        .toContain('amount mismatch: callback 150.00 KZT (15000 minor units), deposit 100.00 KZT (10000 minor units)');
      expect(await item.innerText()).toContain(flaggedPayment);
      await shoot(page, 'review-queue');

      const customer = item.getByLabel('Account (customer id)');
      await expect.poll(() => customer.inputValue()).toBe(CUSTOMER);
      // The callback's payment is ours: its account is the only one an adjustment naming it may move.
      expect(await customer.getAttribute('readonly')).not.toBeNull();
      await proposeAdjustment(item, '150', 'paid 150.00 for a 100.00 deposit');
      await expect.poll(() => item.getByRole('alert').innerText()).toContain(`Credit 150.00 KZT to account ${CUSTOMER}?`);
      await shoot(page, 'review-confirm');
      await item.getByRole('button', { name: 'Confirm adjustment' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toContain('balance now 175.00 KZT');

      // A review says what was found: no note, no review.
      expect(await item.getByRole('button', { name: 'Mark reviewed' }).isDisabled()).toBe(true);
      await item.getByLabel(/^Review note/).fill('customer paid 150.00; adjusted');
      await item.getByRole('button', { name: 'Mark reviewed' }).click();
      await expect.poll(() => page.locator('main').innerText()).toContain('Nothing to review.');

      await page.goto(`${service.url}/console/#/accounts/${CUSTOMER}`);
      await expect.poll(() => page.locator('dl.facts').innerText()).toContain('175.00 KZT');
      await expect.poll(() => page.locator('table').innerText()).toContain('paid 150.00 for a 100.00 deposit');
      await shoot(page, 'account');
      // Another account's page, one that is not there: its problem, none of the last one's facts.
      await page.goto(`${service.url}/console/#/accounts/nobody`);
      await expect.poll(() => page.getByRole('alert').first().innerText()).toContain('nobody');
      await expect.poll(() => page.locator('dl.facts, tbody tr').count()).toBe(0);
      // Left before its answer came: the account's late answer is not shown under the next one.
      const slowAccount = new RegExp(`/admin/v1/accounts/${CUSTOMER}$`);
      await page.route(slowAccount, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        await route.continue();
      });
      const lateAccount = page.waitForResponse(slowAccount);
      await page.goto(`${service.url}/console/#/accounts/${CUSTOMER}`);
      await page.goto(`${service.url}/console/#/accounts/nobody`);
      await lateAccount;
      await painted(page);
      expect(await page.locator('dl.facts').count()).toBe(0);
      await page.unroute(slowAccount);
      expect(errors.splice(0).every((error) => error.includes('status of 404'))).toBe(true);

      await page.getByRole('link', { name: 'Audit log' }).click();
      await expect.poll(() => page.locator('table').innerText()).toMatch(/callbacks\.review[\s\S]*adjustments\.add/);
      // Newest first: who did what, whether it took effect, and what was asked.
      const newest = page.locator('tbody tr').first();
      expect((await newest.locator('td').allInnerTexts()).slice(1, 4)).toEqual(['alice', 'callbacks.review', 'done']);
      await newest.getByText('request').click();
      await expect.poll(() => newest.locator('pre').first().innerText()).toContain('customer paid 150.00; adjusted');
      await shoot(page, 'audit-log');

      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('button', { name: 'Check the ledger' }).click();
      const checked = page.locator('.ledger-check [role=status]');
      await expect.poll(() => checked.innerText()).toContain('Every rule holds');
      expect(await checked.innerText()).toContain('Balances 175.00 KZT = credits 25.00 KZT + adjustments 150.00 KZT');
      await shoot(page, 'ledger-check');

      await page.goto(`${service.url}/console/#/payments/${flaggedPayment}`);
      await expect.poll(() => page.locator('.timeline').innerText()).toContain('Reviewed by alice');
      await expect.poll(() => page.locator('pre.raw').first().innerText()).toContain('"amount": 15000');
      expect(await page.locator('.timeline').innerText()).toContain('1 delivery');
      expect(await page.locator('dl.facts').innerText()).toMatch(/Asked at the Gate\s+never/);
      await expect.poll(() => page.locator('dl.facts').innerText()).toMatch(/Settled by hand\s+adjustment \d+/);
      await shoot(page, 'payment');

      // A status sync asked the Gate about it twice; the platform still calls it processing.
      for (const outcome of ['not_answered', 'still_pending'] as const) {
        await service.store.recordStatusCheck({ paymentId: flaggedPayment, askedAt: new Date(), outcome, platformStatus: 'processing' });
      }
      await page.reload();
      await expect
        .poll(() => page.locator('dl.facts').innerText())
        .toMatch(/Asked at the Gate\s+2 times, last .+: still pending \(processing\)/);

      // The platform then reports the deposit's own amount: the adjustment paid it, nothing more is credited.
      const late = await post(service.url, '/callback', signed(callbackBody(flaggedPayment, 10000)));
      expect([late.status, late.body.result]).toEqual([200, 'flagged']);
      expect((await service.store.findAccount(CUSTOMER))?.balance).toBe(17500);
      await page.goto(`${service.url}/console/#/review`);
      await expect
        .poll(() => page.locator('.queue-item').first().innerText())
        .toMatch(/success after the payment was settled by hand \(adjustment #\d+\): nothing credited/);
      await expect.poll(() => page.locator('.queue-item').first().innerText()).toMatch(/success: settled by hand \(adjustment \d+\)/);
      for (const callback of await service.store.listCallbacks({ flagged: true })) {
        if (!callback.reviewedAt)
          await service.store.reviewCallback({ callbackId: callback.id, note: 'the adjustment paid it', actor: 'test' });
      }

      await page.getByRole('link', { name: 'Payments', exact: true }).click();
      await expect.poll(() => page.locator('table').innerText()).toContain(flaggedPayment);
      await page.getByLabel('Flagged').selectOption('true');
      await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
      await shoot(page, 'payments');

      await page.getByRole('link', { name: 'Accounts', exact: true }).click();
      await expect.poll(() => page.locator('table').innerText()).toContain(CUSTOMER);
      await shoot(page, 'accounts');
      expect(errors).toEqual([]);
      await page.close();
    }, 90_000);

    it('says what each flagged payment has credited, and warns before an adjustment would pay one twice', async () => {
      const credited = await payment(4000, 4000);
      const declined = await post(service.url, '/callback', signed(callbackBody(credited, 4000, 'decline')));
      expect(declined.body.result).toBe('flagged');
      const mismatched = await payment(3000, 3500);
      expect((await post(service.url, '/callback', signed(callbackBody('never-issued-here', 700)))).body.result).toBe('flagged');

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await signIn(page, service.url, OPERATOR_TOKEN);
      await page.goto(`${service.url}/console/#/review`);
      const item = (text: string) => page.locator('.queue-item', { hasText: text });
      await expect.poll(() => item(credited).innerText()).toContain(`${credited} — success: 40.00 KZT credited`);
      await expect.poll(() => item(mismatched).innerText()).toContain(`${mismatched} — pending: nothing credited`);
      await expect.poll(() => item('never-issued-here').innerText()).toContain('never-issued-here — never issued here: nothing credited');

      await item(credited)
        .getByLabel(/^Amount in KZT/)
        .fill('40');
      await item(credited).getByLabel('Reason').fill('customer says it was paid');
      await item(credited).getByRole('button', { name: 'Add adjustment…' }).click();
      await expect
        .poll(() => item(credited).getByRole('alert').innerText())
        .toContain(`Payment ${credited} has already credited 40.00 KZT.`);
      await shoot(page, 'review-credited-warning');
      await item(credited).getByRole('button', { name: 'Cancel' }).click();
      await item(mismatched)
        .getByLabel(/^Amount in KZT/)
        .fill('35');
      await item(mismatched).getByLabel('Reason').fill('paid 35.00 for a 30.00 deposit');
      await item(mismatched).getByRole('button', { name: 'Add adjustment…' }).click();
      await expect.poll(() => item(mismatched).getByRole('alert').innerText()).toContain('Credit 35.00 KZT to account');
      expect(await item(mismatched).getByRole('alert').innerText()).toContain(
        `This settles payment ${mismatched} by hand: a later success for it will credit nothing.`,
      );
      expect(await item(mismatched).getByRole('alert').innerText()).not.toContain('already credited');
      await item(mismatched).getByRole('button', { name: 'Cancel' }).click();

      // A payment never issued here names no account: the one typed is looked up, and its currency
      // says how the amount reads.
      const unknown = item('never-issued-here');
      await unknown.getByLabel('Account (customer id)').fill('nobody-here');
      await expect.poll(() => unknown.locator('.field-error').innerText()).toBe('No account nobody-here.');
      await unknown.getByLabel('Account (customer id)').fill(CUSTOMER);
      await proposeAdjustment(unknown, '7', 'paid 7.00, no deposit');
      await expect.poll(() => unknown.getByRole('alert').innerText()).toContain(`Credit 7.00 KZT to account ${CUSTOMER}?`);
      await unknown.getByRole('button', { name: 'Cancel' }).click();

      // Leave the queue as the other tests expect it: these reviews closed.
      for (const callback of await service.store.listCallbacks({ flagged: true })) {
        if (!callback.reviewedAt) await service.store.reviewCallback({ callbackId: callback.id, note: 'checked', actor: 'test' });
      }
      // The failed loads are the lookups of the payment never issued here and of the account typed, answered 404.
      expect(errors).toEqual(Array(2).fill('Failed to load resource: the server responded with a status of 404 (Not Found)'));
      await page.close();
    }, 60_000);

    it('closes an account and reopens it, asking first each time; the platform is answered accordingly', async () => {
      const customerId = 'closing-7001';
      await service.store.addAccount({ customerId, currency: 'KZT' });
      const verify = async () => (await post(service.url, '/terminal', signed(verifyRequest(customerId)))).body.code;
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, OPERATOR_TOKEN);
      await page.goto(`${service.url}/console/#/accounts/${customerId}`);
      const status = page.locator('dl.facts dt:text-is("Status") + dd');
      await expect.poll(() => status.innerText()).toBe('active');

      await page.getByRole('button', { name: 'Close account' }).click();
      await expect
        .poll(() => page.getByRole('alert').innerText())
        .toContain(
          `Close account ${customerId}? verify and check_deposit will answer that it does not exist; a payment already opened that succeeds is still credited, and kept for review. No payment opened on it is pending.`,
        );
      await page.getByRole('button', { name: 'Cancel' }).click();

      // With payments opened on it, the question counts them and links to them.
      await post(service.url, '/terminal', signed(checkDepositRequest(customerId, 1500)));
      await page.getByRole('button', { name: 'Close account' }).click();
      await page.getByRole('link', { name: '1 payment opened on it is pending' }).waitFor();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await post(service.url, '/terminal', signed(checkDepositRequest(customerId, 2500)));
      await page.getByRole('button', { name: 'Close account' }).click();
      const pending = page.getByRole('link', { name: '2 payments opened on it are pending' });
      await pending.waitFor();
      await pending.click();
      await expect.poll(() => page.locator('table tbody tr').count()).toBe(2);
      expect(await page.locator('#payment-status').inputValue()).toBe('pending');
      expect(await page.locator('#payment-customer').inputValue()).toBe(customerId);
      await page.goBack();
      await page.getByRole('button', { name: 'Close account' }).click();
      await page.getByRole('link', { name: '2 payments opened on it are pending' }).waitFor();
      await page.getByRole('button', { name: 'Yes, close it' }).click();
      await expect.poll(() => status.innerText()).toBe('closed');
      expect(await verify()).toBe(404);

      await page.getByRole('button', { name: 'Reopen account' }).click();
      expect(await page.getByRole('alert').innerText()).toContain(
        `Reopen account ${customerId}? verify and check_deposit will find it again, with its balance.`,
      );
      await shoot(page, 'account-reopen');
      await page.getByRole('button', { name: 'Yes, reopen it' }).click();
      await expect.poll(() => status.innerText()).toBe('active');
      expect(await page.getByRole('button', { name: 'Close account' }).count()).toBe(1);
      expect(await verify()).toBe(0);
      expect((await service.store.listAuditLog()).slice(-2).map((e) => `${e.actor} ${e.action} ${e.outcome}`)).toEqual([
        'alice accounts.close done',
        'alice accounts.reopen done',
      ]);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('opens an account from the list, finds it by either id and by status, and counts its pending payments', async () => {
      const customerId = 'opened-in-console';
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, OPERATOR_TOKEN);
      await page.goto(`${service.url}/console/#/accounts`);
      await page.getByText('Open an account').click();
      await page.getByLabel('Customer id', { exact: true }).fill(customerId);
      await page.getByLabel('Additional id (optional)').fill('HF-777');
      await page.getByRole('button', { name: 'Open account' }).click();
      await expect
        .poll(() => service.store.findAccount(customerId))
        .toMatchObject({ currency: 'KZT', status: 'active', additionalCustomerId: 'HF-777' });

      const rows = page.locator('table tbody tr');
      await page.getByLabel('Customer id or additional id contains').fill('HF-777');
      await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringMatching(new RegExp(`^${customerId}\\s+HF-777\\s+active`))]);
      await service.store.closeAccount(customerId);
      await page.getByLabel('Status').selectOption('active');
      await expect.poll(() => rows.count()).toBe(0);
      await page.getByLabel('Status').selectOption('closed');
      await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringMatching(new RegExp(`^${customerId}\\s+HF-777\\s+closed`))]);

      // Past a hundred pending payments, closing says "more than" rather than counting them all.
      await service.store.reopenAccountAsOperator({ customerId, actor: 'test' });
      for (let i = 0; i < 101; i++)
        await service.store.openPayment({ paymentId: `${customerId}-${i}`, projectId: 1234, customerId, amount: 100, currency: 'KZT' });
      await page.goto(`${service.url}/console/#/accounts/${customerId}`);
      await page.getByRole('button', { name: 'Close account' }).click();
      await page.getByRole('link', { name: 'More than 100 payments opened on it are pending' }).waitFor();
      await page.getByRole('button', { name: 'Cancel' }).click();

      // The payments list narrows by the day a payment was opened, in the browser's calendar.
      await page.goto(`${service.url}/console/#/payments?customer_id=${customerId}`);
      const day = (offset: number) => page.evaluate((days) => new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv'), offset);
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      await page.getByLabel('Opened from').fill(await day(1));
      await expect.poll(() => rows.count()).toBe(0);
      await page.getByLabel('Opened from').fill('');
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      await page.getByLabel('to (inclusive)').fill(await day(-1));
      await expect.poll(() => rows.count()).toBe(0);
      await page.getByLabel('to (inclusive)').fill(await day(0));
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      // A period the API refuses: its problem, and none of the rows of the filter before it.
      await page.getByLabel('Opened from').fill(await day(2));
      const refused = page.getByRole('alert');
      await expect.poll(() => refused.innerText()).toMatch(/^The request is not valid\s+to: must come after from \(/);
      // Said once: the detail is the list of field errors.
      expect((await refused.innerText()).match(/must come after/g)).toHaveLength(1);
      expect(await rows.count()).toBe(0);
      expect(errors.splice(0)).toEqual([expect.stringContaining('status of 400') as unknown]);
      await page.getByLabel('Opened from').fill('');
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      expect(await page.getByRole('alert').count()).toBe(0);

      // Answers that come back in another order than asked: the last filter's rows stand.
      const slow = /\/admin\/v1\/payments\?.*status=expired/;
      await page.route(slow, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        await route.continue();
      });
      const late = page.waitForResponse(slow);
      await page.getByLabel('Status').selectOption('expired');
      await page.getByLabel('Status').selectOption('pending');
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      await late;
      await painted(page);
      expect(await rows.count()).toBeGreaterThan(0);
      await page.unroute(slow);
      await page.getByLabel('Status').selectOption('');
      await page.goto(`${service.url}/console/#/payments/${customerId}-0`);
      await expect.poll(() => page.locator('main').innerText()).toContain('No callback yet.');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('asks the platform about a payment on request, and shows what it said and what was applied', async () => {
      const paymentId = (await post(service.url, '/terminal', signed(checkDepositRequest(CUSTOMER, 6000)))).body.payment_id!;
      platform.payments.set(paymentId, { projectId: 1234, status: 'success', amount: 6000, currency: 'KZT' });
      const before = (await service.store.findAccount(CUSTOMER))!.balance;
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, OPERATOR_TOKEN);
      await page.goto(`${service.url}/console/#/payments/${paymentId}`);
      const status = page.locator('dl.facts dt:text-is("Status") + dd');
      await expect.poll(() => status.innerText()).toBe('pending');

      await page.getByRole('button', { name: 'Ask the platform now' }).click();
      await expect.poll(() => page.locator('.action [role=status]').innerText()).toBe('The Gate says success. Applied: credited.');
      expect(await status.innerText()).toBe('success');
      expect(await page.locator('dl.facts').innerText()).toMatch(/Asked at the Gate\s+once, last .+: a final status, applied \(success\)/);
      await expect
        .poll(() => page.locator('.timeline header').first().innerText())
        .toMatch(/^Callback \d+ \(from the Gate's payment status, asked by alice\): status success → credited$/);
      await shoot(page, 'payment-asked');
      expect((await service.store.findAccount(CUSTOMER))!.balance).toBe(before + 6000);
      expect(errors).toEqual([]);
      await page.close();

      // A viewer sees what was asked, and has no button to ask.
      const viewing = await browser.newPage();
      await signIn(viewing, service.url, VIEWER_TOKEN);
      await viewing.goto(`${service.url}/console/#/payments/${paymentId}`);
      await expect.poll(() => viewing.locator('dl.facts').innerText()).toMatch(/Asked at the Gate\s+once/);
      expect(await viewing.getByRole('button', { name: 'Ask the platform now' }).count()).toBe(0);
      await viewing.close();
    }, 60_000);

    it("shows every account's ledger entries newest first, and a period's only", async () => {
      const paymentId = await payment(3000, 3000);
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, VIEWER_TOKEN);
      await page.getByRole('link', { name: 'Accounts', exact: true }).click();
      await page.getByRole('link', { name: 'The ledger of every account, by period' }).click();
      const firstRow = page.locator('tbody tr').first();
      await expect.poll(() => firstRow.innerText()).toContain(paymentId);
      const [callback] = await service.store.listCallbacks({ paymentId });
      // When, account, kind, amount, payment, callback, by whom: the platform's credit.
      expect((await firstRow.locator('td').allInnerTexts()).slice(1)).toEqual([
        CUSTOMER,
        'credit',
        '30.00 KZT',
        paymentId,
        String(callback!.id),
        'platform',
      ]);
      expect(await firstRow.getByRole('link', { name: CUSTOMER }).getAttribute('href')).toBe(`#/accounts/${CUSTOMER}`);
      expect(await firstRow.getByRole('link', { name: paymentId }).getAttribute('href')).toBe(`#/payments/${paymentId}`);
      await shoot(page, 'ledger');
      // An operator's adjustment, newest: its reason instead of a payment, no callback, and who made it.
      await service.store.addAdjustment({
        customerId: CUSTOMER,
        amount: -1000,
        reason: 'cash refunded at the office',
        idempotencyKey: `ledger-screen-${paymentId}`,
        actor: 'alice',
      });
      await page.reload();
      await expect
        .poll(async () => (await firstRow.locator('td').allInnerTexts()).slice(1))
        .toEqual([CUSTOMER, 'adjustment', '−10.00 KZT', 'cash refunded at the office', '—', 'alice']);
      // Today's entries, asked for as from today to today (inclusive), are there.
      const today = new Date();
      const localDay = (date: Date) =>
        `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
      await page.getByLabel('Made from').fill(localDay(today));
      await page.getByLabel('to (inclusive)').fill(localDay(today));
      await painted(page);
      await expect.poll(() => firstRow.innerText()).toContain('cash refunded at the office');
      expect(await page.locator('tbody tr', { hasText: paymentId }).count()).toBe(1);
      await page.getByLabel('Made from').fill('');
      await page.getByLabel('to (inclusive)').fill(localDay(new Date(Date.now() - 86_400_000)));
      await expect.poll(() => page.locator('.pager').innerText()).toBe('0 shown');
      // A period that starts tomorrow holds nothing yet.
      await page.getByLabel('to (inclusive)').fill('');
      await page.getByLabel('Made from').fill(localDay(new Date(Date.now() + 86_400_000)));
      await expect.poll(() => page.locator('.pager').innerText()).toBe('0 shown');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("corrects an account's balance from its page, each adjustment confirmed in KZT and written once", async () => {
      const account = 'adjusted-from-its-page';
      await service.store.addAccount({ customerId: account, currency: 'KZT' });
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, OPERATOR_TOKEN);
      await page.goto(`${service.url}/console/#/accounts/${account}`);
      const form = page.locator('form.action', { has: page.getByRole('heading', { name: 'Adjust the balance' }) });
      // The page's account goes without saying: no field to type another into.
      await form.getByLabel(/^Amount in KZT/).waitFor();
      expect(await form.getByLabel('Account (customer id)').count()).toBe(0);

      const adjust = async (amount: string, reason: string, question: string) => {
        await form.getByLabel(/^Amount in KZT/).fill(amount);
        await form.getByLabel('Reason').fill(reason);
        await form.getByRole('button', { name: 'Add adjustment…' }).click();
        await expect.poll(() => form.getByRole('alert').innerText()).toContain(question);
        await form.getByRole('button', { name: 'Confirm adjustment' }).click();
      };
      await adjust('50', 'cash paid in at the office', `Credit 50.00 KZT to account ${account}?`);
      await expect.poll(() => page.getByRole('status').innerText()).toContain('balance now 50.00 KZT');
      // The next adjustment is a new one (a new idempotency key), not a replay of the first.
      await adjust('-20', 'refunded by bank transfer', `Debit 20.00 KZT from account ${account}?`);
      await expect.poll(() => page.getByRole('status').innerText()).toContain('balance now 30.00 KZT');
      await expect.poll(() => page.locator('dl.facts').innerText()).toContain('30.00 KZT');
      await expect.poll(() => page.locator('table').innerText()).toContain('refunded by bank transfer');
      await shoot(page, 'account-adjusted');

      await adjust('-40', 'refunded twice', `Debit 40.00 KZT from account ${account}?`);
      await expect
        .poll(() => form.locator('[role=alert]').innerText())
        .toContain('would make the balance of adjusted-from-its-page negative');
      expect((await service.store.findAccount(account))!.balance).toBe(3000);
      expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
      await page.close();
    }, 60_000);

    it('pays a pending payment by hand from its page, once: its later success credits nothing', async () => {
      const account = 'paid-by-hand';
      await service.store.addAccount({ customerId: account, currency: 'KZT' });
      const paymentId = (await post(service.url, '/terminal', signed(checkDepositRequest(account, 4200)))).body.payment_id!;
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, OPERATOR_TOKEN);
      await page.goto(`${service.url}/console/#/payments/${paymentId}`);
      const form = page.locator('form.action', { has: page.getByRole('heading', { name: 'Pay it by hand' }) });
      // The payment's amount, and its account, fixed.
      await expect.poll(() => form.getByLabel(/^Amount in KZT/).inputValue()).toBe('42.00');
      expect(await form.getByLabel('Account (customer id)').inputValue()).toBe(account);
      await form.getByLabel(/^Amount in KZT/).fill('-42');
      expect(await form.innerText()).toContain('a payment is paid with a positive amount');
      expect(await form.getByRole('button', { name: 'Add adjustment…' }).isDisabled()).toBe(true);
      await proposeAdjustment(form, '42', 'receipt 4411 shown at the office');
      await expect
        .poll(() => form.getByRole('alert').innerText())
        .toContain(
          `This settles payment ${paymentId} by hand: a later success for it will credit nothing. Credit 42.00 KZT to account ${account}?`,
        );
      await shoot(page, 'payment-pay-by-hand');
      await form.getByRole('button', { name: 'Confirm adjustment' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toContain('balance now 42.00 KZT');
      await expect.poll(() => page.locator('dl.facts').innerText()).toMatch(/Settled by hand\s+adjustment \d+/);
      expect(await page.getByRole('heading', { name: 'Pay it by hand' }).count()).toBe(0);

      expect((await post(service.url, '/callback', signed(callbackBody(paymentId, 4200)))).status).toBe(200);
      expect((await service.store.findAccount(account))!.balance).toBe(4200);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('adjusts from the review queue without paying again a payment already paid by hand', async () => {
      const account = 'flagged-then-paid';
      await service.store.addAccount({ customerId: account, currency: 'KZT' });
      // Its callback's amount differs (flagged); an operator paid the deposit by hand meanwhile.
      const paymentId = (await post(service.url, '/terminal', signed(checkDepositRequest(account, 2000)))).body.payment_id!;
      expect((await post(service.url, '/callback', signed(callbackBody(paymentId, 2600)))).status).toBe(200);
      const paid = await service.store.addAdjustment({
        customerId: account,
        amount: 2000,
        reason: 'paid at the office',
        idempotencyKey: `hand-${paymentId}`,
        paymentId,
        actor: 'test',
      });
      if (!('adjustment' in paid)) throw new Error('not paid by hand');
      const { page, errors, item } = await reviewQueueItem(paymentId);
      await proposeAdjustment(item, '6', 'the customer paid 6.00 more at the terminal');
      await expect
        .poll(() => item.getByRole('alert').innerText())
        .toContain(
          `Payment ${paymentId} was already settled by hand (adjustment ${paid.adjustment.id}). Credit 6.00 KZT to account ${account}?`,
        );
      await item.getByRole('button', { name: 'Confirm adjustment' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toContain('balance now 26.00 KZT');
      await item.getByLabel(/^Review note/).fill('difference credited');
      await item.getByRole('button', { name: 'Mark reviewed' }).click();
      await expect.poll(() => page.locator('.queue-item', { hasText: paymentId }).count()).toBe(0);
      expect((await service.store.findAccount(account))!.balance).toBe(2600);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("refuses the review queue's adjustment of a payment its success credited while the operator decided", async () => {
      const account = 'credited-meanwhile';
      await service.store.addAccount({ customerId: account, currency: 'KZT' });
      const paymentId = (await post(service.url, '/terminal', signed(checkDepositRequest(account, 3000)))).body.payment_id!;
      expect((await post(service.url, '/callback', signed(callbackBody(paymentId, 3500)))).status).toBe(200);
      const { page, errors, item } = await reviewQueueItem(paymentId);
      await proposeAdjustment(item, '30', 'customer paid the deposit');
      await expect.poll(() => item.getByRole('alert').innerText()).toContain(`This settles payment ${paymentId} by hand`);

      // The platform's success for the deposit lands before the operator confirms.
      expect((await post(service.url, '/callback', signed(callbackBody(paymentId, 3000)))).status).toBe(200);
      expect((await service.store.findAccount(account))!.balance).toBe(3000);
      await item.getByRole('button', { name: 'Confirm adjustment' }).click();
      await expect.poll(() => item.locator('.problem').innerText()).toContain(`payment ${paymentId} is credited`);
      expect(await item.locator('.problem').innerText()).toContain('The payment is paid already');
      expect((await service.store.findAccount(account))!.balance).toBe(3000);
      expect(errors).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)']);

      // Leave the queue as the other tests expect it: this review closed.
      const [flagged] = await service.store.listCallbacks({ paymentId, flagged: true });
      await service.store.reviewCallback({ callbackId: flagged!.id, note: 'credited by its success', actor: 'test' });
      await page.close();
    }, 60_000);

    it("takes an adjustment in the account's own currency: whole yen, no decimals", async () => {
      const account = 'held-in-yen';
      await service.store.addAccount({ customerId: account, currency: 'JPY' });
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, OPERATOR_TOKEN);
      await page.goto(`${service.url}/console/#/accounts/${account}`);
      const form = page.locator('form.action', { has: page.getByRole('heading', { name: 'Adjust the balance' }) });
      const amount = form.getByLabel(/^Amount in JPY/);
      await amount.fill('12.5');
      await expect.poll(() => form.locator('.field-error').innerText()).toBe('an amount in JPY such as 50 or -12, not zero');
      expect(await form.getByRole('button', { name: 'Add adjustment…' }).isDisabled()).toBe(true);

      await amount.fill('1500');
      expect(await form.locator('.muted').last().innerText()).toBe('Whole JPY: it has no minor unit.');
      await form.getByLabel('Reason').fill('cash paid in at the office');
      await form.getByRole('button', { name: 'Add adjustment…' }).click();
      await expect.poll(() => form.getByRole('alert').innerText()).toContain(`Credit 1\u202f500 JPY to account ${account}?`);
      await form.getByRole('button', { name: 'Confirm adjustment' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toContain('balance now 1\u202f500 JPY');
      expect((await service.store.findAccount(account))!.balance).toBe(1500);

      // A yen deposit: the overview counts it in its own currency, never added to tenge.
      const paymentId = (await post(service.url, '/terminal', signed(checkDepositRequest(account, 700, 1234, 'JPY')))).body.payment_id!;
      expect((await post(service.url, '/callback', signed(callbackBody(paymentId, 700, 'success', 1234, 'JPY')))).status).toBe(200);
      await page.getByRole('link', { name: 'Overview' }).click();
      const choice = page.getByLabel('Figures in');
      await expect.poll(() => choice.inputValue()).toBe('KZT');
      expect(await page.locator('.card').nth(1).innerText()).not.toContain('JPY');
      await choice.selectOption('JPY');
      await expect.poll(() => page.locator('.card').nth(1).innerText()).toContain('700 JPY credited');
      await choice.selectOption('KZT');
      await expect.poll(() => page.locator('.card').nth(1).innerText()).toContain('KZT credited');
      await choice.selectOption('JPY');
      await expect.poll(() => page.locator('.card').nth(1).innerText()).toContain('700 JPY credited');
      await page.getByRole('button', { name: 'Check the ledger' }).click();
      await expect
        .poll(() => page.locator('.ledger-check [role=status]').innerText())
        .toContain('Balances 2\u202f200 JPY = credits 700 JPY + adjustments 1\u202f500 JPY');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("shows a currency's summary as the API gives it: credited, payments by status, the queue, each day", async () => {
      const account = 'held-in-euro';
      await service.store.addAccount({ customerId: account, currency: 'EUR' });
      const deposit = async (amount: number, status?: 'success' | 'decline') => {
        const request = signed(checkDepositRequest(account, amount, 1234, 'EUR'));
        const paymentId = (await post(service.url, '/terminal', request)).body.payment_id!;
        if (status)
          expect((await post(service.url, '/callback', signed(callbackBody(paymentId, amount, status, 1234, 'EUR')))).status).toBe(200);
        return paymentId;
      };
      await deposit(1000, 'success');
      await deposit(2500, 'success');
      const older = await deposit(400);
      await deposit(400);
      await deposit(400);
      await deposit(700, 'decline');
      // One pending payment opened three days ago: in the 30 days, not in the 24 hours.
      const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const database = { backend: 'sqlite' as const, url: service.databaseUrl, drop: () => Promise.resolve() };
      await writePastTheStore(database, [`update payments set created_at = '${threeDaysAgo}' where payment_id = '${older}'`]);
      const { body: summary } = await admin<Schemas['Summary']>(service.url, 'GET /admin/v1/summary?currency=EUR', { token: VIEWER_TOKEN });
      const today = summary.days.at(-1)!.date;

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await signIn(page, service.url, VIEWER_TOKEN);
      await page.getByLabel('Figures in').selectOption('EUR');
      const card = (title: string) => page.locator('.card', { has: page.getByRole('heading', { name: title }) });
      const windows: Array<[string, number, string[][]]> = [
        [
          'Last 24 hours',
          5,
          [
            ['pending', '2', '8.00 EUR'],
            ['success', '2', '35.00 EUR'],
            ['failed', '1', '7.00 EUR'],
          ],
        ],
        [
          'Last 30 days',
          6,
          [
            ['pending', '3', '12.00 EUR'],
            ['success', '2', '35.00 EUR'],
            ['failed', '1', '7.00 EUR'],
          ],
        ],
      ];
      for (const [title, opened, byStatus] of windows) {
        await expect.poll(() => card(title).locator('.figure').innerText(), { message: title }).toBe('35.00 EUR credited');
        expect(await card(title).locator('p.muted').innerText()).toBe(`${opened} payments opened`);
        // Most payments first, as the API lists them.
        expect((await card(title).locator('tbody tr').allInnerTexts()).map((row) => row.split('\t'))).toEqual(byStatus);
      }
      const queue = card('Review queue');
      expect(await queue.locator('.figure').innerText()).toBe(String(summary.open_review_items));
      expect(await queue.getByRole('link').innerText()).toBe(
        summary.open_review_items === 1 ? 'flagged callback to review' : 'flagged callbacks to review',
      );
      // A bar a day, today's last; the highest day names the scale.
      const openedChart = page.getByRole('img', { name: 'Payments opened per day, last 30 days' });
      expect(await openedChart.locator('rect title').allTextContents()).toEqual(summary.days.map((d) => `${d.date}: ${d.payments}`));
      expect(await openedChart.locator('rect title').last().textContent()).toBe(`${today}: 5`);
      expect(await openedChart.locator('rect title').nth(-4).textContent()).toMatch(/: 1$/);
      // Bars to scale: the highest day's fills the chart's 78 units, a fifth of it a fifth of that.
      expect(await openedChart.locator('rect').last().getAttribute('height')).toBe('78');
      expect(Number(await openedChart.locator('rect').nth(-4).getAttribute('height'))).toBeCloseTo(78 / 5);
      const creditedChart = page.getByRole('img', { name: 'Amount credited per day, last 30 days' });
      expect(await creditedChart.locator('rect').count()).toBe(30);
      expect(await creditedChart.locator('rect title').last().textContent()).toBe(`${today}: 35.00 EUR`);
      expect(await page.locator('figure.chart figcaption').allInnerTexts()).toEqual([
        `Payments opened per day (UTC), ${summary.days[0]!.date} to ${today}; highest 5`,
        `Amount credited per day (UTC), ${summary.days[0]!.date} to ${today}; highest 35.00 EUR`,
      ]);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('shows a viewer every screen and no action, and sends an expired token back to sign-in', async () => {
      await payment(1000, 1200);
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, VIEWER_TOKEN);
      for (const screen of ['review', 'accounts', `accounts/${CUSTOMER}`, 'payments']) {
        await page.goto(`${service.url}/console/#/${screen}`);
        await page.locator('table, .queue-item').first().waitFor();
        expect(await page.locator('main button:not([type=button]), main form.action, main details.action').count(), screen).toBe(0);
        expect(
          await page
            .getByRole('button', { name: /Mark reviewed|Add adjustment|Close account|Reopen account|Open account|Ask the platform/ })
            .count(),
        ).toBe(0);
      }
      expect(await page.locator('.queue-item, table').count()).toBeGreaterThan(0);

      // The token is revoked (here: replaced by one the service does not know): back to sign-in.
      // (The page's own code, as text: the test's types know no DOM.)
      await page.evaluate(`(() => {
        const key = 'kassa24-admin-session';
        const saved = JSON.parse(sessionStorage.getItem(key));
        sessionStorage.setItem(key, JSON.stringify({ ...saved, token: 'k24_revoked' }));
      })()`);
      await page.reload();
      await expect.poll(() => page.locator('body').innerText()).toContain('Your token is no longer accepted');
      expect(page.url()).not.toContain('k24_');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('signs in with a pasted token, says who is signed in, keeps the tab signed in, and signs out', async () => {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${service.url}/console/`);
      const token = page.getByLabel('Admin API token');
      const submit = page.getByRole('button', { name: 'Sign in' });
      expect(await submit.isDisabled()).toBe(true);
      await token.fill('   ');
      expect(await submit.isDisabled()).toBe(true);

      await token.fill('k24_not-a-token-of-this-service');
      await submit.click();
      await expect.poll(() => page.getByRole('alert').innerText()).toContain('A valid bearer token is required');
      expect(await page.getByRole('navigation', { name: 'Screens' }).count()).toBe(0);

      // Copied with the spaces and the line break around it.
      await token.fill(` ${OPERATOR_TOKEN}\n`);
      await submit.click();
      const who = page.locator('header .who');
      await expect.poll(() => who.innerText()).toMatch(/^alice\s+operator/);

      await page.reload();
      await expect.poll(() => who.innerText()).toMatch(/^alice\s+operator/);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await token.waitFor();
      expect(await page.locator('body').innerText()).not.toContain('no longer accepted');
      await page.reload();
      await token.waitFor();
      expect(await page.getByRole('navigation', { name: 'Screens' }).count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    });

    it("says how many of a run's discrepancies are listed when it kept fewer than it found", async () => {
      const run = await service.store.recordReconciliation(
        {
          startedAt: '2026-12-02T06:00:00.000Z',
          finishedAt: '2026-12-02T06:00:09.000Z',
          source: 'file:other-project.csv',
          periodFrom: null,
          periodTo: null,
          applied: false,
          summary: { compared: 3, matching: 0, unknown_payment: 3 },
          discrepancies: 3,
        },
        [{ kind: 'unknown_payment', paymentId: 'not-ours-1', platform: { status: 'success' }, ledger: null, applied: null }],
      );
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await signIn(page, service.url, VIEWER_TOKEN);
      await page.goto(`${service.url}/console/#/reconciliations`);
      await expect.poll(() => page.locator('main').innerText()).toContain('3 (1 listed)');
      await page.goto(`${service.url}/console/#/reconciliations/${run.id}`);
      await expect.poll(() => page.locator('main').innerText()).toContain('1 of 3 are listed');
      expect(await page.locator('main tbody tr').count()).toBe(1);
      // A payment the ledger does not have is named, not linked: there is no page of it here.
      expect(await page.locator('main tbody tr').innerText()).toContain('not-ours-1');
      expect(await page.locator('main tbody a').count()).toBe(0);
      expect(await page.locator('main dl').innerText()).toMatch(/Applied\s+no/);

      // A run with --apply says so, and a finding about one of our payments links to it.
      const applied = await service.store.recordReconciliation(
        {
          startedAt: '2026-12-03T06:00:00.000Z',
          finishedAt: '2026-12-03T06:00:02.000Z',
          source: 'file:lost.csv',
          periodFrom: null,
          periodTo: null,
          applied: true,
          summary: { compared: 1, matching: 0, missing_here: 1, applied: 1 },
          discrepancies: 1,
        },
        [
          {
            kind: 'missing_here',
            paymentId: 'lost-7',
            platform: { status: 'success', amount: 700, currency: 'KZT' },
            ledger: { status: 'pending', amount: 700, currency: 'KZT' },
            applied: 'credited',
          },
        ],
      );
      await page.goto(`${service.url}/console/#/reconciliations`);
      await expect
        .poll(() => page.locator('main tbody tr').first().innerText())
        .toMatch(new RegExp(`^#${applied.id} \\(applied\\)\\s.*file:lost\\.csv`));
      await page.goto(`${service.url}/console/#/reconciliations/${applied.id}`);
      await expect.poll(() => page.locator('main dl').innerText()).toMatch(/Applied\s+yes: payments missing here were applied/);
      expect(await page.locator('main tbody').getByRole('link', { name: 'lost-7' }).getAttribute('href')).toBe('#/payments/lost-7');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('names the rule a balance edited past the store breaks, and says the totals do not add up', async () => {
      const account = 'edited-past-the-store';
      await service.store.addAccount({ customerId: account, currency: 'KZT' });
      const database = { backend: 'sqlite' as const, url: service.databaseUrl, drop: () => Promise.resolve() };
      await writePastTheStore(database, [`update accounts set balance = 999 where customer_id = '${account}'`]);
      try {
        const page = await browser.newPage();
        const errors = watchErrors(page);
        await signIn(page, service.url, VIEWER_TOKEN);
        await page.getByRole('button', { name: 'Check the ledger' }).click();
        const checked = page.locator('.ledger-check [role=status]');
        await expect.poll(() => checked.locator('ul.broken').innerText()).toContain(`${account}: balance 999, credits and adjustments 0`);
        expect(await checked.locator('ul.broken > li > strong').allInnerTexts()).toEqual([
          '1 × an account whose balance is not the sum of its credits and adjustments',
        ]);
        expect(await checked.innerText()).toMatch(/Balances [^\n]+ KZT = credits [^\n]+ — they do not add up/);
        expect(await checked.innerText()).not.toContain('Every rule holds');
        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await writePastTheStore(database, [`update accounts set balance = 0 where customer_id = '${account}'`]);
      }
    }, 60_000);

    it("shows each job's last run on the overview: a failure with its reason and when the job was last done", async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await signIn(page, service.url, VIEWER_TOKEN);
      const jobs = page.locator('section', { has: page.getByRole('heading', { name: 'Jobs' }) });
      await expect.poll(() => jobs.innerText()).toContain('No job has run');
      await reconciliationDoneThenFailed(service.store);
      await page.reload();
      const row = jobs.getByRole('row', { name: /Reconciliation/ });
      await expect.poll(() => row.innerText()).toContain(`failed: ${RECONCILE_FAILURE}`);
      expect(await row.locator('time').nth(1).getAttribute('datetime')).toBe(JOB_RUN_AT('01'));
      await shoot(page, 'overview-jobs');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("keeps every screen's link on one row at desktop widths, beside or below the brand, whoever is signed in", async () => {
      const page = await browser.newPage({ viewport: { width: 1920, height: 900 } });
      await signIn(page, service.url, LONG_NAME_TOKEN);
      const name = page.locator('header .who .name');
      expect(await name.getAttribute('title')).toBe(LONG_NAME);
      const links = page.getByRole('navigation', { name: 'Screens' }).getByRole('link');
      for (const width of [1024, 1280, 1366, 1400, 1401, 1440, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        const boxes = await Promise.all((await links.all()).map(async (link) => (await link.boundingBox())!));
        expect(new Set(boxes.map((box) => Math.round(box.y))).size, `links on one row at ${width} px`).toBe(1);
        expect(await page.evaluate('document.documentElement.scrollWidth'), `fits ${width} px`).toBeLessThanOrEqual(width);
        // The name, cut short, leaves room for the role and Sign out on the brand's row.
        const brand = (await page.locator('header .brand').boundingBox())!;
        const signOut = (await page.getByRole('button', { name: 'Sign out' }).boundingBox())!;
        expect(
          Math.abs(signOut.y + signOut.height / 2 - (brand.y + brand.height / 2)),
          `Sign out beside the brand at ${width} px`,
        ).toBeLessThan(4);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
      await shoot(page, 'header-1280px');
      await page.close();
    }, 60_000);

    it('works from the keyboard with labelled fields, and reads at 360 px wide', async () => {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
      await page.goto(`${service.url}/console/`);
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.id')).toBe('token');
      await page.keyboard.type(OPERATOR_TOKEN);
      await page.keyboard.press('Enter');
      await page.getByRole('navigation', { name: 'Screens' }).waitFor();
      for (const screen of ['overview', 'review', 'payments', 'accounts', 'audit']) {
        await page.goto(`${service.url}/console/#/${screen}`);
        await page.locator('main h1').waitFor();
        const unlabelled = await page.evaluate(
          "[...document.querySelectorAll('input, select, textarea')].filter((e) => e.labels.length === 0).map((e) => e.outerHTML)",
        );
        expect(unlabelled, screen).toEqual([]);
        expect(await page.evaluate('document.documentElement.scrollWidth'), `${screen} fits 360 px`).toBeLessThanOrEqual(360);
      }
      await shoot(page, 'audit-log-360px');
      await page.close();
    }, 60_000);

    it('serves its files with cache headers: the page never cached, the bundle for good', async () => {
      const index = await fetch(`${service.url}/console/`);
      expect(index.headers.get('cache-control')).toBe('no-cache');
      expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
      const script = /src="(app-[\w]+\.js)"/.exec(await index.text())![1]!;
      const bundle = await fetch(`${service.url}/console/${script}`);
      expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request.
      const revalidated = await new Promise<number | undefined>((resolve, reject) =>
        get(`${service.url}/console/${script}`, { headers: { 'if-none-match': bundle.headers.get('etag')! } }, (response) => {
          response.resume();
          resolve(response.statusCode);
        }).on('error', reject),
      );
      expect(revalidated).toBe(304);
      expect((await fetch(`${service.url}/console/nothing.js`)).status).toBe(404);
      expect((await fetch(`${service.url}/console`, { redirect: 'manual' })).headers.get('location')).toBe('/console/');
    });
  });

  describe('against the Prism mock of the admin spec (npm run console:dev)', () => {
    let prism: Prism;
    let server: Server;
    let url: string;
    beforeAll(async () => {
      prism = await startPrism(['mock', path.join(projectRoot, 'openapi', 'kassa24-admin.yaml'), '--cors']);
      const dir = path.join(built, 'mock');
      await buildConsole({ outDir: dir, apiBase: prism.url });
      const app = new Koa();
      app.use(consoleFiles(dir, prism.url));
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }, 60_000);
    afterAll(async () => {
      server?.close();
      await prism?.stop();
    });

    it('renders every screen from the spec examples with no error in the browser', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await signIn(page, url, 'any-token');
      const screens: Array<[string, string]> = [
        ['overview', 'flagged callback to review'],
        ['review', 'amount mismatch: callback 150.00 KZT (15000 minor units)'],
        ['payments', '0b0f6a4e-5a1c-4f57-9a38-0d8cbd7f3d21'],
        ['payments/0b0f6a4e-5a1c-4f57-9a38-0d8cbd7f3d21', 'Callbacks, oldest first'],
        ['accounts', 'HFVDW42345'],
        ['accounts/7123456789', '15\u202f000.00 KZT'],
        ['rejected', 'payment.sum: required field is missing'],
        ['audit', 'callbacks.review'],
        ['ledger', 'Paid twice at the terminal; refunded by the merchant'],
        ['reconciliations', 'file:/var/reports/2026-12-01.csv'],
        ['reconciliations/4', 'missing here'],
      ];
      for (const [screen, text] of screens) {
        await page.goto(`${url}/console/#/${screen}`);
        await expect.poll(() => page.locator('main').innerText(), { message: screen }).toContain(text);
        await shoot(page, `mock-${screen.replace(/\//g, '-')}`);
      }
      expect(errors).toEqual([]);
      await page.close();
    }, 90_000);
  });
});
