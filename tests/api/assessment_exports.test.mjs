// The assessments as XLSX workbooks (GET /exports/assessments/{exit,monitor,regions}.xlsx,
// for the web app's assessments page): the same rows as the JSON lists, audited, refused to
// a role that may not export, 404 outside the caller's scope.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, api, expectError } from './server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

const get = async (user, path, query) => api(srv, 'GET', path, { token: await srv.token(user), query });
// The text of the workbook's shared strings (the cells' text; numbers stay numbers).
const words = (bytes) => bytes.toString('latin1');

describe('GET /exports/assessments/*.xlsx', () => {
  it('exports the exit list of a year as a workbook and audits it', async () => {
    const list = await get('county_admin1', '/api/v1/assessments/exit', { year: 2020, region: '620422' });
    assert.equal(list.status, 200);
    const res = await get('county_admin1', '/api/v1/exports/assessments/exit.xlsx', { year: 2020, region: '620422' });
    assert.equal(res.status, 200);
    assert.equal(res.bytes.subarray(0, 2).toString('latin1'), 'PK');
    assert.match(res.headers.get('content-type'), /spreadsheetml/);
    const audit = await get('root', '/api/v1/audit', { action: 'export.assess_exit', size: 10 });
    assert.equal(audit.status, 200);
    const entry = audit.body.data.items.find((a) => a.actor === 'county_admin1');
    assert.ok(entry, 'an export.assess_exit record by county_admin1');
    assert.match(entry.detail, new RegExp(`year 2020, ${list.body.data.length} rows`));
  });

  it('exports the villages and the counties with their level in the audit', async () => {
    for (const level of ['village', 'county']) {
      const res = await get('county_admin1', '/api/v1/exports/assessments/regions.xlsx', { year: 2020, level });
      assert.equal(res.status, 200);
      assert.ok(words(res.bytes).startsWith('PK'));
    }
    const audit = await get('root', '/api/v1/audit', { action: 'export.assess_regions', size: 10 });
    assert.ok(audit.body.data.items.some((a) => /, county, /.test(a.detail)));
  });

  it('refuses a helper, which may assess but not export', async () => {
    expectError(await get('helper1', '/api/v1/exports/assessments/monitor.xlsx', { year: 2024 }), 403, 'E_FORBIDDEN');
  });

  it('answers 404 for a region outside the caller\'s scope and 400 for a bad level or year', async () => {
    expectError(await get('village_op1', '/api/v1/exports/assessments/exit.xlsx', { year: 2020, region: '620423' }), 404, 'E_NOT_FOUND');
    expectError(await get('county_admin1', '/api/v1/exports/assessments/regions.xlsx', { year: 2020, level: 'town' }), 400, 'E_USAGE');
    expectError(await get('county_admin1', '/api/v1/exports/assessments/exit.xlsx', {}), 400, 'E_YEAR');
  });
});
