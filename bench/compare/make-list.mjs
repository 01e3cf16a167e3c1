// bench/compare: writes the two department lists of the benchmark (UTF-8, header row).
//   node make-list.mjs MEMBERS.csv COUNTIES.txt ROWS SEED VEHICLES.csv DEATHS.csv
// MEMBERS.csv: 证件号码,姓名 of the register's members (id_type 1), one a line, header row.
// COUNTIES.txt: 6-digit county codes, one a line, for the ID numbers not in the register;
// codes that begin any register ID number are left out, so none of them can collide.
// Half of the ROWS (rounded down) are register members drawn without repetition (their
// name, about 1% with another name), the rest valid GB 11643 numbers of people born
// 1940-01-01 … 2015-12-31, none repeated; the rows are in random order. Both lists have
// the same people in the same order:
//   vehicles: 证件号码,姓名,号牌,购置价格  (about 10% of the prices above 30,000 yuan)
//   deaths:   证件号码,姓名,死亡日期      (2015-01-01 … 2025-12-31, never before birth)
import fs from 'node:fs';

const [membersPath, countiesPath, rowsText, seedText, vehiclesPath, deathsPath] =
  process.argv.slice(2);
if (!deathsPath) {
  console.error('usage: node make-list.mjs MEMBERS.csv COUNTIES.txt ROWS SEED VEHICLES.csv DEATHS.csv');
  process.exit(2);
}
const rows = Number(rowsText);

// xoshiro128** on 32-bit integers.
const s = new Uint32Array(4);
{
  let x = (Number(seedText) >>> 0) || 1;
  for (let i = 0; i < 4; i++) {  // splitmix32
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    s[i] = (z ^ (z >>> 16)) >>> 0;
  }
}
function next() {
  const result = Math.imul(((Math.imul(s[1], 5) << 7) | (Math.imul(s[1], 5) >>> 25)), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t;
  s[3] = (s[3] << 11) | (s[3] >>> 21);
  return result;
}
const below = (n) => Math.floor((next() / 4294967296) * n);  // n < 2^32
const range = (lo, hi) => lo + below(hi - lo + 1);

// --- The register's members: line starts and the address codes in use.
const members = fs.readFileSync(membersPath);
let starts = new Uint32Array(1 << 20);
let count = 0;
const usedAddresses = new Set();
{
  let pos = members.indexOf(10) + 1;  // skip the header
  while (pos < members.length) {
    const end = members.indexOf(10, pos);
    const stop = end < 0 ? members.length : end;
    if (stop > pos) {
      if (count === starts.length) {
        const bigger = new Uint32Array(starts.length * 2);
        bigger.set(starts);
        starts = bigger;
      }
      starts[count++] = pos;
      usedAddresses.add(members.toString('latin1', pos, pos + 6));
    }
    pos = stop + 1;
  }
}
const matchedRows = Math.floor(rows / 2);
const otherRows = rows - matchedRows;
if (matchedRows > count) {
  console.error(`${rows} rows need ${matchedRows} register members; the register has ${count}`);
  process.exit(1);
}
// Partial Fisher–Yates: the first matchedRows entries are a random sample in random order.
const pick = new Uint32Array(count);
for (let i = 0; i < count; i++) pick[i] = i;
for (let i = 0; i < matchedRows; i++) {
  const j = i + below(count - i);
  const t = pick[i]; pick[i] = pick[j]; pick[j] = t;
}
function memberAt(index) {
  const start = starts[index];
  let end = members.indexOf(10, start);
  if (end < 0) end = members.length;
  if (members[end - 1] === 13) end--;
  const line = members.toString('utf8', start, end);
  const comma = line.indexOf(',');
  return [line.slice(0, comma), line.slice(comma + 1)];
}

// --- ID numbers outside the register.
const counties = fs.readFileSync(countiesPath, 'latin1').split('\n')
  .map((l) => l.trim()).filter((l) => /^\d{6}$/.test(l) && !usedAddresses.has(l));
if (counties.length === 0) throw new Error('no county code left for the numbers outside the register');
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkChars = '10X98765432';
function checkCharacter(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * weights[i];
  return checkChars[sum % 11];
}
const DAY = 86400000;
const dayOf = (y, m, d) => Date.UTC(y, m - 1, d) / DAY;
const birthFirst = dayOf(1940, 1, 1), birthDays = dayOf(2015, 12, 31) - birthFirst + 1;
const compact = [];  // "YYYYMMDD" for each birth day
for (let d = 0; d < birthDays; d++) {
  compact.push(new Date((birthFirst + d) * DAY).toISOString().slice(0, 10).replaceAll('-', ''));
}
const deathFirst = dayOf(2015, 1, 1), deathLast = dayOf(2025, 12, 31);
const iso = [];  // "YYYY-MM-DD" for each death day
for (let d = deathFirst; d <= deathLast; d++) iso.push(new Date(d * DAY).toISOString().slice(0, 10));
const seen = new Set();
function otherId() {
  for (;;) {
    const c = below(counties.length), d = below(birthDays), q = range(1, 999);
    const key = (c * birthDays + d) * 1000 + q;
    if (seen.has(key)) continue;
    seen.add(key);
    const first17 = counties[c] + compact[d] + String(q).padStart(3, '0');
    return first17 + checkCharacter(first17);
  }
}

// --- Names.
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const given = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建文辉力鹏飞斌宇浩凯秀梅志永春国荣德海林波宁丹雪琴云燕新俊亮晓立东成华安福生';
const ch = (text) => text[below(text.length)];
const newName = () => ch(surnames) + ch(given) + (below(3) ? ch(given) : '');
function otherName(name) {
  const chars = Array.from(name);
  const last = chars.length - 1;
  let c;
  do c = ch(given); while (c === chars[last]);
  chars[last] = c;
  return chars.join('');
}

// --- The extra columns.
const provinces = '京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新';
const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
function plate() {
  let p = ch(provinces) + ch(letters);
  const letterAt = below(4) === 0 ? below(5) : -1;  // a quarter have one letter among the five
  for (let i = 0; i < 5; i++) p += i === letterAt ? ch(letters) : String(below(10));
  return p;
}
function price() {
  const unit = [100, 100, 10, 1][below(4)];  // fen: whole yuan, 1 or 2 decimals
  const high = below(10) === 0;  // about 10% above 30,000 yuan
  const k = high ? range(3000000 / unit + 1, 40000000 / unit) : range(200000 / unit, 3000000 / unit);
  const fen = k * unit, yuan = Math.floor(fen / 100), cents = fen % 100;
  if (unit === 100) return String(yuan);
  if (unit === 10) return `${yuan}.${cents / 10}`;
  return `${yuan}.${String(cents).padStart(2, '0')}`;
}
function deathDate(id) {
  const birth = dayOf(+id.slice(6, 10), +id.slice(10, 12), +id.slice(12, 14));
  if (birth > deathLast) return new Date(birth * DAY).toISOString().slice(0, 10);  // born 2026
  const first = Math.max(deathFirst, birth);
  return iso[first - deathFirst + below(deathLast - first + 1)];
}

// --- Writing, in a random interleaving of the two halves.
const vehicles = fs.openSync(vehiclesPath, 'w'), deaths = fs.openSync(deathsPath, 'w');
let vehicleText = '证件号码,姓名,号牌,购置价格\n', deathText = '证件号码,姓名,死亡日期\n';
let matchedLeft = matchedRows, otherLeft = otherRows, mismatched = 0, priced = 0;
for (let i = 0; i < rows; i++) {
  let id, name, member = false;
  if (below(matchedLeft + otherLeft) < matchedLeft) {
    [id, name] = memberAt(pick[matchedRows - matchedLeft]);
    matchedLeft--;
    member = true;
    if (below(100) === 0) {
      name = otherName(name);
      mismatched++;
    }
  } else {
    id = otherId();
    name = newName();
    otherLeft--;
  }
  const p = price();
  if (member && +p > 30000) priced++;
  vehicleText += `${id},${name},${plate()},${p}\n`;
  deathText += `${id},${name},${deathDate(id)}\n`;
  if (vehicleText.length > 1 << 20) {
    fs.writeSync(vehicles, vehicleText);
    fs.writeSync(deaths, deathText);
    vehicleText = deathText = '';
  }
}
fs.writeSync(vehicles, vehicleText);
fs.writeSync(deaths, deathText);
fs.closeSync(vehicles);
fs.closeSync(deaths);
console.log(JSON.stringify({ rows, matched: matchedRows, other: otherRows,
  name_mismatch: mismatched, matched_price_above_30000: priced, register_members: count }));
