// The import wizard: a dry run lists every error in a table, then the valid households
// are imported, the invalid skipped, and the rejected rows downloaded with their errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, buildRegister, launch, removeDir, serve, shot, signIn, tempDir } from './harness.mjs';

let dir, reg, server, browser;
const FIXTURE = path.join(ROOT, 'tests', 'data', 'import', 'several_errors');

before(async () => {
  dir = tempDir();
  reg = buildRegister(dir, 100);
  server = await serve(reg.db);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dir);
});

test('an import with errors: every error in the table, then the valid imported and the rejects downloaded', async () => {
  const page = await signIn(browser, server.base, 'county');
  await page.click('[data-test=menu-imports]');
  await page.waitForSelector('[data-test=file-households]');
  await page.setInputFiles('[data-test=file-households]', path.join(FIXTURE, 'households.csv'));
  await page.setInputFiles('[data-test=file-members]', path.join(FIXTURE, 'members.csv'));
  await page.click('[data-test=check]');
  await page.waitForSelector('[data-test=errors-table] tbody tr');
  const rows = await page.$$eval('[data-test=errors-table] tbody tr', (trs) => trs.map((tr) => tr.innerText));
  assert.ok(rows.some((r) => /households\.csv\s+3\b/.test(r) && /abc/.test(r)), rows.join('\n'));
  assert.ok(rows.some((r) => /households\.csv\s+4\b/.test(r) && /E_REGION/.test(r)), rows.join('\n'));
  assert.ok(rows.some((r) => /members\.csv\s+7\b/.test(r) && /E_ID_CHECKSUM/.test(r)), rows.join('\n'));
  assert.equal(await page.innerText('[data-test=would-reject]'), '2');
  // Sorting by line puts line 7 last, and back.
  await page.click('[data-test=errors-table] th:has-text("行") .caret-wrapper .descending');
  assert.match((await page.$$eval('[data-test=errors-table] tbody tr', (trs) => trs[0].innerText)), /\b7\b/);
  await shot(page, 'import-errors');

  await page.click('[data-test=import-valid]');
  await page.waitForSelector('[data-test=import-result]');
  assert.equal(await page.innerText('[data-test=created]'), '2');
  assert.equal(await page.innerText('[data-test=rejected]'), '2');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-test="reject-households.csv"]'),
  ]);
  assert.equal(download.suggestedFilename(), 'households.csv');
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split(/\r?\n/);
  assert.match(lines[0], /错误$/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), ['H2210120500001', 'H2210220100002']);
  assert.match(text, /620422109999/);
  await shot(page, 'import-done');

  // The valid households are in the register now; the rejected ones are not.
  await page.goto(`${server.base}/households/H2210220200003`);
  await page.waitForSelector('[data-test=criteria-verdict]');
  await page.goto(`${server.base}/households/H2210220100002`);
  assert.match(await (await page.waitForSelector('[data-test=load-error]')).innerText(), /不存在/);
  await page.context().close();
});
