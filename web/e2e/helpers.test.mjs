// Helpers in the browser: a village clerk adds a helper (a malformed phone refused with
// the API's message), assigns a household and opens its policy card; the work team gets a
// first secretary; an auditor sees the helpers with their phones masked.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { buildRegister, launch, removeDir, serve, shot, signIn, tempDir } from './harness.mjs';

let dir, reg, server, browser, household;

before(async () => {
  dir = tempDir();
  reg = buildRegister(dir, 100);
  household = readFileSync(path.join(dir, 'gen', 'households.csv'), 'utf8').split('\n').slice(1)
    .map((line) => line.split(',')).find((f) => f[1] === reg.village)[0];
  server = await serve(reg.db);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dir);
});

const field = (page, name) => page.locator(`input[data-test=${name}], [data-test=${name}] input`).first();

test('a village clerk adds a helper, assigns a household and opens its policy card', async () => {
  const page = await signIn(browser, server.base, 'village');
  await page.click('[data-test=menu-helpers]');
  await page.waitForSelector('[data-test=helpers-table], [data-test=empty]');
  await page.click('[data-test=helper-add]');
  await field(page, 'helper-name').fill('王帮扶');
  await field(page, 'helper-unit').fill('县农业农村局');
  await field(page, 'helper-phone').fill('12345');
  await page.click('[data-test=helper-submit]');
  await page.waitForSelector('[data-test=helper-error]');
  assert.match(await page.innerText('[data-test=helper-error]'), /电话/);
  await field(page, 'helper-phone').fill('13900001111');
  await page.click('[data-test=helper-submit]');
  await page.waitForSelector('[data-test=helpers-table] >> text=王帮扶');
  assert.match(await page.innerText('[data-test=helpers-table]'), /13900001111/);
  await shot(page, 'helpers-list');

  await page.click('[data-test=helpers-table] >> text=王帮扶');
  await page.waitForSelector('[data-test=helper-title]');
  await field(page, 'assign-code').fill(household);
  await field(page, 'assign-since').fill('2026-03-01');
  await page.click('[data-test=assign-submit]');
  await page.waitForSelector(`[data-test=helper-households] >> text=${household}`);
  const [card] = await Promise.all([page.context().waitForEvent('page'), page.click(`[data-test=card-${household}]`)]);
  await card.waitForFunction(() => document.body && document.body.innerText.includes('扶贫政策明白卡'));
  await shot(card, 'helpers-policy-card');
  await card.close();
  await shot(page, 'helpers-helper');

  await page.goto(`${server.base}/work-team/${reg.village}`);
  await page.waitForSelector('[data-test=team-current]');
  await field(page, 'member-name').fill('李书记');
  await field(page, 'member-started').fill('2026-01-05');
  await page.click('[data-test=member-submit]');
  await page.waitForSelector('[data-test=team-current] >> text=李书记');
  await shot(page, 'helpers-work-team');
  await page.context().close();
});

test('an auditor sees the helpers with their phones masked', async () => {
  const page = await signIn(browser, server.base, 'auditor');
  await page.goto(`${server.base}/helpers`);
  await page.waitForSelector('[data-test=helpers-table] >> text=王帮扶');
  const text = await page.innerText('[data-test=helpers-table]');
  assert.match(text, /139\*{4}1111/);
  assert.doesNotMatch(await page.content(), /13900001111/);
  assert.equal(await page.locator('[data-test=helper-add]').count(), 0);
  await page.context().close();
});
