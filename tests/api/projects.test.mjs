// The project library over HTTP (spec/funds.md "Projects", docs/projects.md): a village's
// project from its proposal to its assets with its four notices, the server restarted on the
// same database with FUPIN_NOW moved (never a sleep): E_NOTICE_OPEN the day before a notice
// closes and fine on the day; E_STEP_LEVEL, E_SEPARATION, E_CONDITIONS without performance
// targets; an allocation of the funds ledger to the project once it is in the library; the
// counts by stage and category (GET /projects/stats).
// Accounts (matrix.mjs): village_op1 of 620422102201, admin_county (an admin of the county,
// who acts at any level: here the township's stages) and county_admin1.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, expectError, assertStopsCleanly } from './server.mjs';

const VILLAGE = '620422102201';
const HOUSEHOLD = 'H2210220100002'; // in VILLAGE

let srv;
async function at(date) {
  const old = srv;
  if (old) await old.stop();
  try {
    srv = await startServer({ db: old?.db, env: { FUPIN_NOW: `${date}T10:00:00+08:00` } });
  } finally {
    await old?.cleanup();
  }
}
before(async () => { await at('2026-03-02'); });
after(async () => { await srv?.cleanup(); });

const call = async (name, method, pathname, body, query = {}) =>
  api(srv, method, pathname, { token: await srv.token(name), body, query: { lang: 'en', ...query } });
async function ok(name, method, pathname, body, status = 200) {
  const res = await call(name, method, pathname, body);
  assert.equal(res.status, status, `${name} ${method} ${pathname}: ${res.text.slice(0, 400)}`);
  return res.body.data;
}
const advance = (name, id, body = { comment: '同意' }) => ok(name, 'POST', `/api/v1/projects/${id}/advance`, body);

function project(extra = {}) {
  return {
    name: '乙村肉牛养殖合作社扩建', category: '产业发展', nature: '扩建', region: VILLAGE, year: 2026,
    start_on: '2026-04-01', end_on: '2026-10-31', unit: '乙镇人民政府', person: '王某',
    tasks: '新建牛舍 600 平方米，购置基础母牛 40 头',
    budget: { central: '300000', 整合: '150000.50' }, households: [HOUSEHOLD],
    beneficiaries: { households: 12, people: 45, poor_households: 12, poor_people: 45 },
    performance_targets: [{ indicator: '带动脱贫户户均增收', target: '≥2000元' }],
    poverty_linkage: '入股分红：脱贫户按资金份额每年分红',
    ...extra,
  };
}

describe('a village project from its proposal to its assets', () => {
  let id, bare;

  it('is proposed by the village and its village notice starts at once for 10 days', async () => {
    const p = await ok('village_op1', 'POST', '/api/v1/projects', project(), 201);
    id = p.id;
    assert.deepEqual([p.stage, p.state, p.in_library, p.notice], ['village_notice', 'open', false, { start: '2026-03-02', closes_on: '2026-03-12' }]);
    assert.deepEqual(p.category, { code: 1, key: 'industry', label: '产业发展' });
    assert.deepEqual(p.budget, [
      { source: 'central', label: '中央', amount: '300000.00' },
      { source: 'integrated', label: '统筹整合涉农资金', amount: '150000.50' },
    ]);
    assert.equal(p.budget_total, '450000.50');
    assert.deepEqual(p.households, [HOUSEHOLD]);
    assert.deepEqual(p.steps.map((s) => [s.step, s.action, s.by]), [['propose', 'advance', 'village_op1']]);
    bare = (await ok('village_op1', 'POST', '/api/v1/projects',
      project({ name: '村级光伏电站', performance_targets: [], poverty_linkage: '' }), 201)).id;
  });

  it('is listed by stage, year and category and is not found outside the region', async () => {
    const listed = await ok('county_admin1', 'GET', `/api/v1/projects?region=${VILLAGE}&stage=village_notice&year=2026&category=industry`);
    assert.deepEqual([listed.total, listed.items.map((x) => x.id)], [2, [id, bare]]);
    assert.equal(listed.items[0].steps, undefined);
    expectError(await call('viewer1', 'GET', `/api/v1/projects/${id}`), 404, 'E_NOT_FOUND');
    expectError(await call('viewer1', 'GET', '/api/v1/projects', undefined, { region: VILLAGE }), 404, 'E_NOT_FOUND');
  });

  it('cannot close its village notice the day before it ends', async () => {
    await at('2026-03-11');
    const res = await call('village_op1', 'POST', `/api/v1/projects/${id}/advance`, { comment: '公示无异议' });
    expectError(res, 409, 'E_NOTICE_OPEN');
    assert.deepEqual(res.body.error.details, [{ closes_on: '2026-03-12' }]);
  });

  it('closes it on the day; the township reviews, the village may not', async () => {
    await at('2026-03-12');
    for (const p of [id, bare]) assert.equal((await advance('village_op1', p, { comment: '公示无异议' })).stage, 'review');
    expectError(await call('village_op1', 'POST', `/api/v1/projects/${id}/advance`, {}), 403, 'E_STEP_LEVEL');
    for (const p of [id, bare]) assert.equal((await advance('admin_county', p)).stage, 'township_notice');
  });

  it('enters the library by the county at once, with targets and linkage, by another account than the reviewer', async () => {
    await at('2026-03-22');
    for (const p of [id, bare]) assert.equal((await advance('admin_county', p)).stage, 'approve');
    const refused = await call('county_admin1', 'POST', `/api/v1/projects/${bare}/advance`, {});
    expectError(refused, 422, 'E_CONDITIONS');
    assert.deepEqual(refused.body.error.details.map((d) => d.criterion), ['performance_targets', 'poverty_linkage']);
    expectError(await call('admin_county', 'POST', `/api/v1/projects/${id}/advance`, {}), 403, 'E_SEPARATION');
    const approved = await advance('county_admin1', id, { comment: '同意入库' });
    assert.deepEqual([approved.stage, approved.in_library, approved.approved_on, approved.notice], ['plan', true, '2026-03-22', null]);
  });

  it('receives money from the funds ledger once in the library', async () => {
    const f = await ok('county_admin1', 'POST', '/api/v1/funds',
      { level: '中央', kind: '中央财政专项扶贫资金', year: 2026, region: '620422', amount: '1000000', name: '2026年第一批' }, 201);
    expectError(await call('county_admin1', 'POST', '/api/v1/allocations', { fund_id: f.id, project_id: bare, amount: '1.00' }), 409, 'E_STATE');
    const a = await ok('county_admin1', 'POST', '/api/v1/allocations', { fund_id: f.id, project_id: id, amount: '300000.00' }, 201);
    assert.deepEqual([a.project_id, a.household_code, a.region], [id, null, `${VILLAGE}`]);
    await ok('county_admin1', 'POST', '/api/v1/disbursements', { allocation_id: a.id, amount: '100000', date: '2026-03-22', voucher: '记-03-01' }, 201);
    const p = await ok('viewer_county', 'GET', `/api/v1/projects/${id}`);
    assert.deepEqual([p.allocated, p.disbursed], ['300000.00', '100000.00']);
  });

  it('is planned, announced before work starts, implemented to 100% and accepted', async () => {
    assert.equal((await advance('county_admin1', id)).stage, 'start_notice');
    await at('2026-04-01');
    expectError(await call('village_op1', 'POST', `/api/v1/projects/${id}/progress`, { percent: 10 }), 409, 'E_STATE');
    assert.equal((await advance('village_op1', id)).stage, 'implement');
    await ok('village_op1', 'POST', `/api/v1/projects/${id}/progress`, { percent: 40, note: '牛舍主体完工' }, 201);
    const unfinished = await call('admin_county', 'POST', `/api/v1/projects/${id}/advance`, {});
    expectError(unfinished, 422, 'E_CONDITIONS');
    assert.deepEqual(unfinished.body.error.details.map((d) => d.criterion), ['progress']);
    const done = await ok('village_op1', 'POST', `/api/v1/projects/${id}/progress`, { percent: 100, note: '全部完工' }, 201);
    assert.deepEqual(done.progress.map((r) => [r.date, r.percent]), [['2026-04-01', 40], ['2026-04-01', 100]]);
    assert.equal((await advance('admin_county', id)).stage, 'accept');
    expectError(await call('county_admin1', 'POST', `/api/v1/projects/${id}/advance`, {}), 400, 'E_REQUIRED');
    const accepted = await advance('county_admin1', id, { result: '合格', comment: '验收组验收' });
    assert.deepEqual([accepted.stage, accepted.acceptance], ['completion_notice', { date: '2026-04-01', result: '合格', by: 'county_admin1' }]);
    assert.deepEqual(accepted.notice, { start: '2026-04-01', closes_on: '2026-04-11' });
  });

  it('records its assets and is done after the notice that follows completion', async () => {
    const asset = { kind: '经营性', name: '肉牛养殖圈舍', value: '450000.50', owner: '乙村股份经济合作社', keeper: '乙村村委会' };
    expectError(await call('village_op1', 'POST', `/api/v1/projects/${id}/assets`, asset), 403, 'E_STEP_LEVEL');
    const withAsset = await ok('county_admin1', 'POST', `/api/v1/projects/${id}/assets`, asset, 201);
    assert.deepEqual(withAsset.assets.map((a) => [a.kind.label, a.value, a.owner, a.keeper]),
      [['经营性', '450000.50', '乙村股份经济合作社', '乙村村委会']]);
    await at('2026-04-11');
    assert.equal((await advance('village_op1', id)).stage, 'assets');
    const finished = await advance('county_admin1', id);
    assert.deepEqual([finished.state, finished.stage, finished.notice], ['done', 'done', null]);
    assert.deepEqual(finished.steps.map((s) => s.step), ['propose', 'village_notice', 'review', 'township_notice',
      'approve', 'plan', 'start_notice', 'implement', 'accept', 'completion_notice', 'assets']);
    expectError(await call('county_admin1', 'POST', `/api/v1/projects/${id}/advance`, {}), 409, 'E_STATE');
    const listed = await ok('auditor1', 'GET', '/api/v1/projects?stage=done');
    assert.deepEqual(listed.items.map((x) => x.id), [id]);
  });

  it('is counted in the county\'s projects table by township, which downloads as a workbook and is audited', async () => {
    const report = await ok('viewer_county', 'GET', '/api/v1/projects/report?region=620422&year=2026');
    const row = report.rows.find((r) => r.region === '620422102000');
    const counts = (r) => [r.projects, r.in_library, r.accepted, r.done, r.budget, r.allocated, r.disbursed];
    // Both projects of the village: the finished one and the one refused at approval.
    assert.deepEqual(counts(row), [2, 1, 1, 1, '900001.00', '300000.00', '100000.00']);
    assert.deepEqual(counts(report.total), counts(row));
    assert.ok(report.rows.filter((r) => r !== row).every((r) => r.projects === 0));
    const book = await call('viewer_county', 'GET', '/api/v1/projects/report', undefined, { region: '620422', year: 2026, format: 'xlsx' });
    assert.equal(book.status, 200);
    assert.match(book.headers.get('content-type'), /spreadsheetml/);
    assert.equal(book.bytes.subarray(0, 2).toString(), 'PK', 'a zip container');
    expectError(await call('viewer1', 'GET', '/api/v1/projects/report', undefined, { region: '620422', year: 2026 }), 404, 'E_NOT_FOUND');
    expectError(await call('viewer_county', 'GET', '/api/v1/projects/report', undefined, { region: '620422', year: 2026, format: 'pdf' }), 400, 'E_USAGE');
    const audit = await ok('auditor1', 'GET', '/api/v1/audit?action=project.report');
    assert.ok(audit.items.some((r) => r.actor === 'viewer_county' && r.detail === 'year 2026'), JSON.stringify(audit.items));
  });
});

describe('projects by stage and category, in one request', () => {
  it('counts the village\'s two projects of 2026 (one done, one refused at approval) with every stage listed', async () => {
    const stats = await ok('viewer_county', 'GET', '/api/v1/projects/stats?region=620422&year=2026');
    assert.deepEqual([stats.region, stats.year, stats.total], ['620422000000', 2026, 2]);
    assert.deepEqual(stats.by_stage.map((s) => s.stage), ['propose', 'village_notice', 'review', 'township_notice',
      'approve', 'plan', 'start_notice', 'implement', 'accept', 'completion_notice', 'assets', 'done', 'rejected']);
    const count = Object.fromEntries(stats.by_stage.map((s) => [s.stage, s.count]));
    assert.deepEqual([count.done, count.approve, count.rejected, count.propose], [1, 1, 0, 0]);
    assert.equal(stats.by_stage.find((s) => s.stage === 'done').label, '已完成');
    assert.deepEqual(stats.by_category, [{ category: { code: 1, key: 'industry', label: '产业发展' }, count: 2 }]);
    const everyYear = await ok('village_op1', 'GET', '/api/v1/projects/stats');
    assert.deepEqual([everyYear.region, everyYear.year, everyYear.total], [VILLAGE, null, 2]);
    const other = await ok('viewer_county', 'GET', '/api/v1/projects/stats?region=620422101');
    assert.equal(other.total, 0, 'another township');
    expectError(await call('viewer1', 'GET', '/api/v1/projects/stats', undefined, { region: '620422' }), 404, 'E_NOT_FOUND');
    expectError(await call('viewer_county', 'GET', '/api/v1/projects/stats', undefined, { year: 'x' }), 400, 'E_YEAR');
  });
});

describe('objections, returns and rejections', () => {
  it('an objection during the notice sends the project back; a fresh notice follows', async () => {
    const p = await ok('village_op1', 'POST', '/api/v1/projects', project({ name: '村内道路硬化', category: '乡村建设行动' }), 201);
    const objected = await ok('viewer_county', 'POST', `/api/v1/projects/${p.id}/objections`, { text: '选址有争议' }, 201);
    assert.deepEqual([objected.stage, objected.notice, objected.steps.at(-1).action], ['propose', null, 'objection']);
    expectError(await call('viewer_county', 'POST', `/api/v1/projects/${p.id}/objections`, { text: '再次' }), 409, 'E_STATE');
    const again = await advance('village_op1', p.id, { comment: '已重新选址' });
    assert.deepEqual([again.stage, again.notice], ['village_notice', { start: '2026-04-11', closes_on: '2026-04-21' }]);
    expectError(await call('village_op1', 'POST', `/api/v1/projects/${p.id}/return`, { to: 'propose', reason: 'x' }), 409, 'E_STATE');
    expectError(await call('county_admin1', 'POST', `/api/v1/projects/${p.id}/reject`, { reason: '重复申报' }), 403, 'E_STEP_LEVEL');
    const byVillage = await ok('village_op1', 'POST', `/api/v1/projects/${p.id}/reject`, { reason: '重复申报' });
    assert.deepEqual([byVillage.state, byVillage.stage], ['rejected', 'rejected']);
  });

  it('refuses bad input with its codes and writes nothing', async () => {
    expectError(await call('village_op1', 'POST', '/api/v1/projects', project({ category: '修路' })), 400, 'E_CODE');
    expectError(await call('village_op1', 'POST', '/api/v1/projects', project({ budget: { central: '-1' } })), 400, 'E_NUMBER');
    expectError(await call('village_op1', 'POST', '/api/v1/projects', project({ region: '620422102202' })), 404, 'E_NOT_FOUND');
    expectError(await call('county_admin1', 'POST', '/api/v1/projects', project()), 403, 'E_STEP_LEVEL');
    expectError(await call('viewer_county', 'POST', '/api/v1/projects', project()), 403, 'E_FORBIDDEN');
    expectError(await call('village_op1', 'POST', '/api/v1/projects', { ...project(), color: 'red' }), 400, 'E_UNKNOWN_FIELD');
    const listed = await ok('county_admin1', 'GET', `/api/v1/projects?region=${VILLAGE}`);
    assert.equal(listed.total, 3);
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
