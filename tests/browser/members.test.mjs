// A newcomer's first visit, in a real browser: sign up to a network, read the verification mail from
// a real SMTP server, verify, fill in the profile with a photo, and find oneself in the directory by a
// word in another form than the one written (Dutch stemming).
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binary, launchBrowser, screenshotDir, startServer, startSmtpServer, stopProcess,
} from './support.mjs';

const kEmail = 'anouk.verbraak@example.nl';
const kName = 'Anouk Verbraak';
const kPassword = 'zeeuwse-knopen-2026';

describe('a newcomer becomes a findable member', { timeout: 240_000 }, () => {
  let workDir;
  let smtp;
  let running;
  let browser;

  before(async () => {
    assert.ok(binary, 'KNOOPPUNT_BINARY must name the knooppunt binary (ctest sets it)');
    workDir = await mkdtemp(path.join(tmpdir(), 'knooppunt-browser-members-'));
    smtp = await startSmtpServer(workDir);
    running = await startServer(workDir, ['--smtp-url', smtp.url, '--mail-interval-ms', '200']);
    browser = await launchBrowser(workDir);
  });

  after(async () => {
    await browser?.context.close().catch(() => {});
    await stopProcess(running?.server);
    await stopProcess(smtp?.process);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  test('signs up, verifies by mail, completes the profile and finds herself', async () => {
    const { page } = browser;
    // Midden-Brabant lets anyone join; West-Brabant & Zeeland asks a coordinator first.
    await page.goto(`${running.baseUrl}/netwerken/midden-brabant/aanmelden`);
    await page.fill('#name', kName);
    await page.fill('#email', kEmail);
    await page.fill('#password', kPassword);
    await page.locator('form.form button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('html').getAttribute('lang'), 'nl');

    const mail = await smtp.waitFor((message) => message.to.includes(kEmail));
    const link = mail.text.match(/https?:\/\/\S+\/bevestigen\/\S+/);
    assert.ok(link, `the verification mail holds a link:\n${mail.text}`);
    assert.ok(mail.html.length > 0, 'the mail has an HTML part too');

    const verified = new URL(link[0]);
    await page.goto(`${running.baseUrl}${verified.pathname}`);
    if (new URL(page.url()).pathname === '/inloggen') {
      await page.fill('#email', kEmail);
      await page.fill('#password', kPassword);
      await page.locator('form.form button[type=submit]').click();
      await page.waitForLoadState('load');
    }
    assert.ok(await page.getByText(kName).first().isVisible(), 'the user menu shows her name once signed in');

    // The profile, with a photo: a real PNG (a screenshot of the page itself).
    await page.goto(`${running.baseUrl}/profiel`);
    const photo = path.join(workDir, 'portret.png');
    await writeFile(photo, await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 300 } }));
    await page.fill('#headline', 'Adviseur schadeverzekeringen voor zzp-ers');
    await page.fill('#town', 'Tilburg');
    await page.setInputFiles('#photo', photo);
    await page.locator('form[action="/profiel"] button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('.field-invalid').count(), 0, await page.locator('main').innerText());

    // Found by the singular of a word she wrote in the plural.
    await page.goto(`${running.baseUrl}/leden?q=verzekering`);
    const result = page.getByRole('link', { name: kName });
    assert.ok(await result.first().isVisible(), 'the directory finds her by a stemmed word');
    await result.first().click();
    await page.waitForLoadState('load');
    assert.ok(await page.getByText('Adviseur schadeverzekeringen voor zzp-ers').isVisible());
    const image = page.locator('main img').first();
    assert.ok(await image.isVisible(), 'her photo is shown');
    assert.ok(await image.evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo loads');

    await mkdir(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'members-profile.png'), fullPage: true });
    assert.deepEqual(await browser.cspViolations(), []);
    assert.deepEqual(browser.problems, []);
  });
});
