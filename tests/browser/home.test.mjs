// The home page in a real browser: Debian's headless Chromium, driven by playwright-core, against the
// real binary on a fresh SQLite database with the demo network. Dutch first, then the language switch.
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

import { binary, screenshotDir, startServer, stopProcess as stopServer } from './support.mjs';

const chromiumPath = process.env.KNOOPPUNT_CHROMIUM ?? '/usr/bin/chromium';
const kNetworkName = 'Kennisknooppunt West-Brabant & Zeeland';

describe('home page in the browser', { timeout: 150_000 }, () => {
  let workDir;
  let running;
  let context;
  let page;
  const consoleErrors = [];
  const failedRequests = [];

  before(async () => {
    assert.ok(binary, 'KNOOPPUNT_BINARY must name the knooppunt binary (ctest sets it)');
    workDir = await mkdtemp(path.join(tmpdir(), 'knooppunt-browser-'));
    running = await startServer(workDir);
    // A persistent context is how playwright takes a user-data-dir: a fresh one per run, no profile.
    context = await chromium.launchPersistentContext(path.join(workDir, 'chromium-profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.url()}: HTTP ${response.status()}`);
    });
    // CSP violations are reported to the page as events; record them on window for every document.
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
      });
    });
  });

  after(async () => {
    await context?.close().catch(() => {});
    if (running) await stopServer(running.server);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function cspViolations() {
    return page.evaluate(() => window.__cspViolations ?? []);
  }

  test('shows the demo network in Dutch', async () => {
    const response = await page.goto(`${running.baseUrl}/`, { waitUntil: 'load' });
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'nl');
    assert.equal((await page.locator('h1').first().textContent()).trim(), kNetworkName);
    assert.match(await page.title(), /Kennisknooppunt West-Brabant/);

    const groups = page.locator('#kennisgroepen li');
    assert.equal(await groups.count(), 8, 'the eight knowledge groups are listed');
    for (const name of await groups.locator('h3').allTextContents()) {
      assert.ok(name.trim().length > 0, 'every knowledge group shows its name');
    }
    assert.ok(await page.getByRole('main').isVisible(), 'the page has a main landmark');
    assert.deepEqual(await cspViolations(), []);

    await mkdir(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'home-nl.png'), fullPage: true });
  });

  test('switches to English with the language button', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 10_000 });
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, '/', 'the switch brings the visitor back to the page');
    assert.equal((await page.locator('h1').first().textContent()).trim(), kNetworkName);
    assert.ok(await page.getByRole('heading', { name: 'The knowledge groups' }).isVisible());
    // The main menu's link (the network page has a button to the groups too).
    assert.ok(await page.locator('nav.site-nav').getByRole('link', { name: 'Knowledge groups' }).isVisible());
    assert.ok(await page.getByRole('button', { name: 'Nederlands' }).isVisible(), 'the way back is offered');
    assert.match(await page.getByRole('status').textContent(), /English/, 'a message confirms the change');
    assert.deepEqual(await cspViolations(), []);
    await page.screenshot({ path: path.join(screenshotDir, 'home-en.png'), fullPage: true });

    // The choice is remembered: the next visit is in English too.
    await page.goto(`${running.baseUrl}/`, { waitUntil: 'load' });
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.deepEqual(await cspViolations(), []);
  });

  test('logged no console errors, failed requests or CSP violations', () => {
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(failedRequests, []);
  });
});
