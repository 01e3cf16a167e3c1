// OpenAPI honesty: the document the server serves is src/api/openapi.json, it documents
// exactly the routes of src/api/server.cc, and every documented route exists.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, startServer, api, login, assertStopsCleanly, expectError } from './server.mjs';
import { ENDPOINTS, PERMISSIONS, fillPath } from './matrix.mjs';

const DOC = JSON.parse(readFileSync(path.join(ROOT, 'src', 'api', 'openapi.json'), 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const normalise = (p) => p.replace(/\{\w+\}/g, '{}').replace(/:\w+/g, '{}');

function documentedRoutes() {
  const out = [];
  for (const [p, ops] of Object.entries(DOC.paths)) {
    for (const m of Object.keys(ops)) if (METHODS.includes(m)) out.push({ method: m.toUpperCase(), path: p, op: ops[m] });
  }
  return out;
}

// The routes of MakeRouter() in server.cc: router->http_get/post/put/delete("…") calls and
// loops of the form `for (const char* kind : {"a", "b"}) { router->http_get(std::string("/x/") + kind, …`.
// Every router->http_ call must be understood, so a new kind of registration fails here
// rather than going unseen.
// The routes the server registers: every `routes.push_back({"METHOD", "PATH", …` of
// src/api/routes/*.cc, and the loops that append a name to a path.
function serverRoutes() {
  const dir = path.join(ROOT, 'src', 'api', 'routes');
  const routes = [];
  let understood = 0, calls = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cc'))) {
    const src = readFileSync(path.join(dir, file), 'utf8');
    for (const m of src.matchAll(/routes\.push_back\(\s*\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"([^"]+)"/g)) {
      routes.push(`${m[1]} ${m[2]}`);
      understood++;
    }
    const loop = /for\s*\(\s*const\s+char\s*\*\s*(\w+)\s*:\s*\{([^}]*)\}\s*\)\s*\{\s*routes\.push_back\(\s*\{\s*"(GET|POST|PUT|DELETE)",\s*std::string\(\s*"([^"]+)"\s*\)\s*\+\s*(\w+)/g;
    for (const m of src.matchAll(loop)) {
      assert.equal(m[5], m[1], 'the loop variable is appended to the path');
      for (const v of m[2].matchAll(/"([^"]+)"/g)) routes.push(`${m[3]} ${m[4]}${v[1]}`);
      understood++;
    }
    calls += [...src.matchAll(/routes\.push_back\(/g)].length;
  }
  assert.equal(understood, calls, 'a routes.push_back in src/api/routes/ that this test cannot read');
  return routes;
}

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

describe('the document', () => {
  it('is served without a token and equals src/api/openapi.json (rebuild after editing)', async () => {
    const res = await api(srv, 'GET', '/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /application\/json/);
    assert.deepEqual(res.body, DOC);
  });

  it('is OpenAPI 3.0.3 titled "fupin API", with full /api/v1 paths and no servers entry', () => {
    assert.equal(DOC.openapi, '3.0.3');
    assert.equal(DOC.info.title, 'fupin API');
    assert.equal(DOC.servers, undefined);
    for (const p of Object.keys(DOC.paths)) assert.match(p, /^\/api\/v1\//);
  });

  it('every $ref resolves', () => {
    const bad = [];
    const walk = (node, where) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
      if (!node || typeof node !== 'object') return;
      if (typeof node.$ref === 'string') {
        let target = DOC;
        for (const part of node.$ref.replace(/^#\//, '').split('/')) target = target?.[part];
        if (target === undefined || !node.$ref.startsWith('#/')) bad.push(`${where}: ${node.$ref}`);
      }
      for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
    };
    walk(DOC, '#');
    assert.deepEqual(bad, []);
  });

  it('bearerAuth applies everywhere except health, openapi.json and POST /session', () => {
    assert.deepEqual(DOC.security, [{ bearerAuth: [] }]);
    assert.equal(DOC.components.securitySchemes.bearerAuth.scheme, 'bearer');
    const open = documentedRoutes().filter((r) => Array.isArray(r.op.security) && r.op.security.length === 0)
      .map((r) => `${r.method} ${r.path}`).sort();
    const tableOpen = ENDPOINTS.filter((e) => e.open).map((e) => `${e.method} ${e.path}`).sort();
    assert.deepEqual(open, tableOpen);
    assert.deepEqual(open, ['GET /api/v1/health', 'GET /api/v1/openapi.json', 'POST /api/v1/session']);
  });

  it('documents every household search parameter and lang', () => {
    const names = (op) => op.parameters.map((p) => (p.$ref ? DOC.components.parameters[p.$ref.split('/').pop()] : p).name);
    const search = names(DOC.paths['/api/v1/households'].get);
    for (const n of ['region', 'kind', 'status', 'attribute', 'main_cause', 'monitor_type', 'monitor_status',
      'income_min', 'income_max', 'name', 'id_number', 'sort', 'order', 'page', 'size', 'lang']) {
      assert.ok(search.includes(n), `GET /api/v1/households does not document ${n}`);
    }
    assert.deepEqual(names(DOC.paths['/api/v1/audit'].get).filter((n) => n !== 'lang').sort(), ['action', 'actor', 'page', 'since', 'size', 'target', 'until']);
  });

  it('documents every status the authorisation matrix expects', () => {
    for (const e of ENDPOINTS) {
      const op = DOC.paths[e.path]?.[e.method.toLowerCase()];
      assert.ok(op, `${e.method} ${e.path} is not documented`);
      const statuses = [e.ok];
      if (!e.open) statuses.push(401);
      if (e.perm && Object.values(PERMISSIONS).some((p) => !p.includes(e.perm))) statuses.push(403);
      if (e.outside) statuses.push(e.outside[0]);
      for (const s of statuses) assert.ok(op.responses[String(s)], `${e.method} ${e.path} does not document ${s}`);
    }
  });

  it('has the components the clients rely on', () => {
    for (const s of ['Error', 'Household', 'Member', 'Summary', 'ExitResult', 'MonitorResult', 'RegionResult',
      'ImportReport', 'User', 'Session', 'AuditRecord']) {
      assert.ok(DOC.components.schemas[s], `no schema ${s}`);
    }
    const err = DOC.components.schemas.Error;
    assert.deepEqual(err.properties.error.required, ['code', 'message', 'details']);
  });
});

describe('the routes', () => {
  it('the server\'s routes are exactly the documented (method, path) pairs', () => {
    const server = serverRoutes().map((r) => normalise(r)).sort();
    const documented = documentedRoutes().map((r) => normalise(`${r.method} ${r.path}`)).sort();
    assert.deepEqual(server.filter((r) => !documented.includes(r)), [], 'routes of src/api/routes missing from openapi.json');
    assert.deepEqual(documented.filter((r) => !server.includes(r)), [], 'documented routes that src/api/routes does not have');
    assert.equal(new Set(server).size, server.length, 'a route registered twice');
  });

  it('an unknown path answers the router\'s 404 "no such resource" (the control for the next test)', async () => {
    const token = await srv.token('root');
    const res = await api(srv, 'GET', '/api/v1/no-such-thing', { token, query: { lang: 'en' } });
    expectError(res, 404, 'E_NOT_FOUND');
    assert.equal(res.body.error.message, 'no such resource');
  });

  const samples = { code: '620422', household_code: 'H2210220100002', id: '1', name: 'nobody' };
  for (const route of documentedRoutes()) {
    it(`${route.method} ${route.path} exists: an admin gets something other than "no such resource"`, async () => {
      // DELETE /session ends the session it is called with: use a session of its own.
      const token = route.method === 'DELETE' ? await login(srv, 'root') : await srv.token('root');
      const opts = { token, query: { lang: 'en', year: 2025 } };
      if (['POST', 'PUT', 'PATCH'].includes(route.method)) opts.body = {};
      const res = await api(srv, route.method, fillPath(route.path, samples), opts);
      assert.ok(!(res.status === 404 && res.body?.error?.message === 'no such resource'),
        `${route.method} ${route.path}: the router does not know it`);
      assert.ok(res.status < 500, `${route.method} ${route.path}: ${res.status} ${res.text.slice(0, 300)}`);
    });
  }
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
