// The waiting list in a real browser: the demo's next breakfast is exactly full. The demo member
// answers "Ik kom" and lands on the waiting list (place 1); the coordinator, who had a seat, cancels
// in another browser; the member's page then shows the seat, given automatically. Debian's
// Chromium through playwright-core, the real binary, a fresh SQLite database with the demo.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const binary = process.env.KNOOPPUNT_BINARY;
const chromiumPath = process.env.KNOOPPUNT_CHROMIUM ?? '/usr/bin/chromium';
// Screenshots land beside the binary (the build tree), where a developer looks after a failure.
const screenshotDir = binary ? path.join(path.dirname(binary), 'browser-screenshots') : tmpdir();
const kStartupTimeoutMs = 90_000;

// Starts `knooppunt serve` on a free port and resolves once it has written its port file.
async function startServer(workDir) {
  const portFile = path.join(workDir, 'port');
  const dataDir = path.join(workDir, 'data');
  await mkdir(dataDir);
  const server = spawn(binary, [
    'serve', '--listen', '127.0.0.1:0', '--port-file', portFile,
    '--database', `sqlite:${path.join(workDir, 'knooppunt.db')}`, '--data-dir', dataDir,
    '--seed-demo-if-empty', '--no-access-log',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (chunk) => { output += chunk; });
  server.stderr.on('data', (chunk) => { output += chunk; });
  let exited = null;
  server.on('exit', (code, signal) => { exited = { code, signal }; });

  const deadline = Date.now() + kStartupTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`knooppunt exited during start-up (${JSON.stringify(exited)}):\n${output}`);
    }
    const port = await readFile(portFile, 'utf8').then((text) => text.trim(), () => '');
    if (/^\d+$/.test(port)) return { server, baseUrl: `http://127.0.0.1:${port}`, output: () => output };
    await sleep(50);
  }
  server.kill('SIGKILL');
  throw new Error(`knooppunt wrote no port file within ${kStartupTimeoutMs} ms:\n${output}`);
}

async function stopServer(server) {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) {
    server.kill('SIGKILL');
    await exited;
  }
}

const kPassword = 'knooppunt-demo';

async function signIn(page, baseUrl, email) {
  await page.goto(`${baseUrl}/inloggen`, { waitUntil: 'load' });
  await page.locator('form[action="/inloggen"] #email').fill(email);
  await page.locator('form[action="/inloggen"] #password').fill(kPassword);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form[action="/inloggen"] button[type="submit"]').click(),
  ]);
  assert.notEqual(new URL(page.url()).pathname, '/inloggen', `${email} is signed in`);
}

describe('the waiting list in the browser', { timeout: 170_000 }, () => {
  let workDir;
  let running;
  let browserContexts = [];
  const problems = [];

  async function newPage(name) {
    const context = await chromium.launchPersistentContext(path.join(workDir, `chromium-${name}`), {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    browserContexts.push(context);
    const page = context.pages()[0] ?? await context.newPage();
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`${name}: ${message.text()}`); });
    page.on('pageerror', (error) => problems.push(`${name}: uncaught ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${name}: ${response.url()} HTTP ${response.status()}`);
    });
    return page;
  }

  before(async () => {
    assert.ok(binary, 'KNOOPPUNT_BINARY must name the knooppunt binary (ctest sets it)');
    workDir = await mkdtemp(path.join(tmpdir(), 'knooppunt-events-browser-'));
    running = await startServer(workDir);
  });

  after(async () => {
    for (const context of browserContexts) await context.close().catch(() => {});
    if (running) await stopServer(running.server);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  test('a member joins the line for a full breakfast and is promoted when someone cancels', async () => {
    const member = await newPage('member');
    await signIn(member, running.baseUrl, 'lid@kkp-demo.nl');

    // The next breakfast is the first in the agenda, and it is full.
    await member.goto(`${running.baseUrl}/agenda`, { waitUntil: 'load' });
    const breakfast = member.locator('.events-item a', { hasText: 'Ontbijtsessie' }).first();
    const href = await breakfast.getAttribute('href');
    assert.match(href, /^\/agenda\/\d+$/);
    await member.goto(`${running.baseUrl}${href}`, { waitUntil: 'load' });
    assert.match(await member.locator('#places').textContent(), /Vol: 45 van 45/);

    await member.getByLabel('Ik kom', { exact: true }).check();
    await Promise.all([member.waitForNavigation({ waitUntil: 'load' }), member.locator('#rsvp-submit').click()]);
    assert.match(await member.getByRole('status').textContent(), /wachtlijst/);
    assert.match(await member.locator('#my-status').textContent(), /wachtlijst/);
    assert.match(await member.locator('#my-place').textContent(), /nummer 1/);
    await mkdir(screenshotDir, { recursive: true });
    await member.screenshot({ path: path.join(screenshotDir, 'events-waiting.png'), fullPage: true });

    // The coordinator had a seat and cancels, in another browser.
    const coordinator = await newPage('coordinator');
    await signIn(coordinator, running.baseUrl, 'coordinator@kkp-demo.nl');
    await coordinator.goto(`${running.baseUrl}${href}`, { waitUntil: 'load' });
    assert.match(await coordinator.locator('#my-status').textContent(), /U komt/);
    await coordinator.getByLabel('Ik kom niet', { exact: true }).check();
    await Promise.all([coordinator.waitForNavigation({ waitUntil: 'load' }), coordinator.locator('#rsvp-submit').click()]);
    assert.match(await coordinator.getByRole('status').textContent(), /afgemeld/);

    // The member has the seat now, without doing anything.
    await member.reload({ waitUntil: 'load' });
    assert.match(await member.locator('#my-status').textContent(), /^U komt\./);
    assert.equal(await member.locator('#my-place').count(), 0, 'no place in line any more');
    assert.match(await member.locator('#places').textContent(), /Vol: 45 van 45 plaatsen bezet, 0 op de wachtlijst/);
    await member.screenshot({ path: path.join(screenshotDir, 'events-promoted.png'), fullPage: true });
  });

  test('logged no console errors or failed requests', () => {
    assert.deepEqual(problems, []);
  });
});
