// 5. The English switch: after /?lang=en every page's chrome (header, nav, footer, labels,
//    column headers, buttons, headings, legends) is in English. Data (unit names in cells and
//    options, text marked lang="zh-CN") may stay Chinese.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, open, login, shot, cjkInChrome, fixtures } from '../lib/harness.mjs';

const fx = fixtures();
const browser = sharedBrowser();
let page;
before(async () => {
  page = await newPage(browser());
});

async function englishChrome(path) {
  await open(page, path);
  const lang = await page.evaluate(() => document.documentElement.lang);
  assert.match(lang, /^en\b/, `${path}: <html lang="${lang}">`);
  const found = await cjkInChrome(page);
  assert.deepEqual(
    found,
    [],
    `${path}: Chinese in the chrome:\n${found.map((f) => `  <${f.tag}> ${JSON.stringify(f.text)}`).join('\n')}`,
  );
}

test('/?lang=en switches the portal to English', async () => {
  await englishChrome('/?lang=en');
  await shot(page, 'home-en.png');
});

for (const path of ['/submit', '/track', '/board', '/transparency', '/login']) {
  test(`${path} stays in English`, async () => englishChrome(path));
}

test('signing in keeps English', async () => {
  await login(page, fx.admin.username, fx.admin.password);
});

for (const path of ['/app', '/app/problems', '/app/cases', '/app/admin']) {
  test(`${path} (signed in) is in English`, async () => englishChrome(path));
}
