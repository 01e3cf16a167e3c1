// The village's public page (公示栏, spec/funds.md "The public village page"): served without
// sign-in, in Chinese, with the running notice's head and never an ID number or a phone; 404
// for what is not a village; the QR code and the print view naming the page's address; an
// objection that becomes a complaint the village's office sees, and one naming a case in its
// notice that sends the case back to verify; validation in Chinese; the limit per address;
// HEAD on every page (and every GET route of the API) as GET without the body.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api, assertStopsCleanly, caseToNotice, expectError, newHousehold, startServer } from './server.mjs';

const VILLAGE = '620422102201';
const PHONE = '13812345678';
const OBJECTOR_PHONE = '13598765432';

let srv, token, household, caseId;

// A plain request (the pages are HTML, not the API's JSON envelope).
async function get(path, headers = {}) {
  const res = await fetch(srv.base + path, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const object = (body, server = srv) => api(server, 'POST', `/public/villages/${VILLAGE}/objections`, { body });

before(async () => {
  srv = await startServer({ config: 'public_objections_per_hour = 1000\n' });
  token = await srv.token('root');
  household = newHousehold(VILLAGE, { phone: PHONE, members: 2 });
  household.members[0].name = '张公示';
  household.wage_income = '12000.00';
  const made = await api(srv, 'POST', '/api/v1/households', { token, body: household });
  assert.equal(made.status, 201, made.text);
  caseId = (await caseToNotice(srv, token, household.household_code)).id;
});

after(async () => { await srv?.cleanup(); });

describe('the page', () => {
  test('opens without signing in and shows the running notice: the head, the size, the decision', async () => {
    const res = await get(`/public/villages/${VILLAGE}`);
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.match(res.headers.get('content-type'), /^text\/html; charset=utf-8/);
    assert.match(res.headers.get('content-security-policy'), /default-src 'none'/);
    assert.match(res.text, /^<!DOCTYPE html>/);
    assert.match(res.text, /公示栏/);
    assert.match(res.text, /张公示/);
    assert.match(res.text, /拟脱贫退出/);
    assert.match(res.text, new RegExp(`case:${caseId}`));
    for (const section of ['公告', '直补到户资金公示', '扶贫项目公示', '项目资金安排']) {
      assert.ok(res.text.includes(`<h2>${section}`), `the section ${section}`);
    }
    assert.match(res.text, /<form method="post" action="\/public\/villages\/620422102201\/objections"/);
  });

  test('shows no ID number and no phone, whole or masked, and no health', async () => {
    const { text } = await get(`/public/villages/${VILLAGE}`);
    assert.doesNotMatch(text, /\d{17}[\dX]/, 'no 18-character ID number');
    assert.doesNotMatch(text, /1[3-9]\d{9}/, 'no 11-digit phone');
    assert.doesNotMatch(text, /\*{4}/, 'nothing masked either');
    for (const m of household.members) assert.ok(!text.includes(m.id_number));
    assert.ok(!text.includes('长期慢性病') && !text.includes('无劳动力'));
    assert.ok(!text.includes(household.members[1].name), 'only the head is named');
  });

  test('answers 404 with a small HTML page for an unknown village, a township and a non-code', async () => {
    for (const code of ['620422102299', '620422102', 'abc', '620422102201x']) {
      const res = await get(`/public/villages/${code}`);
      assert.equal(res.status, 404, code);
      assert.match(res.headers.get('content-type'), /^text\/html/);
      assert.match(res.text, /没有这个村/);
    }
    assert.equal((await get('/public/villages/620422102299/archive')).status, 404);
    assert.equal((await get('/public/villages/620422102299/qr.svg')).status, 404);
  });

  test('keeps an archive, paged', async () => {
    const res = await get(`/public/villages/${VILLAGE}/archive?page=1`);
    assert.equal(res.status, 200);
    assert.match(res.text, /往期公示/);
    const bad = await api(srv, 'GET', `/public/villages/${VILLAGE}/archive`, { query: { page: 0 } });
    expectError(bad, 400, 'E_NUMBER');
  });

  test('the QR code and the print view name the page by the request\'s Host', async () => {
    const host = new URL(srv.base).host;
    const qr = await get(`/public/villages/${VILLAGE}/qr.svg`);
    assert.equal(qr.status, 200);
    assert.match(qr.headers.get('content-type'), /^image\/svg\+xml/);
    assert.match(qr.text, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
    const print = await get(`/public/villages/${VILLAGE}/print`);
    assert.equal(print.status, 200);
    assert.ok(print.text.includes(`http://${host}/public/villages/${VILLAGE}`), 'the address is printed');
    assert.match(print.text, /<svg /);
    assert.doesNotMatch(print.text, /1[3-9]\d{9}/);
  });
});

describe('HEAD (a QR scanner, a link checker)', () => {
  test('answers each public page as GET does, with the length of its body and no body', async () => {
    for (const path of ['', '/archive', '/archive?page=1', '/print', '/qr.svg']) {
      const url = `${srv.base}/public/villages/${VILLAGE}${path}`;
      const got = await fetch(url);
      const body = Buffer.from(await got.arrayBuffer());
      const head = await fetch(url, { method: 'HEAD' });
      assert.equal(head.status, got.status, path);
      assert.equal(head.headers.get('content-type'), got.headers.get('content-type'), path);
      assert.equal(head.headers.get('content-security-policy'), got.headers.get('content-security-policy'), path);
      assert.equal(Number(head.headers.get('content-length')), body.length, path);
      assert.equal((await head.arrayBuffer()).byteLength, 0, path);
    }
  });

  test('answers 404 for an unknown village, and 405 where there is no GET', async () => {
    const missing = await fetch(`${srv.base}/public/villages/620422102299`, { method: 'HEAD' });
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type'), /^text\/html/);
    const post = await fetch(`${srv.base}/public/villages/${VILLAGE}/objections`, { method: 'HEAD' });
    assert.equal(post.status, 405);
  });

  test('answers every GET route of the API: the JSON of the reply is not sent', async () => {
    const url = `${srv.base}/api/v1/households?region=${VILLAGE}`;
    const headers = { authorization: `Bearer ${token}` };
    const got = await fetch(url, { headers });
    const body = Buffer.from(await got.arrayBuffer());
    assert.equal(got.status, 200);
    const head = await fetch(url, { method: 'HEAD', headers });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type'), /^application\/json/);
    assert.equal(Number(head.headers.get('content-length')), body.length);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
    const anonymous = await fetch(url, { method: 'HEAD' });
    assert.equal(anonymous.status, 401, 'a session is still needed');
  });
});

describe('objections', () => {
  test('one without a notice is a complaint of the village that its office sees whole', async () => {
    const res = await object({ name: '李异议', phone: OBJECTOR_PHONE, text: '公示栏的内容没有按时张贴' });
    assert.equal(res.status, 201, res.text);
    const { id, due_on: due, region, state } = res.body.data;
    assert.equal(region, VILLAGE);
    assert.equal(state, 'open');
    assert.match(due, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(res.body.data.case_id, null);
    const office = await srv.token('village_op1');
    const list = await api(srv, 'GET', '/api/v1/complaints', { token: office });
    assert.equal(list.status, 200, list.text);
    assert.ok(list.body.data.items.some((c) => c.id === id), 'listed for the village office');
    const one = await api(srv, 'GET', `/api/v1/complaints/${id}`, { token: office });
    assert.equal(one.body.data.channel, 'notice');
    assert.equal(one.body.data.name, '李异议');
    assert.equal(one.body.data.phone, OBJECTOR_PHONE);
    assert.equal(one.body.data.created_by, 'public');
  });

  test('one naming the case in its notice sends the case back to verify', async () => {
    const res = await object({ name: '王监督', phone: OBJECTOR_PHONE, text: '该户在县城有商铺', notice: `case:${caseId}` });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.data.case_id, caseId);
    const c = await api(srv, 'GET', `/api/v1/cases/${caseId}`, { token });
    assert.equal(c.body.data.step, 'verify');
    const last = c.body.data.steps.at(-1);
    assert.equal(last.action, 'objection');
    assert.equal(last.by, 'public');
    const page = await get(`/public/villages/${VILLAGE}`);
    assert.ok(!page.text.includes(`<td>case:${caseId}</td>`), 'no longer in its notice');
    // Audited with the phone masked.
    const audit = await api(srv, 'GET', '/api/v1/audit', { token, query: { action: 'public.objection' } });
    assert.equal(audit.status, 200, audit.text);
    const details = audit.body.data.items.map((r) => r.detail).join('\n');
    assert.match(details, /phone=135\*{4}5432/);
    assert.ok(!audit.text.includes(OBJECTOR_PHONE));
  });

  test('the form posts urlencoded fields and gets a page with the complaint number and due date', async () => {
    const form = new URLSearchParams({ name: '赵表单', phone: OBJECTOR_PHONE, text: '意见\r\n第二行', notice: '' });
    const res = await fetch(`${srv.base}/public/villages/${VILLAGE}/objections`, {
      method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.match(text, /异议已受理/);
    assert.match(text, /投诉编号 <b id="complaint">\d+<\/b>/);
    assert.match(text, /答复期限 <b id="due">\d{4}-\d{2}-\d{2}<\/b>/);
  });

  test('refuses missing fields, a bad phone and unknown fields with codes and Chinese messages', async () => {
    expectError(await object({ name: '李', text: 't' }), 400, 'E_VALIDATION');
    const missing = await object({ name: '李', text: 't' });
    assert.equal(missing.body.error.message, '请填写联系电话');
    expectError(await object({ name: '李', phone: '12345', text: 't' }), 400, 'E_PHONE');
    expectError(await object({ name: '李', phone: OBJECTOR_PHONE, text: 't', id_number: 'x' }), 400, 'E_UNKNOWN_FIELD');
    expectError(await object({ name: '李', phone: OBJECTOR_PHONE, text: 't', notice: 'project:x' }), 400, 'E_VALIDATION');
    const far = await api(srv, 'POST', '/public/villages/620422102299/objections',
      { body: { name: '李', phone: OBJECTOR_PHONE, text: 't' } });
    expectError(far, 404, 'E_NOT_FOUND');
  });
});

test('objections are limited to five an hour per client address (429 with Retry-After); public_url names the page', async () => {
  const limited = await startServer({ config: 'public_url = "https://fupin.example.gov.cn/"\n' });
  try {
    const print = await fetch(`${limited.base}/public/villages/${VILLAGE}/print`);
    assert.ok((await print.text()).includes(`https://fupin.example.gov.cn/public/villages/${VILLAGE}<`),
      'the configured address, not the Host');
    for (let i = 0; i < 5; i++) {
      const res = await object({ name: '刷屏', phone: OBJECTOR_PHONE, text: `第 ${i} 次` }, limited);
      assert.equal(res.status, 201, res.text);
    }
    const sixth = await object({ name: '刷屏', phone: OBJECTOR_PHONE, text: '第 6 次' }, limited);
    expectError(sixth, 429, 'E_THROTTLED');
    assert.ok(Number(sixth.headers.get('retry-after')) > 3000, 'about an hour');
    const other = await api(limited, 'POST', `/public/villages/${VILLAGE}/objections`,
      { body: { name: '另一人', phone: OBJECTOR_PHONE, text: '另一个地址' }, from: '127.0.0.2' });
    assert.equal(other.status, 201, 'another address is not limited');
    assert.equal((await fetch(`${limited.base}/public/villages/${VILLAGE}`)).status, 200, 'reading is not limited');
  } finally {
    await limited.cleanup();
  }
});

test('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
