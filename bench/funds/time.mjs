// bench/funds: times GET /funds/progress and GET /funds/report (JSON) of each region given,
// `runs` times after 2 warm-ups, one request at a time; prints the median and the range.
//   node time.mjs BASE RUNS REGION...
const [base, runsText, ...regions] = process.argv.slice(2);
const runs = Number(runsText);

const login = await fetch(`${base}/api/v1/session`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'bench', password: 'Bench-2026-pass' }),
});
const token = (await login.json()).data.token;

async function time(path) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.json();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body: body.data };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const region of regions) {
  for (const [name, path] of [
    ['progress', `/api/v1/funds/progress?region=${region}&year=2026&as_of=2026-12-31`],
    ['report', `/api/v1/funds/report?region=${region}&year=2026&as_of=2026-12-31`],
  ]) {
    await time(path);
    const { body } = await time(path);
    const ms = [];
    for (let i = 0; i < runs; i++) ms.push((await time(path)).ms);
    const t = name === 'progress' ? body : body.total;
    const funds = `${t.funds} allocated ${t.allocated} disbursed ${t.disbursed}`;
    const rows = name === 'report' ? `, ${body.rows.length} rows` : '';
    console.log(`${name.padEnd(8)} ${String(region).padEnd(12)} median ${median(ms).toFixed(2)} ms ` +
      `(min ${Math.min(...ms).toFixed(2)}, max ${Math.max(...ms).toFixed(2)}); funds ${funds}${rows}`);
  }
}
