// What the web app's register and import wizard need of the API (issue 12): list items
// named by their 户主 and village, a next page without a re-count, a household's exit
// criteria, and the rejected rows of an import that skips the invalid.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { BASE, DATA, startServer, api, expectError } from './server.mjs';

const A = 'H2210120500001'; // 620422101205, 2 members, 4000.00 a person
const X = 'H3000000000001'; // outside the county 620422

describe('the register for the web app', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.cleanup(); });

  it('names each listed household by its 户主 and its village', async () => {
    const token = await srv.token('county_admin1');
    const list = await api(srv, 'GET', '/api/v1/households', { token });
    assert.equal(list.status, 200, list.text);
    for (const item of list.body.data.items) {
      const detail = await api(srv, 'GET', `/api/v1/households/${item.household_code}`, { token });
      const head = detail.body.data.members.find((m) => m.relation === '户主' || m.relation?.label === '户主' || m.relation === '01');
      assert.ok(head, JSON.stringify(detail.body.data.members[0].relation));
      assert.equal(item.head_name, head.name);
      const village = await api(srv, 'GET', `/api/v1/regions/${item.village_code}`, { token });
      assert.equal(item.village_name, village.body.data.name);
    }
  });

  it('answers a next page without counting again when count=0', async () => {
    const token = await srv.token('county_admin1');
    const first = await api(srv, 'GET', '/api/v1/households', { token, query: { size: 2 } });
    const next = await api(srv, 'GET', '/api/v1/households', { token, query: { size: 2, page: 2, count: 0 } });
    assert.equal(first.body.data.total, 4);
    assert.equal(next.body.data.total, null);
    assert.equal(next.body.data.items.length, 2);
    assert.notDeepEqual(next.body.data.items.map((i) => i.household_code), first.body.data.items.map((i) => i.household_code));
  });

  it('gives every exit criterion of a household with pass or fail and the reason in the caller\'s language', async () => {
    const res = await api(srv, 'GET', `/api/v1/households/${A}/criteria`, {
      token: await srv.token('viewer1'), query: { year: 2020, lang: 'en' },
    });
    assert.equal(res.status, 200, res.text);
    const d = res.body.data;
    assert.equal(d.year, 2020);
    assert.equal(d.poverty_line, '4000.00');
    assert.equal(d.per_capita_income, '4000.00');
    const income = d.criteria.find((c) => c.criterion === 'income');
    assert.equal(income.pass, false, 'the line is passed strictly');
    assert.match(income.reason, /[a-z]/);
    assert.equal(d.meets, false);
    for (const c of d.criteria.filter((x) => x.pass)) assert.equal(c.reason, null);
  });

  it('refuses the criteria of a household outside the scope as if it did not exist', async () => {
    const token = await srv.token('county_admin1');
    expectError(await api(srv, 'GET', `/api/v1/households/${X}/criteria`, { token }), 404, 'E_NOT_FOUND');
    expectError(await api(srv, 'GET', `/api/v1/households/${A}/criteria`, { token, query: { year: 1990 } }), 400, 'E_POLICY_YEAR');
  });
});

describe('an import that skips the invalid', () => {
  let srv;
  before(async () => { srv = await startServer({ seed: false }); });
  after(async () => { await srv?.cleanup(); });

  it('writes the valid households and hands back the rejected rows with their messages', async () => {
    const f = new FormData();
    f.append('households', new Blob([readFileSync(path.join(BASE, 'households.csv'))]), 'households.csv');
    f.append('members', new Blob([readFileSync(path.join(DATA, 'import', 'one_bad_member', 'members.csv'))]), 'members.csv');
    const res = await api(srv, 'POST', '/api/v1/imports', {
      token: await srv.token('county_admin1'), query: { skip_invalid: 1 }, form: f,
    });
    assert.equal(res.status, 200, res.text);
    const d = res.body.data;
    assert.equal(d.rejected_households, 1);
    assert.equal(d.households_created, 3);
    assert.deepEqual(d.rejects.map((r) => r.name), ['households.csv', 'members.csv']);
    const households = Buffer.from(d.rejects[0].base64, 'base64').toString('utf8').trim().split(/\r?\n/);
    assert.equal(households.length, 2, 'the header and the one rejected household');
    assert.match(households[0], /错误$/);
    assert.match(households[1], /^H2210220100002,/);
    const members = Buffer.from(d.rejects[1].base64, 'base64').toString('utf8');
    assert.match(members, /校验/);
  });

  it('hands back no rejects for a dry run', async () => {
    const f = new FormData();
    f.append('households', new Blob([readFileSync(path.join(BASE, 'households.csv'))]), 'households.csv');
    f.append('members', new Blob([readFileSync(path.join(BASE, 'members.csv'))]), 'members.csv');
    const res = await api(srv, 'POST', '/api/v1/imports', {
      token: await srv.token('county_admin1'), query: { skip_invalid: 1, dry_run: 1 }, form: f,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.rejects, undefined);
  });
});
