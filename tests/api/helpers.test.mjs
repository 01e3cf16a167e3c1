// Helpers (帮扶责任人) and village work teams (驻村工作队) over HTTP: a county office adds a
// helper and assigns it, a viewer sees the phone masked, history is kept, the helper role
// sees only its own, and every write is audited. Who may do what where is matrix.mjs's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, expectError, assertStopsCleanly } from './server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

const call = async (user, method, path, opts = {}) =>
  api(srv, method, path, { token: await srv.token(user), ...opts });
const audit = async (query) => {
  const res = await call('root', 'GET', '/api/v1/audit', { query: { size: 200, ...query } });
  assert.equal(res.status, 200, res.text);
  return res.body.data.items;
};

describe('helpers', () => {
  let helper;

  it('a county admin adds a helper; the phone is stored one way and the addition audited', async () => {
    const res = await call('county_admin1', 'POST', '/api/v1/helpers', {
      body: { name: '王帮扶', work_unit: '县农业农村局', phone: '139 0000 5678', region_code: '620422102201' },
    });
    assert.equal(res.status, 201, res.text);
    helper = res.body.data;
    assert.equal(helper.phone, '13900005678');
    assert.equal(helper.region_code, '620422102201');
    assert.equal(helper.username, null);
    const trail = await audit({ action: 'helper.add', actor: 'county_admin1' });
    assert.ok(trail.some((r) => r.target === String(helper.id)));
    assert.ok(!JSON.stringify(trail).includes('13900005678'), 'no phone in the audit trail');
  });

  it('a phone that is neither a mobile nor a landline is 400 E_PHONE; an unknown field E_UNKNOWN_FIELD', async () => {
    const bad = await call('county_admin1', 'POST', '/api/v1/helpers', {
      body: { name: '李', phone: '12345', region_code: '620422102201' }, query: { lang: 'en' },
    });
    expectError(bad, 400, 'E_PHONE');
    const unknown = await call('county_admin1', 'POST', '/api/v1/helpers', {
      body: { name: '李', phone: '13900001234', id_number: 'x' },
    });
    expectError(unknown, 400, 'E_UNKNOWN_FIELD');
  });

  it('assigned to a household, the helper is listed there; a viewer sees the phone masked', async () => {
    const res = await call('village_op1', 'POST', '/api/v1/households/H2210220100000/helpers', {
      body: { helper_id: helper.id, since: '2026-03-01' },
    });
    assert.equal(res.status, 201, res.text);
    const mine = res.body.data.find((a) => a.helper.id === helper.id);
    assert.deepEqual([mine.since, mine.until, mine.current], ['2026-03-01', null, true]);

    const viewed = await call('viewer_county', 'GET', '/api/v1/households/H2210220100000/helpers');
    assert.equal(viewed.status, 200, viewed.text);
    assert.equal(viewed.body.data.find((a) => a.helper.id === helper.id).helper.phone, '139****5678');
    assert.ok(!viewed.text.includes('13900005678'));
    const one = await call('viewer_county', 'GET', `/api/v1/helpers/${helper.id}`);
    assert.equal(one.body.data.phone, '139****5678');
    assert.deepEqual(one.body.data.households.map((h) => h.household_code), ['H2210220100000']);
  });

  it('a start date after today is 400 E_DATE', async () => {
    const res = await call('county_admin1', 'POST', '/api/v1/households/H2210220100000/helpers', {
      body: { helper_id: helper.id, since: '2027-01-01' },
    });
    expectError(res, 400, 'E_DATE');
  });

  it('the helper role sees itself and the helpers of its households, not this one', async () => {
    const list = await call('helper1', 'GET', '/api/v1/helpers');
    assert.equal(list.status, 200, list.text);
    assert.ok(list.body.data.items.some((h) => h.username === 'helper1'), list.text);
    assert.ok(!list.body.data.items.some((h) => h.id === helper.id));
    expectError(await call('helper1', 'GET', `/api/v1/helpers/${helper.id}`), 404, 'E_NOT_FOUND');
    expectError(await call('helper1', 'GET', '/api/v1/households/H2210220100000/helpers'), 404, 'E_NOT_FOUND');
  });

  it('unassigning ends the assignment today and keeps it as history; both are audited', async () => {
    const res = await call('county_admin1', 'DELETE', `/api/v1/households/H2210220100000/helpers/${helper.id}`);
    assert.equal(res.status, 200, res.text);
    const past = res.body.data.find((a) => a.helper.id === helper.id);
    assert.deepEqual([past.since, past.until, past.current], ['2026-03-01', '2026-06-30', false]);
    const trail = (await audit({ action: 'helper.', target: 'H2210220100000' }))
      .filter((r) => r.action !== 'helper.read');
    assert.deepEqual(trail.map((r) => r.action).sort(), ['helper.assign', 'helper.unassign']);
    // Reads that showed phones whole are audited too.
    assert.ok((await audit({ action: 'helper.read', actor: 'county_admin1' })).length >= 1);
  });

  it('PATCH changes the fields given; an account already linked elsewhere is 409 E_CONFLICT', async () => {
    const res = await call('county_admin1', 'PATCH', `/api/v1/helpers/${helper.id}`, { body: { work_unit: '县教育局' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([res.body.data.work_unit, res.body.data.name], ['县教育局', '王帮扶']);
    const taken = await call('county_admin1', 'PATCH', `/api/v1/helpers/${helper.id}`, { body: { username: 'helper1' } });
    expectError(taken, 409, 'E_CONFLICT');
  });
});

describe('village work teams', () => {
  let secretary;

  it('a first secretary is added with a start date and listed as serving', async () => {
    const res = await call('township_op1', 'POST', '/api/v1/regions/620422101205/work-team', {
      body: { role: 'first_secretary', name: '刘书记', work_unit: '省财政厅', phone: '0931-8123456', started_on: '2025-03-01' },
    });
    assert.equal(res.status, 201, res.text);
    secretary = res.body.data;
    const team = await call('viewer1', 'GET', '/api/v1/regions/620422101205/work-team');
    assert.equal(team.status, 200, team.text);
    const shown = team.body.data.current.find((m) => m.id === secretary.id);
    assert.equal(shown.role, 'first_secretary');
    assert.equal(shown.phone, '093*****3456');
  });

  it('an unknown role is 400 E_CODE; an end before the start 400 E_DATE', async () => {
    expectError(await call('township_op1', 'POST', '/api/v1/regions/620422101205/work-team', {
      body: { role: 'captain', name: '某', started_on: '2025-03-01' },
    }), 400, 'E_CODE');
    expectError(await call('township_op1', 'POST', `/api/v1/regions/620422101205/work-team/${secretary.id}/end`, {
      body: { ended_on: '2024-12-31' },
    }), 400, 'E_DATE');
  });

  it('ending moves the member to the past, once; ending again is 409 E_CONFLICT', async () => {
    const path = `/api/v1/regions/620422101205/work-team/${secretary.id}/end`;
    const res = await call('township_op1', 'POST', path, { body: { ended_on: '2026-05-31' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.ended_on, '2026-05-31');
    const team = await call('township_op1', 'GET', '/api/v1/regions/620422101205/work-team');
    assert.ok(team.body.data.past.some((m) => m.id === secretary.id));
    assert.ok(!team.body.data.current.some((m) => m.id === secretary.id));
    expectError(await call('township_op1', 'POST', path, {}), 409, 'E_CONFLICT');
    const trail = (await audit({ action: 'team.' })).filter((r) => r.target === String(secretary.id));
    assert.deepEqual(trail.map((r) => r.action).sort(), ['team.add', 'team.end']);
  });

  it('a member of another village is not found through this one', async () => {
    expectError(await call('county_admin1', 'POST', `/api/v1/regions/620422102201/work-team/${secretary.id}/end`, {}),
      404, 'E_NOT_FOUND');
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
