// The print views (issue 11) opened in headless Chromium — Debian's chromium, driven by
// playwright-core (tests/browser), never a downloaded browser: the policy card (明白卡)
// shows masked ID numbers and the household's masked phone, its helper and measures; the
// notice (公示) shows the head's name, the size and the decision, and no ID number, phone or
// health, not even masked. Both print to A4 PDF.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import { chromium } from '../browser/node_modules/playwright-core/index.mjs';
import { api, caseToNotice, newHousehold, startServer } from './server.mjs';

const VILLAGE = '620422102201';
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const HOUSEHOLD_PHONE = '13812345678';
const HELPER_PHONE = '13900001111';

let srv, browser, token, household;

before(async () => {
  assert.ok(CHROMIUM, 'Debian chromium is installed (scripts/setup)');
  srv = await startServer();
  token = await srv.token('root');
  household = newHousehold(VILLAGE, { phone: HOUSEHOLD_PHONE, members: 2 });
  household.members[0].name = '王明白';
  household.wage_income = '12000.00'; // 6,750 yuan a head: above the line
  const made = await api(srv, 'POST', '/api/v1/households', { token, body: household });
  assert.equal(made.status, 201, made.text);
  const helper = await api(srv, 'POST', '/api/v1/helpers', {
    token, body: { name: '李帮扶', work_unit: '县农业农村局', phone: HELPER_PHONE, region_code: VILLAGE },
  });
  assert.equal(helper.status, 201, helper.text);
  const assigned = await api(srv, 'POST', `/api/v1/households/${household.household_code}/helpers`, {
    token, body: { helper_id: helper.body.data.id },
  });
  assert.equal(assigned.status, 201, assigned.text);
  const measure = await api(srv, 'POST', `/api/v1/households/${household.household_code}/measures`, {
    token, body: { category: '01', date: '2026-05-01', amount: '2500.00', description: '发展养殖' },
  });
  assert.equal(measure.status, 201, measure.text);
  // An exit proposal taken to its village notice (公示).
  await caseToNotice(srv, token, household.household_code);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

// Opens `path` of the API in a fresh page signed in as root; the page and its text.
async function open(path) {
  const page = await browser.newPage();
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${token}` });
  const res = await page.goto(srv.base + path);
  assert.equal(res.status(), 200, await res.text());
  assert.match(res.headers()['content-type'], /^text\/html/);
  return { page, text: await page.innerText('body'), html: await page.content() };
}

test('the policy card shows the household with masked ID numbers, its helper and its measures', async () => {
  const { page, text, html } = await open(`/api/v1/print/policy-card/${household.household_code}`);
  assert.match(text, /扶贫政策明白卡/);
  assert.match(text, /王明白/);
  for (const m of household.members) {
    assert.ok(!html.includes(m.id_number), 'no whole ID number');
    assert.ok(text.includes(`${m.id_number.slice(0, 6)}********${m.id_number.slice(14)}`), 'the masked ID number');
  }
  assert.ok(!html.includes(HOUSEHOLD_PHONE), "the household's phone is masked");
  assert.match(text, /138\*{4}5678/);
  assert.match(text, /李帮扶/);
  assert.ok(text.includes(HELPER_PHONE), "the helper's phone is there to be called");
  assert.match(text, /产业帮扶/);
  assert.match(text, /2,?500\.00/);
  assert.match(text, /12317/);
  const pdf = await page.pdf({ format: 'A4' });
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  await page.close();
});

test('the notice shows the head, the size and the decision, and no ID number, phone or health', async () => {
  const { page, text, html } = await open(`/api/v1/print/notice?village=${VILLAGE}&kind=exit`);
  assert.match(text, /脱贫退出公示公告/);
  assert.match(text, /王明白/);
  assert.match(text, /2 人/);
  assert.match(text, /拟脱贫退出/);
  assert.match(text, /2026-06-30/, 'the notice starts today');
  assert.match(text, /2026-07-07/, 'and may be closed 7 days later');
  assert.match(text, /12317/);
  assert.doesNotMatch(html, /\d{17}[0-9X]|\d{6}\*{8}[0-9X]{4}/, 'no ID number, whole or masked');
  assert.doesNotMatch(html, /1[3-9]\d{9}|1\d\d\*{4}\d{4}/, 'no phone, whole or masked');
  assert.doesNotMatch(text, /长期慢性病|残疾|因病/, 'no health, disability or risk type');
  const pdf = await page.pdf({ format: 'A4' });
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  await page.close();
});

test('a print view outside the caller\'s scope answers 404 and loads nothing else', async () => {
  const outside = await api(srv, 'GET', '/api/v1/print/policy-card/H3000000000001', {
    token: await srv.token('village_op1'),
  });
  assert.equal(outside.status, 404);
  const own = await api(srv, 'GET', `/api/v1/print/notice?village=${VILLAGE}&kind=exit`, { token });
  assert.match(own.headers.get('content-security-policy'), /default-src 'none'/);
});
