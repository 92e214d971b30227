// Shared helpers of the end-to-end tests: the server's address, the fixtures written by
// setup.mjs, a headless Debian Chromium driven by playwright-core, sign-in, form submission,
// screenshots, the "no Chinese in the chrome" probe and axe-core.
import { after } from 'node:test';
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080';
export const SHOTS = process.env.E2E_SHOTS || join(process.cwd(), 'screenshots');

/** What setup.mjs created: units, accounts, problems, cases (see setup.mjs). */
/** A 360-px phone, as citizens and inspectors hold it. */
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

export function fixtures() {
  const path = process.env.E2E_FIXTURES;
  if (!path) throw new Error('E2E_FIXTURES is not set: run the tests through e2e/run.sh');
  return JSON.parse(readFileSync(path, 'utf8'));
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** One browser for a test file's tests: launched when the first page asks for it (a promise, so
 *  hooks that run together share one launch), closed after the last test. */
export function sharedBrowser() {
  let launched;
  after(async () => {
    await (await launched)?.close();
  });
  return () => (launched ??= launch());
}

/** A fresh browser context (own cookies) on the server; dialogs (data-confirm) are accepted.
 *  `browser` may be a browser or the promise of one. */
export async function newPage(browser, options = {}) {
  const context = await (await browser).newContext({ baseURL: BASE_URL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  page.on('dialog', (d) => d.accept().catch(() => {}));
  return page;
}

/** The desktop the office works on. */
export const DESKTOP = { viewport: { width: 1440, height: 900 } };

/** Fails when the page is wider than the window: nothing may need scrolling sideways. */
export async function fitsTheScreen(page, what = page.url()) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  if (scroll > client + 1) throw new Error(`${what}: the page is ${scroll}px wide on a ${client}px screen`);
}

/** Opens `path` and fails unless the answer is 200. */
export async function open(page, path) {
  const resp = await page.goto(path);
  if (!resp) throw new Error(`${path}: no response`);
  if (resp.status() !== 200) {
    const h1 = await page.locator('h1').first().textContent().catch(() => '');
    throw new Error(`${path}: HTTP ${resp.status()} (${(h1 || '').trim()})`);
  }
  return resp;
}

/** Submits `form` with its submit button and waits for the page that answers it. */
export async function submitForm(page, form) {
  const button = form.locator('button[type=submit], input[type=submit], button:not([type])').first();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** Signs in through the /login page. */
export async function login(page, username, password) {
  await open(page, '/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await submitForm(page, page.locator('form:has(input[name=password])'));
  if (new URL(page.url()).pathname === '/login') {
    throw new Error(`sign-in as ${username} failed: ${await page.locator('.error-summary').textContent().catch(() => '?')}`);
  }
}

/** A full-page PNG in target/e2e/. */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

/** Waits until `fn` returns a truthy value (or throws the last error after `timeout` ms). */
export async function poll(fn, { timeout = 15_000, interval = 500, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw last || new Error(`timed out after ${timeout} ms waiting for ${message}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The integer shown by `[data-figure=name]`. */
export async function figure(page, name) {
  const el = page.locator(`[data-figure=${name}]`).first();
  const text = (await el.textContent({ timeout: 5_000 })) || '';
  const m = text.replace(/[,\s]/g, '').match(/\d+/);
  if (!m) throw new Error(`[data-figure=${name}] shows no number: ${JSON.stringify(text)}`);
  return Number(m[0]);
}

/** The date `days` from today (Asia/Shanghai), YYYY-MM-DD. */
export function dateIn(days) {
  const d = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

// ---- a small valid PNG, made here -------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A `size`×`size` RGB PNG filled with one colour. */
export function png(size = 16, [r, g, b] = [200, 40, 40]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- the chrome must be in English ------------------------------------------------------

export const CJK = /[\u3400-\u9fff]/;

/**
 * Text of the page's chrome (`header, nav, footer, label, th, button, h1, legend`) that
 * contains CJK characters, as [{ tag, text }]. Data is left out: `option`, `td`, row headers in
 * a table body, and text whose nearest `lang` attribute is not English (the 中文 switch link
 * carries lang="zh-CN"). The nearest `lang` of most text is <html lang>: callers check that it
 * is `en` first, or every node would count as marked Chinese.
 */
export async function cjkInChrome(page) {
  return page.evaluate((source) => {
    const cjk = new RegExp(source);
    const found = [];
    const skip = (node) => {
      for (let el = node.parentElement; el; el = el.parentElement) {
        const tag = el.tagName.toLowerCase();
        if (tag === 'option' || tag === 'td' || tag === 'script' || tag === 'style' || tag === 'select') return true;
        if (tag === 'th' && el.closest('tbody')) return true;
        const lang = el.getAttribute('lang');
        if (lang) return !/^en\b/i.test(lang);
      }
      return false;
    };
    for (const el of document.querySelectorAll('header, nav, footer, label, th, button, h1, legend')) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (cjk.test(n.nodeValue) && !skip(n)) {
          found.push({ tag: el.tagName.toLowerCase(), text: n.nodeValue.trim().slice(0, 80) });
        }
      }
    }
    return found;
  }, CJK.source);
}

// ---- axe-core ---------------------------------------------------------------------------

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page and returns the violations of impact serious or critical. The
 * script is evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}

export function formatViolations(path, violations) {
  return [
    `${path}: ${violations.length} serious/critical accessibility violation(s)`,
    ...violations.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.targets.slice(0, 10).join('\n    ')}`),
  ].join('\n');
}
