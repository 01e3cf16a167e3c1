// Cases (办件) over HTTP, spec/procedures.md and docs/procedures.md: a village operator, a
// township operator over it and a county admin made for this test take a household out of
// poverty (exit → 已脱贫) and a monitored household to 风险已消除, each step at its level;
// the notice cannot be closed the day before its date and can on it (the clock is moved by
// restarting the server on the same register with another FUPIN_NOW); the refusals carry
// their codes and details; an objection sends a case back to verify; evidence is attached
// to a step; the decision reaches the household's history, the summary and the audit trail.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, expectError, assertStopsCleanly, newHousehold } from './server.mjs';
import { PASSWORD } from './matrix.mjs';

const VILLAGE = '620422102201';
const TOWNSHIP = '620422102';
const COUNTY = '620422';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const at = (day) => `2026-06-${day}T09:00:00+08:00`;

let srv;
// Moves the clock: stops the server and starts another on a copy of its register.
async function clockTo(now) {
  const old = srv;
  await old.stop();
  try {
    srv = await startServer({ db: old.db, env: { FUPIN_NOW: now } });
  } finally {
    await old.cleanup();
  }
}

before(async () => {
  srv = await startServer({ env: { FUPIN_NOW: at(10) } });
  for (const [name, role, region] of [['cases_v', 'village_operator', VILLAGE],
    ['cases_t', 'township_operator', TOWNSHIP], ['cases_c', 'county_admin', COUNTY]]) {
    const r = await srv.cli(['user', 'add', name, '--role', role, '--region', region, '--password-stdin'],
      { input: PASSWORD + '\n' });
    assert.equal(r.code, 0, `user add ${name}: ${r.err}${r.out}`);
  }
});
after(async () => { await srv?.cleanup(); });

const call = async (name, method, pathname, body, query = {}) =>
  api(srv, method, pathname, { token: await srv.token(name), body, query: { lang: 'en', ...query } });
const open = (name, body) => call(name, 'POST', '/api/v1/cases', body);
const advance = (name, id, body = {}) => call(name, 'POST', `/api/v1/cases/${id}/advance`, body);
const show = (name, id) => call(name, 'GET', `/api/v1/cases/${id}`);
const waiting = async (name) =>
  (await call(name, 'GET', '/api/v1/cases', undefined, { waiting: 'me', size: 500 })).body.data.items.map((c) => c.id);
async function addHousehold(code, changes = {}, member = {}) {
  const body = { ...newHousehold(VILLAGE, { code }), ...changes };
  body.members = body.members.map((m) => ({ ...m, ...member }));
  const res = await call('root', 'POST', '/api/v1/households', body);
  assert.equal(res.status, 201, res.text);
  return code;
}
async function uploadAs(name, bytes, fileName) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), fileName);
  return api(srv, 'POST', '/api/v1/attachments', { token: await srv.token(name), form, query: { lang: 'en' } });
}
const summary = async () =>
  (await call('root', 'GET', `/api/v1/regions/${VILLAGE}/summary`, undefined, { year: 2026 })).body.data;

// The households of the story.
const EXIT = 'HC2026061000001'; //    建档立卡户 未脱贫, 4,500 yuan a head: above the 2020 line (4,000)
const POOR = 'HC2026061000002'; //    未脱贫, 1,500 yuan, 危房 D, unsafe water: may not exit
const MONITORED = 'HC2026061000003'; // 已脱贫, monitored since 2024-03-15, 8,000 yuan, a worker
const OBJECTED = 'HC2026061000004'; // 建档立卡户 to be removed (空挂户), objected to
let exitCase, eliminateCase, objectedCase, photo;

describe('on 2026-06-10', () => {
  it('the village operator opens an exit for 2020; the case stands at review (V) and is audited case.open', async () => {
    await addHousehold(EXIT);
    const res = await open('cases_v', { kind: 'exit', household_code: EXIT, year: 2020, comment: '收入稳定超过标准' });
    assert.equal(res.status, 201, res.text);
    exitCase = res.body.data;
    assert.deepEqual([exitCase.kind, exitCase.year, exitCase.state, exitCase.step, exitCase.level, exitCase.village_code],
      ['exit', 2020, 'open', 'review', 'V', VILLAGE]);
    assert.deepEqual(exitCase.steps.map((s) => [s.step, s.action, s.by, s.role]),
      [['propose', 'advance', 'cases_v', 'village_operator']]);
    const audit = await call('root', 'GET', '/api/v1/audit', undefined, { action: 'case.open', target: `case:${exitCase.id}` });
    assert.equal(audit.body.data.total, 1, audit.text);
    assert.equal(audit.body.data.items[0].actor, 'cases_v');
  });

  it('a second case for the same household is refused with E_CASE_OPEN naming the open case', async () => {
    const res = await open('cases_v', { kind: 'remove', household_code: EXIT, reason: '05' });
    expectError(res, 409, 'E_CASE_OPEN');
    assert.deepEqual(res.body.error.details, [{ case: exitCase.id }]);
  });

  it('the township and the county may not open a case, nor do a village step (E_STEP_LEVEL)', async () => {
    await addHousehold('HC2026061000009');
    expectError(await open('cases_t', { kind: 'remove', household_code: 'HC2026061000009', reason: '05' }), 403, 'E_STEP_LEVEL');
    expectError(await open('cases_c', { kind: 'remove', household_code: 'HC2026061000009', reason: '05' }), 403, 'E_STEP_LEVEL');
    expectError(await advance('cases_t', exitCase.id), 403, 'E_STEP_LEVEL');
    expectError(await advance('cases_c', exitCase.id), 403, 'E_STEP_LEVEL');
    expectError(await advance('viewer_county', exitCase.id), 403, 'E_FORBIDDEN');
    assert.equal((await show('cases_v', exitCase.id)).body.data.step, 'review', 'nothing moved');
  });

  it('an exit whose conditions fail is refused with E_CONDITIONS listing every failing criterion, and nothing is written', async () => {
    await addHousehold(POOR, { wage_income: '500.00', business_income: '500.00', transfer_income: '500.00', housing_grade: 'D', water_safe: false });
    const res = await open('cases_v', { kind: 'exit', household_code: POOR, year: 2020 });
    expectError(res, 422, 'E_CONDITIONS');
    const criteria = res.body.error.details.map((d) => d.criterion).sort();
    assert.deepEqual(criteria, ['housing', 'income', 'water']);
    for (const d of res.body.error.details) assert.ok(d.message.length > 0);
    const list = await call('root', 'GET', '/api/v1/cases', undefined, { household: POOR });
    assert.equal(list.body.data.total, 0);
  });

  it('a text file is refused as evidence (415); a photo is attached to the verify step and shown in the case', async () => {
    expectError(await uploadAs('cases_v', Buffer.from('会议记录\n'), '评议记录.jpg'), 415, 'E_ATTACHMENT_TYPE');
    assert.equal((await advance('cases_v', exitCase.id, { comment: '民主评议通过' })).status, 200);
    const up = await uploadAs('cases_v', PNG, '核实照片.png');
    assert.equal(up.status, 201, up.text);
    photo = up.body.data;
    const res = await advance('cases_v', exitCase.id, { comment: '已入户核实', attachments: [photo.id] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.step, 'consent');
    const read = await show('cases_c', exitCase.id);
    const verify = read.body.data.steps.find((s) => s.step === 'verify');
    assert.deepEqual(verify.attachments.map((a) => [a.id, a.file_name, a.media_type, a.sha256]),
      [[photo.id, '核实照片.png', 'image/png', photo.sha256]]);
    assert.deepEqual(read.body.data.steps.find((s) => s.step === 'review').attachments, []);
  });

  it('after the household consents, the notice runs from today and may be closed from 2026-06-17', async () => {
    const res = await advance('cases_v', exitCase.id, { comment: '户主签字认可' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.step, 'notice');
    assert.deepEqual(res.body.data.notice, { start: '2026-06-10', closes_on: '2026-06-17' });
  });

  it('a monitored household with a measure recorded: its elimination is opened and taken to its notice', async () => {
    await addHousehold(MONITORED, {
      poverty_status: '已脱贫', exit_year: 2019, wage_income: '8000.00', monitor_type: '脱贫不稳定户',
      monitor_status: '监测中', monitor_since: '2024-03-15', risk_types: '因病',
    }, { health: '健康', labor: '普通劳动力' });
    const noMeasure = await open('cases_v', { kind: 'eliminate', household_code: MONITORED });
    expectError(noMeasure, 422, 'E_CONDITIONS');
    assert.deepEqual(noMeasure.body.error.details.map((d) => d.criterion), ['measure']);
    const measure = await call('cases_v', 'POST', `/api/v1/households/${MONITORED}/measures`,
      { category: '02', date: '2026-05-01', description: '介绍到县城务工' });
    assert.equal(measure.status, 201, measure.text);
    // Opened by an admin at village level: it may not approve it later.
    const res = await open('admin_county', { kind: 'eliminate', household_code: MONITORED, comment: '收入稳定' });
    assert.equal(res.status, 201, res.text);
    eliminateCase = res.body.data;
    for (const step of ['verify', 'review']) {
      const r = await advance('cases_v', eliminateCase.id, { comment: step });
      assert.equal(r.status, 200, r.text);
    }
    const read = await show('cases_v', eliminateCase.id);
    assert.equal(read.body.data.step, 'notice');
    assert.deepEqual(read.body.data.notice, { start: '2026-06-10', closes_on: '2026-06-15' });
  });

  it('an objection during a notice (by a viewer who may read the case) sends it back to verify', async () => {
    await addHousehold(OBJECTED);
    const res = await open('cases_v', { kind: 'remove', household_code: OBJECTED, reason: '05', comment: '空挂户' });
    assert.equal(res.status, 201, res.text);
    objectedCase = res.body.data;
    expectError(await call('viewer_county', 'POST', `/api/v1/cases/${objectedCase.id}/objections`, { text: '太早' }), 409, 'E_STATE');
    for (let i = 0; i < 2; i++) assert.equal((await advance('cases_v', objectedCase.id)).status, 200);
    assert.equal((await show('cases_v', objectedCase.id)).body.data.step, 'notice');
    const obj = await call('viewer_county', 'POST', `/api/v1/cases/${objectedCase.id}/objections`, { text: '该户一直在村居住' });
    assert.equal(obj.status, 201, obj.text);
    assert.equal(obj.body.data.step, 'verify');
    assert.equal(obj.body.data.notice, null);
    assert.deepEqual(obj.body.data.steps.at(-1),
      { ...obj.body.data.steps.at(-1), step: 'notice', action: 'objection', by: 'viewer_county', comment: '该户一直在村居住' });
  });

  it('waiting=me: the village operator has its cases at village steps, the township and the county none yet', async () => {
    const mine = await waiting('cases_v');
    for (const id of [exitCase.id, eliminateCase.id, objectedCase.id]) assert.ok(mine.includes(id), `${id} waits for V`);
    assert.deepEqual(await waiting('cases_t'), []);
    assert.deepEqual(await waiting('cases_c'), []);
    assert.deepEqual(await waiting('viewer_county'), []);
  });
});

describe('on 2026-06-16', () => {
  before(() => clockTo(at(16)));

  it('the exit notice may not be closed the day before its date: E_NOTICE_OPEN with closes_on', async () => {
    const res = await advance('cases_v', exitCase.id);
    expectError(res, 409, 'E_NOTICE_OPEN');
    assert.deepEqual(res.body.error.details, [{ closes_on: '2026-06-17' }]);
  });

  it('the elimination passes its notice and check; the admin who opened it may not approve (E_SEPARATION)', async () => {
    assert.equal((await advance('cases_v', eliminateCase.id, { comment: '公示无异议' })).body.data.step, 'check');
    expectError(await advance('cases_c', eliminateCase.id), 403, 'E_STEP_LEVEL');
    assert.ok((await waiting('cases_t')).includes(eliminateCase.id));
    assert.equal((await advance('cases_t', eliminateCase.id, { comment: '乡镇审核同意' })).body.data.step, 'approve');
    expectError(await advance('admin_county', eliminateCase.id), 403, 'E_SEPARATION');
  });

  it('the county approves: 风险已消除 by help (帮扶消除), with history from the case and case.decide audited', async () => {
    assert.ok((await waiting('cases_c')).includes(eliminateCase.id));
    const res = await advance('cases_c', eliminateCase.id, { comment: '县级审定' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([res.body.data.state, res.body.data.step, res.body.data.params.method], ['done', null, 1]);
    const h = (await call('root', 'GET', `/api/v1/households/${MONITORED}`)).body.data;
    assert.equal(h.monitor_status, 2, '2 风险已消除 (codes.md)');
    assert.ok(h.history.some((e) => e.source === `case:${eliminateCase.id}` && e.field === 'monitor_status'),
      JSON.stringify(h.history));
    const audit = await call('root', 'GET', '/api/v1/audit', undefined, { action: 'case.decide', target: `case:${eliminateCase.id}` });
    assert.equal(audit.body.data.total, 1, audit.text);
    assert.equal(audit.body.data.items[0].actor, 'cases_c');
  });
});

describe('on 2026-06-17', () => {
  before(() => clockTo(at(17)));

  it('on its date the exit notice closes; the case waits for the township, then for the county', async () => {
    const res = await advance('cases_v', exitCase.id, { comment: '公示无异议' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([res.body.data.step, res.body.data.level, res.body.data.notice], ['check', 'T', null]);
    assert.ok(!(await waiting('cases_v')).includes(exitCase.id));
    assert.ok((await waiting('cases_t')).includes(exitCase.id));
    assert.ok(!(await waiting('cases_c')).includes(exitCase.id));
    assert.equal((await advance('cases_t', exitCase.id, { comment: '乡镇审核同意' })).status, 200);
    assert.ok((await waiting('cases_c')).includes(exitCase.id));
    assert.ok(!(await waiting('cases_t')).includes(exitCase.id));
  });

  it('the county approves: the household is 已脱贫 in 2020, its history names the case, the summary counts it', async () => {
    const before = await summary();
    const res = await advance('cases_c', exitCase.id, { comment: '县级审定，同意退出' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([res.body.data.state, res.body.data.step, res.body.data.steps.length], ['done', null, 7]);
    assert.deepEqual(res.body.data.steps.map((s) => s.by),
      ['cases_v', 'cases_v', 'cases_v', 'cases_v', 'cases_v', 'cases_t', 'cases_c']);
    const h = (await call('root', 'GET', `/api/v1/households/${EXIT}`)).body.data;
    assert.deepEqual([h.poverty_status, h.exit_year], [1, 2020], '1 已脱贫 (codes.md)');
    const entries = h.history.filter((e) => e.source === `case:${exitCase.id}`);
    assert.deepEqual(entries.map((e) => e.field).sort(), ['exit_year', 'poverty_status'], JSON.stringify(h.history));
    assert.ok(entries.every((e) => e.actor === 'cases_c'));
    const now = await summary();
    assert.equal(now.by_status['已脱贫'] ?? 0, (before.by_status['已脱贫'] ?? 0) + 1);
    assert.equal(now.by_status['未脱贫'] ?? 0, (before.by_status['未脱贫'] ?? 0) - 1);
    assert.ok(!(await waiting('cases_c')).includes(exitCase.id));
  });

  it('a closed case moves no more (E_STATE), and the household may have a new case', async () => {
    expectError(await advance('cases_c', exitCase.id), 409, 'E_STATE');
    const res = await open('cases_v', { kind: 'monitor', household_code: EXIT, type: 1, source: 'application', clue_date: '2026-06-15' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.data.params.due_on, '2026-06-30');
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
