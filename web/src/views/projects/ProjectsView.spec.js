import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';

import { ApiError } from '@/api/client';
import zhCN from '@/locales/zh-CN';
import { useSessionStore } from '@/stores/session';

import ProjectsView from './ProjectsView.vue';
import locale from './locale';

vi.mock('./api', () => ({
  listProjects: vi.fn(), getProject: vi.fn(), advanceProject: vi.fn(), objectToProject: vi.fn(),
}));
const api = await import('./api');

const PROJECT = {
  id: 7, name: '村内道路硬化', category: { code: 3, key: 'rural_construction', label: '乡村建设行动' },
  region: '620422102201000', year: 2026, budget_total: '450000.00', stage: 'township_notice', state: 'open',
  in_library: false, notice: { start: '2026-06-30', closes_on: '2026-07-10' }, unit: '乙镇人民政府', tasks: '硬化 2 公里',
  allocated: '0.00', disbursed: '0.00', performance_targets: [{ indicator: '新建道路', target: '2公里' }],
  poverty_linkage: '方便出行',
  steps: [{ step: 'propose', action: 'advance', by: 'v1', date: '2026-06-10', comment: '申报' }],
};

function mountAs(role) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const session = useSessionStore();
  Object.assign(session, { token: 't', user: { username: 'u', role, region_code: '620422000000' } });
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { ...zhCN, ...locale['zh-CN'] } } });
  return mount(ProjectsView, { global: { plugins: [pinia, i18n], stubs: { RouterLink: { template: '<a><slot /></a>' } } } });
}

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

  it('shows a viewer the steps and the objection form but no advance', async () => {
    const wrapper = mountAs('viewer');
    await flushPromises();
    await wrapper.find('[data-test=stage-7]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-test=project-stage]').text()).toBe('乡镇公示');
    expect(wrapper.find('[data-test=steps]').text()).toContain('项目申报');
    expect(wrapper.find('[data-test=advance-form]').exists()).toBe(false);
    expect(wrapper.find('[data-test=objection-form]').exists()).toBe(true);
  });

  it('shows the server\'s refusal of an early advance with its code', async () => {
    api.advanceProject.mockRejectedValue(new ApiError(409, 'E_NOTICE_OPEN', '公示期未满，最早可于2026-07-10结束公示'));
    const wrapper = mountAs('township_operator');
    await flushPromises();
    await wrapper.find('[data-test=stage-7]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-test=advance-form]').trigger('submit');
    await flushPromises();
    expect(api.advanceProject).toHaveBeenCalledWith(7, { comment: '' });
    expect(wrapper.find('[data-test=project-error]').text()).toContain('E_NOTICE_OPEN：公示期未满，最早可于2026-07-10结束公示');
  });
});
