// The end-to-end harness: a generated register served by a real `fupin serve` with the
// built app (web/dist), one account per role, and Debian's chromium driven by
// playwright-core (never a downloaded browser). Screenshots go to build/e2e/ (artifacts).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.FUPIN_BIN || path.join(ROOT, 'build', 'fupin');
export const ARTIFACTS = path.join(ROOT, 'build', 'e2e');
export const PASSWORD = 'E2e-pass-2026';
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
export const COUNTY = '620422';

function fupin(db, args, input) {
  const r = spawnSync(BIN, ['--db', db, ...args], { input: input ?? '', encoding: 'utf8', env: { ...process.env } });
  assert.equal(r.status, 0, `fupin ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

// A county of `households` generated households and one account per role; the village and
// township accounts share the first village's chain, `village2` is another village.
export function buildRegister(dir, households = 400) {
  const db = path.join(dir, 'e2e.db');
  fupin(db, ['init']);
  fupin(db, ['regions', 'load']);
  fupin(db, ['generate', '--county', COUNTY, '--households', String(households), '--seed', '7', '--out', path.join(dir, 'gen')]);
  fupin(db, ['import', path.join(dir, 'gen', 'households.csv'), path.join(dir, 'gen', 'members.csv')]);
  // The two villages with the most households; every village gets a rural population (so
  // that incidence can be computed) of about four persons a household.
  const count = new Map();
  for (const line of readFileSync(path.join(dir, 'gen', 'households.csv'), 'utf8').split('\n').slice(1)) {
    const v = line.split(',')[1];
    if (v) count.set(v, (count.get(v) ?? 0) + 1);
  }
  const ranked = [...count.entries()].sort((a, b) => b[1] - a[1]);
  const [village, village2] = ranked.map(([v]) => v);
  const population = ranked.map(([v, n]) => `${v},${n * 4 + 40}`);
  population.push(`${COUNTY},${ranked.reduce((sum, [, n]) => sum + n * 4 + 40, 0)}`);
  writeFileSync(path.join(dir, 'population.csv'), `code,rural_population\n${population.join('\n')}\n`);
  fupin(db, ['regions', 'population', path.join(dir, 'population.csv')]);
  const accounts = {
    admin: ['admin', '0'], county: ['county_admin', COUNTY], township: ['township_operator', village.slice(0, 9)],
    village: ['village_operator', village], village2: ['village_operator', village2], helper: ['helper', village],
    department: ['department', COUNTY], auditor: ['auditor', COUNTY], viewer: ['viewer', COUNTY],
  };
  for (const [name, [role, region]] of Object.entries(accounts)) {
    fupin(db, ['user', 'add', name, '--role', role, '--region', region, '--password-stdin'], `${PASSWORD}\n`);
  }
  return { db, village, village2, accounts };
}

// The register's own summary of `region` (fupin report summary --json), to compare with
// what a page shows.
export function summary(db, region) {
  return JSON.parse(fupin(db, ['report', 'summary', '--region', region, '--json']));
}

// Starts `fupin serve` on `db` at local time `now` (FUPIN_NOW); resolves to {base, stop}.
export function serve(db, { now = '2026-06-30T09:00:00+08:00', config = '' } = {}) {
  const dir = path.dirname(db);
  const toml = path.join(dir, 'server.toml');
  writeFileSync(toml, `web_root = "${path.join(ROOT, 'web', 'dist')}"\nlog_level = "warn"\n${config}`);
  const child = spawn(BIN, ['--db', db, 'serve', '--config', toml, '--listen', '127.0.0.1:0'],
    { env: { ...process.env, FUPIN_NOW: now }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address: ${out} ${err}`)), 20000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/(127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          base: `http://${m[1]}`,
          stop: () => new Promise((done) => { child.on('close', done); child.kill('SIGTERM'); }),
        });
      }
    });
    child.on('close', (code) => { clearTimeout(timer); reject(new Error(`fupin serve exited ${code}: ${err}`)); });
  });
}

export async function launch() {
  assert.ok(CHROMIUM, 'Debian chromium is installed (scripts/setup)');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}

export function tempDir() {
  return mkdtempSync(path.join(tmpdir(), 'fupin-e2e-'));
}
export function removeDir(dir) { rmSync(dir, { recursive: true, force: true }); }

// A new page of `width` × `height` in Chinese, signed in as `name` through the sign-in form.
export async function signIn(browser, base, name, { width = 1366, height = 768 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('[data-test=username]', name);
  await page.fill('[data-test=password]', PASSWORD);
  await page.click('[data-test=login-submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

// Saves a screenshot of the page as build/e2e/NAME.png.
export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
