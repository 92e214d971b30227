// 4. A clerk of unit A sees nothing of unit B that is not public: B's unpublished problem and a
//    case assigned to B answer 404 or 403, and their text shows nowhere in A's lists. A's own
//    unpublished problem and case do show (so the lists are not simply empty).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, login, fixtures } from '../lib/harness.mjs';

const fx = fixtures();
const browser = sharedBrowser();
let page;
before(async () => {
  page = await newPage(browser());
  await login(page, fx.clerkA.username, fx.clerkA.password);
});

const marker = (text) => text.match(/[A-Z]+-[A-Z]+-[A-Z0-9]+/)[0];

async function text(path) {
  const resp = await page.goto(path);
  assert.equal(resp.status(), 200, `${path} answered HTTP ${resp.status()}`);
  return (await page.locator('body').textContent()) || '';
}

test("unit B's unpublished problem is not found for a clerk of A", async () => {
  const p = fx.problems.bPrivate;
  const resp = await page.goto(`/app/problems/${p.id}`);
  assert.ok([403, 404].includes(resp.status()), `/app/problems/${p.id} answered HTTP ${resp.status()}`);
  assert.ok(!((await page.content()).includes(marker(p.description))), 'the error page shows the description');
});

test('a case assigned to unit B is not found for a clerk of A', async () => {
  const c = fx.cases.b;
  const resp = await page.goto(`/app/cases/${c.id}`);
  assert.ok([403, 404].includes(resp.status()), `/app/cases/${c.id} answered HTTP ${resp.status()}`);
  const html = await page.content();
  assert.ok(!html.includes(marker(c.content)) && !html.includes(marker(c.title)), 'the error page shows the case');
});

test("the ledger shows A's unpublished problem and nothing of B's", async () => {
  for (const path of ['/app/problems', `/app/problems?q=${encodeURIComponent(marker(fx.problems.bPrivate.description))}`]) {
    const body = await text(path);
    assert.ok(!body.includes(marker(fx.problems.bPrivate.description)), `${path} shows unit B's unpublished problem`);
  }
  const own = await text('/app/problems');
  assert.ok(own.includes(marker(fx.problems.aPrivate.description)), "/app/problems does not list unit A's own unpublished problem");
});

test("the case inbox shows A's case and nothing of B's", async () => {
  const b = fx.cases.b;
  for (const path of ['/app/cases', '/app/cases?box=all', '/app/cases?box=to_sign']) {
    const body = await text(path);
    for (const m of [marker(b.content), marker(b.title), b.tracking_code]) {
      assert.ok(!body.includes(m), `${path} shows ${m} of a case assigned to unit B`);
    }
  }
  const all = await text('/app/cases?box=all');
  const a = fx.cases.a;
  assert.ok(
    all.includes(marker(a.content)) || all.includes(marker(a.title)) || all.includes(a.tracking_code) || (await page.locator(`a[href="/app/cases/${a.id}"]`).count()) > 0,
    "/app/cases?box=all does not list the case assigned to unit A",
  );
});
