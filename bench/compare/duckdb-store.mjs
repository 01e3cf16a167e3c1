// bench/compare: the DuckDB peer that stores what it finds, like fupin does. Its register
// (the members' 证件号码 and 姓名) is already a table of a DuckDB file, as fupin's register
// and its ID index are on disk before a comparison. Timed: read the list's CSV, join it
// with the members, keep the rows a rule picks (or whose name differs) as a table of that
// file with a unique index on 证件号码, and CHECKPOINT, so that all of it is on disk (the
// list itself is not stored: fupin keeps only its packed ID numbers); 2 threads.
// Prints one JSON line: phase times (s) and counts.
//   node duckdb-store.mjs DB LIST.csv vehicles|deaths AS_OF     (DB: a copy, it changes)
//   node duckdb-store.mjs --prepare DB MEMBERS.csv              (makes DB, untimed)
import { DuckDBInstance } from '@duckdb/node-api';

const quote = (text) => `'${text.replaceAll("'", "''")}'`;
const args = process.argv.slice(2);
if (args[0] === '--prepare') {
  const [, dbPath, membersPath] = args;
  const instance = await DuckDBInstance.create(dbPath, { threads: '2' });
  const db = await instance.connect();
  await db.run(`CREATE TABLE members AS SELECT * FROM read_csv(${quote(membersPath)}, header = true, all_varchar = true)`);
  await db.run('CHECKPOINT');
  process.exit(0);
}

const [dbPath, listPath, kind, asOf] = args;
const times = {};
let last = performance.now();
const lap = (name) => {
  const now = performance.now();
  times[name] = +((now - last) / 1000).toFixed(3);
  last = now;
};
const instance = await DuckDBInstance.create(dbPath, { threads: '2' });
const db = await instance.connect();
lap('open');
const rule = kind === 'vehicles' ? 'TRY_CAST(l."购置价格" AS DECIMAL(18, 2)) > 30000'
                                 : `l."死亡日期" <= ${quote(asOf)}`;
await db.run(`CREATE TABLE found AS SELECT l.*, m."姓名" AS register_name
              FROM read_csv(${quote(listPath)}, header = true, all_varchar = true) l
              JOIN members m ON m."证件号码" = l."证件号码"
              WHERE ${rule} OR l."姓名" <> m."姓名"`);
lap('join_store');
await db.run('CREATE UNIQUE INDEX found_id ON found("证件号码")');
lap('index');
await db.run('CHECKPOINT');
lap('checkpoint');
const stored = (await db.runAndReadAll('SELECT count(*) FROM found')).getRows()[0][0];
console.log(JSON.stringify({ times, stored: Number(stored) }));
