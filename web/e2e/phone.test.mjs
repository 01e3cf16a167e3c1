// The helper's phone (帮扶责任人, 375 × 812): my households, a visit with a photo from the
// camera (the upload's progress, the API's message for a refused file) and a measure, both
// then listed; the policy card opened to print; and an auditor who finds that visit in the
// audit trail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { BIN, buildRegister, launch, removeDir, serve, shot, signIn, tempDir } from './harness.mjs';

const PHONE = { width: 375, height: 812 };
// A 1 × 1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const FINDINGS = '房屋安全，两人在县城务工，孩子按时上学';

let dir, reg, server, browser, mine;

before(async () => {
  dir = tempDir();
  reg = buildRegister(dir, 200);
  // The helper account is assigned two households of its village.
  mine = readFileSync(path.join(dir, 'gen', 'households.csv'), 'utf8').split('\n').slice(1)
    .map((line) => line.split(',')).filter((f) => f[1] === reg.village).map((f) => f[0]).slice(0, 2);
  assert.equal(mine.length, 2);
  const r = spawnSync(BIN, ['--db', reg.db, 'user', 'assign', 'helper', ...mine], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  server = await serve(reg.db);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dir);
});

// An Element Plus input by its data-test (the attribute lands on the <input> itself).
const field = (page, name) => page.locator(`input[data-test=${name}], textarea[data-test=${name}], [data-test=${name}] input, [data-test=${name}] textarea`).first();
const fitsTheScreen = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('a helper on a phone records a visit with a photo and a measure, and sees both', async () => {
  const page = await signIn(browser, server.base, 'helper', PHONE);
  await page.goto(`${server.base}/mine`);
  const cards = page.locator('[data-test=my-households] button');
  await cards.first().waitFor();
  assert.equal(await cards.count(), 2, 'the helper sees its own two households and no other');
  assert.ok(await fitsTheScreen(page), 'no horizontal scrolling at 375 px');
  await page.click(`[data-test=household-${mine[0]}]`);
  await page.waitForSelector('[data-test=care-household]');
  const head = await page.innerText('[data-test=care-household]');
  assert.match(head, new RegExp(mine[0]));
  assert.match(head, /户主 \S+ · [^\d\s]+ · \d+ 人/, 'the householder, the status in words and the size');

  // A visit: a text file passed off as a photo is refused with the API's own message, the
  // real photo is uploaded, then the visit is saved with it.
  await page.click('[data-test=record-visit]');
  await field(page, 'visit-date').fill('2026-06-29');
  await field(page, 'visit-findings').fill(FINDINGS);
  await page.setInputFiles('[data-test=photo-input]', { name: '假照片.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
  const refused = await page.waitForSelector('[data-test=photo-error]');
  assert.match(await refused.innerText(), /附件只能是 JPEG、PNG 图片或 PDF 文件/);
  await page.click('[data-test=photo-error] >> text=移除');
  await page.setInputFiles('[data-test=photo-input]', { name: '门前.png', mimeType: 'image/png', buffer: PNG });
  await page.waitForSelector('[data-test=photo-done]');
  assert.equal(await page.getAttribute('[data-test=photo-done] [role=progressbar]', 'aria-valuenow'), '100');
  assert.ok(await fitsTheScreen(page));
  await shot(page, 'phone-visit-form');
  await page.click('[data-test=visit-submit]');
  await page.waitForSelector(`[data-test=visits] >> text=${FINDINGS}`);
  assert.match(await page.innerText('[data-test=visits]'), /门前\.png/);
  assert.match(await page.innerText('[data-test=visits]'), /2026-06-29/);
  await shot(page, 'phone-visit');

  // A measure.
  await page.click('[data-test=record-measure]');
  await page.click('[data-test=measure-category]');
  await page.click('.el-select-dropdown__item >> text=产业帮扶');
  await field(page, 'measure-date').fill('2026-06-28');
  await field(page, 'measure-amount').fill('1500.50');
  await field(page, 'measure-description').fill('发放鸡苗 200 只');
  await page.click('[data-test=measure-submit]');
  await page.waitForSelector('[data-test=measures] >> text=发放鸡苗 200 只');
  const measures = await page.innerText('[data-test=measures]');
  assert.match(measures, /产业帮扶/);
  assert.match(measures, /1500\.50/);
  assert.ok(await fitsTheScreen(page));
  await shot(page, 'phone-measure');

  // After a reload both are still there (read back from the API).
  await page.reload();
  await page.waitForSelector(`[data-test=visits] >> text=${FINDINGS}`);
  await page.waitForSelector('[data-test=measures] >> text=发放鸡苗 200 只');
  await page.context().close();
});

test('a date after today is refused with the API\'s message', async () => {
  const page = await signIn(browser, server.base, 'helper', PHONE);
  await page.goto(`${server.base}/mine/${mine[1]}`);
  await page.click('[data-test=record-measure]');
  await page.click('[data-test=measure-category]');
  await page.click('.el-select-dropdown__item >> text=就业帮扶');
  await field(page, 'measure-date').fill('2026-07-15'); // the server's today is 2026-06-30
  await page.click('[data-test=measure-submit]');
  const error = await page.waitForSelector('[data-test=measure-error]');
  assert.match(await error.innerText(), /日期/);
  await page.context().close();
});

test('the helper opens the policy card of a household to print it', async () => {
  const page = await signIn(browser, server.base, 'helper', PHONE);
  await page.goto(`${server.base}/mine/${mine[0]}`);
  await page.waitForSelector('[data-test=care-household]');
  const [card] = await Promise.all([page.context().waitForEvent('page'), page.click('[data-test=policy-card]')]);
  await card.waitForFunction(() => document.body && document.body.innerText.includes('扶贫政策明白卡'));
  assert.match(card.url(), /^blob:/);
  await shot(card, 'phone-policy-card');
  await page.context().close();
});

test('another household is not the helper\'s: not found', async () => {
  const other = readFileSync(path.join(dir, 'gen', 'households.csv'), 'utf8').split('\n').slice(1)
    .map((line) => line.split(',')[0]).find((c) => c && !mine.includes(c));
  const page = await signIn(browser, server.base, 'helper', PHONE);
  await page.goto(`${server.base}/mine/${other}`);
  const error = await page.waitForSelector('[data-test=load-error]');
  assert.match(await error.innerText(), /不存在/);
  await page.context().close();
});

test('an auditor finds the helper\'s visit in the audit trail', async () => {
  const page = await signIn(browser, server.base, 'auditor');
  await page.goto(`${server.base}/audit`);
  await page.waitForSelector('[data-test=audit-table]');
  await field(page, 'audit-action').fill('visit.add');
  await field(page, 'audit-target').fill(mine[0]);
  await page.click('[data-test=audit-search]');
  await page.waitForSelector(`[data-test=audit-table] >> text=${mine[0]}`);
  const table = await page.innerText('[data-test=audit-table]');
  assert.match(table, /helper/);
  assert.match(table, /visit\.add|记录走访/);
  assert.match(table, /1 attachments/);
  await shot(page, 'audit-visit');
  await page.context().close();
});
