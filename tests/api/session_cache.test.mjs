// The server's session cache (issue 13): a session answered from memory ends at once when
// it is logged out, when its account is disabled (over HTTP or by `fupin user disable` in
// another process), when its password is set anew, and at its expiry.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, login, expectError } from './server.mjs';

const PASS = 'Cache-pass-2026';

// A new account of the county, signed in, its session used twice (the second from memory).
async function warmSession(srv, name) {
  const admin = await srv.token('admin_county');
  const res = await api(srv, 'POST', '/api/v1/users', {
    token: admin, body: { username: name, role: 'viewer', region_code: '620422', password: PASS },
  });
  assert.equal(res.status, 201, res.text);
  const token = await login(srv, name, PASS);
  for (let i = 0; i < 2; i++) {
    const me = await api(srv, 'GET', '/api/v1/me', { token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.data.username, name);
  }
  return token;
}

describe('a cached session', () => {
  let srv;
  before(async () => { srv = await startServer({ seed: false }); });
  after(async () => { await srv?.cleanup(); });

  it('ends at once when it is logged out', async () => {
    const token = await warmSession(srv, 'cache.logout');
    assert.equal((await api(srv, 'DELETE', '/api/v1/session', { token })).status, 200);
    expectError(await api(srv, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH');
  });

  it('ends at once when an admin disables the account over HTTP', async () => {
    const token = await warmSession(srv, 'cache.disable');
    const res = await api(srv, 'POST', '/api/v1/users/cache.disable/disable', { token: await srv.token('admin_county') });
    assert.equal(res.status, 200, res.text);
    expectError(await api(srv, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH');
  });

  it('ends at once when the account is disabled by the CLI, another process', async () => {
    const token = await warmSession(srv, 'cache.cli');
    const r = await srv.cli(['user', 'disable', 'cache.cli']);
    assert.equal(r.code, 0, r.err);
    expectError(await api(srv, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH');
  });

  it('ends at once when its password is set anew', async () => {
    const token = await warmSession(srv, 'cache.passwd');
    const res = await api(srv, 'PUT', '/api/v1/users/cache.passwd/password', {
      token: await srv.token('admin_county'), body: { password: 'Newer-pass-2027' },
    });
    assert.ok(res.status === 200 || res.status === 204, res.text);
    expectError(await api(srv, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH');
  });

  it('of another account is not touched by these changes', async () => {
    const token = await srv.token('viewer1');
    assert.equal((await api(srv, 'GET', '/api/v1/me', { token })).status, 200);
  });
});

describe('a cached session with session_lifetime = 2', () => {
  let srv;
  before(async () => { srv = await startServer({ seed: false, config: 'session_lifetime = 2\n' }); });
  after(async () => { await srv?.cleanup(); });

  it('answers until its expiry and is 401 from then on', async () => {
    const token = await login(srv, 'viewer1');
    for (let i = 0; i < 3; i++) assert.equal((await api(srv, 'GET', '/api/v1/me', { token })).status, 200);
    await new Promise((r) => setTimeout(r, 3200));
    expectError(await api(srv, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH');
  });
});
