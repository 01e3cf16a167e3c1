// Funds reports over HTTP and the CLI (issue 14, reports): the funds table of the county by
// township summed by hand, its alerts, the workbook with money as number cells, the audit
// record, the scope and the bounded parameters; `fupin funds report` gives the same table.
// The clock is FUPIN_NOW = 2027-01-05; the funds are of 2023, which no other file uses here.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';

import { startServer, api, expectError, unzip } from './server.mjs';

const OWN = 'H2210120500001'; // in 620422101205 (会师镇)
const OTHER = 'H2210220100002'; // in 620422102201 (太平店镇)

let srv;
const call = async (name, pathname, query = {}, method = 'GET', body) =>
  api(srv, method, pathname, { token: await srv.token(name), body, query: { lang: 'en', ...query } });

async function created(res) {
  assert.equal(res.status, 201, res.text);
  return res.body.data;
}

// 本级: 100,000.00 中央 to the county, 80,000.00 allocated, 74,000.00 paid in 2023 and
// 1,000.00 on 2024-01-03. 会师镇: 20,000.00 省 统筹整合涉农资金, all allocated, 18,000.00 paid.
before(async () => {
  srv = await startServer({ env: { FUPIN_NOW: '2027-01-05T10:00:00+08:00' } });
  const fund = (level, kind, region, amount) => call('county_admin1', '/api/v1/funds', {}, 'POST',
    { level, kind, year: 2023, region, amount, name: '2023年资金' }).then(created);
  const give = (fundId, household, amount) => call('county_admin1', '/api/v1/allocations', {}, 'POST',
    { fund_id: fundId, household_code: household, amount }).then(created);
  const pay = (allocationId, amount, date) => call('county_admin1', '/api/v1/disbursements', {}, 'POST',
    { allocation_id: allocationId, amount, date, voucher: `记-${date}` }).then(created);
  const county = await fund('中央', '中央财政专项扶贫资金', '620422', '100000.00');
  const township = await fund('省', '统筹整合涉农资金', '620422101', '20000.00');
  await pay((await give(county.id, OTHER, '50000.00')).id, '45000.00', '2023-06-01');
  const toOwn = await give(county.id, OWN, '30000.00');
  await pay(toOwn.id, '29000.00', '2023-12-31');
  await pay(toOwn.id, '1000.00', '2024-01-03');
  await pay((await give(township.id, OWN, '20000.00')).id, '18000.00', '2023-11-30');
});
after(async () => { await srv?.cleanup(); });

const QUERY = { region: '620422', year: 2023, as_of: '2023-12-31' };

describe('the funds report', () => {
  it('has the county\'s own funds, each township and a total, summed by hand', async () => {
    const res = await call('auditor1', '/api/v1/funds/report', QUERY);
    assert.equal(res.status, 200, res.text);
    const r = res.body.data;
    assert.deepEqual([r.region, r.region_name, r.year, r.as_of], ['620422000000', '会宁县', 2023, '2023-12-31']);
    assert.deepEqual(r.kinds, ['中央财政专项扶贫资金', '统筹整合涉农资金']);
    assert.deepEqual(r.rows.map((x) => [x.region, x.name, x.funds, x.allocated, x.disbursed, x.ratio, x.meets, x.shortfall]), [
      ['620422000000', '会宁县（本级）', '100000.00', '80000.00', '74000.00', '0.7400', false, '16000.00'],
      ['620422101000', '会师镇', '20000.00', '20000.00', '18000.00', '0.9000', true, '0.00'],
      ['620422102000', '太平店镇', '0.00', '0.00', '0.00', '0.0000', false, '0.00'],
    ]);
    assert.deepEqual(r.rows[0].by_level, { central: '100000.00', province: '0.00', city: '0.00', county: '0.00' });
    assert.deepEqual(r.rows[1].by_kind, { 中央财政专项扶贫资金: '0.00', 统筹整合涉农资金: '20000.00' });
    const t = r.total;
    assert.deepEqual([t.total, t.funds, t.allocated, t.disbursed, t.ratio, t.allocation_ratio, t.min_spending_ratio, t.meets],
      [true, '120000.00', '100000.00', '92000.00', '0.7666', '0.8333', '0.9', false]);
    assert.deepEqual(r.alerts, ['620422000000']);
    // The total is the progress of the county.
    const p = await call('auditor1', '/api/v1/funds/progress', QUERY);
    assert.deepEqual([p.body.data.funds, p.body.data.disbursed, p.body.data.ratio], [t.funds, t.disbursed, t.ratio]);
  });

  it('lists the rows below the rule as alerts', async () => {
    const res = await call('viewer_county', '/api/v1/funds/alerts', QUERY);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data.map((x) => [x.region, x.ratio, x.shortfall]), [['620422000000', '0.7400', '16000.00']]);
    const later = await call('viewer_county', '/api/v1/funds/alerts', { ...QUERY, as_of: '2024-01-05' });
    assert.equal(later.body.data[0].disbursed, '75000.00', 'the payment of 3 January counts from then on');
  });

  it('is a workbook with money in number cells, audited with its format', async () => {
    const res = await call('county_admin1', '/api/v1/funds/report', { ...QUERY, format: 'xlsx' });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type'), /spreadsheetml/);
    const files = unzip(res.bytes);
    const workbook = files.get('xl/workbook.xml').toString('utf8');
    for (const sheet of ['资金进度表', '资金明细', '支出滞后预警', '说明']) assert.match(workbook, new RegExp(`name="${sheet}"`));
    const table = files.get('xl/worksheets/sheet1.xml').toString('utf8');
    // Row 2 is 本级: C2 its 中央 funds, K2 its disbursed (two kinds: G, H) — numbers, not strings.
    assert.match(table, /<c r="C2"[^>]*><v>100000<\/v><\/c>/);
    assert.match(table, /<c r="K2"[^>]*><v>74000<\/v><\/c>/);
    const styles = files.get('xl/styles.xml').toString('utf8');
    assert.match(styles, /formatCode="0\.00"/);
    const audit = await call('root', '/api/v1/audit', { action: 'fund.report', size: 10 });
    const entry = audit.body.data.items.find((a) => a.actor === 'county_admin1');
    assert.ok(entry, 'a fund.report record by county_admin1');
    assert.equal(entry.detail, 'year 2023, as of 2023-12-31, xlsx');
  });

  it('answers 404 outside the caller\'s scope and shows a township its villages', async () => {
    expectError(await call('township_op1', '/api/v1/funds/report', QUERY), 404, 'E_NOT_FOUND');
    expectError(await call('township_op1', '/api/v1/funds/alerts', QUERY), 404, 'E_NOT_FOUND');
    expectError(await call('county_admin1', '/api/v1/funds/report', { ...QUERY, region: '620423' }), 404, 'E_NOT_FOUND');
    const own = await call('township_op1', '/api/v1/funds/report', { ...QUERY, region: '620422101' });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.body.data.rows.map((x) => [x.name, x.funds]), [['会师镇（本级）', '20000.00'], ['南关村', '0.00']]);
  });

  it('refuses a bad format, date or year', async () => {
    expectError(await call('county_admin1', '/api/v1/funds/report', { ...QUERY, format: 'pdf' }), 400, 'E_USAGE');
    expectError(await call('county_admin1', '/api/v1/funds/report', { ...QUERY, as_of: '2023-13-01' }), 400, 'E_DATE');
    expectError(await call('county_admin1', '/api/v1/funds/alerts', { region: '620422' }), 400, 'E_YEAR');
  });

  it('gives the same table on the command line, and the workbook with --out', async () => {
    const json = await srv.cli(['funds', 'report', '--region', '620422', '--year', '2023', '--as-of', '2023-12-31', '--json']);
    assert.equal(json.code, 0, json.err);
    const http = await call('root', '/api/v1/funds/report', QUERY);
    assert.deepEqual(JSON.parse(json.out), http.body.data);
    const out = path.join(srv.dir, 'report.xlsx');
    const text = await srv.cli(['--lang', 'en', 'funds', 'report', '--region', '620422', '--year', '2023', '--as-of', '2023-12-31', '--out', out]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /total\t会宁县\t120000\.00\t100000\.00\t92000\.00\t0\.7666/);
    assert.equal(readFileSync(out).subarray(0, 2).toString('latin1'), 'PK');
    const bad = await srv.cli(['funds', 'report', '--region', '620422', '--year', '2023', '--out', path.join(srv.dir, 'r.csv')]);
    assert.equal(bad.code, 2);
  });
});
