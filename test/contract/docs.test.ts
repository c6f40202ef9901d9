// `npm run docs` renders the partner documentation to one static page; a real browser opens it
// and finds the operations and their examples on it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haveBrowser, launchBrowser } from '../support/browser.js';
import { projectRoot } from '../support/processes.js';

const browserHere = haveBrowser('Browser test of the rendered docs');

const out = mkdtempSync(path.join(tmpdir(), 'kassa24-docs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.runIf(browserHere)('npm run docs', () => {
  it('renders one static page showing every operation and its examples in a real browser', async () => {
    const page = path.join(out, 'kassa24-bvu.html');
    execFileSync('npm', ['run', '--silent', 'docs', '--', '--out', page], { cwd: projectRoot, stdio: 'ignore' });
    expect(existsSync(page)).toBe(true);

    const browser = await launchBrowser();
    try {
      const tab = await browser.newPage();
      await tab.goto(`file://${page}`);
      await tab.waitForFunction("document.body.innerText.includes('Payment result (Gate callback)')", undefined, { timeout: 20_000 });
      const text = await tab.locator('body').innerText();
      // The operations, as a reader sees them...
      for (const operation of [
        'Account check (verify) and payment id request (check_deposit)',
        'Payment result (Gate callback)',
        'Liveness probe',
        'Readiness probe',
      ]) {
        expect(text).toContain(operation);
      }
      // ...with the method page's examples: request examples to pick from, and their values.
      for (const example of ['Account check (method page example', 'Payment id request (method page example'])
        expect(text).toContain(example);
      for (const value of ['7123456789', 'HFVDW42345', 'payment_47', 'kassa24_bvu']) expect(text).toContain(value);
      await tab.screenshot({ path: path.join(out, 'docs.png') });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
