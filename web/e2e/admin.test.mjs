// User administration in the browser: an admin adds a village clerk (the form shows the
// password rules and the server's refusal), the clerk then signs in; the admin sets a new
// password and disables an account; a county administrator has no users menu.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { buildRegister, launch, removeDir, serve, shot, signIn, tempDir } from './harness.mjs';

let dir, reg, server, browser;

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

const field = (page, name) => page.locator(`input[data-test=${name}], [data-test=${name}] input`).first();

async function signInAs(name, password) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.fill('[data-test=username]', name);
  await page.fill('[data-test=password]', password);
  await page.click('[data-test=login-submit]');
  return page;
}

test('an admin adds a village clerk who then signs in', async () => {
  const page = await signIn(browser, server.base, 'admin');
  await page.click('[data-test=menu-users]');
  await page.waitForSelector('[data-test=users-table] >> text=village2');
  await page.click('[data-test=user-add]');
  await field(page, 'new-username').fill('clerk.li');
  await page.click('[data-test=new-role]');
  await page.click('.el-select-dropdown__item >> text=村级经办');
  await field(page, 'new-region').fill(reg.village);
  // Too short: the rules say what is missing and nothing is sent.
  await field(page, 'new-password').fill('short1');
  assert.match(await page.innerText('[data-test=password-rules]'), /○ 至少 10 个字符/);
  await field(page, 'new-repeat').fill('short1');
  await page.click('[data-test=user-submit]');
  assert.match(await page.innerText('[data-test=user-error]'), /至少 10 个字符/);
  // A region outside nothing but unknown: the server's own message.
  await field(page, 'new-password').fill('Clerk-pass-2026');
  await field(page, 'new-repeat').fill('Clerk-pass-2026');
  assert.doesNotMatch(await page.innerText('[data-test=password-rules]'), /○/);
  await field(page, 'new-region').fill('620422109999');
  await page.click('[data-test=user-submit]');
  await page.waitForSelector('[data-test=user-error] >> text=区划代码不存在');
  await field(page, 'new-region').fill(reg.village);
  await shot(page, 'admin-add-user');
  await page.click('[data-test=user-submit]');
  await page.waitForSelector('[data-test=users-table] >> text=clerk.li');
  await shot(page, 'admin-users');
  await page.context().close();

  const clerk = await signInAs('clerk.li', 'Clerk-pass-2026');
  await clerk.waitForSelector('[data-test=who]');
  assert.match(await clerk.innerText('[data-test=who]'), /clerk\.li/);
  assert.match(await clerk.innerText('[data-test=who]'), /村级经办/);
  await clerk.context().close();
});

test('an admin sets a new password and disables an account', async () => {
  const page = await signIn(browser, server.base, 'admin');
  await page.goto(`${server.base}/users`);
  await page.click('[data-test=user-password-viewer]');
  await field(page, 'reset-password').fill('Viewer-new-2027');
  await field(page, 'reset-repeat').fill('Viewer-new-2027');
  await page.click('[data-test=reset-submit]');
  await page.waitForSelector('.el-message >> text=已为 viewer 设置新密码');
  await page.click('[data-test=user-disable-department]');
  await page.click('.el-message-box .el-button--primary');
  await page.waitForSelector('.el-message >> text=已停用 department');
  await page.context().close();

  const viewer = await signInAs('viewer', 'Viewer-new-2027');
  await viewer.waitForSelector('[data-test=who]');
  await viewer.context().close();
  const department = await signInAs('department', 'E2e-pass-2026');
  await department.waitForSelector('[data-test=login-error], .el-alert--error, .el-message--error');
  assert.match(department.url(), /\/login/);
  await department.context().close();
});

test('a county administrator has no users menu and cannot open the page by URL', async () => {
  const page = await signIn(browser, server.base, 'county');
  await page.waitForSelector('[data-test=households]');
  assert.equal(await page.locator('[data-test=menu-users]').count(), 0);
  await page.goto(`${server.base}/users`);
  await page.waitForURL((url) => url.pathname === '/');
  await page.context().close();
});
