import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';

import { ApiError } from '@/api/client';
import zhCN from '@/locales/zh-CN';
import { useSessionStore } from '@/stores/session';

import FundsView from './FundsView.vue';
import locale from './locale';

vi.mock('@/api/funds', () => ({
  listFunds: vi.fn(), addFund: vi.fn(), fundProgress: vi.fn(), listAllocations: vi.fn(), allocate: vi.fn(),
  listDisbursements: vi.fn(), disburse: vi.fn(), fundsReportXlsx: vi.fn(),
}));
vi.mock('@/api/client', async (original) => ({ ...(await original()), download: vi.fn() }));
const api = await import('@/api/funds');
const client = await import('@/api/client');

const FUND = {
  id: 3, level: '中央', level_key: 'central', kind: '中央财政专项扶贫资金', year: 2026, region: '620422000000',
  amount: '1000.00', name: '甘财农〔2026〕1号', allocated: '600.00', disbursed: '0.00', left: '400.00',
};
const progress = (ratio, meets) => ({
  region: '620422000000', year: 2026, as_of: '2026-06-30', funds: '1000.00', allocated: '600.00', disbursed: '0.00',
  ratio, allocation_ratio: '0.6000', min_spending_ratio: '0.9', meets,
});

function mountAs(role) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const session = useSessionStore();
  Object.assign(session, { token: 't', user: { username: 'u', role, region_code: '620422000000' } });
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { ...zhCN, ...locale['zh-CN'] } } });
  return mount(FundsView, { global: { plugins: [pinia, i18n], stubs: { RouterLink: { template: '<a><slot /></a>' } } } });
}

describe('the funds screen', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listFunds.mockResolvedValue([FUND]);
    api.listAllocations.mockResolvedValue([]);
    api.fundProgress.mockResolvedValue(progress('0.8999', false));
  });

  it('shows a progress under the rule as a percentage, not rounded up, and highlighted', async () => {
    const wrapper = mountAs('auditor');
    await flushPromises();
    expect(wrapper.find('[data-test=progress-ratio]').text()).toBe('89.99%');
    expect(wrapper.find('[data-test=progress-verdict]').text()).toBe('未达到支出进度要求（应不低于 90%）');
    expect(wrapper.find('[data-test=progress]').classes()).toContain('misses');
  });

  it('shows a progress that meets the rule without the highlight', async () => {
    api.fundProgress.mockResolvedValue(progress('0.9000', true));
    const wrapper = mountAs('auditor');
    await flushPromises();
    expect(wrapper.find('[data-test=progress-verdict]').text()).toBe('达到支出进度要求（不低于 90%）');
    expect(wrapper.find('[data-test=progress]').classes()).not.toContain('misses');
  });

  it('offers 登记资金 to a county office only', async () => {
    const county = mountAs('county_admin');
    await flushPromises();
    expect(county.find('[data-test=fund-form]').exists()).toBe(true);
    for (const role of ['township_operator', 'village_operator', 'auditor']) {
      const other = mountAs(role);
      await flushPromises();
      expect(other.find('[data-test=fund-form]').exists()).toBe(false);
    }
  });

  it('shows a refused fund with the API\'s code, its message and what it means', async () => {
    api.addFund.mockRejectedValue(new ApiError(400, 'E_NUMBER', '金额格式有误：1.005'));
    const wrapper = mountAs('county_admin');
    await flushPromises();
    for (const [name, value] of [['fund-kind', '统筹整合涉农资金'], ['fund-amount', '1.005'], ['fund-name', '第二批']]) {
      await wrapper.find(`input[data-test=${name}], [data-test=${name}] input`).setValue(value);
    }
    await wrapper.find('[data-test=fund-form]').trigger('submit');
    await flushPromises();
    expect(api.addFund).toHaveBeenCalledWith({ level: 'central', kind: '统筹整合涉农资金', year: expect.any(Number), region: '620422000000', amount: '1.005', name: '第二批' });
    const error = wrapper.find('[data-test=fund-error]').text();
    expect(error).toContain('E_NUMBER：金额格式有误：1.005');
    expect(error).toContain('最多两位小数');
  });

  it('allocates from a fund given by its number when none is picked (a township and a county fund)', async () => {
    api.allocate.mockResolvedValue({ id: 8 });
    const wrapper = mountAs('township_operator');
    await flushPromises();
    for (const [name, value] of [['allocate-fund', '12'], ['allocate-household', 'H2210120500001'], ['allocate-amount', '100.00']]) {
      await wrapper.find(`input[data-test=${name}], [data-test=${name}] input`).setValue(value);
    }
    await wrapper.find('[data-test=allocate-form]').trigger('submit');
    await flushPromises();
    expect(api.allocate).toHaveBeenCalledWith({ fund_id: '12', household_code: 'H2210120500001', amount: '100.00' });
    expect(wrapper.find('[data-test=allocate-error]').exists()).toBe(false);
  });

  it('allocates from the fund picked, or one given by number, and explains E_OVER_FUND when it is more than the fund has left', async () => {
    api.allocate.mockRejectedValue(new ApiError(422, 'E_OVER_FUND', '分配金额 400.01 元超过资金 3 的剩余额度 400.00 元'));
    const wrapper = mountAs('township_operator');
    await flushPromises();
    expect(wrapper.find('[data-test=allocate-fund]').exists()).toBe(true);
    await wrapper.find('[data-test=fund-3]').trigger('click');
    await flushPromises();
    expect(api.listAllocations).toHaveBeenLastCalledWith({ region: '', fund_id: 3 });
    expect(wrapper.find('[data-test=allocate-fund]').exists()).toBe(false);
    await wrapper.find('[data-test=allocate-household] input, input[data-test=allocate-household]').setValue('h2210120500001');
    await wrapper.find('[data-test=allocate-amount] input, input[data-test=allocate-amount]').setValue('400.01');
    await wrapper.find('[data-test=allocate-form]').trigger('submit');
    await flushPromises();
    expect(api.allocate).toHaveBeenCalledWith({ fund_id: 3, household_code: 'H2210120500001', amount: '400.01' });
    const error = wrapper.find('[data-test=allocate-error]').text();
    expect(error).toContain('E_OVER_FUND：分配金额 400.01 元超过资金 3 的剩余额度 400.00 元');
    expect(error).toContain('没有登记任何分配');
    expect(wrapper.find('[data-test=fund-left-3]').text()).toBe('400.00');
  });

  it('shows no allocation or payment form to a village', async () => {
    api.listAllocations.mockResolvedValue([{ id: 5, fund_id: 3, household_code: 'H1', project_id: null, region: '620422101205', amount: '600.00' }]);
    api.listDisbursements.mockResolvedValue([]);
    const wrapper = mountAs('village_operator');
    await flushPromises();
    await wrapper.find('[data-test=fund-3]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-test=allocation-5]').trigger('click');
    await flushPromises();
    expect(api.listDisbursements).toHaveBeenCalledWith({ region: '', allocation_id: 5 });
    expect(wrapper.find('[data-test=payments-panel]').exists()).toBe(true);
    expect(wrapper.find('[data-test=allocate-form]').exists()).toBe(false);
    expect(wrapper.find('[data-test=pay-form]').exists()).toBe(false);
  });

  it('pays an allocation and explains E_OVER_ALLOCATION when it is more than the allocation has left', async () => {
    api.listAllocations.mockResolvedValue([{ id: 5, fund_id: 3, household_code: 'H1', project_id: null, region: '620422101205', amount: '600.00' }]);
    api.listDisbursements.mockResolvedValue([]);
    api.disburse.mockRejectedValue(new ApiError(422, 'E_OVER_ALLOCATION', '支付金额 600.01 元超过分配 5 的未付余额 600.00 元'));
    const wrapper = mountAs('county_admin');
    await flushPromises();
    await wrapper.find('[data-test=allocation-5]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-test=pay-amount] input, input[data-test=pay-amount]').setValue('600.01');
    await wrapper.find('[data-test=pay-voucher] input, input[data-test=pay-voucher]').setValue('记-01');
    await wrapper.find('[data-test=pay-form]').trigger('submit');
    await flushPromises();
    expect(api.disburse).toHaveBeenCalledWith({ allocation_id: 5, amount: '600.01', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), voucher: '记-01' });
    const error = wrapper.find('[data-test=pay-error]').text();
    expect(error).toContain('E_OVER_ALLOCATION：支付金额 600.01 元超过分配 5 的未付余额 600.00 元');
    expect(error).toContain('没有登记任何支付');
  });

  it('downloads the funds report of the region and year picked as a workbook named in Chinese (projweb14)', async () => {
    const blob = new Blob(['PK']);
    api.fundsReportXlsx.mockResolvedValue(blob);
    const wrapper = mountAs('auditor');
    await flushPromises();
    await wrapper.find('[data-test=funds-region]').setValue('620422100000');
    await wrapper.find('[data-test=funds-export]').trigger('click');
    await flushPromises();
    const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
    expect(api.fundsReportXlsx).toHaveBeenCalledWith({ region: '620422100000', year });
    expect(client.download).toHaveBeenCalledWith(blob, `资金报表-620422100000-${year}.xlsx`);
  });

  it('shows the refusal of a report download with its code (projweb14)', async () => {
    api.fundsReportXlsx.mockRejectedValue(new ApiError(404, 'E_NOT_FOUND', '区划不存在：620499000000'));
    const wrapper = mountAs('auditor');
    await flushPromises();
    await wrapper.find('[data-test=funds-export]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-test=funds-export-error]').text()).toContain('E_NOT_FOUND：区划不存在：620499000000');
    expect(client.download).not.toHaveBeenCalled();
  });
});
