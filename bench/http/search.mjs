// bench/http/search's client: logs in as `bench`, then for each filter combination of
// GET /api/v1/households sends REQUESTS requests one after another (after 3 untimed ones)
// and prints the total it found and p50 / p99 / max of the time to the whole answer.
//   node search.mjs ADDRESS REQUESTS ID_NUMBER
const [address, requestsText, idNumber] = process.argv.slice(2);
const requests = Number(requestsText);
const login = await fetch(`${address}/api/v1/session`, {
  method: 'POST', body: JSON.stringify({ username: 'bench', password: 'Bench-2026-pass' }),
});
const { token } = (await login.json()).data;
const headers = { Authorization: `Bearer ${token}` };

const combinations = [
  'status=0&page=3&size=50',
  'page=1&size=20',
  'kind=1&status=1',
  'kind=2&monitor_type=1',
  'monitor_status=1',
  'attribute=1&main_cause=01',
  'income_min=5000&income_max=8000',
  'status=0&main_cause=02&income_max=10000&sort=per_capita_income',
  'sort=per_capita_income&order=desc&page=2',
  'sort=size&page=100',
  'sort=village_code&order=desc&page=5',
  'page=4000&size=50',
  'name=%E5%BC%A0',                 // 张
  'name=%E5%BC%A0%E4%BC%9F',        // 张伟
  'name=%E6%9D%8E&status=0&sort=size',
  `id_number=${idNumber}`,
  'region=620422101',
  'region=620422101201&status=0',
];

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
console.log('| GET /api/v1/households?region=620422&… | total | p50 | p99 | max |');
console.log('|---|---|---|---|---|');
for (const combination of combinations) {
  const query = combination.startsWith('region=') ? combination : `region=620422&${combination}`;
  const url = `${address}/api/v1/households?${query}`;
  let total = 0;
  const times = [];
  for (let i = 0; i < requests + 3; i++) {
    const start = process.hrtime.bigint();
    const res = await fetch(url, { headers });
    const body = await res.json();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
    total = body.data.total;
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const f = (ms) => `${ms.toFixed(1)} ms`;
  console.log(`| ${decodeURIComponent(combination)} | ${total} | ${f(quantile(times, 0.5))} | ${f(quantile(times, 0.99))} | ${f(times.at(-1))} |`);
}
