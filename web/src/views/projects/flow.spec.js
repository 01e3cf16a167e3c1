import { describe, expect, it } from 'vitest';

import { ApiError } from '@/api/client';
import {
  budgetTotal, fenOf, flowOf, householdCodes, placeLevel, projectActions, projectBody, projectRefusal, reportFileName, yuanOf,
} from './flow';

const VILLAGE = '620422102201';
const TOWNSHIP = '620422102000';
const COUNTY = '620422000000';
const at = (stage, extra = {}) => ({ id: 1, region: VILLAGE, stage, state: 'open', notice: null, ...extra });
const t = (key, params) => `${key}${params ? JSON.stringify(params) : ''}`;

describe('the stages of a project', () => {
  it('knows a place\'s level from its code', () => {
    expect([VILLAGE, TOWNSHIP, COUNTY, '620400000000', '0', 'x'].map(placeLevel)).toEqual(['V', 'T', 'C', null, null, null]);
  });

  it('skips the stages below a township\'s or county\'s own project and lifts the levels to the place\'s', () => {
    expect(flowOf(VILLAGE).map((s) => s.key)).toHaveLength(11);
    const township = flowOf(TOWNSHIP);
    expect(township.map((s) => s.key)).toEqual(['propose', 'township_notice', 'approve', 'plan', 'start_notice', 'implement', 'accept', 'completion_notice', 'assets']);
    expect(township.find((s) => s.key === 'start_notice').level).toBe('T');
    const county = flowOf(COUNTY);
    expect(county.map((s) => s.key)).not.toContain('township_notice');
    expect(county.every((s) => s.level === 'C')).toBe(true);
  });
});

describe('what an account may do on a project', () => {
  it('lets only the stage\'s level (or admin) advance, return and reject, and anyone object during a notice', () => {
    const review = at('review');
    expect(projectActions(review, 'township_operator')).toMatchObject({ level: 'T', advance: true, reject: true, returnTo: ['propose', 'village_notice'] });
    expect(projectActions(review, 'village_operator')).toMatchObject({ advance: false, reject: false, returnTo: [], objection: false });
    expect(projectActions(review, 'admin')).toMatchObject({ advance: true, reject: true });
    const notice = at('township_notice', { notice: { closes_on: '2026-07-10' } });
    expect(projectActions(notice, 'viewer')).toMatchObject({ objection: true, advance: false });
    expect(projectActions(notice, 'village_operator').objection).toBe(true);
  });

  it('returns nothing from a village stage, which is not returned', () => {
    expect(projectActions(at('propose'), 'village_operator')).toMatchObject({ advance: true, returnTo: [] });
  });

  it('takes progress from every office during implementation and assets from the county once accepted', () => {
    expect(projectActions(at('implement'), 'village_operator')).toMatchObject({ progress: true, advance: false, asset: false });
    expect(projectActions(at('implement'), 'viewer').progress).toBe(false);
    expect(projectActions(at('accept'), 'county_admin')).toMatchObject({ progress: false, asset: false });
    expect(projectActions(at('completion_notice'), 'county_admin')).toMatchObject({ asset: true, advance: false });
    expect(projectActions(at('completion_notice'), 'township_operator').asset).toBe(false);
    expect(projectActions(at('assets'), 'county_admin')).toMatchObject({ asset: true, advance: true });
  });

  it('allows nothing on a closed project', () => {
    for (const state of ['done', 'rejected']) {
      expect(projectActions({ ...at(state), state }, 'admin')).toMatchObject({ advance: false, objection: false, asset: false, reject: false, returnTo: [] });
    }
  });
});

describe('the proposal form\'s figures', () => {
  it('sums a budget in fen, exactly, and names the lines that are not yuan', () => {
    expect(fenOf('300000')).toBe(30000000);
    expect(fenOf('0.1')).toBe(10);
    expect(fenOf('1,234.56')).toBe(123456);
    expect([fenOf('1.234'), fenOf('-1'), fenOf('abc')]).toEqual([null, null, null]);
    expect(yuanOf(35000000)).toBe('350000.00');
    expect(budgetTotal([{ amount: '0.1' }, { amount: '0.2' }, { amount: '' }, { amount: 'x' }])).toEqual({ fen: 30, bad: [3] });
    expect(yuanOf(budgetTotal([{ amount: '0.1' }, { amount: '0.2' }]).fen)).toBe('0.30');
  });

  it('reads household codes however they are separated, once each', () => {
    expect(householdCodes('a1 b2,c3，d4、a1\ne5')).toEqual(['A1', 'B2', 'C3', 'D4', 'E5']);
    expect(householdCodes('  ')).toEqual([]);
  });

  it('builds the body of POST /projects: budget by source, the codes counted, the filled targets', () => {
    const body = projectBody({
      name: ' 圈舍扩建 ', category: 'industry', nature: 'extended', region: VILLAGE, year: 2026, start_on: '2026-08-01', end_on: '2026-12-31',
      unit: '镇政府', person: '王某', tasks: '牛舍', budget: [{ source: 'central', amount: '300000' }, { source: 'integrated', amount: ' 50000 ' }, { source: 'social', amount: '' }],
      households: 'h1 h2', beneficiaries: { households: '', people: '8', poor_households: '2', poor_people: 'many' },
      targets: [{ indicator: '户均增收', target: '≥2000元' }, { indicator: '', target: '' }], linkage: '入股分红', comment: '',
    });
    expect(body).toMatchObject({
      name: '圈舍扩建', year: 2026, budget: { central: '300000', integrated: '50000' }, households: ['H1', 'H2'],
      beneficiaries: { households: 2, people: 8, poor_households: 2, poor_people: 'many' },
      performance_targets: [{ indicator: '户均增收', target: '≥2000元' }], poverty_linkage: '入股分红',
    });
  });
});

describe('the downloads and refusals', () => {
  it('names a report by kind, place and year, without a place for the nation', () => {
    expect(reportFileName('项目报表', '甲县', 2026)).toBe('项目报表-甲县-2026.xlsx');
    expect(reportFileName('资金报表', '0', 2025)).toBe('资金报表-2025.xlsx');
  });

  it('reads a refusal with its code, the API\'s message, the hint and the failing criteria', () => {
    const e = new ApiError(422, 'E_CONDITIONS', '不符合条件', [{ criterion: 'performance_targets', message: '项目未设定绩效目标，不能入库' }]);
    expect(projectRefusal(t, e)).toEqual({
      code: 'E_CONDITIONS', message: '不符合条件', hint: 'projects.hints.E_CONDITIONS',
      criteria: [{ criterion: 'performance_targets', message: '项目未设定绩效目标，不能入库' }], closesOn: '',
    });
    expect(projectRefusal(t, new ApiError(409, 'E_NOTICE_OPEN', '公示期未满', [{ closes_on: '2026-07-10' }])).closesOn).toBe('2026-07-10');
    expect(projectRefusal(t, new ApiError(500, 'E_INTERNAL', 'x')).hint).toBe('');
  });
});
