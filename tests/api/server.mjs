// Test helper for the HTTP API tests: builds a register in a temporary folder with the
// real `fupin` binary, adds one account per role, runs `fupin serve` on 127.0.0.1 with a
// port the system picks, and talks to it with the global fetch.
//
// Environment: FUPIN_BIN (the binary; default build/fupin), FUPIN_TODAY (default
// 2026-06-30, as the CTest registration sets it). Nothing here skips: if the binary is
// missing or the server does not start, startServer() throws and the test file fails.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';

import { USERS, PASSWORD, EXTRA_REGIONS_CSV, EXTRA_HOUSEHOLD, ASSIGNED } from './matrix.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATA = path.join(ROOT, 'tests', 'data');
export const BASE = path.join(DATA, 'import', 'base');
export const BIN = process.env.FUPIN_BIN || path.join(ROOT, 'build', 'fupin');
if (!process.env.FUPIN_TODAY) process.env.FUPIN_TODAY = '2026-06-30';

// ---- PostgreSQL (issue 15) ----
// With FUPIN_TEST_DB=postgres (scripts/with-pg-test-server sets it, and FUPIN_PG_URL),
// every register of these tests is a database of that server instead of a SQLite file: a
// `db` is then the database's URL, its audit key a file named after it (FUPIN_AUDIT_KEY,
// since a database that is not a file has no key beside it), and a copy is a CREATE
// DATABASE … TEMPLATE. Tests of the SQLite file itself skip with PG_SKIP as their reason.
export const PG = process.env.FUPIN_TEST_DB === 'postgres';
export const PG_SKIP = PG && 'a property of the SQLite file (PostgreSQL run)';
const PG_URL = process.env.FUPIN_PG_URL;
if (PG && !PG_URL) throw new Error('FUPIN_TEST_DB=postgres needs FUPIN_PG_URL (scripts/with-pg-test-server)');
const PG_KEYS = path.join(tmpdir(), `fupin-api-pgkeys-${process.ppid}`);
function pgName(url) { return new URL(url).pathname.slice(1); }
function pgUrl(name) { const u = new URL(PG_URL); u.pathname = `/${name}`; return u.toString(); }
function psql(sql) {
  return execFileSync('psql', [PG_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
// A new empty database on the test server: its URL.
export function newPgDb(tag = 't') {
  const name = `${tag}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e9).toString(36)}`;
  psql(`CREATE DATABASE "${name}"`);
  return pgUrl(name);
}
export function dropPgDb(url) {
  try { psql(`DROP DATABASE IF EXISTS "${pgName(url)}" WITH (FORCE)`); } catch { /* the server is gone */ }
  rmSync(path.join(PG_KEYS, `${pgName(url)}.key`), { force: true });
}
// The environment a command on `db` needs: its audit key's path on PostgreSQL.
export function dbEnv(db) {
  if (!PG) return {};
  mkdirSync(PG_KEYS, { recursive: true });
  return { FUPIN_AUDIT_KEY: path.join(PG_KEYS, `${pgName(db)}.key`) };
}

// ---- the import template's keys (src/exchange/template.cc kHouseholdColumns/kMemberColumns) ----

export const HOUSEHOLD_KEYS = {
  户编号: 'household_code', 行政区划代码: 'village_code', 户类型: 'household_kind',
  贫困状态: 'poverty_status', 识别年度: 'registered_year', 脱贫年度: 'exit_year',
  户属性: 'attribute', 主要致贫原因: 'main_cause', 其他致贫原因: 'other_causes',
  家庭人口数: 'size', 工资性收入: 'wage_income', 生产经营性收入: 'business_income',
  生产经营性支出: 'business_cost', 财产性收入: 'property_income', 转移性收入: 'transfer_income',
  合规自付医疗支出: 'medical_out_of_pocket', 教育支出: 'education_cost', 灾害损失: 'disaster_loss',
  不愁吃: 'food_secure', 不愁穿: 'clothing_secure', 住房安全等级: 'housing_grade',
  危房改造: 'renovation', 易地搬迁: 'relocation', 饮水安全: 'water_safe',
  监测对象类型: 'monitor_type', 监测状态: 'monitor_status', 纳入监测日期: 'monitor_since',
  风险类型: 'risk_types', 联系电话: 'phone',
};
export const MEMBER_KEYS = {
  户编号: 'household_code', 姓名: 'name', 证件类型: 'id_type', 证件号码: 'id_number',
  与户主关系: 'relation', 性别: 'sex', 出生日期: 'birth_date', 民族: 'ethnicity',
  文化程度: 'education', 在校生状况: 'school_status', 健康状况: 'health',
  残疾等级: 'disability_grade', 劳动能力: 'labor', 务工月数: 'months_worked',
  参加城乡居民基本医疗保险: 'resident_medical_insurance',
  参加职工基本医疗保险: 'employee_medical_insurance',
  参加城乡居民基本养老保险: 'pension_insurance', 享受低保: 'dibao', 特困供养: 'tekun',
};

// A small CSV reader (quotes, doubled quotes, CRLF): rows of cells.
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// Households and members CSV texts as API bodies: { code: {household keys…, members: [...]}}.
export function bodiesFrom(householdsCsv, membersCsv) {
  const hs = parseCsv(householdsCsv.replace(/^\uFEFF/, ''));
  const ms = parseCsv(membersCsv.replace(/^\uFEFF/, ''));
  const out = {};
  const hHead = hs[0].map((h) => HOUSEHOLD_KEYS[h]);
  for (const r of hs.slice(1)) {
    const body = {};
    hHead.forEach((k, i) => { if (r[i] !== '') body[k] = r[i]; });
    body.members = [];
    out[body.household_code] = body;
  }
  const mHead = ms[0].map((h) => MEMBER_KEYS[h]);
  for (const r of ms.slice(1)) {
    const m = {};
    mHead.forEach((k, i) => { if (r[i] !== '' && k !== 'household_code') m[k] = r[i]; });
    out[r[0]].members.push(m);
  }
  return out;
}

// The base register (and the second county's household) as API bodies.
export function baseBodies() {
  return {
    ...bodiesFrom(readFileSync(path.join(BASE, 'households.csv'), 'utf8'),
      readFileSync(path.join(BASE, 'members.csv'), 'utf8')),
    ...bodiesFrom(EXTRA_HOUSEHOLD.households, EXTRA_HOUSEHOLD.members),
  };
}

// Lines of the base CSVs whose household lies in one of `villages` (a prefix match), as
// { households, members } CSV texts for an upload.
export function baseCsvFor(prefixes) {
  const hText = readFileSync(path.join(BASE, 'households.csv'), 'utf8').split(/\r?\n/).filter(Boolean);
  const mText = readFileSync(path.join(BASE, 'members.csv'), 'utf8').split(/\r?\n/).filter(Boolean);
  const codes = new Set();
  const hLines = [hText[0]];
  for (const line of hText.slice(1)) {
    const [code, village] = line.split(',');
    if (prefixes.some((p) => p === '0' || village.startsWith(p))) { codes.add(code); hLines.push(line); }
  }
  const mLines = [mText[0], ...mText.slice(1).filter((l) => codes.has(l.split(',')[0]))];
  return { households: hLines.join('\n') + '\n', members: mLines.join('\n') + '\n', count: codes.size };
}

// ---- ID numbers (GB 11643) ----

export function idChecksum(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return '10X98765432'[s % 11];
}
// A fresh, valid ID number: region prefix, a birth date in 1950–1999 and a sequence.
let idCounter = Math.floor(Math.random() * 500);
export function freshId(prefix = '620422', sex = 1) {
  idCounter++;
  const year = 1950 + (idCounter % 50);
  const month = String(1 + (Math.floor(idCounter / 50) % 12)).padStart(2, '0');
  const day = String(1 + (Math.floor(idCounter / 600) % 28)).padStart(2, '0');
  // The 17th digit: odd for 男 (sex 1), even for 女.
  const seq = String((idCounter * 2 + (sex === 1 ? 1 : 0)) % 1000).padStart(3, '0');
  const first17 = `${prefix}${year}${month}${day}${seq}`;
  return first17 + idChecksum(first17);
}
let codeCounter = 0;
export function freshCode(tag = 'T') {
  codeCounter++;
  return `${tag}${process.pid.toString(36).toUpperCase()}${Date.now().toString(36).toUpperCase()}${codeCounter}`.slice(0, 32);
}

// A valid new household body in `village` with one head (and an optional phone).
export function newHousehold(village, { code = freshCode(), phone, members = 1 } = {}) {
  const body = {
    household_code: code,
    village_code: village,
    household_kind: '建档立卡户',
    poverty_status: '未脱贫',
    registered_year: 2016,
    attribute: '一般户',
    main_cause: '因病',
    wage_income: '3000.00',
    business_income: '1000.00',
    business_cost: '0',
    property_income: '0',
    transfer_income: '500.00',
    food_secure: true,
    clothing_secure: true,
    housing_grade: 'A',
    water_safe: true,
    members: [],
  };
  if (phone) body.phone = phone;
  for (let i = 0; i < members; i++) {
    body.members.push({
      name: `测试${i}`,
      id_number: freshId(village.slice(0, 6), 1),
      relation: i === 0 ? '户主' : '之子',
      school_status: '非在校生',
      health: '长期慢性病',
      labor: '无劳动力',
      resident_medical_insurance: '是',
    });
  }
  return body;
}

// ---- running the binary ----

export function run(args, { input, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
    child.stdin.on('error', () => {}); // a binary that exits without reading its input
    child.stdin.end(input ?? '');
  });
}

export async function runOk(args, opts) {
  const r = await run(args, opts);
  if (r.code !== 0) {
    throw new Error(`fupin ${args.join(' ')} exited ${r.code}${r.signal ? ' (' + r.signal + ')' : ''}\n${r.err}${r.out}`);
  }
  return r;
}

// ---- the server ----

// Builds the register without households at `db`: the regions (with a second county)
// and the accounts of `users`.
async function buildAccounts(dir, db, users) {
  const g = ['--db', db];
  const env = dbEnv(db);
  await runOk([...g, 'init'], { env });
  await runOk([...g, 'regions', 'load', '--from', path.join(DATA, 'regions.csv')], { env });
  // A second county with one village, for the roles whose scope is the county 620422.
  writeFileSync(path.join(dir, 'regions-extra.csv'), EXTRA_REGIONS_CSV);
  await runOk([...g, 'regions', 'load', '--from', path.join(dir, 'regions-extra.csv')], { env });
  for (const u of users) {
    await runOk([...g, 'user', 'add', u.name, '--role', u.role, '--region', u.region, '--password-stdin'],
      { input: (u.password ?? PASSWORD) + '\n', env });
  }
}

// Adds the base register and the second county's household to `db`, and assigns every
// helper of `users` to the households of ASSIGNED (the rest of its village stays unassigned).
async function buildHouseholds(dir, db, users) {
  const g = ['--db', db];
  const env = dbEnv(db);
  await runOk([...g, 'import', path.join(BASE, 'households.csv'), path.join(BASE, 'members.csv')], { env });
  writeFileSync(path.join(dir, 'extra-households.csv'), EXTRA_HOUSEHOLD.households);
  writeFileSync(path.join(dir, 'extra-members.csv'), EXTRA_HOUSEHOLD.members);
  await runOk([...g, 'import', path.join(dir, 'extra-households.csv'), path.join(dir, 'extra-members.csv')], { env });
  for (const u of users.filter((x) => x.role === 'helper')) {
    const households = ASSIGNED[u.region] ?? [];
    if (households.length) await runOk([...g, 'user', 'assign', u.name, ...households], { env });
  }
}

// Hashing a password (argon2id) takes about half a second, so the register with its
// accounts is built once per `node --test` run (the runner is every file's parent process)
// and copied for each server; the seeded register is the empty one plus the imports.
// Caches of runs that have ended are removed.
const CACHE_PREFIX = 'fupin-api-cache-';
// A database is its register file plus the accounts file and the audit key beside it.
const COMPANIONS = ['-accounts', '-audit.key'];
// On PostgreSQL `to` is ignored and the copy's URL returned (a new database); on SQLite, `to`.
export function copyDb(from, to) {
  if (PG) {
    const url = newPgDbFrom(from);
    const key = dbEnv(from).FUPIN_AUDIT_KEY;
    if (existsSync(key)) copyFileSync(key, dbEnv(url).FUPIN_AUDIT_KEY);
    return url;
  }
  for (const c of COMPANIONS) if (existsSync(from + c)) copyFileSync(from + c, to + c);
  copyFileSync(from, to);
  return to;
}
function newPgDbFrom(from) {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e9).toString(36)}`;
  // Two copies of one template at once may find it "being accessed": try again.
  for (let i = 0; ; i++) {
    try {
      psql(`CREATE DATABASE "${name}" TEMPLATE "${pgName(from)}"`);
      return pgUrl(name);
    } catch (e) {
      if (i >= 50 || !/being accessed/.test(String(e.stderr ?? e))) throw e;
      execFileSync('sleep', ['0.1']);
    }
  }
}
function moveDb(from, to) {
  for (const c of COMPANIONS) if (existsSync(from + c)) renameSync(from + c, to + c);
  renameSync(from, to); // last: the register file's presence says the copy is whole
}
function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}
async function cachedRegister(seed, users) {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(name.slice(CACHE_PREFIX.length));
    if (name.startsWith(CACHE_PREFIX) && pid && !alive(pid)) rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
  }
  const cache = path.join(tmpdir(), `${CACHE_PREFIX}${process.ppid}`);
  mkdirSync(cache, { recursive: true });
  const stat = statSync(BIN);
  const key = createHash('sha256').update(JSON.stringify([BIN, stat.mtimeMs, stat.size, seed, users,
    readFileSync(path.join(DATA, 'regions.csv'), 'utf8'), readFileSync(path.join(BASE, 'households.csv'), 'utf8'),
    readFileSync(path.join(BASE, 'members.csv'), 'utf8'), EXTRA_REGIONS_CSV, EXTRA_HOUSEHOLD, ASSIGNED])).digest('hex').slice(0, 16);
  const ready = path.join(cache, `${key}.db`);
  const lock = path.join(cache, `${key}.lock`);
  for (let i = 0; i < 1200 && !existsSync(ready); i++) {
    try {
      mkdirSync(lock); // whoever makes the lock builds; the others wait for `ready`
    } catch {
      // A builder that died leaves its lock: take over a lock older than a minute.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60000) rmSync(lock, { recursive: true, force: true });
      } catch { /* gone meanwhile */ }
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const work = mkdtempSync(path.join(cache, 'build-'));
    try {
      let built;
      if (seed) {
        // The seeded register is the empty one plus the imports.
        built = copyDb(await cachedRegister(false, users), path.join(work, 'fupin.db'));
        await buildHouseholds(work, built, users);
      } else {
        built = PG ? newPgDb('c') : path.join(work, 'fupin.db');
        await buildAccounts(work, built, users);
      }
      if (PG) {
        // The cached register is a database: `ready` holds its URL.
        writeFileSync(path.join(work, 'url'), built);
        renameSync(path.join(work, 'url'), ready);
      } else {
        moveDb(built, ready);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(lock, { recursive: true, force: true });
    }
  }
  if (!existsSync(ready)) throw new Error(`the register ${ready} was not built within 120 s`);
  return PG ? readFileSync(ready, 'utf8') : ready;
}

// Options: seed (import the base register and the second county's household; default
// true), config (TOML text for --config), users (default: USERS of matrix.mjs), env
// (variables added to the server's environment, e.g. FUPIN_NOW to move the clock), db (a
// database to start from — another server's, stopped first — copied instead of the
// cached register).
export async function startServer({ seed = true, config, users = USERS, env, db: from } = {}) {
  if (!existsSync(BIN)) throw new Error(`FUPIN_BIN ${BIN} does not exist: build the fupin target first`);
  const dir = mkdtempSync(path.join(tmpdir(), 'fupin-api-'));
  // On PostgreSQL the copy is a new database, made below; the scratch folder (service/
  // scratch.h), beside a database file on SQLite, is then in the system's temporary folder,
  // made this server's own with TMPDIR.
  let db = path.join(dir, 'fupin.db');
  const pgTmp = PG ? { TMPDIR: dir } : {};
  const g = ['--db', db];
  let child = null;
  let exited = null;
  let stdout = '', stderr = '';
  let exit;
  const base = await (async () => {
    db = copyDb(from ?? await cachedRegister(seed, users), db);
    g[1] = db;
    const args = [...g, 'serve', '--listen', '127.0.0.1:0'];
    if (config) {
      writeFileSync(path.join(dir, 'server.toml'), config);
      args.push('--config', path.join(dir, 'server.toml'));
    }
    child = spawn(BIN, args, { env: { ...process.env, ...dbEnv(db), ...pgTmp, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // A server is never left behind by a test process that ends.
    process.on('exit', () => { if (!exited) child.kill('SIGKILL'); });
    exit = new Promise((resolve) => {
      child.on('close', (code, signal) => { exited = { code, signal }; resolve(exited); });
    });
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-200000); });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fupin serve printed no address within 15 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 15000);
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
      });
      child.on('error', (e) => { clearTimeout(timer); reject(e); });
      exit.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`fupin serve exited (${code ?? signal}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
      });
    });
  })().catch((e) => {
    if (child && !exited) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    if (PG && db.startsWith('postgres')) dropPgDb(db);
    throw e;
  });
  const tokens = new Map();
  const server = {
    base, db, dir, child,
    stderr: () => stderr,
    cli: (more, opts) => run([...g, ...more], { ...opts, env: { ...dbEnv(db), ...pgTmp, ...opts?.env } }),
    // A token for `name`, logging in once per server.
    async token(name) {
      if (!tokens.has(name)) tokens.set(name, await login(server, name));
      return tokens.get(name);
    },
    // SIGTERM, then the exit status ({code, signal}); kills after 10 s.
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exit;
        clearTimeout(timer);
      }
      return exited;
    },
    async cleanup() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      // A database another server starts from (startServer's db) is dropped by that one.
      if (PG) dropPgDb(db);
    },
  };
  return server;
}

// The server's scratch folder (service/scratch.h ScratchFolder).
export function scratchDir(srv) {
  return PG ? path.join(srv.dir, `fupin-${process.geteuid()}-tmp`) : `${srv.db}-tmp`;
}

// ---- requests ----

// Every error answer must carry the envelope {error: {code, message, details}}.
export function assertErrorShape(res, where = '') {
  const b = res.body;
  assert.ok(b && typeof b === 'object' && b.error && typeof b.error === 'object',
    `${where} ${res.status}: no error envelope: ${res.text.slice(0, 300)}`);
  assert.match(String(b.error.code), /^E_[A-Z0-9_]+$/, `${where}: error.code ${b.error.code}`);
  assert.equal(typeof b.error.message, 'string', `${where}: error.message`);
  assert.ok(b.error.message.length > 0, `${where}: empty error.message`);
  assert.ok(Array.isArray(b.error.details), `${where}: error.details is not an array`);
  assert.deepEqual(Object.keys(b).sort(), ['error'], `${where}: extra top-level keys`);
}

// api(srv, 'GET', '/api/v1/…', {token, body (object → JSON), raw (string/Buffer), form
// (FormData), query, headers}). Returns {status, headers, text, body (parsed JSON or
// null), bytes}. Every 4xx/5xx JSON answer is checked for the error envelope.
export async function api(srv, method, pathname, opts = {}) {
  const url = new URL(srv.base + pathname);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v));
  const headers = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  } else if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] ??= 'application/json';
  } else if (opts.form) {
    body = opts.form;
  }
  // opts.from: the client's own address (127.0.0.0/8 is all this machine's), for the
  // throttles that count by client address.
  const res = opts.from
    ? await requestFrom(opts.from, url, method, headers, body, opts.timeout ?? 30000)
    : await fetch(url, { method, headers, body, signal: AbortSignal.timeout(opts.timeout ?? 30000) });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let parsed = null;
  if ((res.headers.get('content-type') || '').includes('json')) {
    try { parsed = JSON.parse(text); } catch { parsed = null; }
  }
  const out = { status: res.status, headers: res.headers, text, body: parsed, bytes };
  if (res.status >= 400) assertErrorShape(out, `${method} ${pathname}`);
  return out;
}

// A request through node:http from a chosen local address, answered like fetch's Response.
function requestFrom(localAddress, url, method, headers, body, timeout) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, localAddress, timeout }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode, headers: h, arrayBuffer: async () => all });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export async function login(srv, name, password = PASSWORD) {
  const res = await api(srv, 'POST', '/api/v1/session', { body: { username: name, password } });
  assert.equal(res.status, 201, `login ${name}: ${res.status} ${res.text}`);
  return res.body.data.token;
}

// Asserts an error answer: status and code.
export function expectError(res, status, code, what = '') {
  assert.equal(res.status, status, `${what} expected ${status} ${code ?? ''}, got ${res.status}: ${res.text.slice(0, 400)}`);
  assertErrorShape(res, what);
  if (code) assert.equal(res.body.error.code, code, `${what}: ${res.text.slice(0, 400)}`);
}

// The final check of every file: SIGTERM stops the server with exit status 0.
export async function assertStopsCleanly(srv) {
  const { code, signal } = await srv.stop();
  assert.equal(signal, null, `fupin serve died of ${signal}\n${srv.stderr().slice(-2000)}`);
  assert.equal(code, 0, `fupin serve exited ${code}\n${srv.stderr().slice(-2000)}`);
}

// The CSV pair of an import holding the households of `target.region`: base households,
// the second county's household, or (for a region that does not exist) one base household
// moved into `target.village`.
export function csvFor(target) {
  if (target.region.startsWith('620423')) {
    return { households: EXTRA_HOUSEHOLD.households, members: EXTRA_HOUSEHOLD.members, count: 1 };
  }
  const picked = baseCsvFor([target.region]);
  if (picked.count > 0) return picked;
  const one = baseCsvFor(['620422101205']);
  return { households: one.households.replaceAll('620422101205', target.village), members: one.members, count: 1 };
}

// The entries of a ZIP archive (an XLSX workbook): name → contents. Stored and deflated
// entries only, which is all libxlsxwriter writes.
export function unzip(buffer) {
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 65557); i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a ZIP archive: no end of central directory');
  const entries = buffer.readUInt16LE(eocd + 10);
  let p = buffer.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let n = 0; n < entries; n++) {
    if (buffer.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buffer.readUInt16LE(p + 10);
    const compressed = buffer.readUInt32LE(p + 20);
    const nameLen = buffer.readUInt16LE(p + 28);
    const extraLen = buffer.readUInt16LE(p + 30);
    const commentLen = buffer.readUInt16LE(p + 32);
    const local = buffer.readUInt32LE(p + 42);
    const name = buffer.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + compressed);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

// All the text of an XLSX workbook's cells (shared strings and inline strings), joined.
export function xlsxText(buffer) {
  const files = unzip(buffer);
  let text = '';
  for (const [name, data] of files) {
    if (name.startsWith('xl/') && name.endsWith('.xml')) text += data.toString('utf8') + '\n';
  }
  return text;
}

// Opens a case of `kind` (exit by default) for household `code` of the year 2026 and advances
// it to its village notice (公示); the case as it is then.
export async function caseToNotice(srv, token, code, kind = 'exit') {
  const opened = await api(srv, 'POST', '/api/v1/cases', { token, body: { kind, household_code: code, year: 2026 } });
  assert.equal(opened.status, 201, opened.text);
  let c = opened.body.data;
  while (c.step !== 'notice') {
    const res = await api(srv, 'POST', `/api/v1/cases/${c.id}/advance`, { token, body: { comment: '同意' } });
    assert.equal(res.status, 200, res.text);
    c = res.body.data;
  }
  return c;
}
