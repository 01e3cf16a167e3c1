// The village's public page (公示栏) in headless Chromium on a phone (375 × 812), signed in as
// nobody: the running notice shows the head's name and no ID number or phone of any
// household of the village; an objection filed through the page's form answers with the
// complaint's number, and the village's office then finds it in its complaints.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { buildRegister, launch, PASSWORD, removeDir, serve, shot, tempDir } from './harness.mjs';

const PHONE = { width: 375, height: 812 };
const OBJECTOR_PHONE = '13698765432';

let dir, reg, server, browser, head, secrets;

before(async () => {
  dir = tempDir();
  reg = buildRegister(dir, 200);
  // The village's households, their heads, ID numbers and phones (from the generated files).
  const rows = (file) => readFileSync(path.join(dir, 'gen', file), 'utf8').trim().split('\n').map((l) => l.split(','));
  const [hHead, ...households] = rows('households.csv');
  const [mHead, ...members] = rows('members.csv');
  const ours = new Set(households.filter((f) => f[1] === reg.village).map((f) => f[0]));
  const phoneColumn = hHead.indexOf('联系电话');
  const idColumn = mHead.indexOf('证件号码');
  secrets = [
    ...members.filter((f) => ours.has(f[0])).map((f) => f[idColumn]),
    ...households.filter((f) => ours.has(f[0]) && phoneColumn >= 0 && f[phoneColumn]).map((f) => f[phoneColumn]),
  ].filter(Boolean);
  assert.ok(secrets.length > 5, 'the village has ID numbers to hide');
  server = await serve(reg.db, { config: 'public_objections_per_hour = 100\n' });
  browser = await launch();
  // Through the API as the village's office (the CLI acts as an admin of the nation).
  const login = await fetch(`${server.base}/api/v1/session`, {
    method: 'POST', body: JSON.stringify({ username: 'village', password: PASSWORD }),
  });
  const token = (await login.json()).data.token;
  const call = async (method, p, body) => {
    const res = await fetch(`${server.base}${p}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json() };
  };
  // A case of a household of the village taken to its notice: an exit where one may be
  // proposed, else a removal (reason 99, with a comment) of the first household that has one.
  let opened = null;
  for (const kind of [{ kind: 'exit', year: 2026 }, { kind: 'remove', reason: '99', comment: '公示栏测试' }]) {
    for (const code of ours) {
      opened = await call('POST', '/api/v1/cases', { ...kind, household_code: code });
      if (opened.status === 201) break;
    }
    if (opened.status === 201) break;
  }
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  let c = opened.body.data;
  while (c.step !== 'notice') {
    const res = await call('POST', `/api/v1/cases/${c.id}/advance`, { comment: '同意' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    c = res.body.data;
  }
  const relation = mHead.indexOf('与户主关系');
  head = members.find((f) => f[0] === c.household_code && f[relation] === '户主')[mHead.indexOf('姓名')];
});

after(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dir);
});

test('the public page opens with no sign-in and shows the head, and no ID number or phone', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  const res = await page.goto(`${server.base}/public/villages/${reg.village}`);
  assert.equal(res.status(), 200);
  assert.match(await page.title(), /公示栏/);
  const text = await page.innerText('body');
  assert.ok(text.includes(head), `the head ${head} is shown`);
  assert.match(text, /拟脱贫退出|拟剔除/);
  const html = await page.content();
  for (const s of secrets) assert.ok(!html.includes(s), `${s} is not on the page`);
  assert.doesNotMatch(html, /\d{17}[\dX]/);
  assert.doesNotMatch(html, /1[3-9]\d{9}/);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    'the page fits the phone (tables scroll inside)');
  await shot(page, 'public-page');
  await context.close();
});

test('an objection filed through the form arrives as a complaint of the village', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.base}/public/villages/${reg.village}`);
  const option = await page.locator('#notice option').nth(1).getAttribute('value');
  assert.match(option, /^case:\d+$/, 'the running notice can be named');
  await page.selectOption('#notice', option);
  await page.fill('#name', '周村民');
  await page.fill('#phone', OBJECTOR_PHONE);
  await page.fill('#text', '该户家里新买了小汽车');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  const text = await page.innerText('body');
  assert.match(text, /异议已受理/);
  const number = Number(await page.innerText('#complaint'));
  assert.ok(number > 0);
  await shot(page, 'public-objection');
  await context.close();
  // The village's office sees it, whole, as a complaint from a notice.
  const login = await fetch(`${server.base}/api/v1/session`, {
    method: 'POST', body: JSON.stringify({ username: 'village', password: PASSWORD }),
  });
  const token = (await login.json()).data.token;
  const res = await fetch(`${server.base}/api/v1/complaints/${number}`, { headers: { authorization: `Bearer ${token}` } });
  const complaint = (await res.json()).data;
  assert.equal(complaint.channel, 'notice');
  assert.equal(complaint.region, reg.village);
  assert.equal(complaint.name, '周村民');
  assert.equal(complaint.phone, OBJECTOR_PHONE);
  assert.match(complaint.text, /小汽车/);
});
