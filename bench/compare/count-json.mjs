// bench/compare: the counts of a `fupin compare --json` answer, as one JSON line:
// rows, matched, errors, known, findings and findings by rule.
//   node count-json.mjs OUT.json
// Parses the whole answer when it fits in a string; otherwise (over ~500 MB) reads the
// top-level numbers from the text and counts the "rule" members of the findings.
import fs from 'node:fs';

const buffer = fs.readFileSync(process.argv[2]);
let answer = null;
try {
  answer = JSON.parse(buffer.toString('utf8'));
} catch {
  // too large for one string, or not JSON: fall back to scanning
}
const result = {};
if (answer) {
  result.rows = answer.rows;
  result.matched = answer.matched;
  result.errors = Array.isArray(answer.errors) ? answer.errors.length : answer.errors;
  result.known = answer.known;
  result.findings = answer.findings?.length;
  result.by_rule = {};
  for (const f of answer.findings ?? []) result.by_rule[f.rule] = (result.by_rule[f.rule] ?? 0) + 1;
} else {
  const head = buffer.toString('utf8', 0, Math.min(buffer.length, 1 << 16));
  const tail = buffer.toString('utf8', Math.max(0, buffer.length - (1 << 16)));
  for (const key of ['rows', 'matched', 'known']) {
    const re = new RegExp(`"${key}"\\s*:\\s*(\\d+)`);
    const m = head.match(re) ?? tail.match(re);
    result[key] = m ? Number(m[1]) : null;
  }
  result.errors = /"errors"\s*:\s*\[\s*\]/.test(head) || /"errors"\s*:\s*\[\s*\]/.test(tail) ? 0 : 'not empty';
  result.by_rule = {};
  result.findings = 0;
  const needle = Buffer.from('"rule"');
  for (let at = buffer.indexOf(needle); at >= 0; at = buffer.indexOf(needle, at + 6)) {
    let p = at + 6;
    while (buffer[p] === 32 || buffer[p] === 58) p++;  // spaces and the colon
    const end = buffer.indexOf(34, p + 1);
    const rule = buffer.toString('utf8', p + 1, end);
    result.by_rule[rule] = (result.by_rule[rule] ?? 0) + 1;
    result.findings++;
  }
}
console.log(JSON.stringify(result));
