// The project library (扶贫项目库) in the browser: a village's project, proposed and taken
// through its village notice with the CLI (its clock moved back with FUPIN_NOW), waits for
// the township's review. The township finds it by stage, reads its steps and completes the
// review; its township notice starts and closing it at once shows E_NOTICE_OPEN with the
// date; the village raises an objection during that notice and the project goes back to
// the review. The server's clock is 2026-06-30 (harness).
//
// Then a project from proposal to assets through the screens (projweb14): the village
// proposes it through the form (a budget amount with three decimals is refused first with
// E_NUMBER), and a server restarted on later days (FUPIN_NOW) lets each notice close: the
// township reviews, the county approves and plans, the village starts the work and records
// progress, the township's end of the work at 60% is refused with E_CONDITIONS, 100% lets it
// end, the county accepts it and records an asset, and the project is done. A second project,
// without targets or linkage, is refused at approval with both criteria listed, returned to
// the review by the county and rejected by the township. The projects
// report downloads as an XLSX workbook with its Chinese name (the funds report: funds.test.mjs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
  const refused = await page.waitForSelector('[data-test=advance-error]');
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

// A registered household of the village (the generated households.csv).
function householdOfVillage() {
  const [head, ...lines] = readFileSync(path.join(dir, 'gen', 'households.csv'), 'utf8').trim().split('\n');
  const names = head.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
  return rows.find((h) => h['行政区划代码'] === reg.village && h['贫困状态'] !== '已剔除')['户编号'];
}

const NAME = '村级光伏电站建设';
// The second server of the test below, restarted on each day the project moves.
let later = null;
after(async () => { await later?.stop(); });
async function serveOn(day) {
  await later?.stop();
  later = await serve(reg.db, { now: `${day}T09:00:00+08:00` });
  return later.base;
}
async function openProject(base, account, name = NAME) {
  const page = await signIn(browser, base, account);
  await page.goto(`${base}/projects`);
  await (await page.waitForSelector(`[data-test=projects] tr:has-text("${name}")`)).click();
  await page.waitForSelector('[data-test=project-stage]');
  return page;
}
async function advance(page, from, to, comment = '') {
  await waitText(page, 'project-stage', from);
  if (comment) await page.fill('[data-test=advance-comment]', comment);
  await page.click('[data-test=advance-submit]');
  await waitText(page, 'project-stage', to);
}
const pick = async (page, select, option) => {
  await page.click(`[data-test=${select}]`);
  await page.click(`.el-select-dropdown__item:visible:has-text("${option}")`);
};
// Clicks `button` and saves what it downloads: { name, head (the first two bytes) }.
async function downloadOf(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-test=${button}]`)]);
  const saved = await file.path();
  return { name: file.suggestedFilename(), head: readFileSync(saved).subarray(0, 2).toString('latin1') };
}

test('a village proposes a project through the form and the offices take it to its assets; the report downloads', async () => {
  const household = householdOfVillage();
  // A second project, without targets or linkage, taken to the county's approval by the CLI.
  const bare = path.join(dir, 'bare.json');
  writeFileSync(bare, JSON.stringify({
    name: '村组道路硬化', category: 'rural_construction', nature: 'new', region: reg.village, year: 2026,
    start_on: '2026-08-01', end_on: '2026-10-31', unit: '村委会', person: '李某', tasks: '硬化道路 2 公里', budget: { county: '200000' },
  }));
  const second = projects('2026-07-01', ['add', '--file', bare, '--as', 'village']);
  projects('2026-07-11', ['advance', String(second.id), '--as', 'village']);
  projects('2026-07-11', ['advance', String(second.id), '--as', 'township']);
  assert.equal(projects('2026-07-21', ['advance', String(second.id), '--as', 'township']).stage, 'approve');

  // 2026-07-01: the village proposes it.
  let base = await serveOn('2026-07-01');
  let page = await signIn(browser, base, 'village');
  await page.goto(`${base}/projects`);
  await page.click('[data-test=propose-open]');
  await page.fill('[data-test=propose-name]', NAME);
  await pick(page, 'propose-category', '产业发展');
  await pick(page, 'propose-nature', '新建');
  assert.equal(await page.inputValue('[data-test=propose-region]'), reg.village);
  await pick(page, 'propose-year', '2026');
  await page.fill('[data-test=propose-start]', '2026-08-01');
  await page.fill('[data-test=propose-end]', '2026-11-30');
  await page.fill('[data-test=propose-unit]', '乡镇人民政府');
  await page.fill('[data-test=propose-person]', '张某');
  await page.fill('[data-test=propose-tasks]', '建设 100 千瓦村级光伏电站');
  await page.fill('[data-test=budget-amount-0]', '300000.125');
  await page.click('[data-test=budget-add]');
  await pick(page, 'budget-source-1', '统筹整合涉农资金');
  await page.fill('[data-test=budget-amount-1]', '50000');
  assert.match(await text(page, 'budget-bad'), /第 1 行/);
  await page.fill('[data-test=propose-households]', household);
  await page.fill('[data-test=count-people]', '4');
  await page.fill('[data-test=target-indicator-0]', '村集体经济年收入');
  await page.fill('[data-test=target-value-0]', '≥4万元');
  await page.click('[data-test=target-add]');
  await page.fill('[data-test=target-indicator-1]', '带动脱贫户户均增收');
  await page.fill('[data-test=target-value-1]', '≥1000元');
  await page.fill('[data-test=propose-linkage]', '收益用于公益岗位和到户分红');
  await page.click('[data-test=propose-submit]');
  const refused = await page.waitForSelector('[data-test=propose-error]');
  assert.match(await refused.innerText(), /E_NUMBER：.*两位小数/s);
  await page.fill('[data-test=budget-amount-0]', '300000');
  await waitText(page, 'budget-total', '预算合计 350000.00 元');
  await shot(page, 'projects-propose');
  await page.click('[data-test=propose-submit]');
  await waitText(page, 'project-name', NAME);
  await waitText(page, 'project-stage', '村内公示');
  assert.equal(await text(page, 'project-notice'), '公示至 2026-07-11');
  assert.equal(await text(page, 'project-budget-lines'), '中央 300000.00；统筹整合涉农资金 50000.00');
  assert.equal(await text(page, 'project-beneficiaries'), '1 户 4 人，其中脱贫户 0 户 0 人');
  assert.equal(await text(page, 'project-targets'), '村集体经济年收入 ≥4万元；带动脱贫户户均增收 ≥1000元');
  assert.match(await page.innerText('[data-test=projects]'), new RegExp(`${NAME}\\s+产业发展\\s+村内公示`));
  await page.context().close();

  // 2026-07-11: the village notice closes; the township reviews.
  base = await serveOn('2026-07-11');
  page = await openProject(base, 'village');
  await advance(page, '村内公示', '乡镇审核', '公示无异议');
  assert.match(await text(page, 'stage-level'), /本步由乡镇级办理/);
  assert.equal(await page.$('[data-test=advance-form]'), null);
  await page.context().close();
  page = await openProject(base, 'township');
  await advance(page, '乡镇审核', '乡镇公示', '审核通过');
  await page.context().close();

  // 2026-07-21: the township notice closes; the county approves and plans.
  base = await serveOn('2026-07-21');
  page = await openProject(base, 'township');
  await advance(page, '乡镇公示', '县级审批入库');
  await page.context().close();
  page = await openProject(base, 'county');
  await advance(page, '县级审批入库', '纳入年度计划', '同意入库');
  await advance(page, '纳入年度计划', '实施前公示');
  await page.context().close();
  // The second project cannot enter the library: each missing condition is listed. The county
  // returns it to the township's review, and the township rejects it.
  page = await openProject(base, 'county', '村组道路硬化');
  await page.click('[data-test=advance-submit]');
  const missing = await page.waitForSelector('[data-test=advance-error]');
  assert.match(await missing.innerText(), /E_CONDITIONS[\s\S]*不满足本步的条件/);
  assert.equal(await text(page, 'criterion-performance_targets'), '项目未设定绩效目标，不能入库');
  assert.equal(await text(page, 'criterion-poverty_linkage'), '项目未说明带贫减贫机制，不能入库');
  await pick(page, 'return-to', '乡镇审核');
  await page.fill('[data-test=return-reason]', '补充绩效目标和带贫减贫机制');
  await page.click('[data-test=return-submit]');
  await waitText(page, 'project-stage', '乡镇审核');
  assert.match(await page.innerText('[data-test=steps]'), /县级审批入库\s+退回 → 乡镇审核\s+county\s+补充绩效目标和带贫减贫机制/);
  await page.context().close();
  page = await openProject(base, 'township', '村组道路硬化');
  await page.fill('[data-test=reject-reason]', '与已入库项目重复');
  await page.click('[data-test=reject-submit]');
  await waitText(page, 'project-stage', '不予通过');
  assert.equal(await page.$('[data-test=reject-form]'), null);
  await page.context().close();

  // 2026-07-31: work starts; the village records progress; the township cannot end the work
  // at 60%, records 100% and ends it; the county accepts it and records an asset.
  base = await serveOn('2026-07-31');
  page = await openProject(base, 'village');
  await advance(page, '实施前公示', '项目实施');
  await page.fill('[data-test=progress-percent]', '60');
  await page.fill('[data-test=progress-note]', '支架安装完成');
  await page.click('[data-test=progress-submit]');
  await page.waitForSelector('[data-test=progress] tr:has-text("支架安装完成")');
  await page.context().close();
  page = await openProject(base, 'township');
  await page.click('[data-test=advance-submit]');
  const conditions = await page.waitForSelector('[data-test=advance-error]');
  assert.match(await conditions.innerText(), /E_CONDITIONS[\s\S]*项目进度未达到 100%，不能结束实施/);
  await page.waitForSelector('[data-test=criterion-progress]');
  await waitText(page, 'project-stage', '项目实施');
  await page.fill('[data-test=progress-percent]', '100');
  await page.fill('[data-test=progress-note]', '并网发电');
  await page.click('[data-test=progress-submit]');
  await page.waitForSelector('[data-test=progress] tr:has-text("并网发电")');
  assert.match(await page.innerText('[data-test=progress]'), /2026-07-31\s+60%\s+支架安装完成\s+village[\s\S]*2026-07-31\s+100%\s+并网发电\s+township/);
  await advance(page, '项目实施', '竣工验收', '完工');
  await page.context().close();
  page = await openProject(base, 'county');
  await page.fill('[data-test=advance-result]', '合格');
  await advance(page, '竣工验收', '完工后公示');
  assert.equal(await text(page, 'project-acceptance'), '2026-07-31 合格（county）');
  await page.fill('[data-test=asset-name]', '村级光伏电站');
  await page.fill('[data-test=asset-value]', '350000');
  await page.fill('[data-test=asset-owner]', '村股份经济合作社');
  await page.fill('[data-test=asset-keeper]', '村委会');
  await page.click('[data-test=asset-submit]');
  const asset = await page.waitForSelector('[data-test=assets] tr:has-text("村级光伏电站")');
  assert.match(await asset.innerText(), /经营性\s+村级光伏电站\s+350000\.00\s+村股份经济合作社\s+村委会\s+2026-07-31\s+county/);
  await page.context().close();

  // 2026-08-10: the completion notice closes and the county finishes the project; the
  // projects report of 2026 downloads as a workbook.
  base = await serveOn('2026-08-10');
  page = await openProject(base, 'village');
  await advance(page, '完工后公示', '资产登记');
  await page.context().close();
  page = await openProject(base, 'county');
  await advance(page, '资产登记', '已完成');
  assert.equal(await page.$('[data-test=advance-form]'), null);
  assert.match(await page.innerText('[data-test=steps]'), /资产登记\s+推进\s+county/);
  await shot(page, 'projects-done');
  await pick(page, 'projects-year', '2026');
  const projectsReport = await downloadOf(page, 'projects-export');
  assert.match(projectsReport.name, /^项目报表-.+-2026\.xlsx$/);
  assert.equal(projectsReport.head, 'PK');
  await page.context().close();
});
