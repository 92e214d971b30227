// 8. Files and bulletins: the administrator imports a ledger CSV through the upload page (a dry
//    run first, then "import now" with the file the page kept), downloads the ledger filtered to
//    it as CSV from the list's export button, composes a campaign bulletin with a live preview,
//    publishes it, and a citizen reads it on the portal on a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedBrowser, newPage, open, submitForm, login, shot, dateIn, fixtures, axeViolations, formatViolations, fitsTheScreen, DESKTOP, PHONE } from '../lib/harness.mjs';

const fx = fixtures();
const run = Date.now().toString(36).toUpperCase();
const MARK = `FILES-${run}`;
const browser = sharedBrowser();

/** No axe-core violation of impact "serious" or "critical" on the page as it is now. */
async function axe(page, label) {
  const violations = await axeViolations(page);
  assert.ok(violations.length === 0, formatViolations(label, violations));
}

async function noFormErrors(page, what) {
  const summary = page.locator('.error-summary');
  if (await summary.count()) assert.fail(`${what}: ${((await summary.textContent()) || '').trim()}`);
}

test('a ledger file is imported, exported, and a bulletin published to the portal', async () => {
  const page = await newPage(browser(), DESKTOP);
  await login(page, fx.admin.username, fx.admin.password);

  // The campaign the problems and the bulletin belong to.
  const made = await page.request.post('/api/v1/campaigns', {
    data: { name: `作风建设年 ${MARK}`, starts_on: dateIn(-30), unit_ids: [fx.units.a.id, fx.units.b.id] },
  });
  assert.equal(made.status(), 201, await made.text());
  const campaign = String((await made.json()).id);

  // Import: a dry run first (the box is ticked), then the real import the report offers.
  await open(page, '/app');
  await page.locator('nav a[href="/app/imports"]').click();
  await page.waitForURL('**/app/imports');
  const csv = [
    '序号,问题描述,责任单位,整改时限',
    `1,${MARK} 路灯损坏无人修,${fx.units.a.name},${dateIn(20)}`,
    `2,${MARK} 窗口排长队,${fx.units.b.name},${dateIn(40)}`,
  ].join('\n');
  const form = page.locator('form[data-action=import]');
  await form.locator('select[name=kind]').selectOption('problems');
  await form.locator('input[name=file]').setInputFiles({ name: 'ledger.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  assert.ok(await form.locator('input[name=dry_run]').isChecked(), 'a dry run first by default');
  await page.locator('details:has(select[name=campaign_id]) > summary').click();
  await form.locator('select[name=campaign_id]').selectOption(campaign);
  await submitForm(page, form);
  await noFormErrors(page, 'dry run');
  const report = page.locator('#import-report');
  assert.equal(await report.getAttribute('data-passed'), 'true');
  assert.equal(await report.getAttribute('data-applied'), 'false');
  assert.equal((await page.locator('[data-count=created]').textContent()).trim(), '2');
  await shot(page, 'import-dry-run.png');
  await axe(page, 'the import report');
  await submitForm(page, page.locator('form[data-action=import-now]'));
  await noFormErrors(page, 'import');
  assert.equal(await page.locator('#import-report').getAttribute('data-applied'), 'true');

  // Export: the ledger filtered to the file's rows, as CSV.
  await open(page, `/app/problems?q=${encodeURIComponent(MARK)}&campaign=${campaign}`);
  assert.equal(await page.locator('table.list tbody tr').count(), 2);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-export=problems] a[data-format=csv]').click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const exported = readFileSync(await download.path(), 'utf8');
  assert.match(exported, new RegExp(`${MARK} 路灯损坏无人修`));
  assert.match(exported, new RegExp(`${MARK} 窗口排长队`));
  const problemHref = await page.locator(`table.list tbody tr a:has-text("${MARK} 窗口排长队")`).getAttribute('href');

  // A bulletin of the campaign: a draft previewed with the figures of now, then published.
  await open(page, '/app/bulletins');
  const compose = page.locator('form[data-action=new-bulletin]');
  await compose.locator('select[name=campaign_id]').selectOption(campaign);
  await compose.locator('input[name=headline]').fill(`作风建设简报 ${MARK}`);
  await compose.locator('textarea[name=editor_note]').fill('各单位对照台账逐项整改。');
  await submitForm(page, compose);
  await noFormErrors(page, 'new bulletin');
  assert.equal(await page.locator('#bulletin-status').getAttribute('data-status'), 'draft');
  assert.match((await page.locator('#bulletin-summary').textContent()) || '', /各单位对照台账逐项整改。截至.*2个问题/);
  const draft = page.locator('form[data-action=save-draft]');
  await draft.locator('textarea[name=body]').fill('下一步，继续抓好整改落实。');
  await submitForm(page, draft);
  await noFormErrors(page, 'save the draft');
  assert.match((await page.locator('#bulletin-content').textContent()) || '', /下一步，继续抓好整改落实。/);
  const draftPath = new URL(page.url()).pathname;
  // "选入简报" on the problem page: the draft is offered by its headline, no id typed.
  await open(page, problemHref);
  const choose = page.locator('form[data-action=choose-for-bulletin]');
  const draftOption = await choose.locator('select[name=bulletin_id] option', { hasText: MARK }).getAttribute('value');
  await choose.locator('select[name=bulletin_id]').selectOption(draftOption);
  await choose.locator('textarea[name=comment]').fill('群众反映集中，已现场督办。');
  await submitForm(page, choose);
  await noFormErrors(page, 'choose for the bulletin');
  assert.match(page.url(), /done=selected/);
  await open(page, draftPath);
  assert.match((await page.locator('#bulletin-content').textContent()) || '', new RegExp(`${MARK} 窗口排长队[\\s\\S]*群众反映集中，已现场督办。`));
  await fitsTheScreen(page, 'the bulletin draft at 1440 px');
  await shot(page, 'bulletin-draft.png');
  await axe(page, 'the bulletin draft');
  const url = new URL(page.url());
  const id = url.pathname.split('/').pop();
  // The draft is not public.
  const citizen = await newPage(browser(), PHONE);
  const hidden = await citizen.goto(`/bulletins/${id}`);
  assert.equal(hidden.status(), 404, 'a draft is not on the portal');
  await submitForm(page, page.locator('form[data-action=publish]'));
  await noFormErrors(page, 'publish');
  assert.equal(await page.locator('#bulletin-status').getAttribute('data-status'), 'published');
  assert.equal(await page.locator('form[data-action=save-draft]').count(), 0, 'published is read-only');

  // The portal lists it; a citizen reads it on a phone, with its documents.
  await open(citizen, '/');
  await citizen.locator('a[href="/bulletins"]').first().click();
  await citizen.waitForURL('**/bulletins');
  await citizen.locator(`a[href="/bulletins/${id}"]`).click();
  await citizen.waitForURL(`**/bulletins/${id}`);
  assert.match((await citizen.locator('#bulletin-content').textContent()) || '', /第1期[\s\S]*作风建设简报/);
  assert.equal(await citizen.locator('#downloads a[data-format=pdf]').count(), 1);
  const width = await citizen.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the bulletin is ${width}px wide on a 360px phone`);
  await shot(citizen, 'bulletin-phone.png');
  await axe(citizen, 'the published bulletin');
  await citizen.context().close();
  await page.context().close();
});
