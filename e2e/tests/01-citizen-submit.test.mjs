// 1. A citizen on a phone submits a case with a photo and gets a tracking code; a form without
//    content shows the error next to the content field and keeps what was typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowser, newPage, open, submitForm, shot, png, PHONE } from '../lib/harness.mjs';

const browser = sharedBrowser();

test('a citizen on a phone submits a case with a photo and sees a tracking code', async () => {
  const page = await newPage(browser(), PHONE);
  await open(page, '/submit');
  const form = page.locator('form:has([name=content])');
  await form.locator('select[name=type]').selectOption('complaint');
  await form.locator('[name=title]').fill('人行道井盖缺失');
  await form.locator('textarea[name=content]').fill('幸福路 18 号门口的人行道井盖缺失已一周，晚上行人容易踩空，请尽快处理。');
  await form.locator('[name=location]').fill('幸福路 18 号');
  await form.locator('input[name=name]').fill('张三');
  await form.locator('input[name=phone]').fill('13912345678');
  await form.locator('input[name=files]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png(32) });
  await shot(page, 'submit-phone.png');

  const resp = await submitForm(page, form);
  assert.equal(resp.status(), 200, `POST /submit answered ${resp.status()}`);
  const code = ((await page.locator('#tracking-code').textContent()) || '').trim();
  assert.match(code, /^[A-Z0-9]{5}-[A-Z0-9]{5}$/, `#tracking-code shows ${JSON.stringify(code)}`);
  await shot(page, 'submitted-code.png');
  await page.context().close();
});

test('a case without content shows the error next to the content field and keeps the typed values', async () => {
  const page = await newPage(browser(), PHONE);
  await open(page, '/submit');
  const form = page.locator('form:has([name=content])');
  await form.locator('select[name=type]').selectOption('suggestion');
  await form.locator('[name=title]').fill('建议增设路灯');
  await form.locator('[name=location]').fill('和平街');
  await form.locator('input[name=name]').fill('李四');
  await form.locator('input[name=phone]').fill('13698765432');
  await form.locator('textarea[name=content]').fill('');

  const resp = await submitForm(page, form);
  assert.ok(resp.status() >= 400 && resp.status() < 500, `an empty content should be refused, got HTTP ${resp.status()}`);

  const content = page.locator('textarea[name=content]');
  await content.waitFor();
  const field = page.locator('.field:has(textarea[name=content])');
  assert.equal(await field.locator('.field-error').count(), 1, 'no .field-error next to the content field');
  assert.equal(await content.getAttribute('aria-invalid'), 'true', 'the content field lacks aria-invalid="true"');
  assert.equal(await page.locator('.error-summary').count(), 1, 'no .error-summary at the top');

  const again = page.locator('form:has([name=content])');
  assert.equal(await again.locator('select[name=type]').inputValue(), 'suggestion', 'type was not kept');
  assert.equal(await again.locator('[name=title]').inputValue(), '建议增设路灯', 'title was not kept');
  assert.equal(await again.locator('[name=location]').inputValue(), '和平街', 'location was not kept');
  assert.equal(await again.locator('input[name=name]').inputValue(), '李四', 'name was not kept');
  assert.equal(await again.locator('input[name=phone]').inputValue(), '13698765432', 'phone was not kept');
  await page.context().close();
});

test('a refused form says what to correct in plain Chinese, naming each field by its label', async () => {
  const page = await newPage(browser(), PHONE);
  await open(page, '/submit');
  const form = page.locator('form:has([name=content])');
  await form.locator('[name=title]').fill('路灯不亮');
  await form.locator('input[name=phone]').fill('1234');
  await form.locator('textarea[name=content]').fill('');
  const resp = await submitForm(page, form);
  assert.equal(resp.status(), 422);
  const summary = ((await page.locator('.error-summary').textContent()) || '').replace(/\s+/g, '');
  assert.match(summary, /请修改以下2处/, summary);
  assert.match(summary, /请填写具体内容/, summary);
  assert.match(summary, /手机号码格式不正确/, summary);
  assert.doesNotMatch(summary, /[A-Za-z]{2,}/, `English in the summary: ${summary}`);
  // Each sentence links to its field.
  assert.equal(await page.locator('.error-summary a[href="#f-content"]').count(), 1);
  await page.context().close();
});
