// Uploads: the import as multipart/form-data into an empty register, an import with
// errors, and the upload limit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { spawn } from 'node:child_process';

import { DATA, BASE, PG_SKIP, startServer, api, expectError, assertStopsCleanly } from './server.mjs';

const file = (...p) => readFileSync(path.join(DATA, 'import', ...p));
function form(households, members, names = ['households.csv', 'members.csv']) {
  const f = new FormData();
  f.append('households', new Blob([households], { type: 'text/csv' }), names[0]);
  if (members !== undefined) f.append('members', new Blob([members], { type: 'text/csv' }), names[1]);
  return f;
}

describe('imports into an empty register', () => {
  let srv;
  before(async () => { srv = await startServer({ seed: false }); });
  after(async () => { await srv?.cleanup(); });

  const total = async () => {
    const res = await api(srv, 'GET', '/api/v1/households', { token: await srv.token('root') });
    assert.equal(res.status, 200, res.text);
    return res.body.data.total;
  };

  it('starts empty', async () => {
    assert.equal(await total(), 0);
  });

  it('dry_run=1 validates the base CSVs and writes nothing', async () => {
    const res = await api(srv, 'POST', '/api/v1/imports', {
      token: await srv.token('county_admin1'), query: { dry_run: 1 }, form: form(file('base', 'households.csv'), file('base', 'members.csv')),
    });
    assert.equal(res.status, 200, res.text);
    const d = res.body.data;
    assert.equal(d.dry_run, true);
    assert.equal(d.households_created, 4);
    assert.equal(d.households_updated, 0);
    assert.equal(d.members, 11);
    assert.equal(d.rejected_households, 0);
    assert.deepEqual(d.errors, []);
    assert.deepEqual(d.warnings, []);
    assert.equal(await total(), 0);
  });

  it('an import with errors: 400 with every error (file, line, code) in details, nothing written', async () => {
    const res = await api(srv, 'POST', '/api/v1/imports', {
      token: await srv.token('county_admin1'), query: { lang: 'en' },
      form: form(file('several_errors', 'households.csv'), file('several_errors', 'members.csv')),
    });
    assert.equal(res.status, 400, res.text);
    const { code, details } = res.body.error;
    assert.equal(code, details[0].code, 'the error code is the first error\'s');
    const has = (f, line, c) => details.some((d) => d.file === f && d.line === line && (!c || d.code === c));
    assert.ok(has('households.csv', 3), JSON.stringify(details));
    assert.ok(has('households.csv', 4, 'E_REGION'), JSON.stringify(details));
    assert.ok(has('members.csv', 7, 'E_ID_CHECKSUM'), JSON.stringify(details));
    for (const d of details) {
      for (const k of ['file', 'line', 'column', 'value', 'code', 'message']) assert.ok(k in d, `detail without ${k}`);
      assert.ok(!d.file.includes('/'), `a server path in the report: ${d.file}`);
    }
    assert.equal(await total(), 0);
  });

  it('an import of an unknown village: 400 E_REGION naming the line', async () => {
    const res = await api(srv, 'POST', '/api/v1/imports', {
      token: await srv.token('county_admin1'), form: form(file('unknown_village', 'households.csv'), file('base', 'members.csv')),
    });
    expectError(res, 400, 'E_REGION');
    assert.ok(res.body.error.details.some((d) => d.file === 'households.csv' && d.line === 4 && d.code === 'E_REGION'));
  });

  it('an import whose audit record cannot be written is refused and writes nothing', { skip: PG_SKIP }, async () => {
    const token = await srv.token('county_admin1');
    await srv.token('root');
    // Another process holds the accounts file's write lock longer than its busy wait (1 s).
    const holder = spawn('sqlite3', [`${srv.db}-accounts`], { stdio: ['pipe', 'ignore', 'ignore'] });
    holder.stdin.write("BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE 0;\n");
    await new Promise((r) => setTimeout(r, 300));
    let res;
    try {
      res = await api(srv, 'POST', '/api/v1/imports', {
        token, form: form(file('base', 'households.csv'), file('base', 'members.csv')),
      });
    } finally {
      holder.stdin.end('ROLLBACK;\n');
      await new Promise((r) => holder.on('close', r));
    }
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.error.code, 'E_BUSY');
    assert.equal(await total(), 0, 'the import was rolled back with its record');
  });

  it('imports the base CSVs: counts, the register, an audit record', async () => {
    const res = await api(srv, 'POST', '/api/v1/imports', {
      token: await srv.token('county_admin1'), form: form(file('base', 'households.csv'), file('base', 'members.csv')),
    });
    assert.equal(res.status, 200, res.text);
    const d = res.body.data;
    assert.equal(d.dry_run, false);
    assert.equal(d.households_created, 4);
    assert.equal(d.members, 11);
    assert.ok(d.batch_id, 'a batch id');
    assert.equal(await total(), 4);
    const trail = await api(srv, 'GET', '/api/v1/audit', { token: await srv.token('auditor1'), query: { action: 'import' } });
    assert.equal(trail.status, 200, trail.text);
    assert.ok(trail.body.data.items.some((r) => r.actor === 'county_admin1' && r.target === d.batch_id));
    const summary = await api(srv, 'GET', '/api/v1/regions/620422/summary', { token: await srv.token('county_admin1') });
    assert.equal(summary.body.data.households, 4);
    assert.equal(summary.body.data.persons, 11);
  });

  it('a changed household is an update', async () => {
    const res = await api(srv, 'POST', '/api/v1/imports', {
      token: await srv.token('county_admin1'), form: form(file('changed_household', 'households.csv'), file('changed_household', 'members.csv')),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.households_updated, 1);
    assert.equal(res.body.data.households_created, 0);
    const h = await api(srv, 'GET', '/api/v1/households/H2210120500001', { token: await srv.token('county_admin1') });
    assert.equal(h.body.data.wage_income, '4881.62');
    assert.equal(h.body.data.version, 2);
  });

  // A household code of village 620422102201, in township_op1's village 620422101205.
  const takenElsewhere = () => {
    const pick = (csv, code, village) => {
      const lines = csv.toString().split('\n');
      return [lines[0], ...lines.filter((l) => l.startsWith(`${code},`))
        .map((l) => (village ? l.replace(/^([^,]*),\d{12},/, `$1,${village},`) : l))].join('\n') + '\n';
    };
    return form(pick(file('base', 'households.csv'), 'H2210220100002', '620422101205'),
      pick(file('base', 'members.csv'), 'H2210220100002'));
  };
  const conflictsOf = async (actor) => {
    const trail = await api(srv, 'GET', '/api/v1/audit', { token: await srv.token('auditor1'), query: { action: 'household.conflict', actor, size: 100 } });
    assert.equal(trail.status, 200, trail.text);
    return trail.body.data.items.filter((r) => r.target === 'H2210220100002').length;
  };

  it('a code taken outside the importer\'s region: refused as "cannot be used", the attempt audited', async () => {
    const before = await conflictsOf('township_op1');
    const res = await api(srv, 'POST', '/api/v1/imports', { token: await srv.token('township_op1'), form: takenElsewhere() });
    assert.notEqual(res.status, 200, res.text);
    assert.ok(res.body.error.details.some((d) => d.code === 'E_HOUSEHOLD'), res.text);
    assert.ok(!res.text.includes('620422102201'), 'nothing said of the household outside the region');
    assert.equal(await conflictsOf('township_op1'), before + 1);
  });

  it('such an attempt whose audit record cannot be written: 503 E_BUSY, not an answer without a record', { skip: PG_SKIP }, async () => {
    const token = await srv.token('township_op1');
    await srv.token('auditor1');
    const before = await conflictsOf('township_op1');
    const holder = spawn('sqlite3', [`${srv.db}-accounts`], { stdio: ['pipe', 'ignore', 'ignore'] });
    holder.stdin.write("BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE 0;\n");
    await new Promise((r) => setTimeout(r, 300));
    let res;
    try {
      res = await api(srv, 'POST', '/api/v1/imports', { token, form: takenElsewhere() });
    } finally {
      holder.stdin.end('ROLLBACK;\n');
      await new Promise((r) => holder.on('close', r));
    }
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.error.code, 'E_BUSY');
    assert.equal(await conflictsOf('township_op1'), before);
  });

  it('not multipart, one CSV alone, three files: 400', async () => {
    const token = await srv.token('county_admin1');
    expectError(await api(srv, 'POST', '/api/v1/imports', { token, body: { households: 'x' } }), 400, 'E_USAGE');
    const one = await api(srv, 'POST', '/api/v1/imports', { token, form: form(file('base', 'households.csv')) });
    assert.equal(one.status, 400, one.text);
    const three = form(file('base', 'households.csv'), file('base', 'members.csv'));
    three.append('third', new Blob(['x']), 'third.csv');
    expectError(await api(srv, 'POST', '/api/v1/imports', { token, form: three }), 400, 'E_USAGE');
  });

  it('an uploaded file name cannot climb out of the upload folder', async () => {
    const res = await api(srv, 'POST', '/api/v1/imports', {
      token: await srv.token('county_admin1'), query: { dry_run: 1 },
      form: form(file('base', 'households.csv'), file('base', 'members.csv'), ['../../../../tmp/h.csv', '../m.csv']),
    });
    assert.equal(res.status, 200, res.text);
  });

  it('fupin serve stops on SIGTERM with exit status 0', async () => {
    await assertStopsCleanly(srv);
  });
});

// The upload limit: a request announcing a body over it is answered 413 at its headers
// (the server does not wait for the body), the connection is closed, and the server serves on.
describe('the upload limit (upload_limit = 100000 in --config)', () => {
  let srv;
  before(async () => { srv = await startServer({ seed: false, config: 'upload_limit = 100000\n' }); });
  after(async () => { await srv?.cleanup(); });

  // Sends a head and the first bytes of a body that never comes, and waits for the answer.
  function announce(port, head) {
    return new Promise((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      let data = '';
      const timer = setTimeout(() => { socket.destroy(); resolve({ timeout: true, data }); }, 5000);
      socket.on('connect', () => socket.write(head));
      socket.on('data', (d) => { data += d; });
      socket.on('error', () => {});
      socket.on('close', () => { clearTimeout(timer); resolve({ closed: true, data }); });
    });
  }

  it('a request announcing a 1 MB body is answered 413 before the body is sent, and closed', async () => {
    const { port } = new URL(srv.base);
    const outcome = await announce(port, 'POST /api/v1/households HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"household_code":');
    assert.ok(!outcome.timeout, 'the server waited for the 1 MB body instead of refusing it');
    assert.match(outcome.data, /^HTTP\/1\.1 413 Payload Too Large\r\n/);
    assert.match(outcome.data, /connection: close/i);
    const body = JSON.parse(outcome.data.slice(outcome.data.indexOf('\r\n\r\n') + 4));
    assert.equal(body.error.code, 'E_TOO_LARGE');
    assert.match(body.error.message, /上传限制/);
  });

  it('the 413 comes even without a session, and for a request that follows a good one on the same connection', async () => {
    const { port } = new URL(srv.base);
    const outcome = await announce(port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n' +
      'POST /api/v1/imports?lang=en HTTP/1.1\r\nHost: x\r\ncontent-length: 100001\r\n\r\nabc');
    assert.ok(!outcome.timeout, 'no answer');
    const answers = outcome.data.match(/HTTP\/1\.1 \d{3}/g);
    assert.deepEqual(answers, ['HTTP/1.1 200', 'HTTP/1.1 413']);
    assert.match(outcome.data, /over the upload limit \(100000 bytes\)/);
  });

  it('a body of exactly the limit is read', async () => {
    const token = await srv.token('root');
    const body = JSON.stringify({ household_code: 'H1', padding: '' });
    const padded = body.replace('""', `"${'x'.repeat(100000 - body.length)}"`);
    assert.equal(Buffer.byteLength(padded), 100000);
    const res = await fetch(`${srv.base}/api/v1/households`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: padded,
    });
    // The body was read and validated: the unknown field is named, not the size.
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(await res.json()), /padding/);
  });

  it('a 1 MB body sent by fetch is answered 413 quickly and the server still answers', async () => {
    const token = await srv.token('root');
    const started = Date.now();
    let status;
    try {
      const res = await fetch(`${srv.base}/api/v1/households`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ household_code: 'H1', padding: 'x'.repeat(1024 * 1024) }),
        signal: AbortSignal.timeout(10000),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch (e) {
      status = `failed (${e.cause?.code ?? e.message})`;
    }
    // The server lingers after its answer, dropping the rest of the body, so that a client
    // still writing reads the 413 instead of a reset connection.
    assert.equal(status, 413);
    assert.ok(Date.now() - started < 10000, 'not fast');
    const health = await api(srv, 'GET', '/api/v1/health');
    assert.equal(health.status, 200);
  });

  it('a multipart import over the limit is refused the same way; one under it is read', async () => {
    const token = await srv.token('root');
    const big = new FormData();
    big.append('households', new Blob([Buffer.alloc(200000, 'a')]), 'households.csv');
    big.append('members', new Blob([file('base', 'members.csv')]), 'members.csv');
    let status;
    try {
      status = (await fetch(`${srv.base}/api/v1/imports`, {
        method: 'POST', headers: { authorization: `Bearer ${token}` }, body: big, signal: AbortSignal.timeout(10000),
      })).status;
    } catch (e) {
      status = `failed (${e.cause?.code ?? e.message})`;
    }
    assert.equal(status, 413);
    const small = await api(srv, 'POST', '/api/v1/imports', {
      token, query: { dry_run: 1 }, form: form(readFileSync(path.join(BASE, 'households.csv')), readFileSync(path.join(BASE, 'members.csv'))),
    });
    assert.equal(small.status, 200, small.text);
  });

  it('fupin serve stops on SIGTERM with exit status 0', async () => {
    await assertStopsCleanly(srv);
  });
});
