// 7. An inspector on a phone records a finding during the visit: the round page shows their
//    group and its unit, the checklist as boxes to tick, a note and a photo; the finding is
//    listed with the problem it became, and the office finds that problem in the ledger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, login, open, submitForm, shot, png, fixtures, PHONE } from '../lib/harness.mjs';

const fx = fixtures();
const browser = sharedBrowser();

test('an inspector records a finding on a phone and it becomes a problem of the unit', async () => {
  const page = await newPage(browser(), PHONE);
  await login(page, fx.inspector.username, fx.inspector.password);
  await open(page, `/app/rounds/${fx.round.id}`);
  assert.match((await page.locator('#groups').textContent()) || '', /督查员甲/);
  const form = page.locator('form[data-action=finding]');
  await form.locator('select[name=unit_id]').selectOption(fx.round.target);
  await form.locator('input[name=failed][value=是否提前就餐]').check();
  await form.locator('textarea[name=note]').fill('11:20 机关食堂已有三名工作人员就餐');
  await form.locator('input[name=photos]').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: png(24) });
  // Nothing wider than the phone: the form fits without scrolling sideways.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the page is ${width}px wide on a 360px phone`);
  await shot(page, 'finding-phone.png');
  const resp = await submitForm(page, form);
  assert.equal(resp.status(), 303, `POST answered ${resp.status()}`);
  const findings = page.locator('#findings');
  await findings.waitFor();
  assert.match((await findings.textContent()) || '', /是否提前就餐/);
  const link = await findings.locator('a[href^="/app/problems/"]').first().getAttribute('href');
  assert.ok(link, 'the finding links to its problem');

  const office = await newPage(browser());
  await login(office, fx.admin.username, fx.admin.password);
  await open(office, link);
  assert.match((await office.locator('body').textContent()) || '', /中午就餐督查发现/);
  await office.context().close();
  await page.context().close();
});
