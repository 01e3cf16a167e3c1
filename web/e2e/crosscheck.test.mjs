// The cross-check in the browser: the county uploads a department list (a deaths list
// naming a member of the village), the finding shows by rule and village, the county
// confirms it, and the village opens a removal (剔除) case from the confirmed finding.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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

// The rows of a generated CSV as objects by header.
function rows(file) {
  const [head, ...lines] = readFileSync(path.join(dir, 'gen', file), 'utf8').trim().split('\n');
  const names = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

test('a department list is uploaded, a finding confirmed and turned into a removal case', async () => {
  const registered = new Set(rows('households.csv')
    .filter((h) => h['行政区划代码'] === reg.village && h['户类型'] === '建档立卡户' && h['贫困状态'] !== '已剔除')
    .map((h) => h['户编号']));
  const member = rows('members.csv').find((m) => registered.has(m['户编号']) && /^\d{17}[\dX]$/.test(m['证件号码']));
  assert.ok(member, 'a member of a registered household of the village');
  const list = path.join(dir, '死亡名单.csv');
  writeFileSync(list, `证件号码,姓名,死亡日期\n${member['证件号码']},${member['姓名']},2026-05-01\n`);

  // The county uploads the list and confirms the finding.
  let page = await signIn(browser, server.base, 'county');
  await page.goto(`${server.base}/findings`);
  await page.waitForSelector('[data-test=upload-form]');
  await page.fill('[data-test=upload-form] input[placeholder="截止日期"]', '2026-06-30');
  await page.keyboard.press('Enter');
  await page.setInputFiles('[data-test=upload-file]', list);
  await page.click('[data-test=upload-submit]');
  const report = await page.waitForSelector('[data-test=upload-report]');
  assert.match(await report.innerText(), /匹配 1 人/);
  await page.waitForSelector('[data-test=lists] .el-table__body tr');
  assert.match(await page.innerText('[data-test=counts]'), new RegExp(reg.village));
  const row = await page.waitForSelector(`[data-test=findings] tr:has-text("${member['户编号']}")`);
  assert.match(await row.innerText(), /成员已死亡/);
  const confirm = await row.$('[data-test^=confirm-]');
  const id = (await confirm.getAttribute('data-test')).slice('confirm-'.length);
  await confirm.click();
  await page.waitForFunction((i) => document.querySelector(`[data-test=finding-status-${i}]`)?.innerText.includes('已确认'), id);
  await shot(page, 'findings-county');
  await page.context().close();

  // The village opens a removal case from the confirmed finding.
  page = await signIn(browser, server.base, 'village');
  await page.goto(`${server.base}/findings`);
  await page.click(`[data-test=remove-${id}]`);
  assert.match(await page.innerText('[data-test=open-households]'), new RegExp(member['户编号']));
  await page.fill('[data-test=open-comment]', '整户核实死亡');
  await page.click('[data-test=open-submit]');
  const result = await page.waitForSelector(`[data-test=open-result-${member['户编号']}]`);
  assert.match(await result.innerText(), /已发起：\d+ 号办件/);
  await shot(page, 'findings-village-removal');
  await (await result.$('a')).click();
  await page.waitForSelector('[data-test=case-title]');
  assert.match(await page.innerText('[data-test=case-title]'), /剔除/);
  assert.match(await page.innerText('.facts'), new RegExp(`核查发现编号\\s*${id}`));
  await page.context().close();
});
