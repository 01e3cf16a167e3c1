// Cases seen from the command line (`fupin cases list|show`), the import that may not
// change the status of a household with an open case, and the worklist of each level.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { HOUSEHOLD_KEYS, MEMBER_KEYS, api, newHousehold, startServer } from './server.mjs';

const VILLAGE = '620422102201';
let srv, token, household, caseId;

// The household as the two CSV files of the import template, with `changes` (template
// keys) applied to the household row.
function asCsv(body, changes = {}) {
  const row = { ...body, ...changes };
  const hKeys = Object.entries(HOUSEHOLD_KEYS).filter(([, k]) => k in row);
  const mKeys = Object.entries(MEMBER_KEYS).filter(([, k]) => k in row.members[0] || k === 'household_code');
  const value = (v) => (v === true ? '是' : v === false ? '否' : String(v ?? ''));
  const households = `${hKeys.map(([h]) => h).join(',')}\n${hKeys.map(([, k]) => value(row[k])).join(',')}\n`;
  const members = `${mKeys.map(([h]) => h).join(',')}\n` + row.members
    .map((m) => mKeys.map(([, k]) => value(k === 'household_code' ? row.household_code : m[k])).join(','))
    .join('\n') + '\n';
  return { households, members };
}

before(async () => {
  srv = await startServer();
  token = await srv.token('root');
  household = newHousehold(VILLAGE, { members: 2 });
  household.wage_income = '12000.00';
  const made = await api(srv, 'POST', '/api/v1/households', { token, body: household });
  assert.equal(made.status, 201, made.text);
  const opened = await api(srv, 'POST', '/api/v1/cases', {
    token, body: { kind: 'exit', household_code: household.household_code, year: 2026, comment: '收入稳定' },
  });
  assert.equal(opened.status, 201, opened.text);
  caseId = opened.body.data.id;
  let c = opened.body.data;
  while (c.step !== 'notice') {
    const res = await api(srv, 'POST', `/api/v1/cases/${caseId}/advance`, { token, body: { comment: '同意' } });
    assert.equal(res.status, 200, res.text);
    c = res.body.data;
  }
});
after(async () => { await srv?.cleanup(); });

test('fupin cases list --json lists the open case at its notice step', async () => {
  const r = await srv.cli(['cases', 'list', '--json']);
  assert.equal(r.code, 0, r.err);
  const list = JSON.parse(r.out);
  const item = list.items.find((i) => i.id === caseId);
  assert.ok(item, r.out);
  assert.deepEqual([item.kind, item.state, item.step, item.household_code], ['exit', 'open', 'notice', household.household_code]);
  assert.equal(item.steps, undefined, 'a list has no steps');
  const done = JSON.parse((await srv.cli(['cases', 'list', '--state', 'done', '--json'])).out);
  assert.ok(!done.items.some((i) => i.id === caseId));
});

test('fupin cases show gives every step with who did it and the running notice', async () => {
  const r = await srv.cli(['cases', 'show', String(caseId), '--json']);
  assert.equal(r.code, 0, r.err);
  const c = JSON.parse(r.out);
  assert.deepEqual(c.steps.map((s) => s.step), ['propose', 'review', 'verify', 'consent']);
  assert.ok(c.steps.every((s) => s.by === 'root' && s.role === 'admin' && s.action === 'advance'));
  assert.equal(c.steps[0].comment, '收入稳定');
  assert.deepEqual(c.notice, { start: '2026-06-30', closes_on: '2026-07-07' });
  const human = await srv.cli(['cases', 'show', String(caseId)]);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /脱贫退出/);
  assert.match(human.out, /2026-06-30 → 2026-07-07/);
});

test('fupin cases refuses an unknown kind and a case that does not exist', async () => {
  const kind = await srv.cli(['cases', 'list', '--kind', 'bogus']);
  assert.equal(kind.code, 2);
  assert.match(kind.err, /E_USAGE/);
  const missing = await srv.cli(['cases', 'show', '999999']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.err, /E_NOT_FOUND/);
});

test('an import may not change the status of a household with an open case', async () => {
  const { households, members } = asCsv(household, { poverty_status: '已脱贫', exit_year: 2026 });
  writeFileSync(path.join(srv.dir, 'h.csv'), households);
  writeFileSync(path.join(srv.dir, 'm.csv'), members);
  const r = await srv.cli(['import', path.join(srv.dir, 'h.csv'), path.join(srv.dir, 'm.csv'), '--json']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /E_CASE_OPEN/);
  const read = await api(srv, 'GET', `/api/v1/households/${household.household_code}`, { token });
  assert.equal(read.body.data.poverty_status, 0, 'still 未脱贫');
  // The same row without a status change is imported.
  const same = asCsv(household, { wage_income: '12500.00' });
  writeFileSync(path.join(srv.dir, 'h.csv'), same.households);
  writeFileSync(path.join(srv.dir, 'm.csv'), same.members);
  const ok = await srv.cli(['import', path.join(srv.dir, 'h.csv'), path.join(srv.dir, 'm.csv')]);
  assert.equal(ok.code, 0, ok.err);
});

test('the worklist shows each level what waits for it', async () => {
  const village = await api(srv, 'GET', '/api/v1/worklist', { token: await srv.token('village_op1') });
  assert.equal(village.status, 200, village.text);
  const w = village.body.data;
  assert.ok(w.waiting.items.some((c) => c.id === caseId), 'the notice step is the village\'s');
  assert.equal(w.closable.total, 0, 'the notice runs until 2026-07-07');
  assert.ok(w.without_helper.total >= 1);
  assert.ok(w.without_helper.items.every((h) => h.village_code === VILLAGE));
  const county = await api(srv, 'GET', '/api/v1/worklist', { token: await srv.token('county_admin1') });
  assert.equal(county.body.data.waiting.total, 0, 'nothing waits at the county yet');
  assert.ok(county.body.data.without_measure.total >= 1, 'the base register has a monitored household');
  const viewer = await api(srv, 'GET', '/api/v1/worklist', { token: await srv.token('viewer1') });
  assert.equal(viewer.body.data.waiting.total, 0, 'a viewer moves no case');
});
