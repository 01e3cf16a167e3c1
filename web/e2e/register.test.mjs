// The register in the browser: a clerk finds a household by its head's name and by
// filters, opens it and sees its criteria and timeline, edits it (a refused value is shown
// under its field, then the corrected household is saved), and a viewer sees no ID number
// or phone whole anywhere on the list or the household page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { buildRegister, launch, removeDir, serve, shot, signIn, tempDir } from './harness.mjs';

let dir, reg, server, browser, households, members;

// A generated CSV as objects keyed by its header.
function table(file) {
  const [header, ...lines] = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const keys = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}

before(async () => {
  dir = tempDir();
  reg = buildRegister(dir);
  households = table(path.join(dir, 'gen', 'households.csv'));
  members = table(path.join(dir, 'gen', 'members.csv'));
  server = await serve(reg.db);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dir);
});

const membersOf = (code) => members.filter((m) => m.户编号 === code);
const headOf = (code) => membersOf(code).find((m) => m.与户主关系 === '户主');
// A household of the first village with a phone and at least three members, whose head's
// name is his alone in the register.
function showcase() {
  const names = new Map();
  for (const m of members) names.set(m.姓名, (names.get(m.姓名) ?? 0) + 1);
  const h = households.find((x) => x.行政区划代码 === reg.village && x.联系电话 && membersOf(x.户编号).length >= 3
    && x.户类型 === '建档立卡户'
    && headOf(x.户编号) && names.get(headOf(x.户编号).姓名) === 1);
  assert.ok(h, 'the generated register has such a household');
  return h;
}

test('a clerk finds a household by its head\'s name, and the query stays in the URL', async () => {
  const h = showcase();
  const head = headOf(h.户编号).姓名;
  const page = await signIn(browser, server.base, 'county');
  await page.click('[data-test=menu-register]');
  await page.waitForSelector('[data-test=households-table] [data-test=household-link]');
  await shot(page, 'register-list');
  await page.fill('[data-test=f-name]', head);
  await page.waitForURL((url) => url.searchParams.get('name') === head);
  await page.waitForFunction((code) => {
    const links = [...document.querySelectorAll('[data-test=household-link]')].map((a) => a.textContent.trim());
    return links.length === 1 && links[0] === code;
  }, h.户编号);
  assert.equal((await page.innerText('[data-test=head-name]')).trim(), head);
  assert.match(await page.innerText('[data-test=households-table]'), new RegExp(h.户编号));
  // A reload keeps the query.
  await page.reload();
  await page.waitForSelector(`text=${h.户编号}`);
  await page.context().close();
});

test('filters narrow the list to the households that match, with the register\'s own count', async () => {
  const page = await signIn(browser, server.base, 'county');
  await page.goto(`${server.base}/households?status=1&kind=1`);
  await page.waitForSelector('[data-test=household-link]');
  const expected = households.filter((x) => x.户类型 === '建档立卡户' && x.贫困状态 === '已脱贫').length;
  await page.waitForFunction((n) => document.querySelector('[data-test=pager]')?.innerText.includes(String(n)), expected);
  const rows = await page.$$eval('[data-test=households-table] tbody tr', (trs) => trs.map((tr) => tr.innerText));
  assert.ok(rows.length > 0);
  for (const r of rows) assert.match(r, /已脱贫/);
  // The next page is fetched without counting again, and the total stays.
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/households?')) requests.push(r.url()); });
  if (expected > 20) {
    await page.click('[data-test=pager] .btn-next');
    await page.waitForURL((url) => url.searchParams.get('page') === '2');
    await page.waitForSelector('[data-test=household-link]');
    assert.ok(requests.some((u) => u.includes('count=0')), requests.join(' '));
    assert.match(await page.innerText('[data-test=pager]'), new RegExp(String(expected)));
  }
  await page.context().close();
});

test('the household page shows members, income, the criteria and the timeline', async () => {
  const h = showcase();
  const page = await signIn(browser, server.base, 'county');
  await page.goto(`${server.base}/households?name=${encodeURIComponent(headOf(h.户编号).姓名)}`);
  await page.click(`[data-test=household-link]:has-text("${h.户编号}")`);
  await page.waitForURL(new RegExp(`/households/${h.户编号}$`));
  await page.waitForSelector('[data-test=criteria-verdict]');
  assert.equal(await page.locator('[data-test=criteria] li').count(), 7);
  assert.match(await page.innerText('[data-test=criterion-income]'), /收入/);
  assert.match(await page.innerText('[data-test=household-title]'), new RegExp(headOf(h.户编号).姓名));
  assert.equal(await page.locator('[data-test=members] tbody tr').count(), membersOf(h.户编号).length);
  assert.match(await page.innerText('[data-test=timeline]'), /变更|建档/);
  // A helper, a measure and a visit, recorded through the API, appear on the page.
  await page.evaluate(async (code) => {
    const { token } = JSON.parse(sessionStorage.getItem('fupin.session'));
    const call = async (method, url, body) => {
      const res = await fetch(`/api/v1${url}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${url}: ${await res.text()}`);
      return (await res.json()).data;
    };
    const helper = await call('POST', '/helpers', { name: '李文娟', work_unit: '会宁县农业农村局', phone: '13900001111' });
    await call('POST', `/households/${code}/helpers`, { helper_id: helper.id, since: '2026-03-01' });
    await call('POST', `/households/${code}/measures`, { category: '02', date: '2026-04-10', amount: '800.00', description: '介绍到县城建筑工地务工' });
    await call('POST', `/households/${code}/visits`, { date: '2026-06-12', helper_id: helper.id, findings: '家中生活正常，长子务工收入稳定' });
  }, h.户编号);
  await page.reload();
  await page.waitForSelector('[data-test=criteria-verdict]');
  assert.match(await page.innerText('[data-test=helpers]'), /李文娟/);
  assert.match(await page.innerText('[data-test=timeline]'), /就业帮扶/);
  assert.match(await page.innerText('[data-test=timeline]'), /长子务工/);
  // A county clerk sees the members' ID numbers whole.
  assert.match(await page.innerText('[data-test=members]'), new RegExp(membersOf(h.户编号)[0].证件号码));
  await page.setViewportSize({ width: 1366, height: 900 });
  await shot(page, 'household-page');
  await page.context().close();
});

test('an edit refused by the rules shows the message under its field, then the corrected edit is saved', async () => {
  const h = households.find((x) => x.行政区划代码 === reg.village);
  const page = await signIn(browser, server.base, 'village');
  await page.goto(`${server.base}/households/${h.户编号}`);
  await page.click('[data-test=edit]');
  await page.waitForURL(/\/edit$/);
  await page.waitForSelector('[data-test=i-wage_income]');
  await page.fill('[data-test=i-wage_income]', 'abc');
  // A member's ID number with a wrong check digit: its message goes under that member's field.
  const id = await page.inputValue('[data-test=m-0-id_number]');
  const wrong = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
  await page.fill('[data-test=m-0-id_number]', wrong);
  await page.press('[data-test=i-wage_income]', 'Enter');
  const idItem = page.locator('.el-form-item', { has: page.locator('[data-test=m-0-id_number]') });
  await idItem.locator('.el-form-item__error').waitFor();
  assert.match(await idItem.locator('.el-form-item__error').innerText(), /校验/);
  const item = page.locator('.el-form-item', { has: page.locator('[data-test=i-wage_income]') });
  await item.locator('.el-form-item__error').waitFor();
  assert.match(await item.locator('.el-form-item__error').innerText(), /金额|数/);
  await shot(page, 'household-edit-refused');
  await page.fill('[data-test=i-wage_income]', '88888');
  await page.fill('[data-test=m-0-id_number]', id);
  await page.click('[data-test=save]');
  await page.waitForURL(new RegExp(`/households/${h.户编号}$`));
  await page.waitForSelector('[data-test=income]');
  assert.match(await page.innerText('[data-test=income]'), /88888\.00/);
  assert.match(await page.innerText('[data-test=timeline]'), /wage_income|工资/);
  await page.context().close();
});

test('a viewer sees no ID number or phone whole on the list or the household page', async () => {
  const h = showcase();
  const ids = membersOf(h.户编号).map((m) => m.证件号码);
  const whole = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])|(?<!\d)1[3-9]\d{9}(?!\d)/;
  const page = await signIn(browser, server.base, 'viewer');
  await page.goto(`${server.base}/households?name=${encodeURIComponent(headOf(h.户编号).姓名)}`);
  await page.waitForSelector('[data-test=household-link]');
  let html = await page.content();
  assert.doesNotMatch(html, whole);
  await page.goto(`${server.base}/households`);
  await page.waitForSelector('[data-test=household-link]');
  assert.doesNotMatch(await page.content(), whole);
  await page.goto(`${server.base}/households/${h.户编号}`);
  await page.waitForSelector('[data-test=criteria-verdict]');
  await page.waitForSelector('[data-test=members] tbody tr');
  html = await page.content();
  assert.doesNotMatch(html, whole);
  for (const id of ids) assert.ok(!html.includes(id), `${id} is masked`);
  assert.ok(!html.includes(h.联系电话), 'the phone is masked');
  assert.match(await page.innerText('[data-test=members]'), /\*{4,}/);
  assert.equal(await page.locator('[data-test=edit]').count(), 0, 'a viewer may not edit');
  await shot(page, 'household-page-viewer');
  await page.context().close();
});

test('on a phone the list and the household page fit the screen\'s width', async () => {
  const h = showcase();
  const page = await signIn(browser, server.base, 'village', { width: 375, height: 740 });
  for (const url of ['/households', `/households/${h.户编号}`]) {
    await page.goto(`${server.base}${url}`);
    await page.waitForSelector(url === '/households' ? '[data-test=household-link]' : '[data-test=criteria-verdict]');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 376, `${url} is ${width} px wide`);
  }
  await shot(page, 'household-page-phone');
  await page.context().close();
});

// 17 digits and their check digit (GB 11643).
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[s % 11];
}

test('a new household refused for a missing cause shows it under that field, then is created', async () => {
  const page = await signIn(browser, server.base, 'village');
  await page.goto(`${server.base}/households/new`);
  await page.waitForSelector('[data-test=i-household_code]');
  const code = `W${Date.now().toString(36).toUpperCase()}`;
  await page.fill('[data-test=i-household_code]', code);
  await page.fill('[data-test=i-wage_income]', '20000');
  await page.fill('[data-test=i-village_group]', '2组');
  await page.fill('[data-test=m-0-name]', '新立户');
  await page.fill('[data-test=m-0-id_number]', idNumber(`${reg.village.slice(0, 6)}19800101123`));
  await page.click('[data-test=save]');
  const cause = page.locator('.el-form-item', { has: page.locator('[data-test=i-main_cause]') });
  await cause.locator('.el-form-item__error').waitFor();
  assert.match(await cause.locator('.el-form-item__error').innerText(), /致贫原因/);
  await shot(page, 'household-new-refused');
  await page.click('[data-test=i-main_cause]');
  await page.click('.el-select-dropdown__item:has-text("因病")');
  await page.click('[data-test=save]');
  await page.waitForURL(new RegExp(`/households/${code}$`));
  assert.match(await page.innerText('[data-test=household-title]'), /新立户/);
  assert.equal(await page.innerText('[data-test=household-group]'), '2组', 'the 村民小组 typed in the form');
  await page.context().close();
});
