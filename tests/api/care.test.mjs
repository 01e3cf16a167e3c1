// Measures (帮扶措施), visits (走访), attachments and the household timeline over HTTP,
// docs/measures-and-visits.md: a village operator records a measure and a visit with a
// photo; bad input is refused with its code; a file's type comes from its bytes; a photo
// is claimed once, by its uploader, and read back with its type, label and checksum; a
// helper works on its own households only; the timeline puts it all in order; a viewer
// sees phone numbers in free text masked.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { startServer, api, expectError, assertStopsCleanly } from './server.mjs';

const HOUSEHOLD = 'H2210220100002'; // village 620422102201; assigned to helper1
const UNASSIGNED = 'H2210220100000'; // the same village, no helper
const OUTSIDE = 'H2210120500001'; //   village 620422101205, outside village_op1's region
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

const as = (name) => srv.token(name);
const fileForm = (bytes, name, part = 'file') => {
  const f = new FormData();
  f.append(part, new Blob([bytes], { type: 'image/png' }), name);
  return f;
};
const upload = async (name, bytes, fileName = 'photo.png') =>
  api(srv, 'POST', '/api/v1/attachments', { token: await as(name), form: fileForm(bytes, fileName), query: { lang: 'en' } });
const addMeasure = async (name, household, body) =>
  api(srv, 'POST', `/api/v1/households/${household}/measures`, { token: await as(name), body, query: { lang: 'en' } });
const addVisit = async (name, household, body) =>
  api(srv, 'POST', `/api/v1/households/${household}/visits`, { token: await as(name), body, query: { lang: 'en' } });
const get = async (name, pathname, query) => api(srv, 'GET', pathname, { token: await as(name), query });

describe('measures', () => {
  it('a village operator records a measure; it is listed with its amount in yuan and audited', async () => {
    const res = await addMeasure('village_op1', HOUSEHOLD, {
      category: '产业帮扶', date: '2026-05-20', amount: 1500.5, description: '发放鸡苗 200 只',
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(
      [res.body.data.category, res.body.data.category_label, res.body.data.amount, res.body.data.recorded_by],
      ['01', '产业帮扶', '1500.50', 'village_op1']);
    const list = await get('county_admin1', `/api/v1/households/${HOUSEHOLD}/measures`);
    assert.equal(list.status, 200);
    assert.ok(list.body.data.some((m) => m.id === res.body.data.id && m.description === '发放鸡苗 200 只'));
    const audit = await get('root', '/api/v1/audit', { action: 'measure.add', target: HOUSEHOLD });
    assert.ok(audit.body.data.items.some((r) => r.actor === 'village_op1'), audit.text);
  });

  it('a measure without an amount has amount null', async () => {
    const res = await addMeasure('village_op1', HOUSEHOLD, { category: '05', date: '2026-06-01' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.data.amount, null);
  });

  it('refuses a category outside codes.md, a day in the future, a negative amount, long or controlled text', async () => {
    const ok = { category: '01', date: '2026-06-01' };
    expectError(await addMeasure('village_op1', HOUSEHOLD, { ...ok, category: '14' }), 400, 'E_CODE');
    expectError(await addMeasure('village_op1', HOUSEHOLD, { ...ok, date: '2026-07-01' }), 400, 'E_DATE');
    expectError(await addMeasure('village_op1', HOUSEHOLD, { ...ok, date: '2026-02-30' }), 400, 'E_DATE');
    expectError(await addMeasure('village_op1', HOUSEHOLD, { ...ok, amount: '-5' }), 400, 'E_NUMBER');
    expectError(await addMeasure('village_op1', HOUSEHOLD, { ...ok, amount: '1.234' }), 400, 'E_NUMBER');
    expectError(await addMeasure('village_op1', HOUSEHOLD, { ...ok, description: 'x'.repeat(2001) }), 400, 'E_FORMAT');
    expectError(await addMeasure('village_op1', HOUSEHOLD, { ...ok, description: 'a\u202Eb' }), 400, 'E_FORMAT');
    expectError(await addMeasure('village_op1', HOUSEHOLD, { ...ok, category: ['01'] }), 400, 'E_FORMAT');
    expectError(await addMeasure('village_op1', HOUSEHOLD, { ...ok, recorded_by: 'someone' }), 400, 'E_UNKNOWN_FIELD');
  });

  it('a household outside the region answers 404 as one that does not exist; a viewer may not record', async () => {
    const body = { category: '01', date: '2026-06-01' };
    const outside = await addMeasure('village_op1', OUTSIDE, body);
    const missing = await addMeasure('village_op1', 'HNOSUCH0000001', body);
    expectError(outside, 404, 'E_NOT_FOUND');
    expectError(missing, 404, 'E_NOT_FOUND');
    expectError(await addMeasure('viewer_county', HOUSEHOLD, body), 403, 'E_FORBIDDEN');
  });

  it('a helper records for the households assigned to it and for no other', async () => {
    const body = { category: '02', date: '2026-06-10', description: '推荐公益岗位' };
    assert.equal((await addMeasure('helper1', HOUSEHOLD, body)).status, 201);
    expectError(await addMeasure('helper1', UNASSIGNED, body), 404, 'E_NOT_FOUND');
    expectError(await get('helper1', `/api/v1/households/${UNASSIGNED}/timeline`), 404, 'E_NOT_FOUND');
  });

  it('lists the categories of codes.md', async () => {
    const res = await get('viewer1', '/api/v1/measure-categories');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.length, 14);
    assert.deepEqual(res.body.data.at(-1), { code: '99', label: '其他', development: false });
  });
});

describe('attachments', () => {
  it('a PNG named .pdf is stored as a PNG with the SHA-256 of its bytes', async () => {
    const res = await upload('village_op1', PNG, 'scan.pdf');
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.data.media_type, 'image/png');
    assert.equal(res.body.data.size, PNG.length);
    assert.equal(res.body.data.sha256, sha256(PNG));
    assert.equal(res.body.data.file_name, 'scan.pdf');
  });

  it('JPEG and PDF are recognised by their first bytes', async () => {
    assert.equal((await upload('village_op1', JPEG, 'a')).body.data.media_type, 'image/jpeg');
    assert.equal((await upload('village_op1', PDF, 'b.png')).body.data.media_type, 'application/pdf');
  });

  it('a text file named .jpg is refused with 415, an empty one with E_EMPTY, 10 MiB + 1 byte with 413', async () => {
    expectError(await upload('village_op1', Buffer.from('hello\n'), 'photo.jpg'), 415, 'E_ATTACHMENT_TYPE');
    expectError(await upload('village_op1', Buffer.alloc(0), 'photo.png'), 400, 'E_EMPTY');
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024 + 1 - PNG.length)]);
    expectError(await upload('village_op1', big, 'big.png'), 413, 'E_TOO_LARGE');
    const exact = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024 - PNG.length)]);
    assert.equal((await upload('village_op1', exact, 'exact.png')).status, 201, '10 MiB exactly is accepted');
  });

  it('the name is a label: its last part (backslashes and control characters: service tests)', async () => {
    const unix = await upload('village_op1', PNG, '../../etc/passwd');
    assert.equal(unix.status, 201, unix.text);
    assert.equal(unix.body.data.file_name, 'passwd');
  });

  it('wants one part named file', async () => {
    const f = fileForm(PNG, 'a.png', 'photo');
    expectError(await api(srv, 'POST', '/api/v1/attachments', { token: await as('village_op1'), form: f }), 400, 'E_USAGE');
    expectError(await api(srv, 'POST', '/api/v1/attachments', { token: await as('village_op1'), body: {} }), 400, 'E_USAGE');
  });

  it('a viewer may not upload', async () => {
    expectError(await upload('viewer_county', PNG), 403, 'E_FORBIDDEN');
  });
});

describe('visits with photos', () => {
  let photo, visit;

  it('a visit claims the photo its recorder uploaded', async () => {
    photo = (await upload('village_op1', PNG, '门前 照片.png')).body.data;
    const res = await addVisit('village_op1', HOUSEHOLD, {
      date: '2026-06-29', helper_id: 12, findings: '房屋安全，户主电话13812345678', attachments: [photo.id],
    });
    assert.equal(res.status, 201, res.text);
    visit = res.body.data;
    assert.equal(visit.helper_id, 12);
    assert.deepEqual(visit.attachments.map((a) => [a.id, a.sha256]), [[photo.id, sha256(PNG)]]);
    const list = await get('county_admin1', `/api/v1/households/${HOUSEHOLD}/visits`);
    assert.equal(list.body.data[0].id, visit.id);
    assert.equal(list.body.data[0].attachments.length, 1);
  });

  it('the photo is read back as it was stored, as a download named by its label', async () => {
    const res = await get('county_admin1', `/api/v1/attachments/${photo.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.bytes, PNG);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const disposition = res.headers.get('content-disposition');
    assert.match(disposition, /^attachment; filename="[^"]*"; filename\*=UTF-8''/);
    const encoded = disposition.split("filename*=UTF-8''")[1];
    assert.equal(decodeURIComponent(encoded), '门前 照片.png');
    const audit = await get('root', '/api/v1/audit', { action: 'attachment.read', target: `attachment:${photo.id}` });
    assert.ok(audit.body.data.total >= 1, 'the read is on record');
  });

  it('a photo is claimed once: a second visit cannot take it', async () => {
    expectError(await addVisit('village_op1', HOUSEHOLD, { date: '2026-06-29', findings: '再访', attachments: [photo.id] }),
      400, 'E_ATTACHMENT');
  });

  it('nobody claims another account\'s upload or an unknown id, and a refused visit is not written', async () => {
    const theirs = (await upload('county_admin1', PNG)).body.data.id;
    const before = (await get('root', `/api/v1/households/${HOUSEHOLD}/visits`)).body.data.length;
    expectError(await addVisit('village_op1', HOUSEHOLD, { date: '2026-06-29', findings: '走访', attachments: [theirs] }),
      400, 'E_ATTACHMENT');
    expectError(await addVisit('village_op1', HOUSEHOLD, { date: '2026-06-29', findings: '走访', attachments: [99999999] }),
      400, 'E_ATTACHMENT');
    expectError(await addVisit('village_op1', HOUSEHOLD, { date: '2026-06-29', findings: '走访', attachments: ['1'] }),
      400, 'E_FORMAT');
    assert.equal((await get('root', `/api/v1/households/${HOUSEHOLD}/visits`)).body.data.length, before);
  });

  it('an unclaimed upload is read by its uploader only', async () => {
    const id = (await upload('village_op1', JPEG, 'x.jpg')).body.data.id;
    assert.equal((await get('village_op1', `/api/v1/attachments/${id}`)).status, 200);
    expectError(await get('county_admin1', `/api/v1/attachments/${id}`), 404, 'E_NOT_FOUND');
  });

  it('outside the household\'s scope a photo answers 404, and so does a number that is no attachment', async () => {
    expectError(await get('viewer1', `/api/v1/attachments/${photo.id}`), 404, 'E_NOT_FOUND');
    expectError(await get('viewer1', '/api/v1/attachments/abc'), 404, 'E_NOT_FOUND');
  });

  it('a viewer sees phone numbers in the findings masked', async () => {
    const list = await get('viewer_county', `/api/v1/households/${HOUSEHOLD}/visits`);
    const shown = list.body.data.find((v) => v.id === visit.id);
    assert.ok(!shown.findings.includes('13812345678'), shown.findings);
    assert.match(shown.findings, /138\*{4}5678/);
  });
});

describe('the timeline and the worklist', () => {
  it('merges history, measures and visits, newest first', async () => {
    const res = await get('county_admin1', `/api/v1/households/${HOUSEHOLD}/timeline`);
    assert.equal(res.status, 200, res.text);
    const items = res.body.data;
    const types = new Set(items.map((i) => i.type));
    for (const t of ['history', 'measure', 'visit']) assert.ok(types.has(t), `no ${t} item`);
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [items[i - 1], items[i]];
      assert.ok(a.date > b.date || (a.date === b.date && a.at >= b.at), `out of order at ${i}: ${JSON.stringify([a, b])}`);
    }
    const measure = items.find((i) => i.type === 'measure' && i.category === '01');
    assert.equal(measure.amount, '1500.50');
    const history = items.find((i) => i.type === 'history');
    assert.ok(history.changes.length >= 1);
  });

  it('the worklist counts monitored households without a recent measure, in scope', async () => {
    const res = await get('county_admin1', '/api/v1/measures/due', { region: '620422', days: 30 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.total, res.body.data.items.length);
    expectError(await get('village_op1', '/api/v1/measures/due', { region: '620422101' }), 404, 'E_NOT_FOUND');
    expectError(await get('village_op1', '/api/v1/measures/due', { days: 0 }), 400, 'E_NUMBER');
  });
});

it('fupin serve stops on SIGTERM with exit status 0', async () => {
  await assertStopsCleanly(srv);
});
