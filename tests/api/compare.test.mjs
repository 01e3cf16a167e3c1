// The cross-check (比对核查) over HTTP, docs/compare.md §7: a department uploads a deaths
// list and sees ID numbers masked; the county reads, filters, pages, decides and exports
// the findings; structural and row errors of a list; a list loaded twice; the quality
// checks; and a village operator's view. The tests of this file build on each other.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startServer, api, expectError, baseBodies, freshId, xlsxText, assertStopsCleanly,
} from './server.mjs';
import { ASSIGNED, PASSWORD } from './matrix.mjs';

const maskId = (id) => id.slice(0, 6) + '********' + id.slice(-4);
const VILLAGE = '620422102201'; // village_op1's village: two base households, 7 members
const OTHER = '620422101205'; //   one base household, 2 members (township 620422101)
const AS_OF = '2026-06-30';

// The members of the base register in `village`: [{ id, name, household }].
const bodies = baseBodies();
const membersOf = (village) => Object.values(bodies)
  .filter((b) => b.village_code === village)
  .flatMap((b) => b.members.map((m) => ({ id: m.id_number, name: m.name, household: b.household_code })));
const inVillage = membersOf(VILLAGE);
const inOther = membersOf(OTHER);
assert.equal(inVillage.length, 7);
assert.equal(inOther.length, 2);

// The deaths list of these tests: every member of both villages, one under another name,
// with an extra column (kept and shown).
const RENAMED = inVillage[3];
const DEATHS = '证件号码,姓名,死亡日期,备注\n' + [...inVillage, ...inOther]
  .map((m) => `${m.id},${m === RENAMED ? '别名' : m.name},2026-01-15,公安`).join('\n') + '\n';
const LISTED = inVillage.length + inOther.length;

function listForm(csv, { kind = 'deaths', asOf = AS_OF, region, name = '死亡名单.csv', omit = [] } = {}) {
  const f = new FormData();
  if (!omit.includes('kind')) f.append('kind', kind);
  if (!omit.includes('as_of')) f.append('as_of', asOf);
  if (region !== undefined) f.append('region', region);
  if (!omit.includes('list')) f.append('list', new Blob([csv], { type: 'text/csv' }), name);
  return f;
}

let srv;
const token = (name) => srv.token(name);
async function upload(user, csv, opts) {
  return api(srv, 'POST', '/api/v1/compare/lists', { token: await token(user), form: listForm(csv, opts), query: opts?.query });
}
async function findings(user, query = {}) {
  const res = await api(srv, 'GET', '/api/v1/findings', { token: await token(user), query });
  assert.equal(res.status, 200, `GET /findings ${JSON.stringify(query)}: ${res.text}`);
  return res.body.data;
}
async function lists(user = 'county_admin1') {
  const res = await api(srv, 'GET', '/api/v1/compare/lists', { token: await token(user) });
  assert.equal(res.status, 200, res.text);
  return res.body.data;
}
async function auditOf(query) {
  const res = await api(srv, 'GET', '/api/v1/audit', { token: await token('auditor1'), query: { size: 100, ...query } });
  assert.equal(res.status, 200, res.text);
  return res.body.data.items;
}
const decide = async (user, id, verb, opts = {}) =>
  api(srv, 'POST', `/api/v1/findings/${id}/${verb}`, { token: await token(user), ...opts });

before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

describe('a department list', () => {
  let first; // the data of the first upload

  it('a department uploads a deaths list: findings with ID numbers masked, the list recorded', async () => {
    const res = await upload('department1', DEATHS, { region: '620422' });
    assert.equal(res.status, 200, res.text);
    first = res.body.data;
    assert.equal(first.kind, 'deaths');
    assert.equal(first.rows, LISTED);
    assert.equal(first.matched, LISTED);
    assert.deepEqual(first.errors, []);
    assert.equal(first.known, 0);
    assert.equal(first.region_code, '620422000000');
    assert.equal(first.as_of, AS_OF);
    assert.match(first.checksum, /^sha256:[0-9a-f]{64}$/);
    assert.equal(first.previous, null);
    const byRule = (rule) => first.findings.filter((f) => f.rule === rule);
    assert.equal(byRule('deceased_member').length, LISTED);
    assert.deepEqual(byRule('name_mismatch').map((f) => f.household_code), [RENAMED.household]);
    for (const f of first.findings) {
      assert.match(f.id_number, /^\d{6}\*{8}[0-9X]{4}$/);
      assert.ok(f.id > 0);
    }
    assert.deepEqual(new Set(byRule('deceased_member').map((f) => f.id_number)),
      new Set([...inVillage, ...inOther].map((m) => maskId(m.id))));
    for (const m of [...inVillage, ...inOther]) assert.ok(!res.text.includes(m.id), `${m.id} shown to department`);

    const [list] = await lists('department1');
    assert.equal(list.id, first.list_id);
    assert.deepEqual([list.kind, list.file_name, list.uploaded_by, list.rows, list.findings, list.errors],
      ['deaths', '死亡名单.csv', 'department1', LISTED, LISTED + 1, 0]);
    assert.equal(list.checksum, first.checksum);
    const trail = await auditOf({ action: 'compare.load', actor: 'department1' });
    assert.ok(trail.some((r) => r.target === `list:${first.list_id}`), JSON.stringify(trail));
  });

  it('the findings a department reads are masked too, in the list row as well', async () => {
    const page = await findings('department1', { list: first.list_id, size: 500 });
    assert.equal(page.total, LISTED + 1);
    for (const f of page.items) {
      assert.match(f.id_number, /^\d{6}\*{8}[0-9X]{4}$/);
      assert.equal(f.row['证件号码'], f.id_number);
      assert.equal(f.row['备注'], '公安', 'the extra column is kept');
    }
    // Masked reads leave no findings.read record.
    assert.equal((await auditOf({ action: 'findings.read', actor: 'department1' })).length, 0);
  });

  it('extra columns holding an ID number or a mobile number are masked for a department too', async () => {
    const person = inVillage[0];
    const csv = '证件号码,姓名,单位,联系电话,配偶证件号码\n' +
      `${person.id},${person.name},县财政局,13912345678,${inOther[0].id}\n`;
    const res = await upload('department1', csv, { kind: 'public_employees', name: '财政供养.csv' });
    assert.equal(res.status, 200, res.text);
    const page = await findings('department1', { list: res.body.data.list_id, rule: 'public_employee' });
    assert.equal(page.total, 1);
    assert.equal(page.items[0].row['联系电话'], '139****5678');
    assert.equal(page.items[0].row['配偶证件号码'], maskId(inOther[0].id));
    assert.equal(page.items[0].row['单位'], '县财政局');
    const county = await findings('county_admin1', { list: res.body.data.list_id, rule: 'public_employee' });
    assert.equal(county.items[0].row['联系电话'], '13912345678');
  });

  it('GET /compare/lists filters by kind; an unknown kind is 400 E_USAGE', async () => {
    const t = await token('county_admin1');
    const deaths = await api(srv, 'GET', '/api/v1/compare/lists', { token: t, query: { kind: 'deaths' } });
    assert.equal(deaths.status, 200, deaths.text);
    assert.ok(deaths.body.data.some((l) => l.id === first.list_id));
    const vehicles = await api(srv, 'GET', '/api/v1/compare/lists', { token: t, query: { kind: 'vehicles' } });
    assert.deepEqual(vehicles.body.data, []);
    expectError(await api(srv, 'GET', '/api/v1/compare/lists', { token: t, query: { kind: 'cars' } }), 400, 'E_USAGE');
  });

  it('county_admin lists findings by rule and village, unmasked and audited; paging works', async () => {
    const all = await findings('county_admin1', { rule: 'deceased_member', region: VILLAGE });
    assert.equal(all.total, inVillage.length);
    assert.ok(all.items.every((f) => f.rule === 'deceased_member' && f.village_code === VILLAGE));
    assert.deepEqual(new Set(all.items.map((f) => f.id_number)), new Set(inVillage.map((m) => m.id)));
    const ids = all.items.map((f) => f.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ordered by number');

    const paged = [];
    for (const page of [1, 2, 3]) {
      const p = await findings('county_admin1', { rule: 'deceased_member', region: VILLAGE, size: 3, page });
      assert.equal(p.total, inVillage.length);
      assert.equal(p.items.length, [3, 3, 1][page - 1]);
      paged.push(...p.items.map((f) => f.id));
    }
    assert.deepEqual(paged, ids);
    assert.deepEqual((await findings('county_admin1', { region: VILLAGE, size: 3, page: 9 })).items, []);

    const other = await findings('county_admin1', { region: OTHER });
    assert.equal(other.total, inOther.length);
    const mismatch = await findings('county_admin1', { rule: 'name_mismatch' });
    assert.equal(mismatch.total, 1);
    assert.equal(mismatch.items[0].id_number, RENAMED.id);
    assert.match(mismatch.items[0].detail, /别名/);
    assert.equal((await findings('county_admin1', { status: 'confirmed' })).total, 0);

    const trail = await auditOf({ action: 'findings.read', actor: 'county_admin1' });
    assert.ok(trail.some((r) => r.target === VILLAGE), JSON.stringify(trail));
    for (const r of trail) for (const m of inVillage) assert.ok(!r.detail.includes(m.id));
  });

  it('bad filters: 400 E_NUMBER for page and size, E_USAGE for status; a region outside 404', async () => {
    const t = await token('county_admin1');
    for (const query of [{ size: 501 }, { size: 0 }, { page: 0 }, { size: 'ten' }, { page: '-1' }, { list: 'x' }]) {
      expectError(await api(srv, 'GET', '/api/v1/findings', { token: t, query }), 400, 'E_NUMBER', JSON.stringify(query));
    }
    expectError(await api(srv, 'GET', '/api/v1/findings', { token: t, query: { status: 'closed' } }), 400, 'E_USAGE');
    expectError(await api(srv, 'GET', '/api/v1/findings', { token: t, query: { region: '620423' } }), 404, 'E_NOT_FOUND');
    expectError(await api(srv, 'GET', '/api/v1/findings/counts', { token: t, query: { region: '620423' } }), 404, 'E_NOT_FOUND');
    expectError(await api(srv, 'GET', '/api/v1/exports/findings.xlsx', { token: t, query: { region: '620423' } }), 404, 'E_NOT_FOUND');
  });

  let confirmed, dismissed;
  it('county_admin confirms one finding and dismisses another with a reason; the counts follow', async () => {
    const open = (await findings('county_admin1', { rule: 'deceased_member', region: VILLAGE, status: 'open' })).items;
    [confirmed, dismissed] = open;
    const c = await decide('county_admin1', confirmed.id, 'confirm');
    assert.equal(c.status, 200, c.text);
    assert.deepEqual([c.body.data.id, c.body.data.status, c.body.data.decided_by, c.body.data.reason],
      [confirmed.id, 'confirmed', 'county_admin1', '']);
    assert.equal(c.body.data.id_number, confirmed.id_number, 'county_admin sees it whole');
    assert.ok(c.body.data.decided_at);
    const d = await decide('county_admin1', dismissed.id, 'dismiss', { body: { reason: '  户籍误报，已核实  ' } });
    assert.equal(d.status, 200, d.text);
    assert.deepEqual([d.body.data.status, d.body.data.reason], ['dismissed', '户籍误报，已核实']);

    assert.deepEqual((await findings('county_admin1', { status: 'confirmed' })).items.map((f) => f.id), [confirmed.id]);
    assert.deepEqual((await findings('county_admin1', { status: 'dismissed' })).items.map((f) => f.id), [dismissed.id]);
    const counts = await api(srv, 'GET', '/api/v1/findings/counts', { token: await token('county_admin1'), query: { region: VILLAGE } });
    assert.equal(counts.status, 200, counts.text);
    const row = counts.body.data.find((r) => r.rule === 'deceased_member' && r.village_code === VILLAGE);
    assert.deepEqual([row.open, row.confirmed, row.dismissed], [inVillage.length - 2, 1, 1]);
    assert.ok(counts.body.data.every((r) => r.village_code === VILLAGE));

    const trail = await auditOf({ actor: 'county_admin1', action: 'finding.' });
    assert.ok(trail.some((r) => r.action === 'finding.confirm' && r.target === `finding:${confirmed.id}`));
    assert.ok(trail.some((r) => r.action === 'finding.dismiss' && r.target === `finding:${dismissed.id}`));
  });

  it('a second decision is 409 E_CONFLICT', async () => {
    for (const [id, verb] of [[confirmed.id, 'confirm'], [confirmed.id, 'dismiss'], [dismissed.id, 'confirm'], [dismissed.id, 'dismiss']]) {
      expectError(await decide('county_admin1', id, verb, { body: { reason: '再次处理' } }), 409, 'E_CONFLICT', `${verb} ${id}`);
    }
  });

  it('a dismissal without a reason is 400 E_REQUIRED; bad bodies are 400; the finding stays open', async () => {
    const [open] = (await findings('county_admin1', { region: VILLAGE, status: 'open' })).items;
    expectError(await decide('county_admin1', open.id, 'dismiss'), 400, 'E_REQUIRED', 'no body');
    expectError(await decide('county_admin1', open.id, 'dismiss', { body: {} }), 400, 'E_REQUIRED', '{}');
    expectError(await decide('county_admin1', open.id, 'dismiss', { body: { reason: '   ' } }), 400, 'E_REQUIRED', 'blank');
    expectError(await decide('county_admin1', open.id, 'dismiss', { body: { reason: 'x', why: 'y' } }), 400, 'E_UNKNOWN_FIELD');
    expectError(await decide('county_admin1', open.id, 'confirm', { raw: '{"reason": ' }), 400, 'E_JSON');
    expectError(await decide('county_admin1', open.id, 'confirm', { body: { reason: 5 } }), 400);
    const still = (await findings('county_admin1', { region: VILLAGE, status: 'open' })).items;
    assert.ok(still.some((f) => f.id === open.id), 'still open');
  });

  it('who may decide: department 403; a finding outside the scope answers exactly as a missing one', async () => {
    const [open] = (await findings('county_admin1', { region: VILLAGE, status: 'open' })).items;
    expectError(await decide('department1', open.id, 'confirm'), 403, 'E_FORBIDDEN');
    expectError(await decide('viewer_county', open.id, 'dismiss', { body: { reason: 'x' } }), 403, 'E_FORBIDDEN');
    // village_op1 may not decide, but a finding of another village is not there for it at all.
    const [elsewhere] = (await findings('county_admin1', { region: OTHER, status: 'open' })).items;
    const outside = await decide('village_op1', elsewhere.id, 'confirm', { query: { lang: 'en' } });
    const missing = await decide('village_op1', 99999999, 'confirm', { query: { lang: 'en' } });
    expectError(outside, 404, 'E_NOT_FOUND');
    expectError(missing, 404, 'E_NOT_FOUND');
    assert.equal(outside.body.error.message.replace(/\d+/g, 'N'), missing.body.error.message.replace(/\d+/g, 'N'));
    for (const id of ['abc', '0', '-1', '1.5']) {
      expectError(await decide('county_admin1', id, 'confirm'), 404, 'E_NOT_FOUND', id);
    }
  });

  it('a list without 死亡日期: 400 E_HEADER naming the column, and nothing is loaded', async () => {
    const before = (await lists()).length;
    const total = (await findings('county_admin1')).total;
    const csv = '证件号码,姓名\n' + inVillage.map((m) => `${m.id},${m.name}`).join('\n') + '\n';
    const zh = await upload('department1', csv, { region: '620422' });
    expectError(zh, 400, 'E_HEADER');
    assert.match(zh.body.error.message, /死亡日期/);
    assert.match(zh.body.error.message, /死亡名单\.csv/, 'names the uploaded file');
    assert.ok(!zh.body.error.message.includes('/tmp'), 'no server path');
    const en = await upload('department1', csv, { region: '620422', query: { lang: 'en' } });
    expectError(en, 400, 'E_HEADER');
    assert.match(en.body.error.message, /missing: 死亡日期/);
    assert.equal((await lists()).length, before);
    assert.equal((await findings('county_admin1')).total, total);
  });

  it('an invalid ID number: 200 with data.errors naming its line and E_ID_CHECKSUM; the list is loaded', async () => {
    const before = (await lists()).length;
    const good = freshId('620422');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const res = await upload('department1', `证件号码,姓名,死亡日期\n${good},无此人,2026-01-15\n${bad},错号,2026-01-15\n`,
      { region: '620422', name: 'errors.csv' });
    assert.equal(res.status, 200, res.text);
    const d = res.body.data;
    assert.equal(d.rows, 2);
    assert.equal(d.matched, 0);
    assert.deepEqual(d.findings, []);
    assert.equal(d.errors.length, 1);
    assert.deepEqual([d.errors[0].file, d.errors[0].line, d.errors[0].column, d.errors[0].code],
      ['errors.csv', 3, '证件号码', 'E_ID_CHECKSUM']);
    const after = await lists();
    assert.equal(after.length, before + 1);
    assert.deepEqual([after[0].id, after[0].errors], [d.list_id, 1]);
  });

  it('the same list again raises no new findings: data.known counts them', async () => {
    const total = (await findings('county_admin1')).total;
    const res = await upload('department1', DEATHS, { region: '620422' });
    assert.equal(res.status, 200, res.text);
    const d = res.body.data;
    assert.deepEqual(d.findings, []);
    assert.equal(d.known, LISTED + 1, 'every finding of the first load, open or decided');
    assert.equal(d.matched, LISTED);
    assert.equal(d.checksum, first.checksum);
    assert.ok(d.previous && d.previous.list_id < d.list_id, JSON.stringify(d.previous));
    assert.equal((await findings('county_admin1')).total, total);
  });

  it('upload problems: missing fields 400 E_REQUIRED, unknown kind E_USAGE, future as_of E_DATE, region outside 404, roles 403', async () => {
    for (const omit of ['kind', 'as_of', 'list']) {
      expectError(await upload('department1', DEATHS, { omit: [omit] }), 400, 'E_REQUIRED', `without ${omit}`);
    }
    expectError(await upload('department1', DEATHS, { kind: 'cars' }), 400, 'E_USAGE');
    expectError(await upload('department1', DEATHS, { asOf: '2026-07-01' }), 400, 'E_DATE');
    expectError(await upload('department1', DEATHS, { asOf: '2026-02-30' }), 400, 'E_DATE');
    expectError(await upload('department1', DEATHS, { region: '620423' }), 404, 'E_NOT_FOUND');
    expectError(await upload('department1', DEATHS, { region: '620422109' }), 404, 'E_NOT_FOUND');
    expectError(await upload('viewer_county', DEATHS), 403, 'E_FORBIDDEN');
    expectError(await upload('village_op1', DEATHS), 403, 'E_FORBIDDEN');
    const t = await token('department1');
    expectError(await api(srv, 'POST', '/api/v1/compare/lists', { token: t, body: { kind: 'deaths' } }), 400, 'E_USAGE');
    const extra = listForm(DEATHS);
    extra.append('encoding', 'gb18030');
    expectError(await api(srv, 'POST', '/api/v1/compare/lists', { token: t, form: extra }), 400, 'E_UNKNOWN_FIELD');
  });

  it('without a region, a list covers the caller\'s region', async () => {
    const ok = await upload('department1', `证件号码,姓名,死亡日期\n${freshId('620422')},无此人,2026-01-15\n`);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.data.region_code, '620422000000');
  });

  it('GET /exports/findings.xlsx: a workbook of the findings, filtered, audited; masked for auditor, 403 for department', async () => {
    const res = await api(srv, 'GET', '/api/v1/exports/findings.xlsx', { token: await token('county_admin1'), query: { region: '620422' } });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(res.headers.get('content-disposition'), /findings\.xlsx/);
    assert.equal(res.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    const text = xlsxText(res.bytes);
    for (const h of ['编号', '规则', '户编号', '证件号码', '姓名', '村', '说明', '状态', '理由', '名单编号', '发现时间']) {
      assert.ok(text.includes(h), `column ${h}`);
    }
    for (const m of [...inVillage, ...inOther]) assert.ok(text.includes(m.id), `${m.id} in the export`);
    assert.ok(text.includes('户籍误报，已核实'), 'the reason of the dismissal');
    assert.ok(text.includes('已确认') && text.includes('已驳回') && text.includes('待核实'));

    const one = await api(srv, 'GET', '/api/v1/exports/findings.xlsx', {
      token: await token('county_admin1'), query: { region: VILLAGE, status: 'confirmed' },
    });
    assert.equal(one.status, 200);
    const oneText = xlsxText(one.bytes);
    assert.ok(oneText.includes(confirmed.id_number));
    assert.ok(!oneText.includes(dismissed.id_number), 'only the confirmed finding');

    const trail = await auditOf({ action: 'export.findings' });
    assert.ok(trail.some((r) => r.actor === 'county_admin1' && r.target === '620422000000'), JSON.stringify(trail));

    const masked = await api(srv, 'GET', '/api/v1/exports/findings.xlsx', { token: await token('auditor1') });
    assert.equal(masked.status, 200);
    const maskedText = xlsxText(masked.bytes);
    for (const m of inVillage) {
      assert.ok(!maskedText.includes(m.id), `${m.id} whole in the auditor's export`);
      assert.ok(maskedText.includes(maskId(m.id)));
    }
    assert.ok((await auditOf({ action: 'export.findings', actor: 'auditor1' })).some((r) => r.detail.includes('masked')));
    expectError(await api(srv, 'GET', '/api/v1/exports/findings.xlsx', { token: await token('department1') }), 403, 'E_FORBIDDEN');
  });
});

describe('quality checks', () => {
  it('POST /quality-checks works for county_admin, raises nothing twice, and is 403 for department', async () => {
    const t = await token('county_admin1');
    const res = await api(srv, 'POST', '/api/v1/quality-checks', { token: t, body: { region: '620422' } });
    assert.equal(res.status, 200, res.text);
    const d = res.body.data;
    assert.equal(d.kind, 'quality');
    assert.deepEqual(d.errors, []);
    // Every 建档立卡户 of the base register but H2210220100002 (helper1's, matrix.mjs ASSIGNED)
    // has no helper.
    const noHelper = d.findings.filter((f) => f.rule === 'no_helper').map((f) => f.household_code).sort();
    assert.deepEqual(noHelper, ['H2210120500001', 'H2210220200003']);
    assert.equal(d.list_id, undefined, 'no list for a quality check');
    const listed = await findings('county_admin1', { rule: 'no_helper' });
    assert.equal(listed.total, 2);
    assert.ok(listed.items.every((f) => f.list_id === null && f.row === null));

    const again = await api(srv, 'POST', '/api/v1/quality-checks', { token: t });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body.data.findings, []);
    assert.ok(again.body.data.known >= 2);

    expectError(await api(srv, 'POST', '/api/v1/quality-checks', { token: await token('department1') }), 403, 'E_FORBIDDEN');
    expectError(await api(srv, 'POST', '/api/v1/quality-checks', { token: await token('village_op1') }), 403, 'E_FORBIDDEN');
    expectError(await api(srv, 'POST', '/api/v1/quality-checks', { token: t, body: { region: '620423' } }), 404, 'E_NOT_FOUND');
    expectError(await api(srv, 'POST', '/api/v1/quality-checks', { token: t, body: { area: '620422' } }), 400, 'E_UNKNOWN_FIELD');
    expectError(await api(srv, 'POST', '/api/v1/quality-checks', { token: t, raw: '[' }), 400, 'E_JSON');
    const trail = await auditOf({ action: 'check.quality', actor: 'county_admin1' });
    assert.ok(trail.length >= 2);
  });
});

// A helper (帮扶责任人) sees the findings of the households assigned to it and no others,
// even in its own village: helper1 of VILLAGE has ASSIGNED[VILLAGE] (matrix.mjs).
describe('a helper', () => {
  const MINE = ASSIGNED[VILLAGE];
  const ids = (items) => items.map((f) => f.id);
  const total = (counts) => counts.reduce((n, c) => n + c.open + c.confirmed + c.dismissed, 0);

  it('reads and counts only the findings of the households assigned to it', async () => {
    const village = (await findings('county_admin1', { region: VILLAGE, size: 500 })).items;
    const expected = village.filter((f) => MINE.includes(f.household_code));
    assert.ok(expected.length > 0 && expected.length < village.length,
      'its village holds findings of its household and of others');
    const mine = await findings('helper1', { size: 500 });
    assert.equal(mine.total, expected.length);
    assert.deepEqual(ids(mine.items), ids(expected));
    const filtered = await findings('helper1', { region: VILLAGE, rule: 'deceased_member', size: 500 });
    assert.deepEqual(ids(filtered.items), ids(expected.filter((f) => f.rule === 'deceased_member')));
    const counts = await api(srv, 'GET', '/api/v1/findings/counts', { token: await token('helper1') });
    assert.equal(counts.status, 200, counts.text);
    assert.equal(total(counts.body.data), expected.length);
  });

  it('a helper with no household assigned sees no finding and counts none', async () => {
    const added = await srv.cli(['user', 'add', 'helper_none', '--role', 'helper', '--region', VILLAGE,
      '--password-stdin'], { input: PASSWORD + '\n' });
    assert.equal(added.code, 0, added.err);
    const none = await findings('helper_none', { size: 500 });
    assert.deepEqual([none.total, none.items], [0, []]);
    const counts = await api(srv, 'GET', '/api/v1/findings/counts', { token: await token('helper_none') });
    assert.equal(counts.status, 200, counts.text);
    assert.deepEqual(counts.body.data, []);
  });

  it('another household\'s finding answers a helper exactly as a missing one; its own is 403', async () => {
    const village = (await findings('county_admin1', { region: VILLAGE, size: 500 })).items;
    const other = village.find((f) => !MINE.includes(f.household_code) && f.status === 'open');
    const own = village.find((f) => MINE.includes(f.household_code));
    assert.ok(other && own);
    const outside = await decide('helper1', other.id, 'confirm', { query: { lang: 'en' } });
    const missing = await decide('helper1', 99999999, 'confirm', { query: { lang: 'en' } });
    expectError(outside, 404, 'E_NOT_FOUND');
    expectError(missing, 404, 'E_NOT_FOUND');
    assert.equal(outside.body.error.message.replace(/\d+/g, 'N'), missing.body.error.message.replace(/\d+/g, 'N'));
    expectError(await decide('helper1', own.id, 'confirm'), 403, 'E_FORBIDDEN');
    expectError(await decide('helper1', other.id, 'dismiss', { body: { reason: 'x' } }), 404, 'E_NOT_FOUND');
    const still = (await findings('county_admin1', { region: VILLAGE, size: 500 })).items.find((f) => f.id === other.id);
    assert.equal(still.status, 'open');
  });
});

describe('a village operator', () => {
  it('sees only the findings of its village', async () => {
    const mine = await findings('village_op1', { size: 500 });
    const county = await findings('county_admin1', { region: VILLAGE, size: 500 });
    assert.ok(mine.total > 0);
    assert.equal(mine.total, county.total);
    assert.deepEqual(mine.items.map((f) => f.id), county.items.map((f) => f.id));
    assert.ok(mine.items.every((f) => f.village_code === VILLAGE));
    const t = await token('village_op1');
    expectError(await api(srv, 'GET', '/api/v1/findings', { token: t, query: { region: OTHER } }), 404, 'E_NOT_FOUND');
    expectError(await api(srv, 'GET', '/api/v1/findings', { token: t, query: { region: '620422' } }), 404, 'E_NOT_FOUND');
    const counts = await api(srv, 'GET', '/api/v1/findings/counts', { token: t });
    assert.equal(counts.status, 200, counts.text);
    assert.ok(counts.body.data.length > 0 && counts.body.data.every((c) => c.village_code === VILLAGE));
    const xlsx = await api(srv, 'GET', '/api/v1/exports/findings.xlsx', { token: t });
    assert.equal(xlsx.status, 200);
    const text = xlsxText(xlsx.bytes);
    for (const m of inOther) assert.ok(!text.includes(m.id), 'another village in the export');
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
