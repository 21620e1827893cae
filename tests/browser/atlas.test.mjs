// The netwerkAtlas in a real browser: the demo member signs in, opens the map, searches a member,
// focuses on them, asks how they are connected, and finds the map drawn (pixels of the WebGL canvas);
// the PNG and SVG of the view download; the text alternative answers without JavaScript.
//
// The data comes from the server's GET /atlas/data.json when the atlas engine has computed it; while
// there is none yet (404 or 503), the test serves a synthetic network in the same format
// (tests/browser/atlas_fixture.mjs) to the page, so the map itself is always tested.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { binary, launchBrowser, screenshotDir, signIn, startServer, stopProcess } from './support.mjs';
import { atlasFixture } from './atlas_fixture.mjs';

const kNetwork = 'west-brabant-zeeland';

// How many different colours a PNG screenshot holds (decoded by the browser itself).
async function distinctColours(page, png) {
  return page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const colours = new Set();
    for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return colours.size;
  }, png.toString('base64'));
}

describe('the atlas map in the browser', { timeout: 170_000 }, () => {
  let workDir;
  let running;
  let browser;

  before(async () => {
    assert.ok(binary, 'KNOOPPUNT_BINARY must name the knooppunt binary (ctest sets it)');
    workDir = await mkdtemp(path.join(tmpdir(), 'knooppunt-browser-atlas-'));
    running = await startServer(workDir);
    browser = await launchBrowser(workDir);
  });

  after(async () => {
    await browser?.context.close().catch(() => {});
    await stopProcess(running?.server);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  test('a visitor gets a sign-in prompt and no map data', async () => {
    const { page } = browser;
    const response = await page.goto(`${running.baseUrl}/atlas`, { waitUntil: 'load' });
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('#atlas').count(), 0, 'no map container for visitors');
    assert.ok(await page.locator('a[href^="/inloggen"]').first().isVisible());
    const data = await page.request.get(`${running.baseUrl}/atlas/data.json?network=${kNetwork}`);
    assert.notEqual(data.status(), 200, 'the map data is for members only');
  });

  test('the member searches, focuses, finds the path and the map is drawn', async (t) => {
    const { page, problems, cspViolations } = browser;
    try {
      await signIn(page, running.baseUrl, 'lid@kkp-demo.nl');

      // The member's own id, from the map page's configuration.
      const html = await (await page.request.get(`${running.baseUrl}/atlas?network=${kNetwork}`)).text();
      const configText = html.match(/data-config="([^"]*)"/)[1]
        .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      const me = JSON.parse(configText).me;
      assert.ok(Number.isInteger(me) && me > 0);

      const served = await page.request.get(`${running.baseUrl}/atlas/data.json?network=${kNetwork}`);
      let data;
      if (served.status() === 200) {
        data = await served.json();
        t.diagnostic(`the server's atlas: ${data.nodes.length} members, ${data.edges.length} ties`);
      } else {
        t.diagnostic(`no snapshot yet (${served.status()}): a synthetic network`);
        // 404 (no engine route) or 503 (first snapshot still computing); a refusal would be a bug.
        assert.ok([404, 503].includes(served.status()), `no atlas data yet: ${served.status()}`);
        data = atlasFixture({ members: 230, ties: 1200, firstId: me, slug: kNetwork });
        const body = JSON.stringify(data);
        await page.route('**/atlas/data.json*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
      }
      // Someone with ties who is not the member: the one to search for.
      const degree = new Map();
      for (const edge of data.edges) {
        degree.set(edge.source, (degree.get(edge.source) ?? 0) + 1);
        degree.set(edge.target, (degree.get(edge.target) ?? 0) + 1);
      }
      const target = data.nodes.filter((node) => node.id !== me && (degree.get(node.id) ?? 0) >= 2)
        .sort((a, b) => (degree.get(b.id) ?? 0) - (degree.get(a.id) ?? 0))[0];
      assert.ok(target, 'the atlas holds a member with ties');

      await page.goto(`${running.baseUrl}/atlas?network=${kNetwork}`, { waitUntil: 'load' });
      await page.waitForSelector('#atlas[data-ready="true"][data-drawn="true"]', { timeout: 30_000 });
      assert.match(await page.locator('#atlas-status').textContent(), /\d/);

      // Search with autocomplete: typing part of the name offers it.
      const firstWord = target.name.split(' ')[0];
      await page.fill('#atlas-search', firstWord);
      await page.waitForFunction((name) => [...document.querySelectorAll('#atlas-search-list option')]
        .some((option) => option.value === name), target.name);
      await page.fill('#atlas-search', target.name);
      await page.locator('#atlas-search-form button[type=submit]').click();
      await page.waitForSelector('#atlas-card:not([hidden])');
      assert.equal(await page.locator('#atlas-card-name').textContent(), target.name);
      assert.equal(await page.locator('#atlas-depth').inputValue(), '1', 'focused on the 1-step neighbourhood');
      assert.equal(await page.locator('#atlas-card-profile').getAttribute('href'), target.profile);

      // Two steps, then the path from me.
      await page.selectOption('#atlas-depth', '2');
      await page.locator('#atlas-card-connect').click();
      await page.waitForSelector('#atlas-card-path li');
      const chain = await page.locator('#atlas-card-path li').allTextContents();
      if (chain.length >= 2) assert.equal(chain[chain.length - 1], target.name, 'the chain ends at the member');

      // The WebGL canvas holds a picture: many colours, not a blank or uniform rectangle.
      await page.waitForTimeout(700);  // the camera animation
      const shot = await page.locator('#atlas-canvas').screenshot();
      const colours = await distinctColours(page, shot);
      assert.ok(colours >= 20, `the map is drawn (${colours} distinct colours)`);

      // The current view as PNG and as SVG.
      const [png] = await Promise.all([page.waitForEvent('download'), page.locator('#atlas-export-png').click()]);
      const pngBytes = await readFile(await png.path());
      assert.deepEqual([...pngBytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
      assert.ok(pngBytes.length > 2000, 'with a picture in it');
      const [svg] = await Promise.all([page.waitForEvent('download'), page.locator('#atlas-export-svg').click()]);
      const svgText = await readFile(await svg.path(), 'utf8');
      assert.match(svgText, /^<\?xml[^>]*>\s*<svg /);
      assert.match(svgText, /<circle /);
      assert.ok(svgText.includes(target.name.replace(/'/g, '&apos;')), 'the focused member is labelled');

      // Filters: a day before anyone joined shows nobody.
      await page.locator('#atlas-day').evaluate((input) => {
        input.value = input.min;
        input.dispatchEvent(new Event('input'));
      });
      assert.match(await page.locator('#atlas-status').textContent(), /^\s*\d+/);

      assert.deepEqual(await cspViolations(), []);
      assert.deepEqual(problems, []);
    } catch (error) {
      await page.screenshot({ path: path.join(screenshotDir, 'atlas-map.png'), fullPage: true }).catch(() => {});
      throw error;
    }
  });

  test('the text alternative works without JavaScript', async () => {
    // A second page of the signed-in browser that runs no script at all.
    const page = await browser.context.newPage();
    await page.route('**/*.js', (route) => route.abort());
    try {
      await page.goto(`${running.baseUrl}/atlas?network=${kNetwork}`, { waitUntil: 'load' });
      const textLink = page.locator(`a[href="/atlas/tekst?network=${kNetwork}"]`).first();
      assert.ok(await textLink.isVisible(), 'the map page links to the text version');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), textLink.click()]);
      assert.equal(new URL(page.url()).pathname, '/atlas/tekst');
      assert.equal(await page.locator('h1').textContent(), 'netwerkAtlas als tekst');
      const computed = await page.locator('#verbinding form').count();
      if (computed > 0) {
        await page.fill('#naar', 'zzzz-niemand');
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#verbinding button[type=submit]').click()]);
        assert.ok(await page.locator('#verbinding .atlas-notice').isVisible(), 'an unknown name is said so');
      } else {
        assert.ok(await page.locator('.atlas-notice').first().isVisible(), 'no snapshot yet is said so');
      }
    } finally {
      await page.close();
    }
  });
});
