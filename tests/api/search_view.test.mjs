// The household search after writes: the server answers searches from a columnar view of the
// register (service/register/search_view_cache.h); a write through the API or by another
// process (the CLI) is in the very next search's answer, never an older view's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { startServer, api, newHousehold, freshId, freshCode } from './server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

const VILLAGE = '620422101205';

async function search(query) {
  const res = await api(srv, 'GET', '/api/v1/households', { token: await srv.token('county_admin1'), query });
  assert.equal(res.status, 200, res.text);
  return res.body.data;
}
const codes = (page) => page.items.map((i) => i.household_code);

describe('search after writes', () => {
  it('a household created through the API is found by the next search, and an update is seen', async () => {
    // Searches before the write (the view of the register as it was is built meanwhile).
    for (let i = 0; i < 5; i++) assert.equal((await search({ name: '视图新户' })).total, 0);
    const before = await search({ status: '已脱贫' });

    const body = newHousehold(VILLAGE, { members: 2 });
    body.members[1].name = '视图新户';
    const created = await api(srv, 'POST', '/api/v1/households', { token: await srv.token('county_admin1'), body });
    assert.equal(created.status, 201, created.text);
    const found = await search({ name: '视图新户' });
    assert.equal(found.total, 1);
    assert.deepEqual(codes(found), [body.household_code]);
    assert.equal(found.items[0].size, 2);

    const changed = { ...body, poverty_status: '已脱贫', exit_year: 2020, version: 1 };
    const updated = await api(srv, 'PUT', `/api/v1/households/${body.household_code}`, {
      token: await srv.token('county_admin1'), body: changed,
    });
    assert.equal(updated.status, 200, updated.text);
    const after = await search({ status: '已脱贫' });
    assert.equal(after.total, before.total + 1);
    assert.ok(codes(await search({ status: '已脱贫', size: 500 })).includes(body.household_code));
    assert.equal((await search({ name: '视图新户', status: '未脱贫' })).total, 0);
  });

  it('a household imported by the CLI while the server runs is found by the next search', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await search({ name: '命令行户' })).total, 0);
    const code = freshCode('V');
    const households = path.join(srv.dir, 'v-households.csv');
    const members = path.join(srv.dir, 'v-members.csv');
    writeFileSync(households,
      '户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,'
      + '生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n'
      + `${code},${VILLAGE},建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n`);
    writeFileSync(members,
      '户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n'
      + `${code},命令行户,${freshId('620422', 1)},户主,非在校生,健康,普通劳动力,是\n`);
    const imported = await srv.cli(['import', households, members]);
    assert.equal(imported.code, 0, imported.err);
    const found = await search({ name: '命令行户' });
    assert.equal(found.total, 1);
    assert.deepEqual(codes(found), [code]);
  });
});
