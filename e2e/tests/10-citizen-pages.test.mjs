// 10. A citizen on a 360-px phone: the tracking page shows the five steps and remembers the last
//     code on the device (until "清除本机记录"); the public board and the directory read as cards,
//     with nothing pushed off-screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, open, submitForm, shot, fixtures, fitsTheScreen, PHONE } from '../lib/harness.mjs';

const fx = fixtures();
const browser = sharedBrowser();

test('the tracking page shows the progress bar on a phone and remembers the code on the device', async () => {
  const c = fx.cases.a;
  const page = await newPage(browser(), PHONE);
  await open(page, `/track?code=${encodeURIComponent(c.tracking_code)}&phone_tail=${c.phone_tail}`);
  const steps = await page.locator('ol#progress li[data-step]').evaluateAll((lis) => lis.map((li) => li.dataset.status));
  // Accepted and assigned to unit A: 已登记, 已受理 passed, 已转办 reached.
  assert.deepEqual(steps, ['done', 'done', 'current', 'todo', 'todo']);
  assert.ok(await page.locator('ol#progress li[aria-current=step]').isVisible());
  await fitsTheScreen(page);
  await shot(page, 'track-phone.png');

  // Back later on the same phone: the code is filled in; the phone tail is not kept.
  await open(page, '/track');
  assert.equal(await page.locator('input[name=code]').first().inputValue(), c.tracking_code);
  const cookies = await page.context().cookies();
  const kept = cookies.find((k) => k.name === 'rectify_track');
  assert.ok(kept && kept.httpOnly && !kept.value.includes(c.phone_tail), JSON.stringify(kept));
  await submitForm(page, page.locator('form#forget-code'));
  await open(page, '/track');
  assert.equal(await page.locator('input[name=code]').first().inputValue(), '', 'the code is still remembered');
  await page.context().close();
});

test('the board and the directory are cards on a phone', async () => {
  const page = await newPage(browser(), PHONE);
  await open(page, '/board');
  const row = page.locator('table.list.cards tr[data-problem]').first();
  await row.waitFor();
  // State and light are badges inside the screen, not columns off to the right.
  for (const cell of ['td[data-state]', 'td[data-light]']) {
    const box = await row.locator(cell).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 361, `${cell} lies at ${JSON.stringify(box)}`);
  }
  await fitsTheScreen(page);
  await shot(page, 'board-phone.png');
  await open(page, '/directory');
  assert.equal(await page.locator('form[role=search][action="/directory"]').count(), 1, 'the directory has no search form of its own');
  await fitsTheScreen(page);
  await page.context().close();
});
