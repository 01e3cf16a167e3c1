// The bytes a browser fetches for the first load: index.html's scripts and styles and the
// chunks they import, plus the dashboard's (its first screen), as gzip and as brotli.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const dist = process.argv[2];
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const files = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]));
// The dashboard's chunks: the route's lazy import and the css it pulls.
for (const f of [...files]) {
  const text = readFileSync(path.join(dist, f), 'utf8');
  for (const m of text.matchAll(/(?:\.\/|assets\/)(DashboardView-[\w-]+\.(?:js|css))/g)) files.add(`assets/${m[1]}`);
}
let raw = 0, gz = 0, br = 0;
for (const f of files) {
  const full = path.join(dist, f);
  if (!existsSync(full)) continue;
  raw += statSync(full).size;
  gz += existsSync(`${full}.gz`) ? statSync(`${full}.gz`).size : statSync(full).size;
  br += existsSync(`${full}.br`) ? statSync(`${full}.br`).size : statSync(full).size;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`first load (index + dashboard, ${files.size} files): ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli`);
