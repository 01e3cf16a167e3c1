// bench/procedures/steps.mjs: the HTTP side of bench/procedures/run.
//   node steps.mjs open ADDRESS HOUSEHOLDS.txt CASES.json   opens a removal case per household
//        and advances it to its notice (propose → verify → review → notice), sequentially,
//        then with 8 requests in flight
//   node steps.mjs close ADDRESS HOUSEHOLDS.txt CASES.json  closes the notices, checks and
//        approves (the county's decision writes the household, its history and aggregates)
import { readFileSync, writeFileSync } from 'node:fs';

const [mode, base, householdsFile, casesFile] = process.argv.slice(2);
const PASSWORD = 'Bench-2026-pass';

async function login(username) {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  return (await res.json()).data.token;
}

async function post(token, path, body) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(base + path, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
  return { ms, data: JSON.parse(text).data };
}

const timings = new Map();
function record(what, ms) {
  if (!timings.has(what)) timings.set(what, []);
  timings.get(what).push(ms);
}

// Runs `work` over `items` with `inFlight` requests at a time.
async function pool(items, inFlight, work) {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

function report() {
  const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  for (const [what, xs] of timings) {
    xs.sort((a, b) => a - b);
    console.log(`${what.padEnd(40)} n=${String(xs.length).padStart(5)}  p50 ${q(xs, 0.5).toFixed(2)} ms  ` +
      `p90 ${q(xs, 0.9).toFixed(2)} ms  p99 ${q(xs, 0.99).toFixed(2)} ms  max ${xs[xs.length - 1].toFixed(2)} ms`);
  }
}

const households = readFileSync(householdsFile, 'utf8').trim().split('\n');
const half = Math.floor(households.length / 2);
if (mode === 'open') {
  const token = await login('opener');
  const cases = [];
  for (const code of households.slice(0, half)) {
    const r = await post(token, '/api/v1/cases', { kind: 'remove', household_code: code, reason: '05' });
    record('open (1 in flight)', r.ms);
    cases.push(r.data.id);
  }
  await pool(households.slice(half), 8, async (code) => {
    const r = await post(token, '/api/v1/cases', { kind: 'remove', household_code: code, reason: '05' });
    record('open (8 in flight)', r.ms);
    cases.push(r.data.id);
  });
  for (const step of ['verify', 'review']) {
    for (const id of cases.slice(0, half)) record(`advance ${step} (1 in flight)`, (await post(token, `/api/v1/cases/${id}/advance`, { comment: '同意' })).ms);
    await pool(cases.slice(half), 8, async (id) => record(`advance ${step} (8 in flight)`, (await post(token, `/api/v1/cases/${id}/advance`, { comment: '同意' })).ms));
  }
  writeFileSync(casesFile, JSON.stringify(cases));
} else {
  const opener = await login('opener');
  const approver = await login('approver');
  const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
  const steps = [['notice', opener], ['check', opener], ['approve (decision)', approver]];
  for (const [step, token] of steps) {
    for (const id of cases.slice(0, half)) record(`advance ${step} (1 in flight)`, (await post(token, `/api/v1/cases/${id}/advance`, { comment: '同意' })).ms);
    await pool(cases.slice(half), 8, async (id) => record(`advance ${step} (8 in flight)`, (await post(token, `/api/v1/cases/${id}/advance`, { comment: '同意' })).ms));
  }
}
report();
