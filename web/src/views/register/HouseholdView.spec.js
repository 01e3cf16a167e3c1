import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';

import zhCN from '@/locales/zh-CN';
import { useSessionStore } from '@/stores/session';

import HouseholdView from './HouseholdView.vue';
import locale from './locale';

vi.mock('vue-router', () => ({ useRoute: () => ({ params: { code: 'H1' } }), useRouter: () => ({ push: vi.fn() }) }));
vi.mock('@/api/households', () => ({
  getHousehold: vi.fn(), getCriteria: vi.fn(), getHouseholdHelpers: vi.fn(), getPolicyCard: vi.fn(), getTimeline: vi.fn(),
}));
vi.mock('@/api/regions', () => ({ getRegion: vi.fn(async (code) => ({ code, name: '甲村' })) }));
const api = await import('@/api/households');

const VILLAGE = '620422102201';
const household = (more = {}) => ({
  household_code: 'H1', village_code: VILLAGE, village_group: '3组', household_kind: 1, poverty_status: 0,
  registered_year: 2016, exit_year: null, attribute: 1, main_cause: 1, other_causes: [], size: 1,
  net_income: '4500.00', per_capita_income: '4500.00', phone: null, monitor_type: 0, monitor_status: 0, version: 1,
  members: [{ name: '张三', id_type: 1, id_number: '620422********0019', relation: '01', sex: 1, birth_date: '1980-01-01',
    school_status: '00', health: [1], labor: 1, resident_medical_insurance: true }],
  history: [],
  ...more,
});

function mountView() {
  const pinia = createPinia();
  setActivePinia(pinia);
  Object.assign(useSessionStore(), { token: 't', user: { username: 'u', role: 'county_admin', region_code: '620422' } });
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { ...zhCN, ...locale['zh-CN'] } } });
  return mount(HouseholdView, { global: { plugins: [pinia, i18n], stubs: { RouterLink: { template: '<a><slot /></a>' } } } });
}

describe('the household detail', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.getTimeline.mockResolvedValue([]);
    api.getHouseholdHelpers.mockResolvedValue([]);
    api.getCriteria.mockResolvedValue(null);
  });

  it('shows the village group (村民小组) under the village', async () => {
    api.getHousehold.mockResolvedValue(household());
    const wrapper = mountView();
    await flushPromises();
    expect(api.getHousehold).toHaveBeenCalledWith('H1');
    expect(wrapper.find('[data-test=household-group]').text()).toBe('3组');
    expect(wrapper.text()).toContain('村民小组');
  });

  it('shows — for a household without a village group', async () => {
    api.getHousehold.mockResolvedValue(household({ village_group: null }));
    const wrapper = mountView();
    await flushPromises();
    expect(wrapper.find('[data-test=household-group]').text()).toBe('—');
  });
});
