// 12317 complaints (投诉举报) over HTTP, spec/funds.md and docs/complaints.md: a village
// office files a complaint (201 with exactly the fixed keys), the township does not see it
// until it is overdue on day 16 (the clock is moved by restarting the server on the same
// register with another FUPIN_NOW, never by sleeping), then sees and answers it; the phone
// is whole for the handler only; the complainant's confirmation; the statistics.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, expectError, assertStopsCleanly } from './server.mjs';
import { PASSWORD } from './matrix.mjs';

const VILLAGE = '620422102201';
const TOWNSHIP = '620422102';
const COUNTY = '620422';
const at = (day) => `2026-06-${day}T09:00:00+08:00`;

let srv;
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
  srv = await startServer({ env: { FUPIN_NOW: at('01') } });
  for (const [name, role, region] of [['cmp_v', 'village_operator', VILLAGE],
    ['cmp_t', 'township_operator', TOWNSHIP], ['cmp_c', 'county_admin', COUNTY], ['cmp_view', 'viewer', COUNTY]]) {
    const r = await srv.cli(['user', 'add', name, '--role', role, '--region', region, '--password-stdin'],
      { input: PASSWORD + '\n' });
    assert.equal(r.code, 0, `user add ${name}: ${r.err}${r.out}`);
  }
});
after(async () => { await srv?.cleanup(); });

const call = async (name, method, pathname, body, query = {}) =>
  api(srv, method, pathname, { token: await srv.token(name), body, query: { lang: 'en', ...query } });
const complaint = { channel: 'phone', region: VILLAGE, subject: '低保', text: '低保评定结果没有公示', name: '王小明', phone: '138 1234 5678' };

describe('a complaint from intake to the complainant\'s confirmation', () => {
  let id;

  it('is filed by the village office: 201 with id, due_on, state, level, region, overdue only', async () => {
    const res = await call('cmp_v', 'POST', '/api/v1/complaints', complaint);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.body.data), ['id', 'due_on', 'state', 'level', 'region', 'overdue']);
    assert.deepEqual({ ...res.body.data, id: 0 },
      { id: 0, due_on: '2026-06-16', state: 'open', level: 'village', region: VILLAGE, overdue: false });
    id = res.body.data.id;
  });

  it('shows the phone whole to the village office (its handler) and masked to the county and a viewer', async () => {
    const own = await call('cmp_v', 'GET', `/api/v1/complaints/${id}`);
    assert.equal(own.status, 200, own.text);
    assert.equal(own.body.data.phone, '13812345678');
    assert.equal(own.body.data.name, '王小明');
    for (const other of ['cmp_c', 'cmp_view', 'root']) {
      const res = await call(other, 'GET', `/api/v1/complaints/${id}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.phone, '138****5678', other);
      assert.equal(res.body.data.name, '王**', other);
    }
    const list = await call('cmp_c', 'GET', '/api/v1/complaints', undefined, { region: COUNTY });
    assert.ok(!list.text.includes('13812345678'), 'a list never shows the phone whole');
  });

  it('is not on the township\'s desk on day 15', async () => {
    await clockTo(at('16'));
    const list = await call('cmp_t', 'GET', '/api/v1/complaints');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.data.total, 0);
    expectError(await call('cmp_t', 'GET', `/api/v1/complaints/${id}`), 404, 'E_NOT_FOUND');
  });

  it('is overdue on day 16 and escalated to the township, which sees the phone and answers it', async () => {
    await clockTo(at('17'));
    const list = await call('cmp_t', 'GET', '/api/v1/complaints', undefined, { overdue: 'true' });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.data.items.map((c) => [c.id, c.level, c.overdue]), [[id, 'township', true]]);
    const shown = await call('cmp_t', 'GET', `/api/v1/complaints/${id}`);
    assert.equal(shown.body.data.phone, '13812345678');
    assert.equal(shown.body.data.escalated_to, `${TOWNSHIP}000`);
    const answered = await call('cmp_t', 'POST', `/api/v1/complaints/${id}/answer`, { answer: '已张榜公示评定结果', evidence: '公示栏照片' });
    assert.equal(answered.status, 200, answered.text);
    assert.deepEqual([answered.body.data.state, answered.body.data.answered_by, answered.body.data.overdue], ['answered', 'cmp_t', false]);
    expectError(await call('cmp_t', 'POST', `/api/v1/complaints/${id}/answer`, { answer: '再次答复' }), 409, 'E_COMPLAINT_STATE');
  });

  it('records the complainant\'s confirmation, and the statistics count it answered late', async () => {
    const res = await call('cmp_v', 'POST', `/api/v1/complaints/${id}/confirm`, { satisfied: true });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([res.body.data.state, res.body.data.satisfied], ['confirmed', true]);
    const stats = await call('cmp_c', 'GET', '/api/v1/complaints/stats', undefined, { region: COUNTY });
    assert.equal(stats.status, 200, stats.text);
    const all = stats.body.data.all;
    assert.deepEqual([all.total, all.answered_late, all.escalated, all.satisfied], [1, 1, 1, 1]);
    assert.deepEqual(stats.body.data.by_subject.map((s) => [s.subject, s.total]), [['低保', 1]]);
  });

  it('gives the nation\'s statistics to the admin for region 0 and for its twelve zeros alike', async () => {
    const short = await call('root', 'GET', '/api/v1/complaints/stats', undefined, { region: '0' });
    const long = await call('root', 'GET', '/api/v1/complaints/stats', undefined, { region: '000000000000' });
    assert.equal(short.status, 200, short.text);
    assert.equal(long.status, 200, long.text);
    assert.deepEqual(long.body.data.all, short.body.data.all);
    assert.equal(long.body.data.all.total, 1);
  });

  it('leaves one audit record per write and one for the escalation', async () => {
    const res = await call('root', 'GET', '/api/v1/audit', undefined, { action: 'complaint.', size: 100 });
    assert.equal(res.status, 200, res.text);
    const actions = res.body.data.items.filter((r) => r.target === `complaint:${id}`).map((r) => r.action);
    for (const a of ['complaint.add', 'complaint.escalate', 'complaint.answer', 'complaint.confirm']) {
      assert.equal(actions.filter((x) => x === a).length, 1, `${a}: ${actions}`);
    }
    assert.ok(!res.text.includes('13812345678'), 'the audit trail never holds the phone');
  });
});

describe('refusals', () => {
  it('answers 400 for a bad channel, E_PHONE for a bad phone, 403 for a viewer and 404 outside the scope', async () => {
    expectError(await call('cmp_v', 'POST', '/api/v1/complaints', { ...complaint, channel: 'fax' }), 400, 'E_VALIDATION');
    expectError(await call('cmp_v', 'POST', '/api/v1/complaints', { ...complaint, phone: '12345' }), 400, 'E_PHONE');
    expectError(await call('cmp_view', 'POST', '/api/v1/complaints', complaint), 403, 'E_FORBIDDEN');
    expectError(await call('cmp_v', 'POST', '/api/v1/complaints', { ...complaint, region: '620422102202' }), 404, 'E_NOT_FOUND');
    expectError(await call('cmp_v', 'POST', '/api/v1/complaints', { ...complaint, extra: 1 }), 400);
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
