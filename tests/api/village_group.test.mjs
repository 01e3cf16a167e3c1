// The village group (村民小组, issue 14): written and read with the household through the
// API (`village_group`, the import's own checks), shown on the county's notice print view
// and on the public village page next to the head's name — "—" when a household has none —
// and exported in the workbook only when a household exported has one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  api, assertStopsCleanly, caseToNotice, expectError, newHousehold, startServer, xlsxText,
} from './server.mjs';

const VILLAGE = '620422102201';
const PLAIN_VILLAGE = '620422101205'; // the seeded register has no groups

describe('the village group', () => {
  let srv, token, grouped, plain;

  const read = async (code) => {
    const res = await api(srv, 'GET', `/api/v1/households/${code}`, { token });
    assert.equal(res.status, 200, res.text);
    return res.body.data;
  };

  before(async () => {
    srv = await startServer();
    token = await srv.token('root');
    grouped = newHousehold(VILLAGE, { members: 3 });
    grouped.village_group = ' 3组 ';
    grouped.members[0].name = '张有组';
    grouped.wage_income = '20000.00';
    let res = await api(srv, 'POST', '/api/v1/households', { token, body: grouped });
    assert.equal(res.status, 201, res.text);
    plain = newHousehold(VILLAGE, { members: 2 });
    plain.members[0].name = '李无组';
    plain.wage_income = '12000.00';
    res = await api(srv, 'POST', '/api/v1/households', { token, body: plain });
    assert.equal(res.status, 201, res.text);
    await caseToNotice(srv, token, grouped.household_code);
    await caseToNotice(srv, token, plain.household_code);
  });

  after(async () => {
    await assertStopsCleanly(srv);
    await srv.cleanup();
  });

  it('is stored trimmed and shown in the household JSON; null when there is none', async () => {
    assert.equal((await read(grouped.household_code)).village_group, '3组');
    assert.equal((await read(plain.household_code)).village_group, null);
    const list = await api(srv, 'GET', '/api/v1/households', { token, query: { region: VILLAGE, limit: 500 } });
    assert.equal(list.status, 200, list.text);
    const item = list.body.data.items.find((h) => h.household_code === grouped.household_code);
    assert.equal(item?.village_group, '3组');
  });

  it('is edited with the household, and the change is in its history', async () => {
    const before = await read(plain.household_code);
    const res = await api(srv, 'PUT', `/api/v1/households/${plain.household_code}`, {
      token, body: { ...plain, village_group: '第五村民小组', version: before.version },
    });
    assert.equal(res.status, 200, res.text);
    const after = await read(plain.household_code);
    assert.equal(after.village_group, '第五村民小组');
    const change = after.history.find((e) => e.field === 'village_group');
    assert.ok(change, JSON.stringify(after.history));
    assert.equal(change.old, '');
    assert.equal(change.new, '第五村民小组');
    // Back to none, for the notices below.
    const back = await api(srv, 'PUT', `/api/v1/households/${plain.household_code}`, {
      token, body: { ...plain, version: after.version },
    });
    assert.equal(back.status, 200, back.text);
    assert.equal((await read(plain.household_code)).village_group, null);
  });

  it('longer than 30 characters is refused as the import refuses it, naming the column', async () => {
    const current = await read(grouped.household_code);
    const res = await api(srv, 'PUT', `/api/v1/households/${grouped.household_code}`, {
      token, body: { ...grouped, village_group: '组'.repeat(31), version: current.version },
    });
    expectError(res, 400, 'E_FORMAT');
    assert.ok(res.body.error.details.some((d) => d.column === '村民小组'), res.text);
    assert.equal((await read(grouped.household_code)).village_group, '3组', 'nothing written');
  });

  it('is a column of the notice print view, after the head, with — for none', async () => {
    const res = await api(srv, 'GET', '/api/v1/print/notice', { token, query: { village: VILLAGE, kind: 'exit' } });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<th>户主姓名<\/th><th>村民小组<\/th><th>家庭人口<\/th>/);
    assert.match(res.text, /<td>张有组<\/td><td>3组<\/td><td class="num">3 人<\/td>/);
    assert.match(res.text, /<td>李无组<\/td><td>—<\/td><td class="num">2 人<\/td>/);
  });

  it('is on the policy card (明白卡) after the village', async () => {
    const res = await api(srv, 'GET', `/api/v1/print/policy-card/${grouped.household_code}`, { token });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<p class="meta">[^<]* 3组　户编号 /);
  });

  it('is shown on the public village page next to the head, with — for none', async () => {
    const res = await fetch(`${srv.base}/public/villages/${VILLAGE}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<td>张有组<\/td><td>3组<\/td>/);
    assert.match(html, /<td>李无组<\/td><td>—<\/td>/);
  });

  it('is a column of the exported workbook only when an exported household has one', async () => {
    const withGroups = await api(srv, 'GET', '/api/v1/exports/households.xlsx', { token, query: { region: VILLAGE } });
    assert.equal(withGroups.status, 200);
    assert.ok(xlsxText(withGroups.bytes).includes('村民小组'));
    const without = await api(srv, 'GET', '/api/v1/exports/households.xlsx', { token, query: { region: PLAIN_VILLAGE } });
    assert.equal(without.status, 200);
    assert.ok(!xlsxText(without.bytes).includes('村民小组'));
  });
});
