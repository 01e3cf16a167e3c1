// Time from pressing 登录 to the county dashboard's figures, in headless chromium, `runs`
// times (the first cold, the rest with the browser's cache; each a new sign-in).
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { chromium } from '../../web/node_modules/playwright-core/index.mjs';

const [db, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 7);
const root = path.resolve(import.meta.dirname, '..', '..');
const toml = `${db}.toml`;
writeFileSync(toml, `web_root = "${path.join(root, 'web', 'dist')}"\nlog_level = "warn"\n`);
const server = spawn(process.env.FUPIN_BIN, ['--db', db, 'serve', '--config', toml, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve) => {
  let out = '';
  server.stdout.on('data', (d) => { out += d; const m = /http:\/\/[\d.:]+/.exec(out); if (m) resolve(m[0]); });
});
const browser = await chromium.launch({
  executablePath: ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)),
  args: ['--no-sandbox', '--disable-gpu'],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
const times = [];
let last = null;
for (let i = 0; i < runs; i++) {
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(`${base}/login`);
  await page.fill('[data-test=username]', 'bench');
  await page.fill('[data-test=password]', 'Bench-2026-pass');
  const t0 = Date.now();
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=households]');
  await page.waitForSelector('[data-test=incidence]');
  times.push(Date.now() - t0);
  if (i < runs - 1) await page.close();
  else last = page;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`sign-in to dashboard figures (ms), ${runs} runs: ${times.join(', ')}; median ${median(times)}`);
// The register's search: status 未脱贫, 50 a page; the time from pressing "next" to the
// new page's first row, for pages 2 … 11.
const page = last;  // signed in (the session lives in the tab)
await page.goto(`${base}/households?status=0&size=50&page=1`);
await page.waitForSelector('[data-test=head-name]');
const pages = [];
for (let i = 0; i < 10; i++) {
  const first = await page.innerText('[data-test=household-link] >> nth=0');
  const t0 = Date.now();
  await page.click('[data-test=pager] .btn-next');
  await page.waitForFunction((before) => {
    const link = document.querySelector('[data-test=household-link]');
    return link && link.textContent.trim() !== before.trim();
  }, first);
  pages.push(Date.now() - t0);
}
await browser.close();
server.kill('SIGTERM');
console.log(`search, 未脱贫, next page of 50 (ms), ${pages.length} pages: ${pages.join(', ')}; median ${median(pages)}`);
