// 2. The whole case loop through pages: a citizen submits, the office accepts and assigns, a
//    clerk of the unit signs and replies, the citizen reads the answer and rates it; the
//    "cases replied" figure on the dashboard and on the portal goes up by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, open, submitForm, login, shot, poll, figure, fixtures } from '../lib/harness.mjs';

const fx = fixtures();
const run = Date.now().toString(36).toUpperCase();
const PHONE = '13711112222';
const CONTENT = `CASE-LOOP-${run}：光明路菜场门口下水道堵塞，污水漫到人行道。`;
const ANSWER = `ANSWER-${run}：已安排疏通，并在菜场门口增设了截水沟。`;
const browser = sharedBrowser();

async function caseState(page) {
  return page.locator('#case-state').getAttribute('data-state');
}

async function fire(page, action, fill = async () => {}) {
  const form = page.locator(`form[data-action=${action}]`);
  assert.equal(await form.count(), 1, `${page.url()}: no form[data-action=${action}]`);
  await fill(form);
  const resp = await submitForm(page, form);
  assert.ok(resp.status() < 400, `${action}: the form answered HTTP ${resp.status()}`);
  const summary = page.locator('.error-summary');
  if (await summary.count()) assert.fail(`${action}: ${(await summary.textContent()).trim()}`);
}

test('submit, accept, assign, sign, reply, track and rate; the replied figure goes up by one', async () => {
  // The citizen.
  const citizen = await newPage(browser());
  await open(citizen, '/submit');
  const form = citizen.locator('form:has([name=content])');
  await form.locator('select[name=type]').selectOption('complaint');
  await form.locator('textarea[name=content]').fill(CONTENT);
  await form.locator('input[name=name]').fill('王五');
  await form.locator('input[name=phone]').fill(PHONE);
  await submitForm(citizen, form);
  const code = ((await citizen.locator('#tracking-code').textContent()) || '').trim();
  assert.match(code, /^[A-Z0-9]{5}-[A-Z0-9]{5}$/);

  // The office finds it and accepts and assigns it.
  const office = await newPage(browser());
  await login(office, fx.admin.username, fx.admin.password);
  const list = await office.request.get('/api/v1/cases?limit=5');
  assert.equal(list.status(), 200, 'GET /api/v1/cases with the session cookie');
  const items = (await list.json()).items || [];
  const found = items.find((c) => c.tracking_code === code);
  assert.ok(found, `case ${code} is not among the latest cases`);
  const id = String(found.id);

  await open(office, `/app/cases/${id}`);
  assert.equal(await caseState(office), 'received');
  await fire(office, 'accept');
  assert.equal(await caseState(office), 'accepted');
  await fire(office, 'assign', (f) => f.locator('select[name=unit_id]').selectOption(fx.units.a.id));
  assert.equal(await caseState(office), 'assigned');
  await shot(office, 'case.png');

  await open(office, '/app/dashboard');
  const dashboardBefore = await figure(office, 'cases_replied');
  await open(citizen, '/');
  const portalBefore = await figure(citizen, 'cases_replied');

  // The clerk of the unit signs and replies.
  const clerk = await newPage(browser());
  await login(clerk, fx.clerkA.username, fx.clerkA.password);
  await open(clerk, `/app/cases/${id}`);
  await fire(clerk, 'sign');
  assert.equal(await caseState(clerk), 'in_progress');
  await fire(clerk, 'reply', (f) => f.locator('textarea[name=answer]').fill(ANSWER));
  // A reply that lacks parts of a good one is held back with what it lacks; the unit sends it
  // as it is.
  if (await clerk.locator('#reply-warning').count()) {
    assert.ok((await clerk.locator('#reply-warning li[data-issue]').count()) >= 1, 'the warning says what is missing');
    await fire(clerk, 'reply', (f) => f.locator('input[name=send_anyway]').check());
  }
  assert.equal(await caseState(clerk), 'replied');

  // The figures.
  await open(office, '/app/dashboard');
  assert.equal(await figure(office, 'cases_replied'), dashboardBefore + 1, '/app [data-figure=cases_replied]');
  await poll(
    async () => {
      await open(citizen, '/');
      return (await figure(citizen, 'cases_replied')) === portalBefore + 1;
    },
    { timeout: 15_000, interval: 1_000, message: `/ [data-figure=cases_replied] to become ${portalBefore + 1}` },
  );

  // The citizen reads the answer and rates it.
  await open(citizen, `/track?code=${encodeURIComponent(code)}&phone_tail=${PHONE.slice(-4)}`);
  assert.equal(await caseState(citizen), 'replied');
  assert.ok(await citizen.locator('.timeline li').count() >= 3, 'the timeline shows fewer than 3 events');
  assert.match((await citizen.locator('#case-answer').textContent()) || '', new RegExp(`ANSWER-${run}`));
  // The five steps: registered, accepted and forwarded passed, the reply the step reached.
  const steps = await citizen.locator('ol#progress li[data-step]').evaluateAll((lis) =>
    lis.map((li) => [li.dataset.step, li.dataset.status]));
  assert.equal(steps.length, 5, `progress steps: ${JSON.stringify(steps)}`);
  assert.deepEqual(steps.map((s) => s[1]), ['done', 'done', 'done', 'current', 'todo'], JSON.stringify(steps));
  await shot(citizen, 'track.png');
  const rating = citizen.locator('form#rating');
  assert.equal(await rating.count(), 1, 'no form#rating after the reply');
  await rating.locator('textarea[name=comment]').fill('处理及时，谢谢。');
  // The rating is a row of large buttons, one per level: one tap sends it.
  const [resp] = await Promise.all([
    citizen.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    rating.locator('button[name=satisfaction][value=satisfied]').click(),
  ]);
  await citizen.waitForLoadState('load');
  assert.ok(resp.status() < 400, `rating answered HTTP ${resp.status()}`);
  assert.equal(new URL(citizen.url()).searchParams.get('done'), 'rated', `after rating: ${citizen.url()}`);
  assert.equal(await citizen.locator('form#rating').count(), 0, 'form#rating still offered after rating');
  assert.equal(await citizen.locator('#case-rating').getAttribute('data-satisfaction'), 'satisfied', 'the rating given is not shown');
  assert.equal(await citizen.locator('ol#progress li[data-step=rated]').getAttribute('data-status'), 'current');

  for (const p of [citizen, office, clerk]) await p.context().close();
});
