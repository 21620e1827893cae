// A knowledge group in a real browser: the demo member joins an open group she is not in, starts a
// topic written in Markdown (bold, a list, a link: rendered, never raw), the coordinator (another
// browser) joins too and answers with an @mention of her, and she finds the mention in /meldingen
// and follows it to the answer. Debian's Chromium through playwright-core, the real binary, a fresh
// SQLite database with the demo.
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  binary, openPersonPage, screenshotDir, signIn, startServer, stopProcess as stopServer,
} from './support.mjs';

const kNetworkGroups = '/groepen/west-brabant-zeeland';

// Submits the form that `button` belongs to and waits for the page it leads to.
async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

describe('a knowledge group in the browser', { timeout: 170_000 }, () => {
  let workDir;
  let running;
  const contexts = [];
  const problems = [];

  async function newPage(name) {
    const { context, page } = await openPersonPage(workDir, name, problems);
    contexts.push(context);
    return page;
  }

  before(async () => {
    assert.ok(binary, 'KNOOPPUNT_BINARY must name the knooppunt binary (ctest sets it)');
    workDir = await mkdtemp(path.join(tmpdir(), 'knooppunt-groups-browser-'));
    running = await startServer(workDir);
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    if (running) await stopServer(running.server);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  test('join a group, post Markdown, be mentioned, read the notification and follow it', async () => {
    const base = running.baseUrl;
    const member = await newPage('member');
    await signIn(member, base, 'lid@kkp-demo.nl');
    const memberName = (await member.locator('.user-menu .user-name').textContent()).trim();
    assert.ok(memberName.length > 0, 'the user menu names the member');

    // An open group she is not in yet: its page offers "join".
    await member.goto(`${base}${kNetworkGroups}`, { waitUntil: 'load' });
    const groupPaths = await member.locator('.group-card h3 a').evaluateAll(
      (links) => links.map((link) => new URL(link.href).pathname));
    let groupPath = null;
    for (const candidate of groupPaths) {
      await member.goto(`${base}${candidate}`, { waitUntil: 'load' });
      if (await member.locator(`form[action="${candidate}/lid-worden"]`).count() > 0) {
        groupPath = candidate;
        break;
      }
    }
    assert.ok(groupPath, `one of ${groupPaths.join(', ')} is open to the demo member`);
    await submit(member, member.locator(`form[action="${groupPath}/lid-worden"] button`));
    assert.ok(await member.locator(`form[action="${groupPath}/verlaten"]`).count() > 0, 'she is a member now');

    // A topic in Markdown.
    const title = 'Ervaringen met e-facturen via Peppol';
    await member.goto(`${base}${groupPath}/discussies/nieuw`, { waitUntil: 'load' });
    await member.locator('input[name="titel"]').fill(title);
    await member.locator('textarea[name="inhoud"]').fill(
      'Wie stuurt al **e-facturen**?\n\n- via de boekhoudsoftware\n- via een portaal\n\n' +
      'Zie [de uitleg van de overheid](https://www.digitaleoverheid.nl/peppol).');
    await submit(member, member.locator(`form[action="${groupPath}/discussies/nieuw"] button[type="submit"]`));
    const topicPath = new URL(member.url()).pathname;
    assert.match(topicPath, /^\/onderwerpen\/\d+$/);
    const opening = member.locator('.posts .post').first().locator('.post-body');
    assert.equal(await opening.locator('strong').textContent(), 'e-facturen');
    assert.equal(await opening.locator('ul > li').count(), 2);
    assert.equal(await opening.locator('a[href="https://www.digitaleoverheid.nl/peppol"]').textContent(),
      'de uitleg van de overheid');
    assert.ok(!(await opening.textContent()).includes('**'), 'no raw Markdown on the page');
    await mkdir(screenshotDir, { recursive: true });
    await member.screenshot({ path: path.join(screenshotDir, 'groups-topic.png'), fullPage: true });

    // The coordinator, in another browser, joins when needed and answers with a mention.
    const coordinator = await newPage('coordinator');
    await signIn(coordinator, base, 'coordinator@kkp-demo.nl');
    await coordinator.goto(`${base}${groupPath}`, { waitUntil: 'load' });
    const join = coordinator.locator(`form[action="${groupPath}/lid-worden"] button`);
    if (await join.count() > 0) await submit(coordinator, join);
    await coordinator.goto(`${base}${topicPath}`, { waitUntil: 'load' });
    const handle = `@${memberName.replaceAll(' ', '-')}`;
    await coordinator.locator('textarea[name="inhoud"]').fill(`${handle} wij gebruiken Peppol al een jaar, werkt prima.`);
    await submit(coordinator, coordinator.locator(`form[action="${topicPath}/reacties"] button[type="submit"]`));
    assert.match(await coordinator.locator('.posts').textContent(), /werkt prima/);

    // She reads the mention in her notifications and follows it to the answer.
    await member.goto(`${base}/meldingen`, { waitUntil: 'load' });
    const item = member.locator('li.notification', { hasText: title }).first();
    assert.ok(await item.count() > 0, 'the mention is in /meldingen');
    assert.ok(await item.locator('.badge').count() > 0, 'and unread');
    await member.screenshot({ path: path.join(screenshotDir, 'groups-notifications.png'), fullPage: true });
    await submit(member, item.locator('.activity-title a'));
    const landed = new URL(member.url());
    assert.equal(landed.pathname, topicPath);
    assert.match(landed.hash, /^#reactie-\d+$/);
    const answer = member.locator(landed.hash);
    assert.match(await answer.textContent(), /werkt prima/);
    assert.equal(await answer.locator('.post-body a[href^="/leden/"]').first().textContent(), handle);
    // Opened means read: the item has lost its badge.
    await member.goto(`${base}/meldingen`, { waitUntil: 'load' });
    assert.equal(await member.locator('li.notification', { hasText: title }).first().locator('.badge').count(), 0);
  });

  test('logged no console errors or failed requests', () => {
    assert.deepEqual(problems, []);
  });
});
