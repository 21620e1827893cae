// The waiting list in a real browser: the demo's next breakfast is exactly full. The demo member
// answers "Ik kom" and lands on the waiting list (place 1); the coordinator, who had a seat, cancels
// in another browser; the member's page then shows the seat, given automatically. Debian's
// Chromium through playwright-core, the real binary, a fresh SQLite database with the demo.
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  binary, openPersonPage, screenshotDir, signIn, startServer, stopProcess as stopServer,
} from './support.mjs';


describe('the waiting list in the browser', { timeout: 170_000 }, () => {
  let workDir;
  let running;
  let browserContexts = [];
  const problems = [];

  async function newPage(name) {
    const { context, page } = await openPersonPage(workDir, name, problems);
    browserContexts.push(context);
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
