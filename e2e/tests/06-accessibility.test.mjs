// 6. axe-core on every main page: no violation of impact "serious" or "critical". Each page is
//    also checked for Content-Security-Policy violations (an inline style or script the policy
//    blocks is a page that does not look or work as written).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, open, submitForm, login, shot, axeViolations, formatViolations, fixtures } from '../lib/harness.mjs';

const fx = fixtures();
const browser = sharedBrowser();
let visitor;
let staff;
const cspErrors = new Map();

function watchCsp(page) {
  cspErrors.set(page, []);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) cspErrors.get(page).push(msg.text());
  });
}

before(async () => {
  visitor = await newPage(browser());
  staff = await newPage(browser());
  watchCsp(visitor);
  watchCsp(staff);
  await login(staff, fx.admin.username, fx.admin.password);
});

/** Checks the page as it is now; `name` saves a screenshot first. */
async function check(page, label, name) {
  if (name) await shot(page, name);
  const csp = cspErrors.get(page).splice(0);
  const violations = await axeViolations(page);
  const problems = [];
  if (violations.length) problems.push(formatViolations(label, violations));
  if (csp.length) problems.push(`${label}: Content-Security-Policy violations:\n  ${csp.join('\n  ')}`);
  assert.ok(problems.length === 0, problems.join('\n'));
}

async function openAndCheck(page, path, name) {
  cspErrors.get(page).splice(0);
  await open(page, path);
  await check(page, path, name);
}

const c = fx.cases.a;
const publicPages = [
  ['/', 'portal-home.png'],
  ['/submit'],
  [`/track?code=${encodeURIComponent(c.tracking_code)}&phone_tail=${c.phone_tail}`],
  ['/board'],
  [`/board/${fx.problems.published.id}`],
  ['/directory'],
  ['/services?list=%E6%9C%80%E5%A4%9A%E8%B7%91%E4%B8%80%E6%AC%A1'],
  [`/services/${fx.service.id}`, 'service-card.png'],
  [`/services/${fx.service.id}/book`, 'service-book.png'],
  [`/services/${fx.online.id}/apply`, 'service-apply.png'],
  ['/services/handbook'],
  ['/transparency', 'transparency.png'],
  ['/login'],
];
for (const [path, name] of publicPages) {
  test(`axe ${path}`, async () => openAndCheck(visitor, path, name));
}

test('axe the submitted page (tracking code)', async () => {
  cspErrors.get(visitor).splice(0);
  await open(visitor, '/submit');
  const form = visitor.locator('form:has([name=content])');
  await form.locator('textarea[name=content]').fill('无障碍检查：建设路 5 号垃圾桶满溢。');
  await form.locator('input[name=phone]').fill('13500001111');
  const resp = await submitForm(visitor, form);
  assert.equal(resp.status(), 200, `POST /submit answered ${resp.status()}`);
  await visitor.locator('#tracking-code').waitFor();
  await check(visitor, 'POST /submit (submitted)');
});

const staffPages = [
  ['/app', 'todo-office.png'],
  ['/app/dashboard', 'dashboard.png'],
  ['/app/search?q=%E8%B7%AF%E7%81%AF'],
  ['/app/problems', 'ledger.png'],
  ['/app/problems/new'],
  ['/app/map'],
  [`/app/problems/${fx.problems.aPrivate.id}`],
  ['/app/cases', 'case-inbox.png'],
  [`/app/cases/${c.id}`],
  ['/app/admin'],
  ['/app/admin/units', 'admin-units.png'],
  ['/app/admin/settings', 'settings.png'],
  ['/app/accountability'],
  ['/app/bulletins'],
  ['/app/inspections', 'inspections.png'],
  [`/app/inspection-plans/${fx.plan.id}`, 'inspection-plan.png'],
  [`/app/rounds/${fx.round.id}`, 'round.png'],
  ['/app/service-cases', 'service-ledger.png'],
  ['/app/service-cases/new'],
  ['/app/service-samples'],
  ['/app/appointments'],
  ['/app/service-applications'],
  ['/app/appointment-slots'],
];
for (const [path, name] of staffPages) {
  test(`axe ${path} (office)`, async () => openAndCheck(staff, path, name));
}
