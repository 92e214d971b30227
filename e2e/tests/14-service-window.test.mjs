// 14. Government services end to end: a citizen books an appointment on a 360-px phone; the
//     window marks the arrival (a queue number and a service case), tells the applicant once what
//     is missing (一次性告知), accepts, records the item's steps and completes it; the citizen
//     follows the case by its code and sees every step done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, open, submitForm, shot, fixtures, fitsTheScreen, login, PHONE, DESKTOP } from '../lib/harness.mjs';

const fx = fixtures();
const browser = sharedBrowser();

test('a citizen books on a phone and the window handles the case step by step', async () => {
  const phone = await newPage(browser(), PHONE);
  await open(phone, `/services/${fx.service.id}/book`);
  const choice = phone.locator('input[name=choice]:not([disabled])').first();
  const picked = await choice.getAttribute('value');
  await choice.check();
  await phone.fill('input[name=name]', '王秀英');
  await phone.fill('input[name=phone]', '13912345678');
  await submitForm(phone, phone.locator('form#book-form'));
  const code = (await phone.locator('#booking-code').textContent()).trim();
  assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  await fitsTheScreen(phone);
  await shot(phone, 'booked-phone.png');

  const staff = await newPage(browser(), DESKTOP);
  await login(staff, fx.clerkA.username, fx.clerkA.password);
  const [day] = picked.split(' ');
  await open(staff, `/app/appointments?day=${day}`);
  const booking = staff.locator('tr[data-booking]', { hasText: code });
  await booking.waitFor();
  const today = await staff.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
  let caseHref;
  if (day === today) {
    // Arrived: the window's queue number, and a service case received by appointment.
    await booking.locator('select[name=responsible_id]').selectOption(fx.service.officer);
    await submitForm(staff, booking.locator('form[data-action=arrive]'));
    const arrived = staff.locator('tr[data-booking]', { hasText: code });
    assert.match(await arrived.locator('.queue-number').textContent(), /^[A-Z]\d{3}$/);
    caseHref = await arrived.locator('a[href^="/app/service-cases/"]').getAttribute('href');
  } else {
    // Booked for a later day (the tests run after the day's last slot): received at the window.
    await open(staff, '/app/service-cases/new');
    await staff.selectOption('select[name=item_id]', fx.service.id);
    await staff.fill('input[name=applicant_name]', '王秀英');
    await staff.fill('input[name=applicant_phone]', '13912345678');
    await staff.selectOption('select[name=responsible_id]', fx.service.officer);
    await submitForm(staff, staff.locator('form[data-action=receive]'));
    caseHref = new URL(staff.url()).pathname;
  }
  await open(staff, caseHref);
  // 一次性告知 ticks the item's materials; then 受理, the steps in order, 办结.
  await staff.locator('form[data-action=notify] input[value="结婚证"]').check();
  await submitForm(staff, staff.locator('form[data-action=notify]'));
  assert.match(await staff.locator('#service-record').textContent(), /结婚证/);
  await submitForm(staff, staff.locator('form[data-action=accept]'));
  for (const step of ['申请', '受理', '办结']) {
    const form = staff.locator('form[data-action=record_step]');
    assert.equal(await form.locator('input[name=step]').inputValue(), step, 'the next step is offered');
    await submitForm(staff, form);
  }
  await staff.fill('form[data-action=complete] textarea[name=result]', '准予登记，已发放生育服务证');
  await submitForm(staff, staff.locator('form[data-action=complete]'));
  assert.equal(await staff.locator('#service-case-facts').getAttribute('data-state'), 'done');
  const caseCode = (await staff.locator('h1 span[translate=no]').textContent()).trim();
  await shot(staff, 'service-case.png');
  await staff.context().close();

  // The applicant follows it by the code the SMS gave: every step done, the result shown.
  await open(phone, `/track?code=${encodeURIComponent(caseCode)}`);
  const steps = await phone.locator('ol#service-progress li[data-step]').evaluateAll((lis) => lis.map((li) => li.dataset.status));
  assert.deepEqual(steps, ['done', 'done', 'done']);
  assert.match(await phone.locator('#service-outcome').textContent(), /准予登记/);
  await fitsTheScreen(phone);
  await shot(phone, 'service-track-phone.png');
  await phone.context().close();
});
