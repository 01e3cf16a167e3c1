// The demo of `make run` (scripts/demo) lives through the procedures with the accounts it
// prints: the village, township and county accounts take a household from exit proposal
// to 已脱贫, and a household from monitoring to 风险已消除 — the clock moved with FUPIN_NOW
// by restarting the server on the same register, never by sleeping.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { BIN, ROOT, api, freshId, freshCode } from './server.mjs';

const PASSWORD = 'Demo-2026-fupin';
let dir, db, server, accounts;

// Starts `command` and resolves with its base URL once it prints one; `out` collects stdout.
function serve(command, args, env) {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within 120 s\n${out}\n${err}`)), 120000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/(127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(`http://${m[1]}`); }
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}\n${out}\n${err}`)); });
  });
  return { child, ready, out: () => out, err: () => err };
}

async function stop() {
  if (!server) return;
  const closed = new Promise((resolve) => server.child.on('close', resolve));
  server.child.kill('SIGTERM');
  await closed;
  server = null;
}

// The server on the demo register at local time `when` (China Standard Time).
async function at(when) {
  await stop();
  server = serve(BIN, ['--db', db, 'serve', '--listen', '127.0.0.1:0'], { FUPIN_NOW: `${when}T09:00:00+08:00` });
  const base = await server.ready;
  // The warning is written to stderr before the address to stdout; the pipes may deliver
  // them in either order.
  for (let i = 0; i < 50 && !/FUPIN_NOW/.test(server.err()); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(server.err(), /FUPIN_NOW/, 'the server warns that the clock is pinned');
  const srv = { base };
  const tokens = {};
  for (const name of ['village', 'township', 'county']) {
    const res = await api(srv, 'POST', '/api/v1/session', { body: { username: name, password: PASSWORD } });
    assert.equal(res.status, 201, res.text);
    tokens[name] = res.body.data.token;
  }
  return { srv, tokens };
}

// Advances case `id` through its remaining steps until it waits at a notice that is not
// yet over, or is decided; each step by the account of its level.
async function advance({ srv, tokens }, id) {
  for (;;) {
    const got = await api(srv, 'GET', `/api/v1/cases/${id}`, { token: tokens.county });
    const c = got.body.data;
    if (c.state !== 'open') return c;
    const who = { V: 'village', T: 'township', C: 'county' }[c.level];
    const res = await api(srv, 'POST', `/api/v1/cases/${id}/advance`, { token: tokens[who], body: { comment: '同意' } });
    if (res.status === 409 && res.body.error.code === 'E_NOTICE_OPEN') return { ...c, closes_on: res.body.error.details[0].closes_on };
    assert.equal(res.status, 200, res.text);
  }
}

// A household of the village account's village: two working adults, `wage` yuan.
function household(village, kind, wage) {
  const members = [0, 1].map((i) => ({
    name: `演示${i}`, id_number: freshId(village.slice(0, 6), 1), relation: i === 0 ? '户主' : '配偶',
    school_status: '非在校生', health: '健康', labor: '普通劳动力', resident_medical_insurance: '是',
  }));
  const body = {
    household_code: freshCode('D'), village_code: village, household_kind: kind, attribute: '一般户',
    wage_income: wage, business_income: '0', business_cost: '0', property_income: '0', transfer_income: '0',
    food_secure: true, clothing_secure: true, housing_grade: 'A', water_safe: true, members,
  };
  if (kind === '建档立卡户') Object.assign(body, { poverty_status: '未脱贫', registered_year: 2016, main_cause: '缺资金' });
  return body;
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fupin-demo-'));
  db = path.join(dir, 'demo.db');
  const demo = serve(path.join(ROOT, 'scripts', 'demo'), [db, '620422', '300', '127.0.0.1:0'],
    { FUPIN_NOW: '2026-06-30T09:00:00+08:00', DEMO_WORK: path.join(dir, 'work') });
  server = demo;
  await demo.ready;
  accounts = Object.fromEntries([...demo.out().matchAll(/^\s+(\w+)\s+(\w+)\s+(\d+)$/gm)].map((m) => [m[1], { role: m[2], region: m[3] }]));
});
after(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the demo prints a village, township and county account of one chain', () => {
  assert.equal(accounts.village.role, 'village_operator');
  assert.equal(accounts.township.region, accounts.village.region.slice(0, 9));
  assert.equal(accounts.county.region, accounts.village.region.slice(0, 6));
});

test('the demo accounts take a household from exit proposal to 已脱贫', async () => {
  let s = await at('2026-06-30');
  const village = accounts.village.region;
  const h = household(village, '建档立卡户', '12000.00');
  const made = await api(s.srv, 'POST', '/api/v1/households', { token: s.tokens.village, body: h });
  assert.equal(made.status, 201, made.text);
  const opened = await api(s.srv, 'POST', '/api/v1/cases', {
    token: s.tokens.village, body: { kind: 'exit', household_code: h.household_code, year: 2026 },
  });
  assert.equal(opened.status, 201, opened.text);
  const waiting = await advance(s, opened.body.data.id);
  assert.equal(waiting.step, 'notice');
  assert.equal(waiting.closes_on, '2026-07-07');
  s = await at('2026-07-07');
  const done = await advance(s, opened.body.data.id);
  assert.equal(done.state, 'done');
  assert.deepEqual(done.steps.map((x) => x.by), ['village', 'village', 'village', 'village', 'village', 'township', 'county']);
  const read = await api(s.srv, 'GET', `/api/v1/households/${h.household_code}`, { token: s.tokens.county });
  assert.equal(read.body.data.poverty_status, 1, '已脱贫');
  assert.equal(read.body.data.exit_year, 2026);
});

test('the demo accounts take a monitored household to 风险已消除', async () => {
  let s = await at('2026-07-07');
  const village = accounts.village.region;
  const h = household(village, '普通农户', '20000.00');
  const made = await api(s.srv, 'POST', '/api/v1/households', { token: s.tokens.village, body: h });
  assert.equal(made.status, 201, made.text);
  const monitor = await api(s.srv, 'POST', '/api/v1/cases', {
    token: s.tokens.village,
    body: { kind: 'monitor', household_code: h.household_code, type: 3, risk_types: ['07'], source: 'application' },
  });
  assert.equal(monitor.status, 201, monitor.text);
  assert.equal(monitor.body.data.params.due_on, '2026-07-22', '15 days from the clue');
  assert.equal((await advance(s, monitor.body.data.id)).closes_on, '2026-07-12');
  s = await at('2026-07-12');
  assert.equal((await advance(s, monitor.body.data.id)).state, 'done');
  const measure = await api(s.srv, 'POST', `/api/v1/households/${h.household_code}/measures`, {
    token: s.tokens.village, body: { category: '02', date: '2026-07-12', amount: '0', description: '介绍到县城务工' },
  });
  assert.equal(measure.status, 201, measure.text);
  s = await at('2027-01-13');
  const eliminate = await api(s.srv, 'POST', '/api/v1/cases', {
    token: s.tokens.village, body: { kind: 'eliminate', household_code: h.household_code },
  });
  assert.equal(eliminate.status, 201, eliminate.text);
  assert.equal((await advance(s, eliminate.body.data.id)).closes_on, '2027-01-18');
  s = await at('2027-01-18');
  const done = await advance(s, eliminate.body.data.id);
  assert.equal(done.state, 'done');
  assert.equal(done.params.method, 1, '帮扶消除: a development-type measure was given');
  const read = await api(s.srv, 'GET', `/api/v1/households/${h.household_code}`, { token: s.tokens.county });
  assert.equal(read.body.data.monitor_status, 2, '风险已消除');
});

test('the demo has projects, loans and 12317 complaints: one answered and confirmed, one overdue and escalated to the township', async () => {
  const s = await at('2026-06-30');
  const village = accounts.village.region;
  const projects = await api(s.srv, 'GET', '/api/v1/projects', { token: s.tokens.county });
  assert.equal(projects.status, 200, projects.text);
  assert.ok(projects.body.data.total >= 3, projects.text);
  const loans = await api(s.srv, 'GET', '/api/v1/loans', { token: s.tokens.county });
  assert.equal(loans.status, 200, loans.text);
  assert.ok(loans.body.data.total >= 1, loans.text);
  const complaints = await api(s.srv, 'GET', '/api/v1/complaints', { token: s.tokens.township });
  assert.equal(complaints.status, 200, complaints.text);
  const overdue = complaints.body.data.items.filter((c) => c.overdue);
  assert.equal(overdue.length, 1, complaints.text);
  assert.equal(overdue[0].region, village);
  assert.equal(overdue[0].escalated_to, `${accounts.township.region}000`);
  const stats = await api(s.srv, 'GET', '/api/v1/complaints/stats', { token: s.tokens.county });
  assert.equal(stats.status, 200, stats.text);
  assert.deepEqual([stats.body.data.all.total, stats.body.data.all.satisfied], [2, 1]);
});

// `make run` sets no FUPIN_NOW: the demo then reads the system clock (a bug once stopped it
// under `set -u` before it served).
test('the demo serves on the system clock when FUPIN_NOW is not set, as `make run` runs it', async () => {
  const own = mkdtempSync(path.join(tmpdir(), 'fupin-demo-clock-'));
  const env = { ...process.env, DEMO_WORK: path.join(own, 'work') };
  delete env.FUPIN_NOW;
  const child = spawn(path.join(ROOT, 'scripts', 'demo'), [path.join(own, 'demo.db'), '620422', '40', '127.0.0.1:0'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const closed = new Promise((resolve) => child.on('close', resolve));
  try {
    const served = await Promise.race([
      new Promise((resolve) => { const t = setInterval(() => { if (/http:\/\/127\.0\.0\.1:\d+/.test(out)) { clearInterval(t); resolve(true); } }, 50); }),
      closed.then(() => false),
      new Promise((resolve) => setTimeout(() => resolve(false), 120000)),
    ]);
    assert.ok(served, `the demo printed its address\n${out}\n${err}`);
    assert.doesNotMatch(err, /unbound variable/);
  } finally {
    child.kill('SIGTERM');
    await closed;
    rmSync(own, { recursive: true, force: true });
  }
});

// `make run DB=postgresql` (issue 15): the same demo on a PostgreSQL server of its own,
// stopped with the demo.
test('the demo runs on a PostgreSQL of its own and stops it when it stops', async () => {
  const own = mkdtempSync(path.join(tmpdir(), 'fupin-demo-pg-test-'));
  const env = { ...process.env, DEMO_WORK: path.join(own, 'work'), DEMO_PG_DIR: path.join(own, 'pg'),
    FUPIN_NOW: '2026-06-30T09:00:00+08:00' };
  const child = spawn(path.join(ROOT, 'scripts', 'demo-postgres'), ['620422', '40', '127.0.0.1:0'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const closed = new Promise((resolve) => child.on('close', resolve));
  let server = null;
  try {
    const base = await Promise.race([
      new Promise((resolve) => { const t = setInterval(() => { const m = /(http:\/\/127\.0\.0\.1:\d+)\s*$/m.exec(out); if (m) { clearInterval(t); resolve(m[1]); } }, 50); }),
      closed.then(() => null),
      new Promise((resolve) => setTimeout(() => resolve(null), 120000)),
    ]);
    assert.ok(base, `the demo printed its address\n${out}\n${err}`);
    assert.match(out, /^PostgreSQL: postgresql:\/\/\S+@127\.0\.0\.1:\d+\//m);
    server = readlinkSync(path.join(own, 'pg'));
    // The county's account reads the demo county's register from PostgreSQL.
    const login = await api({ base }, 'POST', '/api/v1/session', { body: { username: 'county', password: PASSWORD } });
    assert.equal(login.status, 201, login.text);
    const households = await api({ base }, 'GET', '/api/v1/households', { token: login.body.data.token, query: { region: '620422' } });
    assert.equal(households.status, 200, households.text);
    assert.equal(households.body.data.total, 40);
  } finally {
    child.kill('SIGTERM');
    await closed;
    if (!server) rmSync(own, { recursive: true, force: true });
  }
  try {
    assert.ok(server && !existsSync(server), `the PostgreSQL folder ${server} is removed`);
    assert.ok(!existsSync(path.join(own, 'pg')), 'the link to it is removed');
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});
