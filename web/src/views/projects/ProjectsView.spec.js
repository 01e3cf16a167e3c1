import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';

import { ApiError } from '@/api/client';
import zhCN from '@/locales/zh-CN';
import { useSessionStore } from '@/stores/session';

import ProjectsView from './ProjectsView.vue';
import loansLocale from '../loans/locale';
import locale from './locale';

vi.mock('@/api/projects', () => ({
  listProjects: vi.fn(), getProject: vi.fn(), advanceProject: vi.fn(), objectToProject: vi.fn(), proposeProject: vi.fn(),
  returnProject: vi.fn(), rejectProject: vi.fn(), addProgress: vi.fn(), addAsset: vi.fn(), projectReportXlsx: vi.fn(),
}));
vi.mock('@/api/client', async (original) => ({ ...(await original()), download: vi.fn() }));
const api = await import('@/api/projects');
const client = await import('@/api/client');

const PROJECT = {
  id: 7, name: '村内道路硬化', category: { code: 3, key: 'rural_construction', label: '乡村建设行动' },
  nature: { code: 1, key: 'new', label: '新建' }, region: '620422102201', year: 2026, budget_total: '450000.00',
  budget: [{ source: 'central', label: '中央', amount: '400000.00' }, { source: 'social', label: '社会帮扶', amount: '50000.00' }],
  stage: 'township_notice', state: 'open',
  in_library: false, notice: { start: '2026-06-30', closes_on: '2026-07-10' }, unit: '乙镇人民政府', person: '李某', tasks: '硬化 2 公里',
  allocated: '0.00', disbursed: '0.00', performance_targets: [{ indicator: '新建道路', target: '2公里' }],
  poverty_linkage: '方便出行', households: [], beneficiaries: { households: 30, people: 120, poor_households: 8, poor_people: 30 },
  steps: [{ step: 'propose', action: 'advance', by: 'v1', date: '2026-06-10', comment: '申报' }], progress: [], assets: [],
};
const at = (stage, extra = {}) => ({ ...PROJECT, stage, notice: null, ...extra });

function mountAs(role, region = '620422000000') {
  const pinia = createPinia();
  setActivePinia(pinia);
  const session = useSessionStore();
  Object.assign(session, { token: 't', user: { username: 'u', role, region_code: region }, regionName: '甲县' });
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { ...zhCN, ...loansLocale['zh-CN'], ...locale['zh-CN'] } } });
  return mount(ProjectsView, { global: { plugins: [pinia, i18n], stubs: { RouterLink: { template: '<a><slot /></a>' } } } });
}
async function open(role, project) {
  api.getProject.mockResolvedValue(project);
  const wrapper = mountAs(role);
  await flushPromises();
  await wrapper.find('[data-test=stage-7]').trigger('click');
  await flushPromises();
  return wrapper;
}
const has = (wrapper, name) => wrapper.find(`[data-test=${name}]`).exists();

describe('the project library screen', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listProjects.mockResolvedValue({ total: 1, page: 1, size: 200, items: [PROJECT] });
    api.getProject.mockResolvedValue(PROJECT);
  });

  it('lists the projects with their stage in Chinese and the day their notice may close', async () => {
    const wrapper = mountAs('viewer');
    await flushPromises();
    expect(wrapper.find('[data-test=stage-7]').text()).toBe('乡镇公示');
    expect(wrapper.find('[data-test=projects]').text()).toContain('2026-07-10');
  });

  it('shows a viewer the steps, budget lines and the objection form but no advance and no proposal', async () => {
    const wrapper = await open('viewer', PROJECT);
    expect(wrapper.find('[data-test=project-stage]').text()).toBe('乡镇公示');
    expect(wrapper.find('[data-test=steps]').text()).toContain('项目申报');
    expect(wrapper.find('[data-test=project-budget-lines]').text()).toBe('中央 400000.00；社会帮扶 50000.00');
    expect(wrapper.find('[data-test=project-beneficiaries]').text()).toBe('30 户 120 人，其中脱贫户 8 户 30 人');
    expect(has(wrapper, 'advance-form')).toBe(false);
    expect(has(wrapper, 'objection-form')).toBe(true);
    expect(has(wrapper, 'propose-open')).toBe(false);
    expect(has(wrapper, 'projects-export')).toBe(true);
  });

  it('shows the server\'s refusal of an early advance with its code and what it means', async () => {
    api.advanceProject.mockRejectedValue(new ApiError(409, 'E_NOTICE_OPEN', '公示期未满，最早可于2026-07-10结束公示', [{ closes_on: '2026-07-10' }]));
    const wrapper = await open('township_operator', PROJECT);
    await wrapper.find('[data-test=advance-form]').trigger('submit');
    await flushPromises();
    expect(api.advanceProject).toHaveBeenCalledWith(7, { comment: '' });
    const error = wrapper.find('[data-test=advance-error]').text();
    expect(error).toContain('E_NOTICE_OPEN：公示期未满，最早可于2026-07-10结束公示');
    expect(error).toContain('公示期未满，还不能结束公示');
  });

  it('tells a village office the township does this stage and shows it no advance', async () => {
    const wrapper = await open('village_operator', at('review'));
    expect(wrapper.find('[data-test=stage-level]').text()).toContain('本步由乡镇级办理');
    expect(has(wrapper, 'advance-form')).toBe(false);
    expect(has(wrapper, 'return-form')).toBe(false);
  });

  it('lists each failing condition when the county cannot approve a project', async () => {
    api.advanceProject.mockRejectedValue(new ApiError(422, 'E_CONDITIONS', '不符合条件', [
      { criterion: 'performance_targets', message: '项目未设定绩效目标，不能入库' }, { criterion: 'poverty_linkage', message: '项目未说明带贫减贫机制，不能入库' }]));
    const wrapper = await open('county_admin', at('approve'));
    await wrapper.find('[data-test=advance-form]').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-test=criterion-performance_targets]').text()).toBe('项目未设定绩效目标，不能入库');
    expect(wrapper.find('[data-test=criterion-poverty_linkage]').exists()).toBe(true);
  });

  it('records progress during implementation and shows the project the API answered', async () => {
    api.addProgress.mockResolvedValue(at('implement', { progress: [{ date: '2026-09-01', percent: 60, note: '主体完工', by: 'village' }] }));
    const wrapper = await open('village_operator', at('implement'));
    expect(has(wrapper, 'asset-form')).toBe(false);
    await wrapper.find('[data-test=progress-percent]').setValue('60');
    await wrapper.find('[data-test=progress-note]').setValue('主体完工');
    await wrapper.find('[data-test=progress-form]').trigger('submit');
    await flushPromises();
    expect(api.addProgress).toHaveBeenCalledWith(7, { percent: 60, note: '主体完工' });
    expect(wrapper.find('[data-test=progress]').text()).toMatch(/2026-09-01\s*60%\s*主体完工/);
  });

  it('lets the township return a project to an earlier stage with a reason, and reject one', async () => {
    api.returnProject.mockResolvedValue(at('propose'));
    const wrapper = await open('township_operator', at('implement'));
    expect(wrapper.findAll('[data-test=return-to]').length).toBe(1);
    await wrapper.find('[data-test=return-reason]').setValue('预算不实');
    await wrapper.find('[data-test=return-form]').trigger('submit');
    await flushPromises();
    expect(api.returnProject).toHaveBeenCalledWith(7, { to: 'start_notice', reason: '预算不实' });
    expect(wrapper.find('[data-test=project-stage]').text()).toBe('项目申报');
    expect(has(wrapper, 'reject-form')).toBe(false); // the village's stage now
  });

  it('records an asset for the county after acceptance, not for the township', async () => {
    let wrapper = await open('township_operator', at('completion_notice', { notice: { closes_on: '2026-11-10' } }));
    expect(has(wrapper, 'asset-form')).toBe(false);
    wrapper.unmount();
    api.addAsset.mockResolvedValue(at('completion_notice', { assets: [{ kind: { key: 'operating', label: '经营性' }, name: '养殖圈舍', value: '300000.00', owner: '村股份经济合作社', keeper: '村委会', date: '2026-11-01', by: 'county' }] }));
    wrapper = await open('county_admin', at('completion_notice', { notice: { closes_on: '2026-11-10' } }));
    for (const [name, value] of [['asset-name', '养殖圈舍'], ['asset-value', '300000'], ['asset-owner', '村股份经济合作社'], ['asset-keeper', '村委会']]) {
      await wrapper.find(`[data-test=${name}]`).setValue(value);
    }
    await wrapper.find('[data-test=asset-form]').trigger('submit');
    await flushPromises();
    expect(api.addAsset).toHaveBeenCalledWith(7, { kind: 'operating', name: '养殖圈舍', value: '300000', owner: '村股份经济合作社', keeper: '村委会' });
    expect(wrapper.find('[data-test=assets]').text()).toMatch(/经营性\s*养殖圈舍\s*300000\.00/);
  });

  it('proposes a project from the form with the budget total shown', async () => {
    api.proposeProject.mockResolvedValue({ ...PROJECT, id: 8, stage: 'village_notice' });
    const wrapper = mountAs('village_operator', '620422102201');
    await flushPromises();
    await wrapper.find('[data-test=propose-open]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-test=propose-name]').setValue('村内道路硬化');
    await wrapper.find('[data-test=propose-unit]').setValue('村委会');
    await wrapper.find('[data-test=propose-person]').setValue('李某');
    await wrapper.find('[data-test=propose-tasks]').setValue('硬化 2 公里');
    await wrapper.find('[data-test=budget-amount-0]').setValue('400000');
    await wrapper.find('[data-test=budget-add]').trigger('click');
    await wrapper.find('[data-test=budget-amount-1]').setValue('50000.5');
    expect(wrapper.find('[data-test=budget-total]').text()).toBe('预算合计 450000.50 元');
    await wrapper.find('[data-test=propose-households]').setValue('H1 H2');
    await wrapper.find('[data-test=target-indicator-0]').setValue('新建道路');
    await wrapper.find('[data-test=target-value-0]').setValue('2公里');
    await wrapper.find('[data-test=propose-submit]').trigger('click');
    await flushPromises();
    const body = api.proposeProject.mock.calls[0][0];
    expect(body).toMatchObject({
      name: '村内道路硬化', category: 'industry', nature: 'new', region: '620422102201', budget: { central: '400000', province: '50000.5' },
      households: ['H1', 'H2'], beneficiaries: { households: 2, people: 0 }, performance_targets: [{ indicator: '新建道路', target: '2公里' }],
    });
    expect(api.getProject).toHaveBeenCalledWith(8);
  });

  it('shows the server\'s refusal of a proposal in the form', async () => {
    api.proposeProject.mockRejectedValue(new ApiError(422, 'E_REQUIRED', '请填写项目名称'));
    const wrapper = mountAs('village_operator', '620422102201');
    await flushPromises();
    await wrapper.find('[data-test=propose-open]').trigger('click');
    await wrapper.find('[data-test=propose-submit]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-test=propose-error]').text()).toContain('E_REQUIRED：请填写项目名称');
  });

  it('downloads the projects report of the year as a workbook named in Chinese', async () => {
    const blob = new Blob(['PK']);
    api.projectReportXlsx.mockResolvedValue(blob);
    const wrapper = mountAs('viewer');
    await flushPromises();
    await wrapper.find('[data-test=projects-export]').trigger('click');
    await flushPromises();
    const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
    expect(api.projectReportXlsx).toHaveBeenCalledWith({ region: undefined, year });
    expect(client.download).toHaveBeenCalledWith(blob, `项目报表-甲县-${year}.xlsx`);
  });
});
