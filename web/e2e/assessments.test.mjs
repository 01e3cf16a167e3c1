// Assessments in the browser: the county's exit candidates, monitoring candidates and
// village exit for a year, each exported to XLSX. (Opening cases from the assessment is in
// procedures.test.mjs.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

async function pickYear(page, year) {
  await page.click('[data-test=assessment-year]');
  await page.click(`.el-select-dropdown__item:visible:has-text("${year}")`);
}

// Clicks export and returns the bytes of the workbook downloaded.
async function exported(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=assessment-export]')]);
  return readFileSync(await download.path());
}

test('the county exports the exit, monitoring and village lists to XLSX', async () => {
  const page = await signIn(browser, server.base, 'county');
  await page.goto(`${server.base}/assessments`);
  await pickYear(page, 2020);
  await page.click('[data-test=assessment-run]');
  await page.waitForSelector('[data-test=assessment-rows] .el-table__body tr');
  await shot(page, 'assessments-exit');
  assert.equal((await exported(page)).subarray(0, 2).toString('latin1'), 'PK');

  for (const [tab, year] of [['监测对象', 2024], ['贫困村退出', 2020]]) {
    await page.click(`.el-tabs__item:has-text("${tab}")`);
    await pickYear(page, year);
    await page.click('[data-test=assessment-run]');
    await page.waitForSelector('[data-test=assessment-rows], [data-test=empty], [data-test=load-error]');
    assert.equal(await page.$('[data-test=load-error]'), null, `the ${tab} list of ${year} loads`);
    assert.equal((await exported(page)).subarray(0, 2).toString('latin1'), 'PK');
  }
  assert.match(await page.innerText('[data-test=assessment-rows]'), /贫困发生率/);
  await page.context().close();
});
