// 12. The one search box: a unit clerk finds their unit's case from the header box by a word, by a
//     quoted phrase and by its tracking code, never another unit's; the results show the passage
//     with the words marked and facets that narrow them; the public searches published items
//     from the portal's header. Screenshots: docs/screenshots/search.png (desktop), search-phone.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { sharedBrowser, newPage, open, login, shot, fixtures, axeViolations, formatViolations, fitsTheScreen, DESKTOP, PHONE } from '../lib/harness.mjs';

const fx = fixtures();
const browser = sharedBrowser();
const DOCS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Types `q` into the header box and submits it, as a person does. */
async function headerSearch(page, q) {
  await page.locator('#header-search input[name=q]').fill(q);
  await Promise.all([page.waitForLoadState('load'), page.locator('#header-search button').click()]);
  await page.waitForLoadState('load');
}

/** The hits listed: `kind:id` each. */
async function hits(page) {
  return page.locator('#hits li.hit').evaluateAll((els) => els.map((el) => `${el.dataset.kind}:${el.dataset.id}`));
}

test('a unit clerk finds their case by a word, a phrase and its code, and nothing of another unit', async () => {
  const page = await newPage(browser(), DESKTOP);
  await login(page, fx.clerkA.username, fx.clerkA.password);
  await open(page, '/app');

  // A word of the citizen's message.
  await headerSearch(page, '路灯不亮');
  assert.ok((await hits(page)).includes(`case:${fx.cases.a.id}`), `case A among ${await hits(page)}`);
  const marked = await page.locator(`#hits li[data-id="${fx.cases.a.id}"] .snippet mark`).allTextContents();
  // Marked as the query was cut (路 + 灯不亮): together, the words asked for.
  assert.ok(marked.join('').includes('路灯不亮'), `the passage marks the words: ${marked}`);
  const scope = (await page.locator('p.hint').first().textContent()) || '';
  assert.match(scope, /您有权查看/, 'the page says what it searched');
  await axeClean(page, '/app/search');
  mkdirSync(DOCS, { recursive: true });
  await page.screenshot({ path: `${DOCS}search.png`, fullPage: true });

  // A phrase in quotes: unit B's case has these words; the clerk of unit A sees no trace of it.
  await headerSearch(page, '"夜间施工噪音"');
  assert.equal(Number(await page.locator('#search-summary').getAttribute('data-total')), 0);
  assert.ok(!(await page.content()).includes('CASE-B-'), "nothing of unit B's case");
  // The clerk of unit B finds it by the same phrase.
  const other = await newPage(browser(), DESKTOP);
  await login(other, fx.clerkB.username, fx.clerkB.password);
  await open(other, '/app');
  await headerSearch(other, '"夜间施工噪音"');
  assert.deepEqual(await hits(other), [`case:${fx.cases.b.id}`]);

  // A phrase of their own case: found, the facet counts it.
  await headerSearch(page, '"小区路灯不亮"');
  assert.ok((await hits(page)).includes(`case:${fx.cases.a.id}`));
  assert.ok(Number(await page.locator('.facet li[data-kind=case]').getAttribute('data-count')) >= 1);

  // The tracking code opens the case itself.
  await page.locator('#header-search input[name=q]').fill(fx.cases.a.tracking_code);
  await Promise.all([page.waitForURL(`**/app/cases/${fx.cases.a.id}`), page.locator('#header-search button').click()]);
  // Unit B's code leads the clerk of unit A nowhere.
  await headerSearch(page, fx.cases.b.tracking_code);
  assert.equal(new URL(page.url()).pathname, '/app/search');
  assert.equal(Number(await page.locator('#search-summary').getAttribute('data-total')), 0);
});

test('facets narrow the results and a chosen one widens them again', async () => {
  const page = await newPage(browser(), DESKTOP);
  await login(page, fx.admin.username, fx.admin.password);
  await open(page, `/app/search?q=${encodeURIComponent('诉求')}`);
  const total = Number(await page.locator('#search-summary').getAttribute('data-total'));
  const cases = Number(await page.locator('.facet li[data-kind=case]').getAttribute('data-count'));
  await Promise.all([page.waitForLoadState('load'), page.locator('.facet li[data-kind=case] a').click()]);
  await page.waitForLoadState('load');
  assert.equal(Number(await page.locator('#search-summary').getAttribute('data-total')), cases);
  assert.ok((await hits(page)).every((h) => h.startsWith('case:')), 'only cases');
  await Promise.all([page.waitForLoadState('load'), page.locator('.facet li.chosen[data-kind=case] a').click()]);
  await page.waitForLoadState('load');
  assert.equal(Number(await page.locator('#search-summary').getAttribute('data-total')), total);
});

test('the public searches published items from the portal header, on a phone', async () => {
  const page = await newPage(browser(), PHONE);
  await open(page, '/');
  await page.locator('#portal-search input[name=q]').fill('公交站台雨棚');
  await Promise.all([page.waitForLoadState('load'), page.locator('#portal-search button').click()]);
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, '/search');
  assert.ok((await hits(page)).includes(`problem:${fx.problems.published.id}`));
  const html = await page.content();
  for (const hidden of ['A-PRIVATE-', 'CASE-A-', 'CASE-B-']) assert.ok(!html.includes(hidden), `no ${hidden} on the portal`);
  await page.locator(`#hits li[data-id="${fx.problems.published.id}"] a`).first().click();
  await page.waitForURL(`**/board/${fx.problems.published.id}`);
  await open(page, `/search?q=${encodeURIComponent('公交站台雨棚')}`);
  await fitsTheScreen(page, '/search on a phone');
  await axeClean(page, '/search');
  await page.screenshot({ path: `${DOCS}search-phone.png`, fullPage: true });
  await shot(page, 'search-phone.png');
});

async function axeClean(page, label) {
  const violations = await axeViolations(page);
  assert.ok(violations.length === 0, formatViolations(label, violations));
}
