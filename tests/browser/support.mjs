// Shared by the browser tests: the real binary on a free port, Debian's headless Chromium through
// playwright-core, and a real SMTP server (tests/support/smtp_server.py on python3-aiosmtpd).
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

export const binary = process.env.KNOOPPUNT_BINARY;
const chromiumPath = process.env.KNOOPPUNT_CHROMIUM ?? '/usr/bin/chromium';
const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Screenshots land beside the binary (the build tree), where a developer looks after a failure.
export const screenshotDir = binary ? path.join(path.dirname(binary), 'browser-screenshots') : '/tmp';
const kStartupTimeoutMs = 90_000;

// Waits until `file` holds a port number (written by a process we started) and returns it.
async function waitForPortFile(file, process, output, what) {
  let exited = null;
  process.on('exit', (code, signal) => { exited = { code, signal }; });
  const deadline = Date.now() + kStartupTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited during start-up (${JSON.stringify(exited)}):\n${output()}`);
    const port = await readFile(file, 'utf8').then((text) => text.trim(), () => '');
    if (/^\d+$/.test(port)) return Number(port);
    await sleep(50);
  }
  process.kill('SIGKILL');
  throw new Error(`${what} wrote no port file within ${kStartupTimeoutMs} ms:\n${output()}`);
}

function capture(child) {
  let output = '';
  child.stdout?.on('data', (chunk) => { output += chunk; });
  child.stderr?.on('data', (chunk) => { output += chunk; });
  return () => output;
}

// Starts `knooppunt serve` with the demo network on a fresh SQLite database in workDir.
export async function startServer(workDir, extraArgs = []) {
  const portFile = path.join(workDir, 'port');
  const dataDir = path.join(workDir, 'data');
  await mkdir(dataDir, { recursive: true });
  const server = spawn(binary, [
    'serve', '--listen', '127.0.0.1:0', '--port-file', portFile,
    '--database', `sqlite:${path.join(workDir, 'knooppunt.db')}`, '--data-dir', dataDir,
    '--seed-demo-if-empty', '--no-access-log', ...extraArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = capture(server);
  const port = await waitForPortFile(portFile, server, output, 'knooppunt');
  return { server, baseUrl: `http://127.0.0.1:${port}`, output };
}

export async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
  }
}

// A real SMTP server; messages() returns what it received, parsed by Python's e-mail package.
export async function startSmtpServer(workDir) {
  const mailDir = path.join(workDir, 'smtp');
  await mkdir(mailDir, { recursive: true });
  const portFile = path.join(workDir, 'smtp-port');
  // Debian's interpreter: that is where python3-aiosmtpd is installed (a pyenv python3 may come first on PATH).
  const child = spawn('/usr/bin/python3', [path.join(sourceDir, 'tests/support/smtp_server.py'),
    '--dir', mailDir, '--port-file', portFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = capture(child);
  const port = await waitForPortFile(portFile, child, output, 'smtp_server.py');
  async function messages() {
    const names = (await readdir(mailDir)).filter((name) => name.endsWith('.json')).sort();
    return Promise.all(names.map(async (name) => JSON.parse(await readFile(path.join(mailDir, name), 'utf8'))));
  }
  async function waitFor(predicate, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = (await messages()).find(predicate);
      if (found) return found;
      await sleep(100);
    }
    throw new Error(`no matching mail within ${timeoutMs} ms; received: ${JSON.stringify(await messages())}`);
  }
  return { process: child, url: `smtp://127.0.0.1:${port}`, messages, waitFor };
}

// Headless Chromium with a fresh profile; records console errors, failed requests and CSP violations.
export async function launchBrowser(workDir) {
  const context = await chromium.launchPersistentContext(path.join(workDir, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`${request.url()}: ${request.failure()?.errorText}`));
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  const cspViolations = () => page.evaluate(() => window.__cspViolations ?? []);
  return { context, page, problems, cspViolations };
}

// The demo accounts' password (README).
export const kDemoPassword = 'knooppunt-demo';

// Signs `email` in through the sign-in form and checks that it worked.
export async function signIn(page, baseUrl, email, password = kDemoPassword) {
  await page.goto(`${baseUrl}/inloggen`, { waitUntil: 'load' });
  await page.locator('form[action="/inloggen"] #email').fill(email);
  await page.locator('form[action="/inloggen"] #password').fill(password);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form[action="/inloggen"] button[type="submit"]').click(),
  ]);
  if (new URL(page.url()).pathname === '/inloggen') throw new Error(`${email} could not sign in`);
}

// One more person in a test: headless Chromium with a profile of its own (workDir/chromium-NAME),
// whose console errors, uncaught exceptions and HTTP errors are pushed to `problems`, named.
// Returns { context, page }; the caller closes the context.
export async function openPersonPage(workDir, name, problems) {
  const context = await chromium.launchPersistentContext(path.join(workDir, `chromium-${name}`), {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`${name}: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`${name}: uncaught ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${name}: ${response.url()} HTTP ${response.status()}`);
  });
  return { context, page };
}
