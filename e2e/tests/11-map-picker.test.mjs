// 11. Issue 16, items 4, 2 and 10: the unit type-ahead (and the grouped select without
//     JavaScript), a citizen's photo seen by the unit's clerk, and maps drawn from a local tile
//     server (a 256×256 PNG for any /tiles/{z}/{x}/{y}.png), with the fallback when none is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { request } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE_URL, sharedBrowser, newPage, open, submitForm, login, shot, poll, png, dateIn, fixtures,
  axeViolations, formatViolations,
} from '../lib/harness.mjs';

const fx = fixtures();
const browser = sharedBrowser();
const DOCS_SHOTS = join(process.cwd(), '..', 'docs', 'screenshots');
const run = Date.now().toString(36).toUpperCase();

// The office's API session: playwright's request context keeps the cookie.
let apiContext;
async function api(method, path, body, { auth = true } = {}) {
  const ctx = auth ? apiContext : await request.newContext({ baseURL: BASE_URL });
  const resp = await ctx.fetch(`/api/v1${path}`, { method, data: body });
  const text = await resp.text();
  if (!auth) await ctx.dispose();
  if (!resp.ok()) throw new Error(`${method} ${path}: HTTP ${resp.status()}\n${text}`);
  return text ? JSON.parse(text) : null;
}

// The tile fixture: every tile the same light-grey 256×256 PNG, each request counted.
const TILE = png(256, [232, 236, 240]);
let tileServer;
let tileRequests = 0;
let tileBase;

// Two namesakes under two streets: only their paths tell them apart.
let eastCentre;
let westCentre;

before(async () => {
  apiContext = await request.newContext({ baseURL: BASE_URL });
  await api('POST', '/session', { username: fx.admin.username, password: fx.admin.password });
  eastCentre = await api('POST', '/units', { name: '社会事务服务中心', parent_id: fx.units.a.id, kind: 'station' });
  westCentre = await api('POST', '/units', { name: '社会事务服务中心', parent_id: fx.units.b.id, kind: 'station' });
  tileServer = createServer((req, res) => {
    if (/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(req.url)) {
      tileRequests += 1;
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      res.end(TILE);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => tileServer.listen(0, '127.0.0.1', resolve));
  tileBase = `http://127.0.0.1:${tileServer.address().port}`;
});

after(async () => {
  await api('PUT', '/settings', { map_tiles: { url: '' } }).catch(() => {});
  await new Promise((resolve) => tileServer?.close(resolve));
  await apiContext?.dispose();
});

async function docsShot(page, name) {
  mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: join(DOCS_SHOTS, name), fullPage: false });
  await shot(page, name);
}

async function noSeriousViolations(page, label) {
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, formatViolations(label, violations));
}

/** Fills and sends the new-problem form; answers the new problem's id. */
async function sendProblem(page, description) {
  const form = page.locator('form:has([name=description])');
  await form.locator('[name=description]').fill(description);
  await form.locator('[name=deadline]').fill(dateIn(30));
  const resp = await submitForm(page, form);
  assert.ok(resp.status() === 303 || resp.status() === 200, `POST answered ${resp.status()}`);
  const m = new URL(page.url()).pathname.match(/^\/app\/problems\/(\d+)$/);
  assert.ok(m, `landed on ${page.url()}`);
  return m[1];
}

test('the type-ahead finds a unit by any part of its path and the form sends its id', async () => {
  const page = await newPage(browser(), { viewport: { width: 1440, height: 900 } });
  await login(page, fx.admin.username, fx.admin.password);
  await open(page, '/app/problems/new');
  const combo = page.locator('[role=combobox][data-picker-for=unit_id]');
  await combo.click();
  await combo.pressSequentially('西城 社会');
  const options = page.locator('[role=listbox] [role=option]');
  await poll(async () => (await options.count()) === 1, { message: 'one match' });
  assert.equal((await options.first().textContent()).trim(), `${fx.units.b.name} / 社会事务服务中心`);
  assert.equal(await combo.getAttribute('aria-expanded'), 'true');
  await docsShot(page, 'picker.png');
  await combo.press('Enter');
  assert.equal(await combo.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('select[name=unit_id]').inputValue(), String(westCentre.id));
  await noSeriousViolations(page, '/app/problems/new (type-ahead)');
  const id = await sendProblem(page, `类型选择测试 PICK-${run}`);
  const problem = await api('GET', `/problems/${id}`);
  assert.equal(String(problem.unit_id), String(westCentre.id), 'the namesake chosen, not the other');
  await page.context().close();
});

test('without JavaScript the picker is a select grouped by parent, showing paths', async () => {
  const page = await newPage(browser(), { javaScriptEnabled: false });
  await login(page, fx.admin.username, fx.admin.password);
  await open(page, '/app/problems/new');
  const select = page.locator('select[name=unit_id]');
  assert.ok(await select.isVisible(), 'the select itself');
  const group = select.locator(`optgroup[label="${fx.units.a.name}"]`);
  assert.equal(await group.count(), 1, 'a group per parent');
  assert.equal((await group.locator('option').first().textContent()).trim(), `${fx.units.a.name} / 社会事务服务中心`);
  await select.selectOption(String(eastCentre.id));
  const id = await sendProblem(page, `无脚本选择测试 NOJS-${run}`);
  const problem = await api('GET', `/problems/${id}`);
  assert.equal(String(problem.unit_id), String(eastCentre.id));
  await page.context().close();
});

test("the unit's clerk sees the citizen's photo on the case page", async () => {
  const citizen = await newPage(browser());
  await open(citizen, '/submit');
  const form = citizen.locator('form:has([name=content])');
  const text = `照片测试 PHOTO-${run}：学校南门外井盖缺失`;
  await form.locator('textarea[name=content]').fill(text);
  await form.locator('input[name=location]').fill('区实验小学南门');
  await form.locator('input[name=phone]').fill('13500002222');
  await form.locator('input[name=files]').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: png(64, [30, 120, 200]) });
  assert.equal((await submitForm(citizen, form)).status(), 200);
  await citizen.context().close();
  const found = await api('GET', `/cases?q=${encodeURIComponent(`PHOTO-${run}`)}`);
  const id = found.items[0].id;
  await api('POST', `/cases/${id}/transitions`, { action: 'accept' });
  await api('POST', `/cases/${id}/transitions`, { action: 'assign', unit_id: fx.units.a.id });

  const clerk = await newPage(browser());
  await login(clerk, fx.clerkA.username, fx.clerkA.password);
  await open(clerk, `/app/cases/${id}`);
  assert.equal((await clerk.locator('#case-location').textContent()).trim(), '区实验小学南门', 'the place, unmasked');
  const thumb = clerk.locator('#attachments .photos img').first();
  await poll(async () => (await thumb.evaluate((img) => img.complete && img.naturalWidth)) === 64, { message: 'the photo loads' });
  await clerk.locator('#attachments .photos a.thumb').first().click();
  const box = clerk.locator('.lightbox:target');
  await box.waitFor({ state: 'visible' });
  assert.ok(await box.locator('a[download]').count(), 'a download link');
  await shot(clerk, 'case-photo.png');
  await clerk.context().close();
});

test('maps: tiles from the configured server, markers, a pin on the submit form', async () => {
  await api('PUT', '/settings', {
    map_tiles: { url: `${tileBase}/tiles/{z}/{x}/{y}.png`, attribution: '测试底图', center: [30.58, 114.03], zoom: 13 },
  });
  const placed = await api('POST', '/cases', {
    content: `地图测试 MAP-${run}：路口信号灯故障`, type: 'complaint', latitude: 30.5812, longitude: 114.0321,
  }, { auth: false });
  await api('POST', `/cases/${placed.id}/transitions`, { action: 'accept' });

  const staff = await newPage(browser(), { viewport: { width: 1440, height: 900 } });
  const cspErrors = [];
  staff.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
  await login(staff, fx.admin.username, fx.admin.password);
  const before = tileRequests;
  await open(staff, '/app/map');
  await staff.locator('.map.map-ready .leaflet-tile-loaded').first().waitFor();
  assert.ok(tileRequests > before, 'tiles came from the fixture');
  await staff.locator('.map .leaflet-marker-icon').first().waitFor();
  await docsShot(staff, 'map.png');
  await noSeriousViolations(staff, '/app/map');
  await open(staff, `/app/cases/${placed.id}`);
  await staff.locator('.map .leaflet-marker-icon').first().waitFor();
  assert.deepEqual(cspErrors, [], 'nothing the policy blocks');
  await staff.context().close();

  const citizen = await newPage(browser(), { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await open(citizen, '/submit');
  const map = citizen.locator('.map[data-map=pick]');
  await map.locator('.leaflet-tile-loaded').first().waitFor();
  await map.click({ position: { x: 120, y: 100 } });
  const lat = await citizen.locator('input[name=latitude]').inputValue();
  assert.match(lat, /^\d+\.\d+$/, 'the pin fills the hidden latitude');
  await noSeriousViolations(citizen, '/submit (map)');
  const form = citizen.locator('form:has([name=content])');
  await form.locator('textarea[name=content]').fill(`标点测试 PIN-${run}：人行道砖松动`);
  await form.locator('input[name=location]').fill('建设路口');
  assert.equal((await submitForm(citizen, form)).status(), 200);
  const sent = await api('GET', `/cases?q=${encodeURIComponent(`PIN-${run}`)}`);
  assert.equal(String(sent.items[0].latitude), lat, 'the case carries the place chosen');
  await citizen.context().close();
});

test('without a tile server the pages fall back to the address text', async () => {
  await api('PUT', '/settings', { map_tiles: { url: '' } });
  const page = await newPage(browser());
  await open(page, '/submit');
  assert.equal(await page.locator('.map').count(), 0, 'no map at all');
  assert.ok(await page.locator('input[name=location]').isVisible(), 'the address text');
  await open(page, '/board');
  assert.equal(await page.locator('.map').count(), 0);
  await login(page, fx.admin.username, fx.admin.password);
  await open(page, '/app/map');
  assert.ok(await page.locator('#no-map').isVisible());
  await page.context().close();
});
