// The other moves of a case in the browser: a viewer's objection during the notice sends
// the case back to 入户核实; the township returns a case to an earlier step with a reason,
// and rejects another (不予通过) — each shown on the case page with who did it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { PASSWORD, buildRegister, launch, removeDir, serve, shot, signIn, tempDir } from './harness.mjs';

let dir, reg, server, browser;
const cases = {};

// The first `n` registered, not removed households of the village (a removal applies).
function registered(n) {
  const [head, ...lines] = readFileSync(path.join(dir, 'gen', 'households.csv'), 'utf8').split('\n');
  const names = head.replace(/^\uFEFF/, '').split(',');
  const col = (name) => names.indexOf(name);
  return lines.map((l) => l.split(','))
    .filter((v) => v[col('行政区划代码')] === reg.village && v[col('户类型')] === '建档立卡户' && v[col('贫困状态')] !== '已剔除')
    .slice(0, n).map((v) => v[col('户编号')]);
}

async function call(base, token, method, pathname, body) {
  const res = await fetch(`${base}/api/v1${pathname}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${pathname}: ${JSON.stringify(json)}`);
  return json.data;
}
const tokenOf = async (base, name) => (await call(base, '', 'POST', '/session', { username: name, password: PASSWORD })).token;

before(async () => {
  dir = tempDir();
  reg = buildRegister(dir);
  const [a, b, c] = registered(3);
  // Ten days earlier: three removal cases taken to their village notice.
  let early = await serve(reg.db, { now: '2026-06-20T09:00:00+08:00' });
  let village = await tokenOf(early.base, 'village');
  for (const [name, code] of Object.entries({ objected: a, returned: b, rejected: c })) {
    let kase = await call(early.base, village, 'POST', '/cases', { kind: 'remove', household_code: code, reason: '05' });
    while (kase.step !== 'notice') kase = await call(early.base, village, 'POST', `/cases/${kase.id}/advance`, { comment: '同意' });
    cases[name] = kase.id;
  }
  await early.stop();
  // Today: two of them past their notice, at the township's check.
  server = await serve(reg.db);
  village = await tokenOf(server.base, 'village');
  for (const name of ['returned', 'rejected']) {
    await call(server.base, village, 'POST', `/cases/${cases[name]}/advance`, { comment: '公示无异议' });
  }
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dir);
});

test('a viewer objects during the notice and the case goes back to 入户核实', async () => {
  const page = await signIn(browser, server.base, 'viewer');
  await page.goto(`${server.base}/cases/${cases.objected}`);
  await page.waitForSelector('[data-test=object-form]');
  await page.fill('[data-test=objection-text]', '此户在县城有商铺');
  await page.click('[data-test=object]');
  await page.waitForFunction(() => document.querySelector('[data-test=case-step]')?.innerText.includes('入户核实'));
  const steps = await page.innerText('[data-test=steps]');
  assert.match(steps, /此户在县城有商铺/);
  assert.match(steps, /viewer/);
  await shot(page, 'case-objection');
  await page.context().close();
});

test('the township returns a case to 入户核实 with its reason', async () => {
  const page = await signIn(browser, server.base, 'township');
  await page.goto(`${server.base}/cases/${cases.returned}`);
  await page.waitForSelector('[data-test=return-form]');
  await page.click('[data-test=return-to]');
  await page.click('.el-select-dropdown__item:has-text("入户核实")');
  await page.fill('[data-test=return-reason]', '收入核实不清');
  await page.click('[data-test=return]');
  await page.waitForFunction(() => document.querySelector('[data-test=case-step]')?.innerText.includes('入户核实'));
  assert.match(await page.innerText('[data-test=steps]'), /收入核实不清/);
  await shot(page, 'case-returned');
  await page.context().close();
});

test('the township rejects a case and it closes as 不予通过', async () => {
  const page = await signIn(browser, server.base, 'township');
  await page.goto(`${server.base}/cases/${cases.rejected}`);
  await page.waitForSelector('[data-test=reject-form]');
  await page.fill('[data-test=reject-reason]', '经核实不属于空挂户');
  await page.click('[data-test=reject]');
  await page.click('.el-message-box .el-button--primary');  // the confirmation
  await page.waitForFunction(() => /不予通过/.test(document.querySelector('[data-test=case-state]')?.innerText ?? ''));
  assert.match(await page.innerText('[data-test=steps]'), /经核实不属于空挂户/);
  await shot(page, 'case-rejected');
  await page.context().close();
});
