// The microcredit ledger (扶贫小额信贷) in the browser: a county office's loan of 60,000 yuan
// is refused naming the amount and nothing is listed; a loan of 10,000 yuan from 2025-01-15
// for 12 months at 3.1% is granted, shows as overdue on the server's 2026-06-30, earns the
// subsidy of 2025 computed by hand below, and is compensated from the risk fund 8:2; a
// viewer sees the loan with the borrower's ID number masked and none of the forms.
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
// A member born 1970–1999 of a 建档立卡户 (not 已剔除) of the village: [户编号, 证件号码].
function borrower() {
  const ok = new Set(rowsOf('households.csv')
    .filter((h) => h['行政区划代码'] === reg.village && h['户类型'] === '建档立卡户' && h['贫困状态'] !== '已剔除')
    .map((h) => h['户编号']));
  const m = rowsOf('members.csv').find((r) => ok.has(r['户编号']) && /^\d{6}19[789]\d/.test(r['证件号码']));
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
