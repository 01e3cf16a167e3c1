// User administration over HTTP (issue 12, web-care): an admin lists the accounts of its
// region, adds one who then signs in, is told the password rules, disables an account and
// sets a new password — each change in the audit trail without the password; the audit
// trail is read between two instants.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, login, expectError } from './server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

const as = async (name, method, pathname, opts = {}) => api(srv, method, pathname, { token: await srv.token(name), ...opts });

describe('user administration', () => {
  it('an admin of the county adds a village clerk who then signs in', async () => {
    const res = await as('admin_county', 'POST', '/api/v1/users', {
      body: { username: 'clerk.zhang', role: 'village_operator', region_code: '620422102201', password: 'Clerk-pass-2026' },
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.data, { username: 'clerk.zhang', role: 'village_operator', region_code: '620422102201', disabled: false });
    const token = await login(srv, 'clerk.zhang', 'Clerk-pass-2026');
    const me = await api(srv, 'GET', '/api/v1/me', { token });
    assert.equal(me.body.data.role, 'village_operator');
  });

  it('lists the accounts of its region only, with when they were added', async () => {
    const res = await as('admin_county', 'GET', '/api/v1/users');
    assert.equal(res.status, 200, res.text);
    const names = res.body.data.items.map((u) => u.username);
    assert.ok(names.includes('clerk.zhang') && names.includes('viewer1'));
    assert.ok(!names.includes('root'), 'the admin of the nation is above the county');
    assert.equal(res.body.data.total, names.length);
    assert.match(res.body.data.items[0].created_at, /^\d{4}-\d\d-\d\dT/);
  });

  it('says which password rule is broken, in the language asked for', async () => {
    const res = await as('admin_county', 'POST', '/api/v1/users', {
      query: { lang: 'en' }, body: { username: 'short.pw', role: 'viewer', region_code: '620422', password: 'abc123' },
    });
    expectError(res, 400, 'E_PASSWORD');
    assert.match(res.body.error.message, /10/);
  });

  it('refuses a taken name, an unknown role and a region outside its own', async () => {
    const body = { username: 'clerk.zhang', role: 'viewer', region_code: '620422', password: 'Clerk-pass-2026' };
    expectError(await as('admin_county', 'POST', '/api/v1/users', { body }), 409, 'E_CONFLICT');
    expectError(await as('admin_county', 'POST', '/api/v1/users', { body: { ...body, username: 'x1', role: 'boss' } }), 400, 'E_CODE');
    expectError(await as('admin_county', 'POST', '/api/v1/users', { body: { ...body, username: 'x2', region_code: '620423' } }), 403, 'E_FORBIDDEN');
    expectError(await as('admin_county', 'POST', '/api/v1/users', { body: { ...body, username: 'x3', extra: 1 } }), 400, 'E_UNKNOWN_FIELD');
  });

  it('a new password ends the sessions of the account and the old one no longer works', async () => {
    const old = await login(srv, 'clerk.zhang', 'Clerk-pass-2026');
    const res = await as('admin_county', 'PUT', '/api/v1/users/clerk.zhang/password', { body: { password: 'Newer-pass-2027' } });
    assert.equal(res.status, 200, res.text);
    expectError(await api(srv, 'GET', '/api/v1/me', { token: old }), 401, 'E_AUTH');
    const fresh = await api(srv, 'POST', '/api/v1/session', { body: { username: 'clerk.zhang', password: 'Clerk-pass-2026' } });
    expectError(fresh, 401, 'E_AUTH');
    assert.ok(await login(srv, 'clerk.zhang', 'Newer-pass-2027'));
  });

  it('a disabled account cannot sign in, and one outside the region is not found', async () => {
    const res = await as('admin_county', 'POST', '/api/v1/users/clerk.zhang/disable');
    assert.equal(res.status, 200, res.text);
    const again = await api(srv, 'POST', '/api/v1/session', { body: { username: 'clerk.zhang', password: 'Newer-pass-2027' } });
    expectError(again, 403, 'E_DISABLED');
    expectError(await as('admin_county', 'POST', '/api/v1/users/root/disable'), 404, 'E_NOT_FOUND');
  });

  it('a county administrator, not an admin, may not manage users', async () => {
    expectError(await as('county_admin1', 'GET', '/api/v1/users'), 403, 'E_FORBIDDEN');
  });

  it('each change is in the audit trail, never with the password', async () => {
    const res = await as('root', 'GET', '/api/v1/audit', { query: { target: 'clerk.zhang', size: 50 } });
    assert.equal(res.status, 200, res.text);
    const actions = res.body.data.items.map((r) => r.action);
    for (const a of ['user.add', 'user.passwd', 'user.disable']) assert.ok(actions.includes(a), `${a} in ${actions}`);
    assert.doesNotMatch(res.text, /Clerk-pass|Newer-pass/);
  });
});

describe('the audit trail between two instants', () => {
  it('since and until bound the records by their time', async () => {
    const all = (await as('root', 'GET', '/api/v1/audit', { query: { size: 500 } })).body.data;
    assert.ok(all.total > 0);
    const at = all.items[0].at; // the newest
    const later = await as('root', 'GET', '/api/v1/audit', { query: { since: '2999-01-01' } });
    assert.equal(later.body.data.total, 0);
    const until = await as('root', 'GET', '/api/v1/audit', { query: { until: '2000-01-01T00:00:00Z' } });
    assert.equal(until.body.data.total, 0);
    const day = await as('root', 'GET', '/api/v1/audit', { query: { since: at.slice(0, 10), size: 500 } });
    assert.ok(day.body.data.items.some((r) => r.seq === all.items[0].seq));
  });

  it('a malformed instant is refused', async () => {
    expectError(await as('root', 'GET', '/api/v1/audit', { query: { since: 'yesterday' } }), 400, 'E_FORMAT');
  });
});
