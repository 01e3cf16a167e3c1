// Sessions: logging in and out, the throttling of failed logins, tokens, and the error envelope.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, login, expectError, assertStopsCleanly } from './server.mjs';
import { PASSWORD } from './matrix.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

describe('open routes', () => {
  it('GET /health answers without a token', async () => {
    const res = await api(srv, 'GET', '/api/v1/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.status, 'ok');
    assert.match(res.headers.get('content-type'), /^application\/json/);
  });

  it('GET /openapi.json answers without a token', async () => {
    const res = await api(srv, 'GET', '/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.0.3');
  });
});

describe('POST /session', () => {
  it('logs in: 201 with token, expires_at and the user', async () => {
    const res = await api(srv, 'POST', '/api/v1/session', { body: { username: 'county_admin1', password: PASSWORD } });
    assert.equal(res.status, 201, res.text);
    const { token, expires_at: expires, user } = res.body.data;
    assert.equal(typeof token, 'string');
    assert.ok(token.length >= 32, 'a token long enough not to be guessed');
    assert.ok(!Number.isNaN(Date.parse(expires)), `expires_at ${expires}`);
    assert.ok(Date.parse(expires) > Date.now(), 'expires in the future');
    assert.deepEqual(user, { username: 'county_admin1', role: 'county_admin', region_code: '620422000000', disabled: false });
    const me = await api(srv, 'GET', '/api/v1/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.username, 'county_admin1');
  });

  it('two logins give two different tokens', async () => {
    const a = await login(srv, 'viewer1');
    const b = await login(srv, 'viewer1');
    assert.notEqual(a, b);
  });

  it('a wrong password: 401 E_AUTH', async () => {
    const res = await api(srv, 'POST', '/api/v1/session', { body: { username: 'viewer_county', password: 'Wrong-pass-1' } });
    expectError(res, 401, 'E_AUTH');
  });

  it('an unknown user gets exactly the answer of a wrong password', async () => {
    const wrong = await api(srv, 'POST', '/api/v1/session', { body: { username: 'viewer_county', password: 'Wrong-pass-1' } });
    const unknown = await api(srv, 'POST', '/api/v1/session', { body: { username: 'nobody_here', password: 'Wrong-pass-1' } });
    expectError(unknown, 401, 'E_AUTH');
    assert.deepEqual(unknown.body, wrong.body);
    const wrongEn = await api(srv, 'POST', '/api/v1/session', { body: { username: 'viewer_county', password: 'x' }, query: { lang: 'en' } });
    const unknownEn = await api(srv, 'POST', '/api/v1/session', { body: { username: 'nobody_here', password: 'x' }, query: { lang: 'en' } });
    assert.deepEqual(unknownEn.body, wrongEn.body);
    // The failures above do not lock viewer_county (4 in all, and a success resets them).
    await login(srv, 'viewer_county');
  });

  // Failed logins are throttled by client address and by (address, name), never by account
  // alone: 127.0.0.0/8 gives each test an address of its own.
  it('after 3 free failures from one address a name must wait: 429 E_THROTTLED with Retry-After', async () => {
    const from = '127.0.0.21';
    for (let i = 1; i <= 4; i++) {
      const res = await api(srv, 'POST', '/api/v1/session', { from, body: { username: 'lockme', password: `Wrong-pass-${i}` } });
      expectError(res, 401, 'E_AUTH', `failure ${i}`);
    }
    const fifth = await api(srv, 'POST', '/api/v1/session', { from, body: { username: 'lockme', password: PASSWORD }, query: { lang: 'en' } });
    expectError(fifth, 429, 'E_THROTTLED', 'the attempt after the fourth failure');
    assert.match(fifth.body.error.message, /try again in \d+ s/);
    assert.ok(Number(fifth.headers.get('retry-after')) >= 1, `Retry-After: ${fifth.headers.get('retry-after')}`);
  });

  it('a stranger guessing from another address never locks the owner out', async () => {
    for (let i = 1; i <= 12; i++) {
      await api(srv, 'POST', '/api/v1/session', { from: '127.0.0.22', body: { username: 'lockme', password: `Wrong-pass-${i}` } });
    }
    const owner = await api(srv, 'POST', '/api/v1/session', { from: '127.0.0.23', body: { username: 'lockme', password: PASSWORD } });
    assert.equal(owner.status, 201, owner.text);
  });

  it('known and unknown names are throttled and answered alike (no username oracle)', async () => {
    const sequence = async (from, username) => {
      const out = [];
      for (let i = 1; i <= 6; i++) {
        const res = await api(srv, 'POST', '/api/v1/session', { from, body: { username, password: `Wrong-pass-${i}` } });
        out.push([res.status, res.body.error.code]);
      }
      return out;
    };
    const known = await sequence('127.0.0.24', 'lockme');
    const unknown = await sequence('127.0.0.25', 'nobody_at_all');
    assert.deepEqual(unknown, known);
    assert.deepEqual(known.map(([s]) => s), [401, 401, 401, 401, 429, 429]);
  });

  it('one address trying many names is slowed down too', async () => {
    const from = '127.0.0.26';
    const statuses = [];
    for (let i = 1; i <= 12; i++) {
      statuses.push((await api(srv, 'POST', '/api/v1/session', { from, body: { username: `guess${i}`, password: 'Wrong-pass-1' } })).status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.equal(statuses[11], 429, statuses.join(' '));
  });

  it('malformed JSON: 400 E_JSON', async () => {
    for (const raw of ['{', '', 'null', '[1,2]', '"text"', '{"username": "root", "password": }']) {
      const res = await api(srv, 'POST', '/api/v1/session', { raw });
      expectError(res, 400, 'E_JSON', `body ${JSON.stringify(raw)}`);
    }
  });

  it('an unknown field: 400 E_UNKNOWN_FIELD', async () => {
    const res = await api(srv, 'POST', '/api/v1/session', { body: { username: 'root', password: PASSWORD, remember: true } });
    expectError(res, 400, 'E_UNKNOWN_FIELD');
  });

  it('a missing or non-string name or password: 400, never a session', async () => {
    for (const body of [{ username: 'root' }, { password: PASSWORD }, { username: 'root', password: 12345 }, {}]) {
      const res = await api(srv, 'POST', '/api/v1/session', { body });
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
    }
  });
});

describe('tokens', () => {
  it('DELETE /session logs out; the token is 401 afterwards', async () => {
    const token = await login(srv, 'department1');
    assert.equal((await api(srv, 'GET', '/api/v1/me', { token })).status, 200);
    const out = await api(srv, 'DELETE', '/api/v1/session', { token });
    assert.equal(out.status, 200, out.text);
    assert.deepEqual(out.body, { data: { logged_out: true } });
    expectError(await api(srv, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH');
    expectError(await api(srv, 'GET', '/api/v1/households', { token }), 401, 'E_AUTH');
  });

  it('logging out one session leaves the account\'s other sessions alone', async () => {
    const a = await login(srv, 'helper1');
    const b = await login(srv, 'helper1');
    assert.equal((await api(srv, 'DELETE', '/api/v1/session', { token: a })).status, 200);
    assert.equal((await api(srv, 'GET', '/api/v1/me', { token: b })).status, 200);
  });

  it('a forged token: 401 E_AUTH', async () => {
    const real = await login(srv, 'auditor1');
    const forged = [
      'A'.repeat(43),
      real.slice(0, -1) + (real.endsWith('A') ? 'B' : 'A'),
      real + 'x',
      real.slice(1),
      "' OR 1=1 --",
      'x'.repeat(4000),
    ];
    for (const token of forged) {
      expectError(await api(srv, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH', `token ${token.slice(0, 20)}…`);
    }
  });

  it('no token, or not a bearer token: 401 E_AUTH', async () => {
    expectError(await api(srv, 'GET', '/api/v1/me'), 401, 'E_AUTH');
    const real = await login(srv, 'auditor1');
    for (const authorization of [`Basic ${Buffer.from('root:' + PASSWORD).toString('base64')}`, real, `Bearer`, `Bearer `, `Token ${real}`]) {
      const res = await api(srv, 'GET', '/api/v1/me', { headers: { authorization } });
      expectError(res, 401, 'E_AUTH', `Authorization: ${authorization.slice(0, 20)}`);
    }
  });

  it('a disabled account: its sessions end (401), the right password gets 403 E_DISABLED, a wrong one 401', async () => {
    const token = await login(srv, 'disableme');
    const r = await srv.cli(['user', 'disable', 'disableme']);
    assert.equal(r.code, 0, r.err);
    expectError(await api(srv, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH');
    expectError(await api(srv, 'POST', '/api/v1/session', { body: { username: 'disableme', password: PASSWORD } }), 403, 'E_DISABLED');
    expectError(await api(srv, 'POST', '/api/v1/session', { body: { username: 'disableme', password: 'Wrong-pass-9' } }), 401, 'E_AUTH');
  });

  it('a new password ends the account\'s sessions; the old password no longer works', async () => {
    const token = await login(srv, 'passwdme');
    const r = await srv.cli(['user', 'passwd', 'passwdme', '--password-stdin'], { input: 'N3w-password-2026\n' });
    assert.equal(r.code, 0, r.err);
    expectError(await api(srv, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH');
    expectError(await api(srv, 'POST', '/api/v1/session', { body: { username: 'passwdme', password: PASSWORD } }), 401, 'E_AUTH');
    await login(srv, 'passwdme', 'N3w-password-2026');
  });

  it('messages follow lang and Accept-Language', async () => {
    const zh = await api(srv, 'GET', '/api/v1/me');
    const en = await api(srv, 'GET', '/api/v1/me', { query: { lang: 'en' } });
    const accept = await api(srv, 'GET', '/api/v1/me', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    assert.match(zh.body.error.message, /[\u4e00-\u9fff]/, 'Chinese by default');
    assert.match(en.body.error.message, /^[\x20-\x7e]+$/, 'English with lang=en');
    assert.equal(accept.body.error.message, en.body.error.message);
  });
});

describe('the error envelope', () => {
  it('every error answer is {error: {code, message, details}} with nothing else', async () => {
    // api() checks the envelope of every 4xx/5xx in every test file; these cover the
    // router's own answers too.
    const token = await srv.token('viewer1');
    const cases = [
      ['GET', '/api/v1/nowhere', {}],
      ['GET', '/api/v1/nowhere', { token }],
      ['PATCH', '/api/v1/households', { token }],
      ['GET', '/api/v1/households/NOSUCH', { token }],
      ['GET', '/api/v1/regions/abc', { token }],
      ['GET', '/api/v1/households', { token, query: { status: 'nonsense' } }],
      ['PUT', '/api/v1/households/H2210120500001', { token, body: {} }],
      ['POST', '/api/v1/session', { raw: '{' }],
    ];
    for (const [method, p, opts] of cases) {
      const res = await api(srv, method, p, opts);
      assert.ok(res.status >= 400, `${method} ${p}: ${res.status}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${method} ${p}`);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});

describe('session lifetime (session_lifetime = 1 in --config)', () => {
  let short;
  before(async () => { short = await startServer({ seed: false, config: 'session_lifetime = 1\n' }); });
  after(async () => { await short?.cleanup(); });

  it('expires_at is the login time plus the lifetime, and the token is 401 afterwards', async () => {
    const res = await api(short, 'POST', '/api/v1/session', { body: { username: 'viewer1', password: PASSWORD } });
    assert.equal(res.status, 201, res.text);
    const { token, expires_at: expires } = res.body.data;
    const left = Date.parse(expires) - Date.now();
    assert.ok(left <= 2000 && left > -1500, `expires_at ${expires} is not about 1 s away`);
    await new Promise((r) => setTimeout(r, 2200));
    expectError(await api(short, 'GET', '/api/v1/me', { token }), 401, 'E_AUTH');
  });

  it('fupin serve stops on SIGTERM with exit status 0', async () => {
    await assertStopsCleanly(short);
  });
});
