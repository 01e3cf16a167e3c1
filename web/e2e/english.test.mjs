// The app in English: the county office switches the sign-in page to English (the choice is
// kept in localStorage, so a reload stays in English) and goes through the dashboard, the
// funds, the project library, the microcredit ledger (a loan opened with its forms) and the
// 12317 complaints, then opens one complaint at its own address (/complaints/:id) and
// reloads it. On every screen the headings, menus, table headers, buttons, labels and
// placeholders are English — no Chinese in them, no raw message key ("loans.xxx") anywhere
// on the page, no missing-translation warning in the console. The register's own data
// (names, region names) stays Chinese. A fund, a project, a loan and a complaint are made
// with the CLI so that every screen has rows; the server's clock is 2026-06-30 (harness).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { BIN, buildRegister, COUNTY, launch, PASSWORD, removeDir, serve, shot, tempDir } from './harness.mjs';

let dir, reg, server, browser, complaint;

// `fupin ARGS… --json` on the register on local date `day`.
function fupin(day, args) {
  return JSON.parse(execFileSync(BIN, ['--db', reg.db, ...args, '--json'],
    { env: { ...process.env, FUPIN_NOW: `${day}T10:00:00+08:00` }, encoding: 'utf8' }));
}
const rowsOf = (file) => {
  const [head, ...lines] = readFileSync(path.join(dir, 'gen', file), 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
  const names = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
};

before(async () => {
  dir = tempDir();
  reg = buildRegister(dir, 200);
  fupin('2026-03-01', ['funds', 'add', '--level', '县', '--kind', '县级财政衔接推进乡村振兴补助资金', '--year', '2026',
    '--region', COUNTY, '--amount', '500000.00', '--name', '2026 年产业发展资金']);
  const project = path.join(dir, 'project.json');
  writeFileSync(project, JSON.stringify({
    name: '村内道路硬化', category: '乡村建设行动', nature: '新建', region: reg.village, year: 2026,
    start_on: '2026-08-01', end_on: '2026-12-31', unit: '乡镇人民政府', person: '王某', tasks: '硬化道路 2 公里',
    budget: { central: '450000' }, performance_targets: [{ indicator: '受益户数', target: '≥40户' }], poverty_linkage: '务工优先',
  }));
  fupin('2026-06-10', ['projects', 'add', '--file', project, '--as', 'village']);
  const ok = new Set(rowsOf('households.csv')
    .filter((h) => h['行政区划代码'] === reg.village && h['户类型'] === '建档立卡户' && h['贫困状态'] !== '已剔除').map((h) => h['户编号']));
  const m = rowsOf('members.csv').find((r) => ok.has(r['户编号']) && /^\d{6}19[789]\d/.test(r['证件号码']));
  fupin('2026-06-30', ['loans', 'add', '--household', m['户编号'], '--borrower', m['证件号码'], '--amount', '20000', '--term', '12',
    '--start', '2026-01-10', '--bank', '会宁农商银行', '--rate', '0.03', '--purpose', '02']);
  complaint = fupin('2026-06-30', ['complaints', 'add', '--channel', 'phone', '--region', reg.village, '--subject', '低保',
    '--text', '低保评定结果没有公示', '--name', '王小明', '--phone', '13812345678']).id;
  server = await serve(reg.db);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dir);
});

const CHINESE = /[\u3400-\u9fff]/;
// A message key shown as it is: an area's name, a dot, a key.
const RAW_KEY = /\b(app|roles|menu|common|login|dashboard|panels|funds|projects|loans|complaints|register|care|helpers|imports|assessments|crosscheck|procedures|audit|admin)\.[a-z][\w.]*\b/;

// The texts of the page that come from the app's messages (not from the register's data):
// headings, menus, table headers, buttons, form and card labels, panel heads, verdicts, tags
// of states, placeholders.
// The dashboard's heading is the region's name, data; the language switch reads 中文.
function labelsOf(page) {
  return page.evaluate(() => {
    const texts = (selector) => [...document.querySelectorAll(selector)].map((e) => e.innerText.trim()).filter(Boolean);
    return {
      labels: [
        ...texts('h1:not([data-test=region-name]), h2, h3'), ...texts('.el-menu-item'), ...texts('th'), ...texts('button'),
        ...texts('.el-descriptions__label'), ...texts('.el-form-item__label'), ...texts('.el-radio-button'), ...texts('.el-checkbox__label'),
        ...texts('.el-empty__description'), ...texts('.card .label'), ...texts('.panels .head'), ...texts('[data-test=worklist-counts]'),
        ...texts('.pass, .fail'), ...texts('.el-tag'), ...texts('.panel > b, form > b'),
      ].filter((t) => t !== '中文'),
      placeholders: [...document.querySelectorAll('input[placeholder], textarea[placeholder]')].map((e) => e.placeholder).filter(Boolean),
      body: document.body.innerText,
    };
  });
}
async function assertEnglish(page, screen) {
  await page.waitForFunction(() => !document.querySelector('[data-test=loading], .el-loading-mask'));
  const { labels, placeholders, body } = await labelsOf(page);
  assert.ok(labels.length > 5, `${screen}: labels found`);
  assert.deepEqual(labels.filter((t) => CHINESE.test(t)), [], `${screen}: Chinese labels`);
  assert.deepEqual(placeholders.filter((t) => CHINESE.test(t)), [], `${screen}: Chinese placeholders`);
  assert.equal(RAW_KEY.exec(body)?.[0], undefined, `${screen}: a raw message key`);
  return { labels, body };
}
const heading = (page, title) => page.waitForFunction((t) => [...document.querySelectorAll('h1, h2')].some((h) => h.innerText.trim() === t), title);

test('the county office uses the dashboard, funds, projects, loans and complaints in English', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const warnings = [];
  page.on('console', (msg) => { if (/intlify|i18n|Not found '|Fall back/i.test(msg.text())) warnings.push(msg.text()); });

  await page.goto(`${server.base}/login`);
  await page.click('button:has-text("English")');
  await page.waitForSelector('[data-test=login-submit]:has-text("Sign in")');
  await page.fill('[data-test=username]', 'county');
  await page.fill('[data-test=password]', PASSWORD);
  await page.click('[data-test=login-submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  assert.equal(await page.evaluate(() => localStorage.getItem('fupin.locale')), 'en');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');

  // The dashboard, with its panels.
  await page.waitForSelector('[data-test=panel-funds]');
  await page.waitForSelector('[data-test=panel-projects]');
  let seen = await assertEnglish(page, 'dashboard');
  for (const label of ['Home', 'Funds', 'Projects', 'Microcredit', '12317 complaints', 'Sign out']) {
    assert.ok(seen.labels.includes(label) || seen.body.includes(label), `dashboard: ${label}`);
  }
  assert.match(seen.body, /Spending progress[\s\S]*Projects by stage/);
  await shot(page, 'english-dashboard');

  // The funds ledger.
  await page.click('[data-test=menu-funds]');
  await heading(page, 'Poverty alleviation funds');
  await page.waitForSelector('[data-test=funds] .el-table__row, [data-test=funds] tbody tr');
  seen = await assertEnglish(page, 'funds');
  assert.match(seen.body, /2026 年产业发展资金/); // the fund's name is data
  await shot(page, 'english-funds');

  // The project library.
  await page.click('[data-test=menu-projects]');
  await heading(page, 'Project library');
  await page.waitForSelector('tr:has-text("村内道路硬化")');
  await assertEnglish(page, 'projects');

  // The microcredit ledger, a loan opened with its forms.
  await page.click('[data-test=menu-loans]');
  await heading(page, 'Microcredit');
  await (await page.waitForSelector('[data-test=loans] .el-table__row')).click();
  await page.waitForSelector('[data-test=repay-form]');
  seen = await assertEnglish(page, 'loans');
  for (const label of ['Grant a loan', 'Record a repayment', 'Renew without repaying', 'Extend', 'Outstanding', 'Repayments']) {
    assert.ok(seen.labels.includes(label) || seen.body.includes(label), `loans: ${label}`);
  }
  assert.match(seen.body, /Active/);
  await shot(page, 'english-loans');

  // The complaints, one opened in place: its address is the complaint's own.
  await page.click('[data-test=menu-complaints]');
  await heading(page, '12317 complaints');
  await page.click(`[data-test=complaint-${complaint}]`);
  await page.waitForURL((url) => url.pathname === `/complaints/${complaint}`);
  await page.waitForSelector('[data-test=detail-text]');
  seen = await assertEnglish(page, 'complaints');
  assert.ok(seen.body.includes(`Complaint ${complaint}`));

  // The complaint's address opened directly, then reloaded: the same complaint, in English.
  const direct = await context.newPage();
  direct.on('console', (msg) => { if (/intlify|i18n|Not found '|Fall back/i.test(msg.text())) warnings.push(msg.text()); });
  await page.close();
  // A new tab has no session (sessionStorage): it signs in and comes back to the address.
  await direct.goto(`${server.base}/complaints/${complaint}`);
  await direct.waitForURL((url) => url.pathname === '/login');
  await direct.fill('[data-test=username]', 'county');
  await direct.fill('[data-test=password]', PASSWORD);
  await direct.click('[data-test=login-submit]');
  await direct.waitForURL((url) => url.pathname === `/complaints/${complaint}`);
  await direct.waitForSelector('[data-test=detail-text]');
  assert.equal((await direct.innerText('[data-test=detail-text]')).trim(), '低保评定结果没有公示');
  await direct.reload();
  await direct.waitForSelector('[data-test=detail-text]');
  assert.equal(new URL(direct.url()).pathname, `/complaints/${complaint}`);
  seen = await assertEnglish(direct, 'complaint address');
  assert.ok(seen.body.includes(`Complaint ${complaint}`));
  await shot(direct, 'english-complaint-address');
  await direct.click('[data-test=detail-close]');
  await direct.waitForURL((url) => url.pathname === '/complaints');
  assert.equal(await direct.$('[data-test=detail]'), null);

  assert.deepEqual(warnings, []);
  await context.close();
});
