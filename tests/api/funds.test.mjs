// The funds ledger over HTTP (spec/funds.md "Funds" and its HTTP fixed points): a county
// office records a fund, allocates it to a household (直补到户) and pays it out; the spending
// progress at year end on both sides of [funds] min_spending_ratio (0.9); the two limits
// answer 422 with nothing written; a payment after the as-of date is not counted; a
// township allocates only inside its township; an allocation to a project that does not
// exist is refused (projects.test.mjs allocates to one). The clock is FUPIN_NOW = 2027-01-05, so payments dated in 2026 may be entered.
// Each test uses a year of its own, so their progress figures do not mix.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, expectError, assertStopsCleanly } from './server.mjs';

const COUNTY = '620422';
const OWN = 'H2210120500001'; // in 620422101205, township_op1's township 620422101
const OTHER = 'H2210220100002'; // in 620422102201

let srv;
before(async () => { srv = await startServer({ env: { FUPIN_NOW: '2027-01-05T10:00:00+08:00' } }); });
after(async () => { await srv?.cleanup(); });

const call = async (name, method, pathname, body, query = {}) =>
  api(srv, method, pathname, { token: await srv.token(name), body, query: { lang: 'en', ...query } });

async function fund(year, amount, region = COUNTY) {
  const res = await call('county_admin1', 'POST', '/api/v1/funds',
    { level: '中央', kind: '中央财政专项扶贫资金', year, region, amount, name: `${year}年第一批` });
  assert.equal(res.status, 201, res.text);
  return res.body.data;
}
async function allocate(fundId, household, amount, name = 'county_admin1') {
  return call(name, 'POST', '/api/v1/allocations', { fund_id: fundId, household_code: household, amount });
}
async function pay(allocationId, amount, date, name = 'county_admin1') {
  return call(name, 'POST', '/api/v1/disbursements', { allocation_id: allocationId, amount, date, voucher: `记-${date}` });
}
async function progress(year, asOf, region = COUNTY) {
  const res = await call('auditor1', 'GET', '/api/v1/funds/progress', undefined, { region, year, ...(asOf ? { as_of: asOf } : {}) });
  assert.equal(res.status, 200, res.text);
  return res.body.data;
}

describe('the funds ledger', () => {
  it('a fund spent to 89% at year end misses the rule and one spent to 91% meets it', async () => {
    const f = await fund(2026, '100000.00');
    assert.deepEqual([f.level, f.level_key, f.year, f.region, f.amount], ['中央', 'central', 2026, '620422000000', '100000.00']);
    const a = await allocate(f.id, OWN, '95000.00');
    assert.equal(a.status, 201, a.text);
    assert.equal((await pay(a.body.data.id, '89000.00', '2026-12-20')).status, 201);
    let p = await progress(2026, '2026-12-31');
    assert.deepEqual(p, {
      region: '620422000000', year: 2026, as_of: '2026-12-31', funds: '100000.00', allocated: '95000.00',
      disbursed: '89000.00', ratio: '0.8900', allocation_ratio: '0.9500', min_spending_ratio: '0.9', meets: false,
    });
    assert.equal((await pay(a.body.data.id, '2000.00', '2026-12-31')).status, 201);
    p = await progress(2026, '2026-12-31');
    assert.deepEqual([p.disbursed, p.ratio, p.meets], ['91000.00', '0.9100', true]);
    const listed = await call('auditor1', 'GET', '/api/v1/funds', undefined, { region: COUNTY, year: 2026 });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.data.map((x) => [x.id, x.allocated, x.disbursed, x.left]), [[f.id, '95000.00', '91000.00', '5000.00']]);
  });

  it('an allocation over what the fund has left is refused with 422 E_OVER_FUND and nothing written', async () => {
    const f = await fund(2025, '1000.00');
    assert.equal((await allocate(f.id, OWN, '600.00')).status, 201);
    const over = await allocate(f.id, OTHER, '400.01');
    expectError(over, 422, 'E_OVER_FUND');
    assert.match(over.body.error.message, /400\.00/);
    const listed = await call('county_admin1', 'GET', '/api/v1/allocations', undefined, { region: COUNTY, fund_id: f.id });
    assert.deepEqual(listed.body.data.map((a) => [a.household_code, a.amount]), [[OWN, '600.00']]);
  });

  it('a disbursement over what the allocation has left is refused with 422 E_OVER_ALLOCATION and nothing written', async () => {
    const f = await fund(2024, '1000.00');
    const a = (await allocate(f.id, OWN, '500.00')).body.data;
    assert.equal((await pay(a.id, '300.00', '2024-05-01')).status, 201);
    expectError(await pay(a.id, '200.01', '2024-05-02'), 422, 'E_OVER_ALLOCATION');
    const paid = await call('county_admin1', 'GET', '/api/v1/disbursements', undefined, { region: COUNTY, allocation_id: a.id });
    assert.deepEqual(paid.body.data.map((d) => d.amount), ['300.00']);
    assert.equal((await progress(2024, '2024-12-31')).disbursed, '300.00');
  });

  it('a disbursement dated after the as-of date is not counted; as_of defaults to today', async () => {
    const f = await fund(2023, '1000.00');
    const a = (await allocate(f.id, OWN, '1000.00')).body.data;
    assert.equal((await pay(a.id, '950.00', '2027-01-03')).status, 201);
    const yearEnd = await progress(2023, '2023-12-31');
    assert.deepEqual([yearEnd.disbursed, yearEnd.ratio, yearEnd.meets], ['0.00', '0.0000', false]);
    const today = await progress(2023);
    assert.deepEqual([today.as_of, today.ratio, today.meets], ['2027-01-05', '0.9500', true]);
    expectError(await pay(a.id, '1.00', '2027-01-06'), 400, 'E_DATE');
  });

  it('a township allocates a county fund to its own households only; outside is 404 as missing', async () => {
    const f = await fund(2022, '1000.00');
    const own = await allocate(f.id, OWN, '100.00', 'township_op1');
    assert.equal(own.status, 201, own.text);
    const outside = await allocate(f.id, OTHER, '100.00', 'township_op1');
    const missing = await allocate(f.id, 'HNOSUCH0000001', '100.00', 'township_op1');
    expectError(outside, 404, 'E_NOT_FOUND');
    expectError(missing, 404, 'E_NOT_FOUND');
    assert.equal(outside.body.error.message.replace(OTHER, '…'), missing.body.error.message.replace('HNOSUCH0000001', '…'));
    expectError(await call('township_op1', 'POST', '/api/v1/funds',
      { level: '县', kind: 'k', year: 2022, region: '620422101', amount: '1.00', name: 'n' }), 403, 'E_FORBIDDEN');
    expectError(await allocate(f.id, OWN, '1.00', 'village_op1'), 403, 'E_FORBIDDEN');
    expectError(await allocate(f.id, OWN, '1.00', 'auditor1'), 403, 'E_FORBIDDEN');
    expectError(await call('township_op1', 'GET', '/api/v1/funds/progress', undefined, { region: COUNTY, year: 2022 }), 404, 'E_NOT_FOUND');
  });

  it('an allocation to a project that does not exist is refused', async () => {
    const f = await fund(2021, '1000.00');
    const res = await call('county_admin1', 'POST', '/api/v1/allocations', { fund_id: f.id, project_id: 7, amount: '1.00' });
    expectError(res, 404, 'E_NOT_FOUND');
    assert.match(res.body.error.message, /no such project/);
    expectError(await call('county_admin1', 'POST', '/api/v1/allocations',
      { fund_id: f.id, project_id: 7, household_code: OWN, amount: '1.00' }), 400, 'E_USAGE');
  });

  it('bad input is refused with its code', async () => {
    const post = (body) => call('county_admin1', 'POST', '/api/v1/funds',
      { level: '县', kind: 'k', year: 2020, region: COUNTY, amount: '1.00', name: 'n', ...body });
    expectError(await post({ amount: '1.005' }), 400, 'E_NUMBER');
    expectError(await post({ level: '乡' }), 400, 'E_CODE');
    expectError(await post({ year: 'x' }), 400, 'E_YEAR');
    expectError(await post({ bank: 'x' }), 400, 'E_UNKNOWN_FIELD');
    expectError(await call('auditor1', 'GET', '/api/v1/funds/progress', undefined, { region: COUNTY, year: 2020, as_of: '2020-13-01' }), 400, 'E_DATE');
  });

  it('every write is in the audit trail', async () => {
    const res = await call('root', 'GET', '/api/v1/audit', undefined, { action: 'fund.', size: 200 });
    assert.equal(res.status, 200, res.text);
    const actions = new Set(res.body.data.items.map((r) => r.action));
    assert.deepEqual([...actions].sort(), ['fund.add', 'fund.allocate', 'fund.disburse']);
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
