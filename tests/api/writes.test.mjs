// Creating and updating households: validation as the import validates, conflicts,
// optimistic locking under concurrency, and malformed bodies.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startServer, api, newHousehold, baseBodies, freshId, expectError, assertStopsCleanly,
} from './server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

const VILLAGE = '620422101205';
const tokenOf = (name) => srv.token(name);
const create = async (body, user = 'county_admin1') =>
  api(srv, 'POST', '/api/v1/households', { token: await tokenOf(user), body });
const update = async (code, body, user = 'county_admin1') =>
  api(srv, 'PUT', `/api/v1/households/${encodeURIComponent(code)}`, { token: await tokenOf(user), body });
const read = async (code, user = 'county_admin1') => {
  const res = await api(srv, 'GET', `/api/v1/households/${encodeURIComponent(code)}`, { token: await tokenOf(user) });
  assert.equal(res.status, 200, res.text);
  return res.body.data;
};

describe('create and update', () => {
  const body = newHousehold(VILLAGE, { members: 2 });

  it('POST /households creates a household with its members: 201, version 1', async () => {
    const res = await create(body);
    assert.equal(res.status, 201, res.text);
    const d = res.body.data;
    assert.equal(d.household_code, body.household_code);
    assert.equal(d.village_code, VILLAGE);
    assert.equal(d.version, 1);
    assert.equal(d.size, 2);
    assert.deepEqual(d.members.map((m) => m.id_number), body.members.map((m) => m.id_number));
    assert.equal(d.members[0].relation, '01');
    assert.equal(d.wage_income, '3000.00');
    assert.equal(d.net_income, '4500.00');
    assert.equal(d.per_capita_income, '2250.00');
    const stored = await read(body.household_code);
    assert.equal(stored.version, 1);
    assert.equal(stored.members.length, 2);
    assert.ok(stored.history.some((e) => e.field === 'created'));
  });

  it('a second create with the same code: 409 E_CONFLICT, nothing changed', async () => {
    expectError(await create(body), 409, 'E_CONFLICT');
    const other = newHousehold(VILLAGE, { code: body.household_code });
    expectError(await create(other), 409, 'E_CONFLICT');
    // Even by an operator whose scope does not hold the household: the code cannot be used
    // (the same 409, but the answer does not say that it is taken, nor where).
    const outside = await create(newHousehold('620422102201', { code: body.household_code }), 'village_op1');
    expectError(outside, 409, 'E_CONFLICT');
    assert.ok(!outside.text.includes(body.household_code), outside.text);
    assert.equal((await read(body.household_code)).version, 1);
  });

  it('PUT with the right version: 200 and version + 1, the change and its history stored', async () => {
    const res = await update(body.household_code, { ...body, wage_income: '3500.00', version: 1 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.version, 2);
    assert.equal(res.body.data.wage_income, '3500.00');
    const stored = await read(body.household_code);
    assert.equal(stored.version, 2);
    assert.equal(stored.wage_income, '3500.00');
    const change = stored.history.find((e) => e.field === 'wage_income');
    assert.ok(change, JSON.stringify(stored.history));
    assert.equal(change.actor, 'county_admin1');
  });

  it('PUT with a stale version: 409 E_VERSION_CONFLICT, nothing changed', async () => {
    expectError(await update(body.household_code, { ...body, wage_income: '9999.00', version: 1 }), 409, 'E_VERSION_CONFLICT');
    expectError(await update(body.household_code, { ...body, wage_income: '9999.00', version: 7 }), 409, 'E_VERSION_CONFLICT');
    const stored = await read(body.household_code);
    assert.equal(stored.version, 2);
    assert.equal(stored.wage_income, '3500.00');
  });

  it('PUT needs the version, and the code in the body must be the one in the path', async () => {
    expectError(await update(body.household_code, { ...body }), 400, 'E_REQUIRED');
    expectError(await update(body.household_code, { ...body, version: '2' }), 400, 'E_REQUIRED');
    expectError(await update(body.household_code, { ...body, household_code: 'HOTHER1', version: 2 }), 400, 'E_FORMAT');
    const { household_code: _, ...withoutCode } = body;
    const res = await update(body.household_code, { ...withoutCode, version: 2 });
    assert.equal(res.status, 200, `the path gives the code: ${res.text}`);
    assert.equal(res.body.data.version, 3);
  });

  it('PUT of a household that does not exist: 404 E_NOT_FOUND', async () => {
    const ghost = newHousehold(VILLAGE);
    expectError(await update(ghost.household_code, { ...ghost, version: 1 }), 404, 'E_NOT_FOUND');
  });

  it('members can be added and removed by an update', async () => {
    const current = await read(body.household_code);
    const extra = { name: '新成员', id_number: freshId('620422', 2), relation: '之女', school_status: '非在校生', health: '健康', labor: '普通劳动力', resident_medical_insurance: true };
    const res = await update(body.household_code, { ...body, members: [body.members[0], extra], version: current.version });
    assert.equal(res.status, 200, res.text);
    const stored = await read(body.household_code);
    assert.deepEqual(stored.members.map((m) => m.name), [body.members[0].name, '新成员']);
    assert.ok(stored.history.some((e) => e.field === 'member_added'));
    assert.ok(stored.history.some((e) => e.field === 'member_removed'));
  });
});

describe('validation, as the import validates', () => {
  it('a bad ID checksum: 400 E_ID_CHECKSUM with the member\'s column in details', async () => {
    const body = newHousehold(VILLAGE);
    const id = body.members[0].id_number;
    body.members[0].id_number = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    const res = await create(body);
    expectError(res, 400, 'E_ID_CHECKSUM');
    const issue = res.body.error.details.find((d) => d.code === 'E_ID_CHECKSUM');
    assert.ok(issue, JSON.stringify(res.body.error.details));
    assert.match(issue.column, /^members\[0\]\./);
    expectError(await api(srv, 'GET', `/api/v1/households/${body.household_code}`, { token: await tokenOf('root') }), 404, 'E_NOT_FOUND');
  });

  it('an ID number registered in another household: 400 E_ID_DUPLICATE', async () => {
    const body = newHousehold(VILLAGE);
    body.members[0].id_number = baseBodies().H2210220100002.members[0].id_number;
    const res = await create(body);
    expectError(res, 400, 'E_ID_DUPLICATE');
    assert.ok(!res.text.includes('H2210220100002'), 'the other household is not named');
  });

  it('no members, no head, a township instead of a village, an unknown code: 400', async () => {
    const noMembers = newHousehold(VILLAGE);
    delete noMembers.members;
    expectError(await create(noMembers), 400, 'E_REQUIRED');
    const noHead = newHousehold(VILLAGE);
    noHead.members[0].relation = '之子';
    expectError(await create(noHead), 400, 'E_HEAD');
    expectError(await create(newHousehold('620422101000')), 400, 'E_REGION');
    expectError(await create(newHousehold('620422101999')), 400, 'E_REGION');
    const badStatus = newHousehold(VILLAGE);
    badStatus.poverty_status = '脱贫了';
    expectError(await create(badStatus), 400, 'E_CODE');
    const badAmount = newHousehold(VILLAGE);
    badAmount.wage_income = '1.234';
    expectError(await create(badAmount), 400, 'E_NUMBER');
  });

  it('Chinese column names are accepted as in the import', async () => {
    const body = newHousehold(VILLAGE);
    body['工资性收入'] = body.wage_income;
    delete body.wage_income;
    const res = await create(body);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.data.wage_income, '3000.00');
  });

  it('an unknown field in a household body: 400 E_HEADER', async () => {
    const body = newHousehold(VILLAGE);
    body.nickname = 'x';
    const res = await create(body);
    expectError(res, 400, 'E_HEADER');
    assert.ok(res.body.error.details.length >= 1);
    const member = newHousehold(VILLAGE);
    member.members[0].nickname = 'x';
    expectError(await create(member), 400, 'E_HEADER');
    // Output-only fields are not input either.
    const computed = newHousehold(VILLAGE);
    computed.per_capita_income = '1.00';
    expectError(await create(computed), 400, 'E_HEADER');
  });

  it('malformed JSON: 400 E_JSON', async () => {
    const token = await tokenOf('county_admin1');
    for (const raw of ['{', '[]', 'null', '{"household_code": "H1",}', '\u0000', '{"a":1}{"b":2}']) {
      expectError(await api(srv, 'POST', '/api/v1/households', { token, raw }), 400, 'E_JSON', `POST ${JSON.stringify(raw)}`);
      expectError(await api(srv, 'PUT', '/api/v1/households/H2210120500001', { token, raw }), 400, 'E_JSON', `PUT ${JSON.stringify(raw)}`);
    }
  });

  it('a member that is not an object, members that are not a list: 400', async () => {
    const body = newHousehold(VILLAGE);
    body.members = ['x'];
    assert.equal((await create(body)).status, 400);
    body.members = 'x';
    assert.equal((await create(body)).status, 400);
  });
});

describe('writes outside the caller\'s region reveal nothing', () => {
  const OWN = '620422102201'; // village_op1's village
  const A = 'H2210120500001'; // a base household in 620422101205, outside it
  const auditOf = async (query) => {
    const res = await api(srv, 'GET', '/api/v1/audit', { token: await tokenOf('auditor1'), query: { size: 100, ...query } });
    assert.equal(res.status, 200, res.text);
    return res.body.data.items;
  };

  it('a village operator creating a code taken in another village: 409 "cannot be used", audited', async () => {
    const res = await create(newHousehold(OWN, { code: A }), 'village_op1');
    expectError(res, 409, 'E_CONFLICT');
    assert.equal(res.body.error.message, '此户编号不能使用');
    for (const secret of [A, '620422101205', '已存在']) assert.ok(!res.text.includes(secret), res.text);
    const en = await api(srv, 'POST', '/api/v1/households', {
      token: await tokenOf('village_op1'), body: newHousehold(OWN, { code: A }), query: { lang: 'en' },
      headers: { 'accept-language': 'en' },
    });
    expectError(en, 409, 'E_CONFLICT');
    assert.ok(!en.text.includes('taken'), en.text);
    const trail = await auditOf({ action: 'household.conflict', actor: 'village_op1' });
    assert.ok(trail.some((r) => r.target === A), JSON.stringify(trail));
  });

  it('inside the caller\'s region the code is still said to be taken', async () => {
    const res = await create(newHousehold(OWN, { code: A }), 'county_admin1');
    expectError(res, 409, 'E_CONFLICT');
    assert.ok(res.text.includes(A), res.text);
  });

  it('a member whose ID number is registered in another village: "cannot be used", audited', async () => {
    const body = newHousehold(OWN);
    body.members[0].id_number = baseBodies()[A].members[0].id_number;
    const res = await create(body, 'village_op1');
    expectError(res, 400, 'E_ID_DUPLICATE');
    assert.equal(res.body.error.message, '此证件号码不能使用，请联系县级管理员');
    for (const secret of [A, '620422101205', '另一户']) assert.ok(!res.text.includes(secret), res.text);
    const trail = await auditOf({ action: 'household.conflict', actor: 'village_op1' });
    const record = trail.find((r) => r.target === body.household_code);
    assert.ok(record, JSON.stringify(trail));
    assert.ok(!JSON.stringify(record).includes(body.members[0].id_number), 'no ID number in the trail');
  });

  it('an update of a household of another village: 404 as if it did not exist, audited', async () => {
    const body = { ...baseBodies()[A], version: 1 };
    expectError(await update(A, body, 'village_op1'), 404, 'E_NOT_FOUND');
    const trail = await auditOf({ action: 'household.conflict', actor: 'village_op1' });
    assert.ok(trail.filter((r) => r.target === A).length >= 2, JSON.stringify(trail));
  });
});

describe('optimistic locking under concurrency', () => {
  it('200 concurrent updates of one version: one 200, the rest 409, no update lost', async () => {
    const body = newHousehold(VILLAGE, { members: 1 });
    assert.equal((await create(body)).status, 201);
    const start = (await read(body.household_code)).version;
    const token = await tokenOf('county_admin1');
    const N = 200;
    const results = await Promise.all(Array.from({ length: N }, (_, i) =>
      api(srv, 'PUT', `/api/v1/households/${body.household_code}`, {
        token, body: { ...body, wage_income: `${4000 + i}.00`, version: start }, timeout: 60000,
      }).catch((e) => ({ status: `network error: ${e.message}` }))));
    const statuses = results.map((r) => r.status);
    const bad = statuses.filter((s) => s !== 200 && s !== 409);
    assert.deepEqual(bad, [], `answers other than 200/409: ${[...new Set(bad)].join(', ')} ${results.find((r) => r.status !== 200 && r.status !== 409)?.text?.slice(0, 300) ?? ''}`);
    const ok = results.filter((r) => r.status === 200);
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'E_VERSION_CONFLICT');
    assert.equal(ok.length, 1, `${ok.length} updates of version ${start} succeeded`);
    const stored = await read(body.household_code);
    assert.equal(stored.version, start + ok.length, 'every success is a version');
    assert.equal(stored.wage_income, ok[0].body.data.wage_income, 'the stored record is the winner\'s');
    // The audit trail has one household.update per success.
    const trail = await api(srv, 'GET', '/api/v1/audit', { token: await tokenOf('root'), query: { action: 'household.update', size: 100 } });
    assert.equal(trail.status, 200, trail.text);
    assert.equal(trail.body.data.items.filter((r) => r.target === body.household_code).length, ok.length);
  });

  it('concurrent updates each with the version it read: every one lands', async () => {
    const body = newHousehold(VILLAGE, { members: 1 });
    assert.equal((await create(body)).status, 201);
    const token = await tokenOf('county_admin1');
    // 10 writers, each retrying on 409 with a fresh read, at most 50 tries each.
    const writer = async (i) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const { version } = await read(body.household_code);
        const res = await api(srv, 'PUT', `/api/v1/households/${body.household_code}`, {
          token, body: { ...body, transfer_income: `${i}.00`, version },
        });
        if (res.status === 200) return attempt;
        assert.equal(res.status, 409, res.text);
      }
      throw new Error(`writer ${i} never succeeded`);
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => writer(i)));
    assert.equal((await read(body.household_code)).version, 11);
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
