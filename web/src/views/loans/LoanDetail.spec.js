import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';

import { ApiError } from '@/api/client';
import zhCN from '@/locales/zh-CN';
import { useSessionStore } from '@/stores/session';

import LoanDetail from './LoanDetail.vue';
import locale from './locale';

vi.mock('@/api/loans', () => ({
  getLoan: vi.fn(), repayLoan: vi.fn(), renewLoan: vi.fn(), extendLoan: vi.fn(), loanSubsidy: vi.fn(), compensateLoan: vi.fn(),
}));
const api = await import('@/api/loans');

const loan = (more = {}) => ({
  id: 3, household_code: 'H6204221022010001', region: '620422102201', borrower_name: '张三', borrower_id_number: '620422197506120315',
  amount: '20000.00', term_months: 12, start_date: '2026-01-10', due_date: '2027-01-10', original_due_date: '2027-01-10',
  contract_start: '2026-01-10', bank: '农商银行', annual_rate: '0.0345', purpose: '02', purpose_label: '养殖', state: 'active',
  overdue: false, days_overdue: 0, principal_repaid: '0.00', interest_repaid: '0.00', outstanding: '20000.00', closed_on: null,
  renewal_of: null, renewed_by: null, extended_months: 0, extended_on: null, extension_reason: null, repayments: [], compensation: null,
  ...more,
});

function mountAs(role, id = 3) {
  const pinia = createPinia();
  setActivePinia(pinia);
  Object.assign(useSessionStore(), { token: 't', user: { username: 'u', role, region_code: '620422' } });
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { ...zhCN, ...locale['zh-CN'] } } });
  return mount(LoanDetail, { props: { id }, global: { plugins: [pinia, i18n], stubs: { RouterLink: { template: '<a><slot /></a>' } } } });
}
const fill = async (wrapper, values) => {
  for (const [name, value] of Object.entries(values)) await wrapper.find(`[data-test=${name}] input, input[data-test=${name}]`).setValue(value);
};

describe('a loan of the microcredit ledger', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.getLoan.mockResolvedValue(loan());
  });

  it('offers 还款, 续贷 and 展期 to the county and township offices only', async () => {
    for (const [role, offered] of [['county_admin', true], ['township_operator', true], ['village_operator', false], ['viewer', false], ['auditor', false]]) {
      const wrapper = mountAs(role);
      await flushPromises();
      expect(wrapper.find('[data-test=detail-outstanding]').text()).toBe('20000.00');
      for (const form of ['repay-form', 'renew-form', 'extend-form']) expect(wrapper.find(`[data-test=${form}]`).exists(), `${role} ${form}`).toBe(offered);
    }
  });

  it('offers nothing on a loan that has ended, and no second 展期', async () => {
    api.getLoan.mockResolvedValue(loan({ state: 'repaid', outstanding: '0.00' }));
    let wrapper = mountAs('county_admin');
    await flushPromises();
    expect(wrapper.find('[data-test=repay-form]').exists()).toBe(false);
    expect(wrapper.find('[data-test=renew-form]').exists()).toBe(false);
    api.getLoan.mockResolvedValue(loan({ extended_months: 6, due_date: '2027-07-10', extended_on: '2026-06-30', extension_reason: '冰雹' }));
    wrapper = mountAs('county_admin');
    await flushPromises();
    expect(wrapper.find('[data-test=extend-form]').exists()).toBe(false);
    expect(wrapper.find('[data-test=extended-once]').exists()).toBe(true);
    expect(wrapper.find('[data-test=detail-original-due]').text()).toContain('2027-01-10');
    expect(wrapper.find('[data-test=detail-extension]').text()).toContain('冰雹');
  });

  it('records a repayment as the API takes it and shows the loan as the API answers', async () => {
    api.repayLoan.mockResolvedValue(loan({
      principal_repaid: '5000.00', interest_repaid: '120.50', outstanding: '15000.00', repayments: [{ id: 1, date: '2026-03-31', principal: '5000.00', interest: '120.50' }],
    }));
    const wrapper = mountAs('township_operator');
    await flushPromises();
    await fill(wrapper, { 'repay-date': '2026-03-31', 'repay-principal': '5000', 'repay-interest': '120.50' });
    await wrapper.find('[data-test=repay-form]').trigger('submit');
    await flushPromises();
    expect(api.repayLoan).toHaveBeenCalledWith(3, { date: '2026-03-31', principal: '5000', interest: '120.50' });
    expect(wrapper.find('[data-test=detail-outstanding]').text()).toBe('15000.00');
    expect(wrapper.find('[data-test=repayments]').text()).toContain('2026-03-31');
    expect(wrapper.emitted('changed')).toHaveLength(1);
  });

  it('asks for a date and an amount before it sends a repayment', async () => {
    const wrapper = mountAs('county_admin');
    await flushPromises();
    await fill(wrapper, { 'repay-principal': '5000' });
    await wrapper.find('[data-test=repay-form]').trigger('submit');
    await flushPromises();
    expect(api.repayLoan).not.toHaveBeenCalled();
    expect(wrapper.find('[data-test=repay-error]').text()).toContain('请填写所有必填项');
  });

  it('renews the loan with the date and term given and opens the new loan', async () => {
    api.renewLoan.mockResolvedValue(loan({ id: 4, renewal_of: 3, start_date: '2026-06-30' }));
    const wrapper = mountAs('county_admin');
    await flushPromises();
    await fill(wrapper, { 'renew-date': '2026-06-30', 'renew-term': '6' });
    await wrapper.find('[data-test=renew-form]').trigger('submit');
    await flushPromises();
    expect(api.renewLoan).toHaveBeenCalledWith(3, { date: '2026-06-30', term_months: 6 });
    expect(wrapper.emitted('open')).toEqual([[4]]);
  });

  it('shows a refused 展期 with its code, the API\'s message, the failing criterion and what it means', async () => {
    api.extendLoan.mockRejectedValue(new ApiError(422, 'E_CONDITIONS', '不符合扶贫小额信贷条件',
      [{ criterion: 'extension_months', message: '展期 13 个月不在 1 至 12 个月之间' }]));
    const wrapper = mountAs('county_admin');
    await flushPromises();
    await fill(wrapper, { 'extend-months': '13', 'extend-reason': '冰雹灾害' });
    await wrapper.find('[data-test=extend-form]').trigger('submit');
    await flushPromises();
    expect(api.extendLoan).toHaveBeenCalledWith(3, { months: 13, reason: '冰雹灾害' });
    const error = wrapper.find('[data-test=extend-error]').text();
    expect(error).toContain('E_CONDITIONS：不符合扶贫小额信贷条件');
    expect(error).toContain('没有写入任何内容');
    expect(wrapper.find('[data-test=criterion-extension_months]').text()).toBe('展期 13 个月不在 1 至 12 个月之间');
    expect(wrapper.emitted('changed')).toBeUndefined();
  });

  it('explains E_OVERDUE_DAYS when a loan is compensated too early', async () => {
    api.getLoan.mockResolvedValue(loan({ state: 'overdue', overdue: true, days_overdue: 60 }));
    api.compensateLoan.mockRejectedValue(new ApiError(422, 'E_OVERDUE_DAYS', '贷款 3 逾期 60 天，满 90 天方可由风险补偿金代偿'));
    const wrapper = mountAs('county_admin');
    await flushPromises();
    await wrapper.find('[data-test=loan-compensate]').trigger('click');
    await flushPromises();
    const error = wrapper.find('[data-test=loan-panel-error]').text();
    expect(error).toContain('E_OVERDUE_DAYS：贷款 3 逾期 60 天');
    expect(error).toContain('风险补偿金还不能代偿');
  });
});
