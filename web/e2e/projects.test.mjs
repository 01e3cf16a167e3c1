// The project library (扶贫项目库) in the browser: a village's project, proposed and taken
// through its village notice with the CLI (its clock moved back with FUPIN_NOW), waits for
// the township's review. The township finds it by stage, reads its steps and completes the
// review; its township notice starts and closing it at once shows E_NOTICE_OPEN with the
// date; the village raises an objection during that notice and the project goes back to
// the review. The server's clock is 2026-06-30 (harness).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { BIN, buildRegister, launch, removeDir, serve, shot, signIn, tempDir } from './harness.mjs';

let dir, reg, server, browser;

// `fupin projects …` on the register at local date `day`; its JSON output.
function projects(day, args) {
  const out = execFileSync(BIN, ['--db', reg.db, 'projects', ...args, '--json'],
    { env: { ...process.env, FUPIN_NOW: `${day}T10:00:00+08:00` }, encoding: 'utf8' });
  return JSON.parse(out);
}

before(async () => {
  dir = tempDir();
  reg = buildRegister(dir);
  const file = path.join(dir, 'project.json');
  writeFileSync(file, JSON.stringify({
    name: '肉牛养殖合作社圈舍扩建', category: '产业发展', nature: '扩建', region: reg.village, year: 2026,
    start_on: '2026-08-01', end_on: '2026-12-31', unit: '乡镇人民政府', person: '王某', tasks: '新建牛舍 600 平方米',
    budget: { central: '300000', integrated: '50000' },
    performance_targets: [{ indicator: '带动脱贫户户均增收', target: '≥2000元' }], poverty_linkage: '入股分红',
  }));
  const p = projects('2026-06-10', ['add', '--file', file, '--as', 'village']);
  assert.equal(projects('2026-06-20', ['advance', String(p.id), '--as', 'village', '--comment', '村内公示无异议']).stage, 'review');
  server = await serve(reg.db);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dir);
});

const text = async (page, name) => (await page.innerText(`[data-test=${name}]`)).trim();
const waitText = (page, name, expected) => page.waitForFunction(
  ([n, e]) => document.querySelector(`[data-test=${n}]`)?.innerText.trim() === e, [name, expected]);

test('the township reviews a project, its notice cannot close early, the village objects', async () => {
  let page = await signIn(browser, server.base, 'township');
  await page.click('[data-test=menu-projects]');
  await page.waitForURL((url) => url.pathname === '/projects');
  const row = await page.waitForSelector('[data-test=projects] tr:has-text("肉牛养殖合作社圈舍扩建")');
  assert.match(await row.innerText(), /产业发展\s+乡镇审核\s+\d{12}\s+2026\s+350000\.00/);
  await row.click();
  await waitText(page, 'project-stage', '乡镇审核');
  assert.match(await page.innerText('[data-test=steps]'), /2026-06-10\s+项目申报\s+推进\s+village[\s\S]*2026-06-20\s+村内公示\s+推进\s+village\s+村内公示无异议/);

  await page.fill('[data-test=advance-comment]', '审核通过');
  await page.click('[data-test=advance-submit]');
  await waitText(page, 'project-stage', '乡镇公示');
  assert.equal(await text(page, 'project-notice'), '公示至 2026-07-10');
  assert.match(await page.innerText('[data-test=steps]'), /2026-06-30\s+乡镇审核\s+推进\s+township\s+审核通过/);

  await page.click('[data-test=advance-submit]');
  const refused = await page.waitForSelector('[data-test=project-error]');
  assert.match(await refused.innerText(), /E_NOTICE_OPEN.*2026-07-10/s);
  await waitText(page, 'project-stage', '乡镇公示');
  await shot(page, 'projects-township');
  await page.context().close();

  // The village sees the project in the township's notice and objects; it goes back to review.
  page = await signIn(browser, server.base, 'village');
  await page.goto(`${server.base}/projects`);
  await (await page.waitForSelector('[data-test=projects] tr:has-text("肉牛养殖合作社圈舍扩建")')).click();
  await waitText(page, 'project-stage', '乡镇公示');
  await page.fill('[data-test=objection-text]', '选址占用基本农田');
  await page.click('[data-test=objection-submit]');
  await waitText(page, 'project-stage', '乡镇审核');
  await page.waitForSelector('[data-test=project-notice]', { state: 'detached' }); // the tag fades out
  assert.match(await page.innerText('[data-test=steps]'), /乡镇公示\s+异议\s+village\s+选址占用基本农田/);
  await page.context().close();
});
