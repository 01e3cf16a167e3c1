// The 12317 complaints (投诉举报) in the browser: the county office transcribes a call for a
// village; a viewer and the county see the complainant's phone masked, the village office
// (its handler) whole; the village answers it, and an answer sent from a stale page shows
// E_COMPLAINT_STATE's message and what it means; the call-back's 满意 is recorded. A second
// complaint is left open: the server is restarted on the same register with its clock
// (FUPIN_NOW) on day 16 after the call, when it is overdue and escalated to the township,
// which finds it on its desk, in red, and sees the phone whole; the county's dashboard
// shows the complaints by timeliness and the funds' spending progress.
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
  return rows.find((h) => h['行政区划代码'] === reg.village)['户编号'];
}

const text = async (page, name) => (await page.innerText(`[data-test=${name}]`)).trim();
const waitText = (page, name, expected) => page.waitForFunction(
  ([n, e]) => document.querySelector(`[data-test=${n}]`)?.innerText.trim() === e, [name, expected]);

// Files a complaint through the form of the page (open on /complaints); resolves to its number.
async function file(page, { subject, text: body, name, phone, household = '' }) {
  await page.click('[data-test=file-toggle]');
  await page.fill('[data-test=file-region]', reg.village);
  await page.fill('[data-test=file-text]', body);
  await page.fill('[data-test=file-name]', name);
  await page.fill('[data-test=file-phone]', phone);
  await page.fill('[data-test=file-household]', household);
  await page.fill('[data-test=file-subject]', subject);
  await page.keyboard.press('Escape');
  const known = await page.$$eval('.el-message--success', (els) => els.map((e) => e.innerText));
  await page.click('[data-test=file-submit]');
  const done = await page.waitForFunction((seen) => [...document.querySelectorAll('.el-message--success')]
    .map((e) => e.innerText).find((t) => !seen.includes(t)), known);
  const m = /已登记投诉 (\d+) 号，答复期限 2026-07-15/.exec(await done.jsonValue());
  assert.ok(m, await done.jsonValue());
  return m[1];
}

async function openComplaint(page, id) {
  await page.goto(`${server.base}/complaints`);
  await page.click(`[data-test=complaint-${id}]`);
  await page.waitForSelector('[data-test=detail-phone]');
}

let answered, left;

test('the county files a call for a village, the village answers it and the call-back is recorded; others see the phone masked', async () => {
  const household = householdOfVillage();
  let page = await signIn(browser, server.base, 'county');
  await page.click('[data-test=menu-complaints]');
  await page.waitForURL((url) => url.pathname === '/complaints');
  answered = await file(page, { subject: '低保', text: '低保评定结果没有在村里公示', name: '王小明', phone: '138 1234 5678', household });
  const row = await page.waitForSelector(`[data-test=complaints] tr:has([data-test=complaint-${answered}])`);
  assert.match(await row.innerText(), /电话记录\s+.+\s+低保\s+2026-06-30\s+2026-07-15\s+待答复/);
  await page.waitForSelector('[data-test=detail-masked]');
  assert.equal(await text(page, 'detail-phone'), '138****5678', 'the county does not handle a village\'s complaint');
  assert.equal(await text(page, 'detail-name'), '王**');
  assert.equal(await page.$('[data-test=detail] [data-test=answer-form]') !== null, true, 'an office that sees it may answer');
  left = await file(page, { subject: '扶贫资金', text: '产业奖补没有发到户', name: '李四', phone: '0943-5212345' });
  await page.context().close();

  // A viewer reads it masked and has no form.
  page = await signIn(browser, server.base, 'viewer');
  await openComplaint(page, answered);
  assert.equal(await text(page, 'detail-phone'), '138****5678');
  for (const form of ['file-toggle', 'answer-form', 'confirm-form']) {
    assert.equal(await page.$(`[data-test=${form}]`), null, `a viewer sees no ${form}`);
  }
  await page.context().close();

  // The village office, its handler, sees the phone whole and answers; a stale page of the
  // same office answering after it is refused with E_COMPLAINT_STATE.
  page = await signIn(browser, server.base, 'village');
  assert.ok(await page.isVisible('[data-test=menu-complaints]'));
  await openComplaint(page, answered);
  assert.equal(await text(page, 'detail-phone'), '13812345678');
  assert.equal(await text(page, 'detail-name'), '王小明');
  await page.waitForSelector('[data-test=detail-whole]');
  assert.match(await text(page, 'detail'), new RegExp(household));
  const stale = await signIn(browser, server.base, 'village');
  await openComplaint(stale, answered);
  await page.fill('[data-test=answer-text]', '已在村务公开栏补充公示低保评定结果');
  await page.fill('[data-test=answer-evidence]', '公示照片 2026-06-30');
  await page.click('[data-test=answer-submit]');
  await waitText(page, 'detail-state', '已答复');
  assert.match(await text(page, 'detail-answer'), /已在村务公开栏补充公示低保评定结果[\s\S]*公示照片 2026-06-30[\s\S]*village/);
  await stale.fill('[data-test=answer-text]', '另一份答复');
  await stale.click('[data-test=answer-submit]');
  const refused = await stale.waitForSelector('[data-test=act-error]');
  const message = await refused.innerText();
  assert.match(message, /E_COMPLAINT_STATE：只能答复未办结的投诉（当前状态：answered）/);
  assert.match(message, /没有写入任何内容/);
  await waitText(stale, 'detail-state', '已答复');
  assert.match(await text(stale, 'detail-answer'), /已在村务公开栏补充公示/, 'the first answer stands');
  await shot(stale, 'complaints-state-refused');
  await stale.context().close();

  // The call-back: the complainant is satisfied.
  await page.click('[data-test=confirm-satisfied]');
  await page.click('[data-test=confirm-submit]');
  await waitText(page, 'detail-state', '已确认');
  assert.match(await text(page, 'detail-confirmation'), /满意/);
  assert.doesNotMatch(await text(page, 'detail-confirmation'), /不满意/);
  // The statistics: of 2, 1 answered on time and satisfied, 1 open and not yet due.
  await page.waitForFunction(() => /合计\s+2\s+1\s+0\s+1\s+0\s+0\s+1\s+0/
    .test(document.querySelector('[data-test=stats-regions] .el-table__body tr')?.innerText ?? ''));
  await shot(page, 'complaints-village');
  await page.context().close();
});

test('a complaint left open is overdue on day 16 and escalated to the township, and the dashboard counts it', async () => {
  assert.ok(left, 'the first test filed it');
  // Day 15 after the call (due 2026-07-15) it is on time; on 07-16 it is overdue.
  await server.stop();
  server = await serve(reg.db, { now: '2026-07-16T09:00:00+08:00' });

  let page = await signIn(browser, server.base, 'township');
  await page.click('[data-test=menu-complaints]');
  const row = await page.waitForSelector(`[data-test=complaints] tr:has([data-test=complaint-${left}])`);
  assert.match(await row.getAttribute('class'), /overdue/);
  assert.equal(await text(page, `overdue-${left}`), '逾期');
  assert.equal(await text(page, `escalated-${left}`), '已上交乡镇');
  assert.equal(await page.$(`[data-test=complaint-${answered}]`), null, 'the answered one stays on the village\'s desk');
  await page.click('[data-test=complaints-overdue]');
  await page.waitForFunction(() => document.querySelectorAll('[data-test=complaints] .el-table__body tr').length === 1);
  await page.click(`[data-test=complaint-${left}]`);
  await page.waitForSelector('[data-test=detail-whole]');
  assert.match(await text(page, 'detail-phone'), /^0943-?5212345$/);
  assert.match(await text(page, 'detail-escalated'), /已上交/);
  await page.waitForSelector('[data-test=detail] [data-test=answer-form]');
  await shot(page, 'complaints-township');
  await page.context().close();

  // The viewer still sees it masked.
  page = await signIn(browser, server.base, 'viewer');
  await openComplaint(page, left);
  assert.match(await text(page, 'detail-phone'), /\*{4}/);
  await page.waitForSelector('[data-test=detail-masked]');
  await page.context().close();

  // The county's dashboard: 1 answered on time, 0 late, 1 open and overdue, 0 open; the
  // funds' spending progress of the year, none recorded, misses the 90% rule.
  page = await signIn(browser, server.base, 'county');
  await page.waitForSelector('[data-test=panel-complaints-open_overdue]');
  const counts = {};
  for (const key of ['answered_on_time', 'answered_late', 'open_overdue', 'open']) counts[key] = await text(page, `panel-complaints-${key}`);
  assert.deepEqual(counts, { answered_on_time: '1', answered_late: '0', open_overdue: '1', open: '0' });
  await page.waitForSelector('[data-test=panel-funds-verdict]');
  assert.match(await text(page, 'panel-funds-ratio'), /^\d+(\.\d+)?%$/);
  assert.match(await text(page, 'panel-funds-verdict'), /未达到要求（应不低于 90%）/);
  assert.match(await page.getAttribute('[data-test=panel-funds]', 'class'), /misses/);
  await shot(page, 'dashboard-panels');
  await page.context().close();
});
