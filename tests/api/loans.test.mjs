// The microcredit ledger over HTTP (扶贫小额信贷, spec/funds.md "Microcredit" and its HTTP
// fixed points): a county office grants a loan to 成员3_0 (born 1975) of H2210220200003 (a
// 建档立卡户 监测中 in 620422102202), extends it and reads the interest subsidy of each year
// (computed by hand below); a refusal names every failing criterion (422) and writes nothing;
// the borrower's ID number is masked for viewers; a loan overdue 90 days and more is
// compensated 8:2 and one overdue less is refused; offices outside the county see nothing.
// The clock is FUPIN_NOW = 2026-06-30.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, expectError, assertStopsCleanly } from './server.mjs';
import { EXTRA_HOUSEHOLD, EXTRA_ID } from './matrix.mjs';

const HOUSEHOLD = 'H2210220200003';
const BORROWER = '620422197506120315';

let srv;
before(async () => { srv = await startServer({ env: { FUPIN_NOW: '2026-06-30T10:00:00+08:00' } }); });
after(async () => { await srv?.cleanup(); });

const call = async (name, method, pathname, body, query = {}) =>
  api(srv, method, pathname, { token: await srv.token(name), body, query: { lang: 'en', ...query } });

const loanBody = (over = {}) => ({
  household_code: HOUSEHOLD, borrower_id_number: BORROWER, amount: '30000', term_months: 18,
  start_date: '2024-12-02', bank: '会宁农商银行', annual_rate: '0.036', purpose: '01 种植', ...over,
});
async function grant(over = {}, name = 'county_admin1') {
  const res = await call(name, 'POST', '/api/v1/loans', loanBody(over));
  assert.equal(res.status, 201, res.text);
  return res.body.data;
}

describe('the microcredit ledger', () => {
  // 30,000.00 yuan from 2024-12-02 for 18 months at 3.6% (the 5-year LPR of 2024-10-21),
  // extended on 2026-05-20 by 6 months: due 2026-06-02 → 2026-12-02. Actual/360, the first
  // day counted and not the last, subsidy_share(2024) = 1.0:
  //   2024: 30 days (12-02 → 01-01) × 3,000,000 fen × 0.036 / 360 = 9,000 fen → 90.00
  //   2025: 365 days × 3,000,000 × 0.036 / 360 = 109,500 fen → 1095.00
  //   2026: 335 days (01-01 → 12-02) × 3,000,000 × 0.036 / 360 = 100,500 fen → 1005.00
  it('a loan with a 展期 earns the subsidy of each year by hand', async () => {
    const loan = await grant();
    assert.deepEqual([loan.amount, loan.due_date, loan.annual_rate, loan.purpose, loan.state],
      ['30000.00', '2026-06-02', '0.036', '01', 'overdue']); // 28 days past due on 2026-06-30
    const tooLong = await call('county_admin1', 'POST', `/api/v1/loans/${loan.id}/extension`,
      { months: 10, reason: '冰雹灾害', date: '2026-05-20' });
    expectError(tooLong, 422, 'E_CONDITIONS');
    assert.deepEqual(tooLong.body.error.details.map((d) => d.criterion), ['extension_months']);
    const extended = await call('township_op1', 'POST', `/api/v1/loans/${loan.id}/extension`,
      { months: 6, reason: '冰雹灾害', date: '2026-05-20' });
    expectError(extended, 404, 'E_NOT_FOUND'); // 620422102202 is not township_op1's township
    const ok = await call('county_admin1', 'POST', `/api/v1/loans/${loan.id}/extension`,
      { months: 6, reason: '冰雹灾害', date: '2026-05-20' });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual([ok.body.data.due_date, ok.body.data.original_due_date, ok.body.data.start_date, ok.body.data.state],
      ['2026-12-02', '2026-06-02', '2024-12-02', 'active']);
    expectError(await call('county_admin1', 'POST', `/api/v1/loans/${loan.id}/extension`,
      { months: 1, reason: '再次', date: '2026-05-21' }), 409, 'E_STATE');
    const subsidy = async (year) => {
      const res = await call('auditor1', 'GET', `/api/v1/loans/${loan.id}/subsidy`, undefined, { year });
      assert.equal(res.status, 200, res.text);
      return [res.body.data.interest, res.body.data.subsidy];
    };
    assert.deepEqual(await subsidy(2024), ['90.00', '90.00']);
    assert.deepEqual(await subsidy(2025), ['1095.00', '1095.00']);
    assert.deepEqual(await subsidy(2026), ['1005.00', '1005.00']);
    assert.deepEqual(await subsidy(2027), ['0.00', '0.00']);
    // The loan is a 金融帮扶 measure of the household.
    const measures = await call('county_admin1', 'GET', `/api/v1/households/${HOUSEHOLD}/measures`);
    assert.equal(measures.status, 200, measures.text);
    assert.ok(measures.body.data.some((m) => m.category === '03' && m.amount === '30000.00' && m.date === '2024-12-02'),
      measures.text);
  });

  it('a refused loan names every failing criterion and writes nothing', async () => {
    const before = (await call('county_admin1', 'GET', '/api/v1/loans', undefined, { region: '620422' })).body.data.total;
    const res = await call('county_admin1', 'POST', '/api/v1/loans',
      loanBody({ household_code: 'H2210220100002', borrower_id_number: '620422194804270334', amount: '60000', purpose: '结婚' }));
    expectError(res, 422, 'E_CONDITIONS');
    assert.deepEqual(res.body.error.details.map((d) => d.criterion), ['amount', 'borrower_age', 'purpose']);
    const rate = await call('county_admin1', 'POST', '/api/v1/loans', loanBody({ annual_rate: 0.0361 }));
    expectError(rate, 422, 'E_CONDITIONS');
    assert.deepEqual(rate.body.error.details.map((d) => d.criterion), ['rate']);
    const after = (await call('county_admin1', 'GET', '/api/v1/loans', undefined, { region: '620422' })).body.data.total;
    assert.equal(after, before);
  });

  it('the borrower\'s ID number is masked for a viewer and whole for the office', async () => {
    const loan = await grant({ start_date: '2026-06-01', term_months: 12, annual_rate: '0.03' });
    const viewer = await call('viewer_county', 'GET', `/api/v1/loans/${loan.id}`);
    assert.equal(viewer.status, 200, viewer.text);
    assert.equal(viewer.body.data.borrower_id_number, '620422********0315');
    const list = await call('viewer_county', 'GET', '/api/v1/loans', undefined, { region: '620422102202' });
    assert.ok(list.body.data.items.length >= 1);
    for (const item of list.body.data.items) assert.equal(item.borrower_id_number, '620422********0315');
    const office = await call('county_admin1', 'GET', `/api/v1/loans/${loan.id}`);
    assert.equal(office.body.data.borrower_id_number, BORROWER);
    expectError(await call('viewer_county', 'POST', `/api/v1/loans/${loan.id}/repayments`,
      { date: '2026-06-30', principal: '1.00' }), 403, 'E_FORBIDDEN');
  });

  it('a loan overdue 90 days or more is compensated 8:2 and one overdue 76 days is refused', async () => {
    // Due 2026-01-15: 166 days overdue on 2026-06-30; due 2026-04-15: 76 days.
    const old = await grant({ start_date: '2025-01-15', term_months: 12, annual_rate: '0.031', amount: '10000' });
    const recent = await grant({ start_date: '2025-04-15', term_months: 12, annual_rate: '0.031', amount: '10000' });
    const overdue = await call('auditor1', 'GET', '/api/v1/loans', undefined, { region: '620422', overdue: 'true' });
    assert.equal(overdue.status, 200, overdue.text);
    const days = Object.fromEntries(overdue.body.data.items.map((l) => [l.id, l.days_overdue]));
    assert.deepEqual([days[old.id], days[recent.id]], [166, 76]);
    const repaid = await call('county_admin1', 'POST', `/api/v1/loans/${old.id}/repayments`,
      { date: '2026-03-01', principal: '2500.00', interest: '0' });
    assert.equal(repaid.status, 201, repaid.text);
    expectError(await call('county_admin1', 'POST', `/api/v1/loans/${recent.id}/compensation`), 422, 'E_OVERDUE_DAYS');
    expectError(await call('township_op1', 'POST', `/api/v1/loans/${old.id}/compensation`), 403, 'E_FORBIDDEN');
    const paid = await call('county_admin1', 'POST', `/api/v1/loans/${old.id}/compensation`);
    assert.equal(paid.status, 201, paid.text);
    assert.equal(paid.body.data.state, 'compensated');
    assert.deepEqual(paid.body.data.compensation,
      { date: '2026-06-30', days_overdue: 166, base: '7500.00', fund: '6000.00', bank: '1500.00' });
    expectError(await call('county_admin1', 'POST', `/api/v1/loans/${old.id}/compensation`), 409, 'E_STATE');
  });

  it('offices outside the county neither grant to nor see its loans', async () => {
    assert.equal(EXTRA_HOUSEHOLD.code, 'H3000000000001');
    const res = await call('county_admin1', 'POST', '/api/v1/loans',
      loanBody({ household_code: EXTRA_HOUSEHOLD.code, borrower_id_number: EXTRA_ID }));
    expectError(res, 404, 'E_NOT_FOUND');
    const theirs = await call('root', 'POST', '/api/v1/loans',
      loanBody({ household_code: EXTRA_HOUSEHOLD.code, borrower_id_number: EXTRA_ID }));
    assert.equal(theirs.status, 201, theirs.text);
    expectError(await call('county_admin1', 'GET', `/api/v1/loans/${theirs.body.data.id}`), 404, 'E_NOT_FOUND');
    expectError(await call('county_admin1', 'GET', `/api/v1/loans/${theirs.body.data.id}/subsidy`, undefined, { year: 2025 }),
      404, 'E_NOT_FOUND');
    expectError(await call('county_admin1', 'GET', '/api/v1/loans', undefined, { region: '620423' }), 404, 'E_NOT_FOUND');
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
