// bench/assess: how far DuckDB's list of households agrees with fupin's.
//   node agree.mjs exit|monitor FUPIN.json DUCKDB.json
// Both files are JSON arrays of households (fupin's `--json`, duckdb-assess.mjs --out). Keys
// the households by 户编号 and prints one JSON line: the rows of each; `agree`, the
// households listed by both with the same decision (exit: meets; monitor: a candidate,
// which being listed means) and the same per-capita income; `agree_all`, those that also
// agree on every other field (exit: village, failed; monitor: village, type, rules,
// risk_types); then up to five examples of each kind of difference. Exit status 1 when
// anything differs.
import { readFileSync } from 'node:fs';

const [command, fupinPath, duckPath] = process.argv.slice(2);
const rows = (path) => JSON.parse(readFileSync(path, 'utf8'));
const fupin = rows(fupinPath);
const duck = new Map(rows(duckPath).map((row) => [row.household_code, row]));
const fields = command === 'exit'
  ? { key: ['meets', 'per_capita_income'], rest: ['village_code', 'failed'] }
  : { key: ['per_capita_income'], rest: ['village_code', 'type', 'rules', 'risk_types'] };
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const report = { command, fupin: fupin.length, duckdb: duck.size, both: 0, agree: 0, agree_all: 0,
  only_fupin: 0, only_duckdb: 0 };
const examples = {};
const example = (kind, value) => {
  examples[kind] ??= [];
  if (examples[kind].length < 5) examples[kind].push(value);
};
const seen = new Set();
for (const f of fupin) {
  seen.add(f.household_code);
  const d = duck.get(f.household_code);
  if (!d) {
    report.only_fupin++;
    example('only_fupin', f);
    continue;
  }
  report.both++;
  const keyDiffers = fields.key.filter((k) => !same(f[k], d[k]));
  const restDiffers = fields.rest.filter((k) => !same(f[k], d[k]));
  if (keyDiffers.length === 0) report.agree++;
  if (keyDiffers.length === 0 && restDiffers.length === 0) report.agree_all++;
  for (const k of [...keyDiffers, ...restDiffers]) {
    example(`differ_${k}`, { household_code: f.household_code, fupin: f[k], duckdb: d[k] });
  }
}
for (const [code, d] of duck) {
  if (seen.has(code)) continue;
  report.only_duckdb++;
  example('only_duckdb', d);
}
console.log(JSON.stringify({ ...report, examples }));
process.exit(report.agree_all === fupin.length && report.only_duckdb === 0 ? 0 : 1);
