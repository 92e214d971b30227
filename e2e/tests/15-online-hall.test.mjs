// 15. The online hall: a citizen applies on a 360-px phone for an item handled fully online,
//     with a photo of their ID card, and keeps the tracking code; the street's clerk pre-checks it
//     and takes it up as the first-contact officer (a service case of the ledger under the same
//     code, the photo with it); the citizen follows it by the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, open, submitForm, fixtures, fitsTheScreen, login, PHONE, DESKTOP } from '../lib/harness.mjs';

const fx = fixtures();
const browser = sharedBrowser();
// A one-pixel PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwQACfsD/Wj6HMwAAAAASUVORK5CYII=', 'base64');

test('a citizen applies online on a phone and the window takes it up', async () => {
  const phone = await newPage(browser(), PHONE);
  await open(phone, `/services/${fx.online.id}`);
  await phone.locator('#apply-link').click();
  await phone.waitForURL(/\/apply$/);
  await phone.fill('input[name=applicant_name]', '王秀英');
  await phone.fill('input[name=applicant_phone]', '13912345678');
  await phone.setInputFiles('input[name=files]', { name: '身份证.png', mimeType: 'image/png', buffer: PNG });
  await submitForm(phone, phone.locator('form#apply-form'));
  const code = (await phone.locator('#tracking-code').textContent()).trim();
  assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  assert.equal((await phone.locator('#files-count').textContent()).trim(), '1');
  await fitsTheScreen(phone);
  await open(phone, `/track?code=${code}`);
  assert.equal(await phone.locator('#application-state').getAttribute('data-state'), 'submitted');

  const staff = await newPage(browser(), DESKTOP);
  await login(staff, fx.clerkA.username, fx.clerkA.password);
  await open(staff, '/app/service-applications');
  const row = staff.locator('tr[data-application]', { hasText: code });
  await row.locator('a').first().click();
  await staff.waitForURL(/\/app\/service-applications\/\d+$/);
  assert.match(await staff.locator('#application-files').textContent(), /身份证\.png/);
  await staff.selectOption('select[name=responsible_id]', fx.service.officer);
  await submitForm(staff, staff.locator('form[data-action=take_up]'));
  await staff.waitForURL(/\/app\/service-cases\/\d+/);
  assert.match(await staff.locator('#case-files').textContent(), /身份证\.png/);
  assert.match(await staff.locator('#responsible').textContent(), /李红/);

  await open(phone, `/track?code=${code}`);
  assert.equal(await phone.locator('#service-state').getAttribute('data-state'), 'received');
});
