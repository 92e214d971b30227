// 9. The staff's daily pages: /app opens on 我的待办 for an office clerk and for a unit clerk,
//    each count the length of the list its link opens; the header's search box jumps to a case
//    by its tracking code; the office dismisses two accountability proposals at once with one
//    reason. Screenshot: docs/screenshots/todo.png (desktop, 1440 px).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { sharedBrowser, newPage, open, submitForm, login, shot, fixtures, axeViolations, formatViolations, DESKTOP, PHONE } from '../lib/harness.mjs';

const fx = fixtures();
const run = Date.now().toString(36).toUpperCase();
const browser = sharedBrowser();
const DOCS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** The to-do lines shown: `{ item: count }`. */
async function todoCounts(page) {
  const lines = await page.locator('#todo li[data-todo]').evaluateAll((els) =>
    els.map((el) => [el.dataset.todo, Number(el.dataset.count)]),
  );
  return Object.fromEntries(lines);
}

/** Follows a to-do line's link and counts the rows of the list it opens (lists show 50). */
async function rowsBehind(page, item) {
  await open(page, '/app');
  await page.locator(`#todo li[data-todo=${item}] a`).click();
  await page.waitForLoadState('load');
  return page.locator('table.list tbody tr').count();
}

async function axe(page, label) {
  const violations = await axeViolations(page);
  assert.ok(violations.length === 0, formatViolations(label, violations));
}

test('the office clerk opens on a to-do list whose counts are the lists behind them', async () => {
  const page = await newPage(browser(), DESKTOP);
  await login(page, fx.admin.username, fx.admin.password);
  assert.equal(new URL(page.url()).pathname, '/app');
  const before = await todoCounts(page);
  for (const item of ['cases_to_accept', 'cases_to_assign', 'cases_overdue', 'proposals']) {
    assert.ok(item in before, `the office's list has ${item}: ${JSON.stringify(before)}`);
  }
  assert.ok(!('cases_to_sign' in before), 'signing is for the units');

  // A citizen writes in: one more to accept.
  const sent = await page.request.post('/api/v1/cases', {
    data: { type: 'complaint', channel: 'web', content: `待办测试 TODO-${run}：人行道井盖缺失`, phone: '13800000303' },
  });
  assert.equal(sent.status(), 201, await sent.text());
  await open(page, '/app');
  const after = await todoCounts(page);
  assert.equal(after.cases_to_accept, before.cases_to_accept + 1, 'the new case waits to be accepted');
  assert.equal(await rowsBehind(page, 'cases_to_accept'), after.cases_to_accept, 'the count is the list');
  // The inbox tab says the same, and each case shows how long it has waited.
  const tab = page.locator('.tabs a[data-box=to_accept] .count');
  assert.equal(Number(await tab.getAttribute('data-count')), after.cases_to_accept);
  assert.ok(await page.locator('td.waited').count() >= 1, 'a waiting time per case');

  await open(page, '/app');
  await axe(page, '/app (office)');
  mkdirSync(DOCS, { recursive: true });
  await page.screenshot({ path: `${DOCS}todo.png`, fullPage: true });
  await shot(page, 'todo-office.png');
});

test("the unit clerk's to-do list counts only the unit's cases", async () => {
  const page = await newPage(browser(), DESKTOP);
  await login(page, fx.clerkA.username, fx.clerkA.password);
  const counts = await todoCounts(page);
  assert.deepEqual(
    Object.keys(counts),
    ['cases_to_sign', 'cases_to_reply', 'cases_overdue', 'problems_overdue', 'measures_due'],
    'a unit signs, replies and rectifies; it accepts and assigns nothing',
  );
  assert.ok(counts.cases_to_sign >= 1, `unit A has a case to sign (fixtures): ${JSON.stringify(counts)}`);
  assert.match((await page.locator('#todo-scope').textContent()) || '', new RegExp(fx.units.a.name));
  assert.equal(await rowsBehind(page, 'cases_to_sign'), counts.cases_to_sign, 'the count is the list');
  const listed = (await page.locator('table.list tbody').textContent()) || '';
  assert.ok(!listed.includes('CASE-B-'), "unit B's case is not in unit A's list");
  await shot(page, 'todo-unit.png');

  // On a phone the inbox is a list of cards.
  const phone = await newPage(browser(), PHONE);
  await login(phone, fx.clerkA.username, fx.clerkA.password);
  await open(phone, '/app/cases');
  const display = await phone.locator('table.list.cards tbody tr').first().evaluate((el) => getComputedStyle(el).display);
  assert.equal(display, 'block', 'rows are cards below 600 px');
  await shot(phone, 'inbox-phone.png');
});

test('the header search opens a case by its tracking code', async () => {
  const page = await newPage(browser(), DESKTOP);
  await login(page, fx.admin.username, fx.admin.password);
  await open(page, '/app/problems');
  const code = fx.cases.a.tracking_code;
  await page.locator('#header-search input[name=q]').fill(code.toLowerCase());
  await Promise.all([page.waitForURL(`**/app/cases/${fx.cases.a.id}`), page.locator('#header-search button').click()]);
  assert.match((await page.locator('h1').textContent()) || '', new RegExp(`${fx.cases.a.id}`));

  // Words search the cases and the ledger; an inbox search says where else it matched.
  const marker = fx.cases.a.content.match(/CASE-A-[A-Z0-9]+/)[0];
  // Quoted: the index matches words, and the marker's words (case, a, the run's id) are in other
  // fixtures too; as a phrase they are this case's alone.
  await open(page, `/app/cases?box=to_accept&q=${encodeURIComponent(`"${marker}"`)}`);
  assert.equal(await page.locator('#elsewhere').count(), 1, 'the case is in another box: 其他状态中有 1 条');
  assert.match((await page.locator('#elsewhere').textContent()) || '', /其他状态中有1条/);
});

test('the office dismisses two proposals at once with one reason', async () => {
  const page = await newPage(browser(), DESKTOP);
  await login(page, fx.admin.username, fx.admin.password);
  // Two cadres of unit A use up their year's points: the rule proposes an action for each.
  const ids = [];
  for (const name of [`值班员甲${run}`, `值班员乙${run}`]) {
    const person = await page.request.post('/api/v1/people', { data: { name, kind: 'staff', unit_id: fx.units.a.id } });
    assert.equal(person.status(), 201, await person.text());
    const personId = (await person.json()).id;
    for (let i = 0; i < 3; i++) {
      const d = await page.request.post('/api/v1/points/deductions', {
        data: { person_id: personId, kind: 'verified_complaint', reason: '有效投诉' },
      });
      assert.ok(d.ok(), await d.text());
    }
    const waiting = await (await page.request.get(`/api/v1/actions?status=proposed&person=${personId}`)).json();
    assert.equal(waiting.items.length, 1, `a proposal for ${name}`);
    ids.push(String(waiting.items[0].id));
  }
  await open(page, '/app');
  assert.ok((await todoCounts(page)).proposals >= 2, 'the proposals are on the to-do list');

  await open(page, '/app/accountability');
  assert.equal(await page.locator('table#proposals').count(), 1, 'proposals are a table');
  for (const id of ids) await page.locator(`#pick-${id}`).check();
  const form = page.locator('form#bulk-decision');
  await form.locator('select[name=decision]').selectOption('dismiss');
  await form.locator('input[name=reason]').fill('已在专项整治中统一处理');
  await page.screenshot({ path: `${DOCS}accountability-bulk.png`, fullPage: false });
  const resp = await submitForm(page, form);
  assert.ok(resp.status() < 400, `the bulk form answered HTTP ${resp.status()}`);
  assert.match((await page.locator('#done').textContent()) || '', /已驳回选中的2条建议/);
  for (const id of ids) {
    const a = await (await page.request.get(`/api/v1/actions/${id}`)).json();
    assert.deepEqual([a.status, a.dismissed_reason], ['dismissed', '已在专项整治中统一处理']);
  }
});
