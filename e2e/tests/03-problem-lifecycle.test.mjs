// 3. A problem from open to closed through the pages: the office writes it, starts it, records
//    progress with a photo as evidence, reports it done and verifies it; the public board lists it
//    and its permalink shows it closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, open, submitForm, login, shot, png, dateIn, fixtures } from '../lib/harness.mjs';

const fx = fixtures();
const run = Date.now().toString(36).toUpperCase();
const DESCRIPTION = `LIFECYCLE-${run}：长安街沿线共享单车乱停乱放，影响盲道通行。`;
const browser = sharedBrowser();

async function problemState(page) {
  return page.locator('#problem-state').getAttribute('data-state');
}

async function noFormErrors(page, what) {
  const summary = page.locator('.error-summary');
  if (await summary.count()) assert.fail(`${what}: ${((await summary.textContent()) || '').trim()}`);
}

async function fire(page, action) {
  const form = page.locator(`form[data-action=${action}]`);
  assert.equal(await form.count(), 1, `${page.url()}: no form[data-action=${action}]`);
  const note = form.locator('[name=note]');
  if (await note.count()) await note.fill(`${action} (e2e)`);
  const resp = await submitForm(page, form);
  assert.ok(resp.status() < 400, `${action}: the form answered HTTP ${resp.status()}`);
  await noFormErrors(page, action);
}

test('a problem goes from open to closed through the pages and shows on the board', async () => {
  const page = await newPage(browser());
  await login(page, fx.admin.username, fx.admin.password);

  await open(page, '/app/problems/new');
  const form = page.locator('form:has([name=description])');
  await form.locator('[name=description]').fill(DESCRIPTION);
  await form.locator('select[name=unit_id]').selectOption(fx.units.a.id);
  await form.locator('[name=deadline]').fill(dateIn(30));
  await form.locator('input[name=published]').check();
  const created = await submitForm(page, form);
  assert.ok(created.status() < 400, `creating the problem answered HTTP ${created.status()}`);
  await noFormErrors(page, 'new problem');
  const m = new URL(page.url()).pathname.match(/^\/app\/problems\/([^/]+)$/);
  assert.ok(m && m[1] !== 'new', `after creating, the browser is at ${page.url()}, not /app/problems/{id}`);
  const id = m[1];

  await open(page, `/app/problems/${id}`);
  assert.match((await page.locator('main').textContent()) || '', new RegExp(`LIFECYCLE-${run}`));
  assert.equal(await problemState(page), 'open');

  await fire(page, 'start');
  assert.equal(await problemState(page), 'in_progress');

  const progress = page.locator('form#progress');
  assert.equal(await progress.count(), 1, 'no form#progress on an in-progress problem');
  const on = progress.locator('[name=on]');
  if (await on.count() && !(await on.inputValue())) await on.fill(dateIn(0));
  await progress.locator('[name=note]').fill(`PROGRESS-${run}：已清理乱停车辆 120 辆，划定停放区。`);
  await progress.locator('input[name=files]').setInputFiles({ name: 'evidence.png', mimeType: 'image/png', buffer: png(24, [30, 120, 200]) });
  const added = await submitForm(page, progress);
  assert.ok(added.status() < 400, `adding progress answered HTTP ${added.status()}`);
  await noFormErrors(page, 'progress');
  assert.match((await page.locator('main').textContent()) || '', new RegExp(`PROGRESS-${run}`), 'the progress note does not show');

  await fire(page, 'report_done');
  assert.equal(await problemState(page), 'reported');
  await fire(page, 'verify');
  assert.equal(await problemState(page), 'closed');
  await shot(page, 'problem.png');

  const board = await newPage(browser());
  await open(board, '/board');
  const link = board.locator(`a[href="/board/${id}"]`);
  assert.equal(await link.count(), 1, `/board has no link to /board/${id}`);
  await shot(board, 'board.png');
  await link.click();
  await board.waitForURL(`**/board/${id}`);
  assert.equal(await board.locator('#problem-state').getAttribute('data-state'), 'closed');

  await page.context().close();
  await board.context().close();
});
