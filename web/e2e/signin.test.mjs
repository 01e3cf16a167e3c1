// Signing in as each role, the layout that says who I am, menus only for my role, the
// dashboard's figures, drill-down, the language switch, an expired session sent back to
// sign-in with a message, and a village clerk who cannot reach another village by URL.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { buildRegister, launch, removeDir, serve, shot, signIn, summary, tempDir } from './harness.mjs';

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

// The menus each role sees (of the screens built so far: a menu appears with its screen).
const MENUS = {
  county: ['dashboard', 'register', 'imports', 'assessments', 'crosscheck', 'worklist', 'cases', 'helpers', 'funds', 'complaints'],
  village: ['dashboard', 'register', 'assessments', 'crosscheck', 'worklist', 'cases', 'helpers', 'funds', 'complaints'],
  helper: ['dashboard', 'mine', 'register', 'assessments', 'crosscheck', 'cases', 'helpers', 'funds'],
  auditor: ['dashboard', 'register', 'assessments', 'crosscheck', 'cases', 'helpers', 'funds', 'complaints', 'audit'],
  admin: ['dashboard', 'register', 'imports', 'assessments', 'crosscheck', 'worklist', 'cases', 'helpers', 'funds', 'complaints', 'audit', 'users'],
};
// The project library (扶贫项目库) and microcredit (扶贫小额信贷), issue 14: every role that
// reads sees their menus, right after 扶贫资金 (and before 12317 complaints).
for (const menus of Object.values(MENUS)) menus.splice(menus.indexOf('funds') + 1, 0, 'projects', 'loans');

for (const [name, menus] of Object.entries(MENUS)) {
  test(`${name} signs in and sees who it is and only its menus`, async () => {
    const page = await signIn(browser, server.base, name);
    await page.waitForSelector('[data-test=households]');
    const who = await page.innerText('[data-test=who]');
    assert.match(who, new RegExp(name));
    const shown = await page.$$eval('.el-aside [data-test^=menu-]', (els) => els.map((e) => e.dataset.test.slice(5)));
    assert.deepEqual(shown, menus);
    // The dashboard's complaints panel goes with the complaints menu (issue 14).
    await page.waitForSelector('[data-test=panel-funds]');
    if (menus.includes('complaints')) await page.waitForSelector('[data-test=panel-complaints-open]');
    else assert.equal(await page.$('[data-test=panel-complaints]'), null);
    await shot(page, `signin-${name}`);
    await page.context().close();
  });
}

test('the county dashboard shows its figures, incidence against the standard and drills down', async () => {
  const page = await signIn(browser, server.base, 'county');
  await page.waitForSelector('[data-test=households]');
  const households = Number((await page.innerText('[data-test=households]')).replace(/,/g, ''));
  assert.equal(households, summary(reg.db, '620422').households);
  assert.match(await page.innerText('[data-test=incidence]'), /贫困发生率 · \d{4}/);
  assert.match(await page.innerText('[data-test=threshold]'), /退出标准 3\.00%/, 'the western county threshold');
  assert.match(await page.innerText('[data-test=region-name]'), /会宁县/);
  // The panels of issue 14: the funds' spending progress and the complaints by timeliness.
  await page.waitForSelector('[data-test=panel-funds-ratio]');
  assert.match(await page.innerText('[data-test=panel-funds]'), /资金支出进度[\s\S]*\d+(\.\d+)?%/);
  await page.waitForSelector('[data-test=panel-complaints-open_overdue]');
  // The project library by stage: a count for every stage, notices marked.
  await page.waitForSelector('[data-test=panel-projects-done]');
  assert.match(await page.innerText('[data-test=panel-projects]'), /扶贫项目进展[\s\S]*村内公示\s*\d+[\s\S]*已完成\s*\d+/);
  await page.waitForSelector('canvas');
  await shot(page, 'dashboard-county');
  await page.click('[data-test=children] a >> nth=0');
  await page.waitForURL(/\/regions\/\d{9}/);
  await page.waitForSelector('[data-test=households]');
  await shot(page, 'dashboard-township');
  await page.context().close();
});

test('an expired session sends the user back to sign-in with a message', async () => {
  const page = await signIn(browser, server.base, 'viewer');
  await page.waitForSelector('[data-test=households]');
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('fupin.session'));
    s.token = 'f'.repeat(64);
    sessionStorage.setItem('fupin.session', JSON.stringify(s));
  });
  await page.reload();
  await page.waitForURL(/\/login/);
  assert.match(await page.innerText('[data-test=login-notice]'), /登录已过期/);
  await page.context().close();
});

test('a village clerk cannot reach another village by URL', async () => {
  const page = await signIn(browser, server.base, 'village');
  await page.waitForSelector('[data-test=households]');
  await page.goto(`${server.base}/regions/${reg.village2}`);
  const error = await page.waitForSelector('[data-test=load-error]');
  assert.match(await error.innerText(), /不存在/);
  await shot(page, 'village-other-village');
  await page.context().close();
});

test('the app switches to English and back', async () => {
  const page = await signIn(browser, server.base, 'county');
  await page.waitForSelector('[data-test=households]');
  await page.click('text=English');
  await page.waitForSelector('text=Households');
  await page.click('text=中文');
  await page.waitForSelector('text=户数');
  await page.context().close();
});
