// The funds ledger (扶贫资金) in the browser: a county office records a fund, allocates part
// of it to a household of the village, pays part of that, and sees the spending progress
// go from missing the rule to meeting it; an allocation over what the fund has left shows
// E_OVER_FUND's message and changes nothing; the township, which does not see the county's
// fund in its list, allocates from it by number; the village reads what went to its
// households but sees none of the forms. The server's clock is 2026-06-30 (harness), so the payment
// is dated before it.
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

// A registered household of the village (the generated households.csv).
function householdOfVillage() {
  const [head, ...lines] = readFileSync(path.join(dir, 'gen', 'households.csv'), 'utf8').trim().split('\n');
  const names = head.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
  return rows.find((h) => h['行政区划代码'] === reg.village && h['贫困状态'] !== '已剔除')['户编号'];
}

const text = async (page, name) => (await page.innerText(`[data-test=${name}]`)).trim();
const waitText = (page, name, expected) => page.waitForFunction(
  ([n, e]) => document.querySelector(`[data-test=${n}]`)?.innerText.trim() === e, [name, expected]);

test('a county office records, allocates and pays a fund and the progress follows; the village only reads', async () => {
  const household = householdOfVillage();
  let page = await signIn(browser, server.base, 'county');
  await page.click('[data-test=menu-funds]');
  await page.waitForURL((url) => url.pathname === '/funds');
  await waitText(page, 'progress-funds', '0.00');
  assert.match(await text(page, 'progress-verdict'), /未达到支出进度要求（应不低于 90%）/);

  // 登记资金: 10,000.00 yuan from the centre.
  await page.fill('[data-test=fund-kind]', '中央财政专项扶贫资金');
  await page.fill('[data-test=fund-amount]', '10000.00');
  await page.fill('[data-test=fund-name]', '甘财农〔2026〕1号');
  await page.click('[data-test=fund-submit]');
  const fundRow = await page.waitForSelector('[data-test=funds] tr:has-text("甘财农〔2026〕1号")');
  assert.match(await fundRow.innerText(), /中央\s+中央财政专项扶贫资金\s+甘财农〔2026〕1号\s+620422\d*\s+10000\.00\s+0\.00\s+0\.00\s+10000\.00/);
  const fundId = (await fundRow.innerText()).trim().split(/\s+/)[0];
  await waitText(page, 'progress-funds', '10000.00');

  // 分配到户: 9,500.00 of it to the household.
  await fundRow.click();
  await page.waitForSelector('[data-test=allocate-form]');
  assert.match(await page.innerText('[data-test=allocations-panel]'), new RegExp(`资金 ${fundId} 号「甘财农〔2026〕1号」的分配`));
  await page.fill('[data-test=allocate-household]', household);
  await page.fill('[data-test=allocate-amount]', '9500.00');
  await page.click('[data-test=allocate-submit]');
  const allocationRow = await page.waitForSelector(`[data-test=allocations] tr:has-text("${household}")`);
  assert.match(await allocationRow.innerText(), /9500\.00/);
  await waitText(page, `fund-left-${fundId}`, '500.00');
  await waitText(page, 'progress-allocated', '9500.00');
  assert.equal(await text(page, 'progress-allocation-ratio'), '95.00%');

  // An allocation over what is left is refused with E_OVER_FUND's message, and nothing changes.
  await page.fill('[data-test=allocate-household]', household);
  await page.fill('[data-test=allocate-amount]', '600.00');
  await page.click('[data-test=allocate-submit]');
  const refused = await page.waitForSelector('[data-test=allocate-error]');
  const message = await refused.innerText();
  assert.match(message, /E_OVER_FUND/);
  assert.match(message, /600\.00.*500\.00/s);
  assert.match(message, /没有登记任何分配/);
  await page.reload();
  await waitText(page, `fund-left-${fundId}`, '500.00');
  assert.equal((await page.$$('[data-test=allocations] .el-table__body tr')).length, 1);
  assert.equal(await text(page, 'progress-allocated'), '9500.00');

  // 支付: 9,200.00 on 2026-06-20; the progress goes to 92%, over the 90% rule.
  const detailsButton = await page.waitForSelector('[data-test=allocations] [data-test^=allocation-]');
  const allocationId = (await detailsButton.getAttribute('data-test')).slice('allocation-'.length);
  await detailsButton.click();
  await page.waitForSelector('[data-test=pay-form]');
  assert.match(await page.innerText('[data-test=payments-panel]'), new RegExp(`分配 ${allocationId} 号（${household}）的支付`));
  assert.match(await page.getAttribute('[data-test=progress]', 'class'), /misses/);
  await page.fill('[data-test=pay-amount]', '9200.00');
  await page.fill('[data-test=pay-form] input[placeholder="支付日期"]', '2026-06-20');
  await page.keyboard.press('Enter');
  await page.fill('[data-test=pay-voucher]', '记-0620-01');
  await page.click('[data-test=pay-submit]');
  const paid = await page.waitForSelector('[data-test=payments] tr:has-text("记-0620-01")');
  assert.match(await paid.innerText(), /2026-06-20\s+9200\.00\s+记-0620-01\s+county/);
  await waitText(page, 'progress-disbursed', '9200.00');
  assert.equal(await text(page, 'progress-ratio'), '92.00%');
  assert.match(await text(page, 'progress-verdict'), /^达到支出进度要求（不低于 90%）$/);
  assert.doesNotMatch(await page.getAttribute('[data-test=progress]', 'class'), /misses/);
  await shot(page, 'funds-county');
  await page.context().close();

  // The township does not see the county's fund in its list, but allocates from it by number.
  page = await signIn(browser, server.base, 'township');
  await page.goto(`${server.base}/funds`);
  await page.waitForSelector('[data-test=allocate-form]');
  assert.equal(await page.$('[data-test=fund-form]'), null, 'a township records no fund');
  await page.fill('[data-test=allocate-fund]', fundId);
  await page.fill('[data-test=allocate-household]', household);
  await page.fill('[data-test=allocate-amount]', '100.00');
  await page.click('[data-test=allocate-submit]');
  await page.waitForFunction(() => document.querySelectorAll('[data-test=allocations] .el-table__body tr').length === 2);
  await page.context().close();

  // The village reads what went to its household and its payment, and has no form.
  page = await signIn(browser, server.base, 'village');
  await page.goto(`${server.base}/funds`);
  await page.waitForSelector(`[data-test=allocations] tr:has-text("${household}")`);
  await page.click(`[data-test=allocation-${allocationId}]`);
  await page.waitForSelector('[data-test=payments] tr:has-text("记-0620-01")');
  assert.ok(await page.isVisible('[data-test=menu-funds]'));
  for (const form of ['fund-form', 'allocate-form', 'pay-form']) {
    assert.equal(await page.$(`[data-test=${form}]`), null, `the village sees no ${form}`);
  }
  await shot(page, 'funds-village');
  await page.context().close();
});

// 导出资金报表 (projweb14): an auditor downloads the funds report of the county for 2026, a
// workbook (a ZIP: it starts with PK) named in Chinese after the report, the place and the year.
test('an auditor downloads the funds report of the region and year as an XLSX workbook', async () => {
  const page = await signIn(browser, server.base, 'auditor');
  await page.goto(`${server.base}/funds`);
  await page.click('[data-test=funds-year]');
  await page.click('.el-select-dropdown__item:visible:has-text("2026")');
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=funds-export]')]);
  assert.match(file.suggestedFilename(), /^资金报表-.+-2026\.xlsx$/);
  assert.equal(readFileSync(await file.path()).subarray(0, 2).toString('latin1'), 'PK');
  // A region outside the auditor's county is refused with the API's code; nothing downloads.
  await page.fill('[data-test=funds-region]', '620421000000');
  await page.click('[data-test=funds-export]');
  assert.match(await (await page.waitForSelector('[data-test=funds-export-error]')).innerText(), /E_NOT_FOUND/);
  await page.context().close();
});
