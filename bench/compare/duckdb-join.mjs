// bench/compare: the DuckDB peer. Loads the members CSV and a list CSV into tables of an
// in-memory database (2 threads), joins them on 证件号码 (a count, then the joined rows
// materialised as a table) and prints one JSON line: phase times (s) and counts.
//   node duckdb-join.mjs MEMBERS.csv LIST.csv vehicles|deaths AS_OF
import { DuckDBInstance } from '@duckdb/node-api';

const [membersPath, listPath, kind, asOf] = process.argv.slice(2);
const quote = (text) => `'${text.replaceAll("'", "''")}'`;
const times = {};
let last = performance.now();
const lap = (name) => {
  const now = performance.now();
  times[name] = +((now - last) / 1000).toFixed(3);
  last = now;
};

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const db = await instance.connect();
lap('open');
await db.run(`CREATE TABLE members AS SELECT * FROM read_csv(${quote(membersPath)}, header = true, all_varchar = true)`);
lap('load_members');
await db.run(`CREATE TABLE list AS SELECT * FROM read_csv(${quote(listPath)}, header = true, all_varchar = true)`);
lap('load_list');
const matched = (await db.runAndReadAll(
  'SELECT count(*) FROM list l JOIN members m ON m."证件号码" = l."证件号码"')).getRows()[0][0];
lap('join_count');
await db.run(`CREATE TABLE joined AS SELECT l.*, m."姓名" AS register_name
              FROM list l JOIN members m ON m."证件号码" = l."证件号码"`);
lap('join_materialise');
// Cross-check of the counts (not part of the comparison proper; cheap).
const rule = kind === 'vehicles' ? 'TRY_CAST("购置价格" AS DECIMAL(18, 2)) > 30000'
                                 : `"死亡日期" <= ${quote(asOf)}`;
const [joined, nameMismatch, ruleRows] = (await db.runAndReadAll(
  `SELECT count(*), count(*) FILTER (WHERE "姓名" <> register_name), count(*) FILTER (WHERE ${rule})
   FROM joined`)).getRows()[0];
const listRows = (await db.runAndReadAll('SELECT count(*) FROM list')).getRows()[0][0];
lap('summary');
console.log(JSON.stringify({ times, list_rows: Number(listRows), matched: Number(matched),
  joined: Number(joined), name_mismatch: Number(nameMismatch), rule_rows: Number(ruleRows) }));
