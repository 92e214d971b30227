// Creates what the tests need on a fresh server, through the JSON API and the `rectify user add`
// command, and writes it as JSON to $E2E_FIXTURES.
//
//   units      A (东城街道) and B (西城街道)
//   accounts   clerk_a (unit_clerk of A), clerk_b (unit_clerk of B)
//   problems   aPrivate (A, unpublished), bPrivate (B, unpublished), published (A, published)
//   cases      a (accepted, assigned to A; also the tracking example), b (accepted, assigned to B)
//   inspection an overt plan over A and B with two inspectors (one of them the account
//              inspector_1), a drawn round
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const BASE_URL = process.env.BASE_URL;
const BIN = process.env.RECTIFY_BIN;
const DATA = process.env.RECTIFY_DATA_DIR;
const ADMIN_PASSWORD = process.env.RECTIFY_ADMIN_PASSWORD;
const OUT = process.env.E2E_FIXTURES;
for (const [k, v] of Object.entries({ BASE_URL, RECTIFY_BIN: BIN, RECTIFY_DATA_DIR: DATA, RECTIFY_ADMIN_PASSWORD: ADMIN_PASSWORD, E2E_FIXTURES: OUT })) {
  if (!v) throw new Error(`${k} is not set`);
}

let cookie = '';

async function api(method, path, body, { auth = true } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth && cookie) headers.cookie = cookie;
  const resp = await fetch(`${BASE_URL}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await resp.text();
  if (!resp.ok) throw new Error(`${method} ${path} ${JSON.stringify(body)}: HTTP ${resp.status}\n${text}`);
  if (path === '/session') {
    const set = resp.headers.get('set-cookie') || '';
    cookie = set.split(';')[0];
    if (!cookie) throw new Error('POST /session set no cookie');
  }
  return text ? JSON.parse(text) : null;
}

function addAccount(username, role, unitId, password, personId) {
  const args = ['user', 'add', username, '--role', role, '--password-stdin', '--data', DATA];
  if (unitId) args.splice(5, 0, '--unit', unitId);
  if (personId) args.splice(5, 0, '--person', personId);
  execFileSync(BIN, args, { input: `${password}\n`, stdio: ['pipe', 'pipe', 'inherit'] });
}

function dateIn(days) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

const run = Date.now().toString(36).toUpperCase();

await api('POST', '/session', { username: 'admin', password: ADMIN_PASSWORD });

const unitA = await api('POST', '/units', { name: '东城街道办事处' });
const unitB = await api('POST', '/units', { name: '西城街道办事处' });

const password = 'e2e-Clerk-pass-2024';
addAccount('clerk_a', 'unit_clerk', unitA.id, password);
addAccount('clerk_b', 'unit_clerk', unitB.id, password);

const problem = async (description, unit, published) => {
  const p = await api('POST', '/problems', { description, unit_id: unit.id, deadline: dateIn(40), published });
  return { id: String(p.id), description };
};
const problems = {
  aPrivate: await problem(`东城内部问题 A-PRIVATE-${run}：老旧小区楼道堆物未清理`, unitA, false),
  bPrivate: await problem(`西城内部问题 B-PRIVATE-${run}：菜市场周边占道经营`, unitB, false),
  published: await problem(`公开问题 PUBLIC-${run}：公交站台雨棚破损`, unitA, true),
};

const publicCase = async (content, title, phone, unit) => {
  const r = await api(
    'POST',
    '/cases',
    { content, title, type: 'complaint', channel: 'web', name: '测试群众', phone },
    { auth: false },
  );
  await api('POST', `/cases/${r.id}/transitions`, { action: 'accept' });
  await api('POST', `/cases/${r.id}/transitions`, { action: 'assign', unit_id: unit.id });
  return { id: String(r.id), tracking_code: r.tracking_code, content, title, phone, phone_tail: phone.slice(-4) };
};
const cases = {
  a: await publicCase(`东城诉求 CASE-A-${run}：小区路灯不亮`, `东城路灯 CASE-A-TITLE-${run}`, '13800000101', unitA),
  b: await publicCase(`西城诉求 CASE-B-${run}：夜间施工噪音扰民`, `西城噪音 CASE-B-TITLE-${run}`, '13800000202', unitB),
};

// Inspections: two inspectors of the office, a plan over A and B, one round drawn.
const office = await api('POST', '/units', { name: '区督查室', kind: 'office' });
const inspectors = [];
for (const name of ['督查员甲', '督查员乙']) {
  inspectors.push(await api('POST', '/people', { name, kind: 'supervisor', unit_id: office.id }));
}
addAccount('inspector_1', 'inspector', null, password, inspectors[0].id);
const plan = await api('POST', '/inspection-plans', {
  name: '午间纪律日巡查', rhythm: 'daily', theme: '中午就餐', checklist: ['是否提前就餐', '是否午间饮酒'],
  starts_on: dateIn(-10), ends_on: dateIn(30), groups: 1, inspectors_per_group: 2, targets_per_group: 1,
  inspector_ids: inspectors.map((i) => i.id), target_unit_ids: [unitA.id, unitB.id],
});
const round = await api('POST', `/inspection-plans/${plan.id}/rounds`, {});
const drawn = await api('POST', `/rounds/${round.id}/draw`, {});

// The service catalog: one published item of unit A, as a street office prints it.
const service = await api('POST', '/services', {
  code: 'DC-MZ-001', name: '生育登记', kind: 'public', unit_id: unitA.id, window: '3号窗口',
  staff: [{ name: '李红', phone: '0931-7612345' }], place: '东城街道便民服务中心一楼', hours: '工作日 9:00—17:00',
  materials: [{ name: '夫妻双方身份证', form: 'both' }, { name: '结婚证' }], steps: ['申请', '受理', '办结'],
  legal_limit_days: 20, promised_limit_days: 1, max_visits: 1, delivery: 'appointment', lists: ['最多跑一次', '生育'],
});

// Its daily slots, one an hour (so that today still has one not begun whenever the tests run),
// and the window's officer who receives the applicants.
const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
await api('PUT', `/appointments/items/${service.id}/slots`, {
  slots: hours.map((h) => ({ starts: `${h}:00`, ends: h === '23' ? '23:59' : `${hours[Number(h) + 1]}:00`, capacity: 20 })),
});
const officer = await api('POST', '/people', { name: '李红', kind: 'staff', unit_id: unitA.id, position: '3号窗口工作人员' });
// An item handled fully online (全程网办), applied for in the online hall.
const online = await api('POST', '/services', {
  code: 'DC-SB-002', name: '城乡居民医疗保险参保登记', kind: 'public', unit_id: unitA.id, window: '2号窗口',
  materials: [{ name: '居民身份证', form: 'copy' }], steps: ['网上申请', '受理', '办结'],
  legal_limit_days: 5, promised_limit_days: 1, max_visits: 0, delivery: 'online', lists: ['最多跑一次', '医疗'],
});

const fixtures = {
  admin: { username: 'admin', password: ADMIN_PASSWORD },
  clerkA: { username: 'clerk_a', password },
  clerkB: { username: 'clerk_b', password },
  units: { a: { id: String(unitA.id), name: unitA.name }, b: { id: String(unitB.id), name: unitB.name } },
  problems,
  cases,
  inspector: { username: 'inspector_1', password },
  round: { id: String(drawn.id), target: String(drawn.groups[0].targets[0]) },
  plan: { id: String(plan.id) },
  service: { id: String(service.id), officer: String(officer.id) },
  online: { id: String(online.id) },
};
writeFileSync(OUT, JSON.stringify(fixtures, null, 2));
console.log(`fixtures: 2 units, 2 clerks, ${Object.keys(problems).length} problems, ${Object.keys(cases).length} cases`);
