// bench/assess: the DuckDB peer of `fupin assess exit` and `assess monitor`. Runs the rules of
// spec/policy.md written as SQL (common.sql, then exit.sql or monitor.sql) over the register
// and writes the households they list as one JSON array (--out; /dev/null when timed), in
// an in-memory database with 2 threads. The register is either
//   --csv HOUSEHOLDS.csv MEMBERS.csv   the CSVs of `fupin generate`, read directly by the
//                                      query (read_csv; no table is loaded first), or
//   --db REGISTER.duckdb               a DuckDB file holding them as tables (made once by
//                                      --make-db; attached read-only).
// Prints one JSON line on stdout: phase times (s) and the number of households listed.
//   node duckdb-assess.mjs exit|monitor --year Y --line YUAN (--csv H M | --db F) [--out FILE]
//   node duckdb-assess.mjs --make-db F --csv H M
// The policy values other than the line are those of policy/national.toml ([exit]
// school_age = [6, 15], safe_housing_grades = ["A", "B"]; [monitoring] rigid_expense_ratio =
// 0.40) and may be given as --school-age 6,15 --safe-grades A,B --ratio 0.40.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const here = new URL('.', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, count = 1) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const values = args.slice(i + 1, i + 1 + count);
  if (values.length < count) throw new Error(`${name} needs ${count} value(s)`);
  return count === 1 ? values[0] : values;
};
const fail = (message) => {
  console.error(`duckdb-assess: ${message}`);
  process.exit(2);
};
const quote = (text) => `'${String(text).replaceAll("'", "''")}'`;

const times = {};
let last = performance.now();
const lap = (name) => {
  const now = performance.now();
  times[name] = +((now - last) / 1000).toFixed(3);
  last = now;
};

const csv = option('--csv', 2);
const readCsv = (path) => `read_csv(${quote(path)}, header = true, all_varchar = true)`;
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const db = await instance.connect();
lap('open');

const makeDb = option('--make-db');
if (makeDb) {
  if (!csv) fail('--make-db needs --csv HOUSEHOLDS.csv MEMBERS.csv');
  await db.run(`ATTACH ${quote(makeDb)} AS register`);
  await db.run(`CREATE TABLE register.households AS SELECT * FROM ${readCsv(csv[0])}`);
  await db.run(`CREATE TABLE register.members AS SELECT * FROM ${readCsv(csv[1])}`);
  await db.run('DETACH register');
  lap('make_db');
  console.log(JSON.stringify({ times }));
  process.exit(0);
}

const command = args[0];
if (command !== 'exit' && command !== 'monitor') fail('the first argument is exit or monitor');
const year = Number(option('--year'));
const line = option('--line');
if (!Number.isInteger(year) || year < 2000 || year > 2100) fail('--year Y is required');
if (!/^\d+(\.\d{1,2})?$/.test(line ?? '')) fail('--line YUAN is required (e.g. 4000)');
const [schoolMin, schoolMax] = (option('--school-age') ?? '6,15').split(',').map(Number);
const grades = (option('--safe-grades') ?? 'A,B').split(',');
const ratio = option('--ratio') ?? '0.40';
if (!/^\d(\.\d{1,6})?$/.test(ratio)) fail('--ratio is a decimal such as 0.40');
const [whole, part = ''] = line.split('.');
const values = {
  year,
  school_min: schoolMin,
  school_max: schoolMax,
  safe_grades: grades.map(quote).join(', '),
  line_fen: Number(whole) * 100 + Number(part.padEnd(2, '0')),
  ratio_micros: Math.round(Number(ratio) * 1e6),
  out: (option('--out') ?? '/dev/null').replaceAll("'", "''"),
};
const sql = (file) => readFileSync(here + file, 'utf8')
  .replace(/\{\{(\w+)\}\}/g, (_, name) => {
    if (!(name in values)) fail(`${file}: no value for {{${name}}}`);
    return String(values[name]);
  });

const dbFile = option('--db');
if (dbFile) {
  await db.run(`ATTACH ${quote(dbFile)} AS register (READ_ONLY)`);
  await db.run('CREATE VIEW households AS SELECT * FROM register.households');
  await db.run('CREATE VIEW members AS SELECT * FROM register.members');
} else if (csv) {
  await db.run(`CREATE VIEW households AS SELECT * FROM ${readCsv(csv[0])}`);
  await db.run(`CREATE VIEW members AS SELECT * FROM ${readCsv(csv[1])}`);
} else {
  fail('give the register: --csv HOUSEHOLDS.csv MEMBERS.csv or --db REGISTER.duckdb');
}
lap('attach');
await db.run(sql('common.sql'));
const written = await db.run(sql(`${command}.sql`));
lap('query');
console.log(JSON.stringify({ times, listed: Number(written.rowsChanged) }));
