// 13. Triage at intake: the office opens a new case, finds the similar ones listed with why
//     (同一地点：…；相似度 …), merges them into one ledger problem from the list, and accepts
//     another case with the suggested category preselected — one click. Screenshot:
//     docs/screenshots/similar.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { sharedBrowser, newPage, open, login, fixtures, axeViolations, formatViolations, poll, DESKTOP } from '../lib/harness.mjs';

const fx = fixtures();
const run = Date.now().toString(36).toUpperCase();
const browser = sharedBrowser();
const DOCS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

async function submit(page, content) {
  const r = await page.request.post('/api/v1/cases', { data: { type: 'complaint', channel: 'web', content, phone: '13800000404' } });
  assert.equal(r.status(), 201, await r.text());
  return String((await r.json()).id);
}

test('similar cases are listed with why and merged into one problem', async () => {
  const page = await newPage(browser(), DESKTOP);
  await login(page, fx.admin.username, fx.admin.password);
  const first = await submit(page, `丽发新城小区旁边的搅拌站每天晚上施工，噪音很大，影响休息 T${run}1`);
  const second = await submit(page, `丽发新城附近搅拌站深夜还在作业，噪音吵得睡不着 T${run}2`);
  // The index follows within a second or so.
  await poll(async () => {
    await open(page, `/app/cases/${first}`);
    return (await page.locator(`#similar li[data-kind=case][data-id="${second}"]`).count()) === 1;
  }, { message: 'the similar case is listed' });
  const reason = (await page.locator(`#similar li[data-id="${second}"] .reason`).textContent()) || '';
  assert.match(reason, /同一地点：丽发新城；相似度 0\.\d\d/);
  const violations = await axeViolations(page);
  assert.ok(violations.length === 0, formatViolations('/app/cases/{id} with similar', violations));
  mkdirSync(DOCS, { recursive: true });
  await page.locator('#similar').screenshot({ path: `${DOCS}similar.png` });

  await Promise.all([page.waitForURL('**/app/problems/new?**'), page.locator('#merge-similar').click()]);
  assert.match((await page.locator('#merging').textContent()) || '', new RegExp(`${first}.*${second}|${second}.*${first}`));
  await page.locator('select[name=unit_id]').selectOption(fx.units.a.id);
  await Promise.all([page.waitForURL('**/app/problems/*?done=created'), page.locator('form[action="/app/problems/new"] button[type=submit]').click()]);
  const problemId = new URL(page.url()).pathname.split('/').pop();
  const problem = await (await page.request.get(`/api/v1/problems/${problemId}`)).json();
  assert.deepEqual([...problem.case_ids].sort(), [first, second].sort(), 'both reporters are on the problem');
});

test('the office accepts a case with the suggested category in one click', async () => {
  const page = await newPage(browser(), DESKTOP);
  await login(page, fx.admin.username, fx.admin.password);
  const id = await submit(page, `学校违规补课收费，家长负担重 T${run}3`);
  await open(page, `/app/cases/${id}`);
  const hint = page.locator('form[data-action=accept] .suggestion');
  assert.equal(await hint.count(), 1, 'a suggestion at 受理');
  const suggested = await hint.getAttribute('data-suggested');
  assert.equal(await page.locator('form[data-action=accept] select[name=category]').inputValue(), suggested, 'preselected');
  await Promise.all([page.waitForURL(`**/app/cases/${id}?done=case_accept`), page.locator('form[data-action=accept] button[type=submit]').click()]);
  assert.equal(await page.locator('#case-category').getAttribute('data-category'), suggested);
});
