// The microcredit ledger (扶贫小额信贷) in the browser: a county office's loan of 60,000 yuan
// is refused naming the amount and nothing is listed; a loan of 10,000 yuan from 2025-01-15
// for 12 months at 3.1% is granted, shows as overdue on the server's 2026-06-30, earns the
// subsidy of 2025 computed by hand below, and is compensated from the risk fund 8:2; a
// viewer sees the loan with the borrower's ID number masked and none of the forms.
// A township office's loan of 20,000 yuan from 2026-01-10 is repaid in part (a repayment of
// more than is outstanding is refused with E_NUMBER's message), renewed without repaying the
// principal (续贷: a new loan of the 15,000 yuan outstanding from the server's today) and the
// new loan extended by 6 months (展期; 13 months is refused, naming the limit), each through
// the loan's forms, the loan's detail following every step; a village office reads the loan
// without the forms.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { buildRegister, launch, removeDir, serve, shot, signIn, tempDir } from './harness.mjs';

let dir, reg, server, browser;

before(async () => {
  dir = tempDir();
  reg = buildRegister(dir);
  server = await serve(reg.db);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dir);
});

const rowsOf = (file) => {
  const [head, ...lines] = readFileSync(path.join(dir, 'gen', file), 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
  const names = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
};
// A member born 1970–1999 of a 建档立卡户 (not 已剔除) of the village: [户编号, 证件号码], of
// another household than `not`'s.
function borrower(not = '') {
  const ok = new Set(rowsOf('households.csv')
    .filter((h) => h['行政区划代码'] === reg.village && h['户类型'] === '建档立卡户' && h['贫困状态'] !== '已剔除')
    .map((h) => h['户编号']));
  const m = rowsOf('members.csv').find((r) => ok.has(r['户编号']) && r['户编号'] !== not && /^\d{6}19[789]\d/.test(r['证件号码']));
  return [m['户编号'], m['证件号码']];
}

const text = async (page, name) => (await page.innerText(`[data-test=${name}]`)).trim();

test('a county office grants a loan, reads its subsidy and compensates it; a viewer reads it masked', async () => {
  const [household, id] = borrower();
  let page = await signIn(browser, server.base, 'county');
  await page.click('[data-test=menu-loans]');
  await page.waitForURL((url) => url.pathname === '/loans');

  await page.fill('[data-test=loan-household]', household);
  await page.fill('[data-test=loan-borrower]', id);
  await page.fill('[data-test=loan-amount]', '60000');
  await page.fill('[data-test=loan-start]', '2025-01-15');
  await page.fill('[data-test=loan-bank]', '会宁农商银行');
  await page.fill('[data-test=loan-rate]', '0.031');
  await page.click('[data-test=loan-submit]');
  await page.waitForSelector('[data-test=criterion-amount]');
  assert.match(await text(page, 'loan-error'), /E_CONDITIONS/);
  assert.equal(await page.$('[data-test=loans] .el-table__row'), null);

  await page.fill('[data-test=loan-amount]', '10000');
  await page.click('[data-test=loan-submit]');
  const row = await page.waitForSelector(`[data-test=loans] tr:has-text("${household}")`);
  assert.match(await row.innerText(), /10000\.00\s+2025-01-15\s+2026-01-15\s+逾期\s+10000\.00\s+166/);
  await shot(page, 'loans-county');

  // 2025: 2025-01-15 → 2026-01-01 = 351 days × 1,000,000 fen × 0.031 / 360 = 30,225 fen,
  // subsidised whole (subsidy_share 1.0).
  await row.click();
  await page.waitForSelector('[data-test=loan-panel]');
  await page.click('[data-test=subsidy-year]');
  await page.click('.el-select-dropdown__item:visible:has-text("2025")');
  await page.click('[data-test=subsidy-show]');
  await page.waitForSelector('[data-test=subsidy-interest]');
  assert.equal(await text(page, 'subsidy-interest'), '302.25');
  assert.equal(await text(page, 'subsidy-amount'), '302.25');

  // Overdue 166 days ≥ 90: the fund pays 80% of the 10,000.00 outstanding.
  await page.click('[data-test=loan-compensate]');
  await page.waitForSelector('[data-test=loan-compensation]');
  assert.match(await text(page, 'loan-compensation'), /风险补偿金 8000\.00 元，银行 2000\.00 元/);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test^=loan-state-]')].some((e) => e.innerText.trim() === '已代偿'));
  await page.context().close();

  page = await signIn(browser, server.base, 'viewer');
  await page.click('[data-test=menu-loans]');
  const seen = await page.waitForSelector(`[data-test=loans] tr:has-text("${household}")`);
  assert.ok((await seen.innerText()).includes(`${id.slice(0, 6)}********${id.slice(14)}`), await seen.innerText());
  assert.ok(!(await seen.innerText()).includes(id));
  assert.equal(await page.$('[data-test=loan-form]'), null);
  await page.context().close();
});

const detailId = async (page) => Number(/贷款 (\d+) 号/.exec(await text(page, 'loan-panel'))[1]);
// Waits until [data-test=NAME] reads `expected` (a string, or a pattern).
const waitText = (page, name, expected) => page.waitForFunction(([n, e, re]) => {
  const seen = document.querySelector(`[data-test=${n}]`)?.innerText.trim() ?? '';
  return re ? new RegExp(e).test(seen) : seen === e;
}, [name, expected instanceof RegExp ? expected.source : expected, expected instanceof RegExp]);

test('a township office repays a loan in part, renews it and extends the renewal through the forms; refusals show their code\'s message', async () => {
  const [household, id] = borrower(borrower()[0]);
  let page = await signIn(browser, server.base, 'township');
  await page.click('[data-test=menu-loans]');
  await page.waitForURL((url) => url.pathname === '/loans');
  for (const [name, value] of [['loan-household', household], ['loan-borrower', id], ['loan-amount', '20000'],
    ['loan-start', '2026-01-10'], ['loan-bank', '会宁农商银行'], ['loan-rate', '0.03']]) await page.fill(`[data-test=${name}]`, value);
  await page.click('[data-test=loan-submit]');
  const row = await page.waitForSelector(`[data-test=loans] tr:has-text("${household}")`);
  await row.click();
  await waitText(page, 'detail-outstanding', '20000.00');
  const first = await detailId(page);
  assert.equal(await text(page, 'detail-due'), '2027-01-10');

  // 还款: more than is outstanding is refused and nothing changes.
  await page.fill('[data-test=repay-date]', '2026-03-31');
  await page.fill('[data-test=repay-principal]', '25000');
  await page.click('[data-test=repay-submit]');
  await page.waitForSelector('[data-test=repay-error]');
  assert.match(await text(page, 'repay-error'), /E_NUMBER：还款本金 25000\.00 元超过未还本金 20000\.00 元/);
  assert.match(await text(page, 'repay-error'), /还款本金不能超过未还本金/);
  assert.equal(await text(page, 'detail-outstanding'), '20000.00');

  // 2026-01-10 → 2026-03-31: 80 days × 20,000 × 3% / 360 = 133.33 yuan of interest.
  await page.fill('[data-test=repay-principal]', '5000');
  await page.fill('[data-test=repay-interest]', '133.33');
  await page.click('[data-test=repay-submit]');
  await waitText(page, 'detail-outstanding', '15000.00');
  assert.equal(await text(page, 'detail-principal-repaid'), '5000.00');
  assert.equal(await text(page, 'detail-interest-repaid'), '133.33');
  assert.match(await text(page, 'repayments'), /2026-03-31\s+5000\.00\s+133\.33/);
  await page.waitForFunction((h) => [...document.querySelectorAll('[data-test=loans] tr')]
    .some((tr) => tr.innerText.includes(h) && tr.innerText.includes('15000.00')), household);
  assert.equal(await page.$('[data-test=repay-error]'), null);

  // 续贷 on the server's today (2026-06-30), for the same 12 months: a new loan of what is
  // outstanding, keeping the contract's start; the detail opens it.
  await page.click('[data-test=renew-submit]');
  await page.waitForSelector('[data-test=detail-renewal-of]');
  const renewal = await detailId(page);
  assert.notEqual(renewal, first);
  assert.equal(await text(page, 'detail-renewal-of'), `续贷自贷款 ${first} 号`);
  assert.equal(await text(page, 'detail-amount'), '15000.00');
  assert.equal(await text(page, 'detail-outstanding'), '15000.00');
  assert.equal(await text(page, 'detail-due'), '2027-06-30');
  assert.match(await text(page, 'loan-detail'), /合同起始日\s+2026-01-10/);
  await waitText(page, `loan-state-${first}`, '已续贷');

  // The renewed loan: renewed, with the renewal named, and no forms.
  await page.click('[data-test=detail-renewal-of] a, [data-test=detail-renewal-of] .el-link');
  await waitText(page, 'detail-state', '已续贷');
  assert.equal(await text(page, 'detail-renewed-by'), `已续贷为贷款 ${renewal} 号`);
  assert.equal(await page.$('[data-test=repay-form]'), null);
  assert.equal(await page.$('[data-test=extend-form]'), null);
  await page.click('[data-test=detail-renewed-by] a, [data-test=detail-renewed-by] .el-link');
  await waitText(page, 'detail-state', '正常');

  // 展期: a 12-month loan by at most 12 months; 13 is refused naming the criterion.
  await page.fill('[data-test=extend-months]', '13');
  await page.fill('[data-test=extend-reason]', '冰雹灾害，养殖收入推迟');
  await page.click('[data-test=extend-submit]');
  await page.waitForSelector('[data-test=extend-error] [data-test=criterion-extension_months]');
  assert.match(await text(page, 'extend-error'), /E_CONDITIONS/);
  assert.match(await text(page, 'criterion-extension_months'), /展期 13 个月不在 1 至 12 个月之间/);
  assert.equal(await text(page, 'detail-due'), '2027-06-30');
  await page.fill('[data-test=extend-months]', '6');
  await page.click('[data-test=extend-submit]');
  await waitText(page, 'detail-due', '2027-12-30');
  assert.match(await text(page, 'detail-original-due'), /合同到期日 2027-06-30/);
  assert.match(await text(page, 'detail-extension'), /展期 6 个月（2026-06-30 申请）：冰雹灾害，养殖收入推迟/);
  assert.equal(await page.$('[data-test=extend-form]'), null);
  assert.ok(await page.$('[data-test=extended-once]'));
  await page.waitForFunction((h) => [...document.querySelectorAll('[data-test=loans] tr')]
    .some((tr) => tr.innerText.includes(h) && tr.innerText.includes('2027-12-30')), household);
  await shot(page, 'loans-forms');
  await page.context().close();

  // The village office reads the loan and its history, without the forms.
  page = await signIn(browser, server.base, 'village');
  await page.click('[data-test=menu-loans]');
  await (await page.waitForSelector(`[data-test=loans] tr:has-text("2027-12-30")`)).click();
  await waitText(page, 'detail-due', '2027-12-30');
  assert.match(await text(page, 'repayments'), /尚无还款/);
  assert.equal(await page.$('[data-test=loan-forms]'), null);
  await page.context().close();
});
