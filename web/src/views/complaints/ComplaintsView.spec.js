import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import { createMemoryHistory, createRouter } from 'vue-router';

import { ApiError } from '@/api/client';
import zhCN from '@/locales/zh-CN';
import { useSessionStore } from '@/stores/session';

import ComplaintsView from './ComplaintsView.vue';
import locale from './locale';
import routes from './routes';

vi.mock('@/api/complaints', () => ({
  listComplaints: vi.fn(), getComplaint: vi.fn(), fileComplaint: vi.fn(), answerComplaint: vi.fn(),
  confirmComplaint: vi.fn(), complaintStats: vi.fn(),
}));
vi.mock('@/api/regions', () => ({ getRegion: vi.fn(async (code) => ({ code, name: { 620422102201: '甲村' }[code] ?? code })) }));
const api = await import('@/api/complaints');

const VILLAGE = '620422102201';
const complaint = (id, more = {}) => ({
  id, due_on: '2026-07-15', state: 'open', level: 'village', region: VILLAGE, overdue: false, handled_by: VILLAGE,
  channel: 'phone', subject: '低保', text: '低保评定结果没有公示', name: '王**', phone: '138****5678', handler: false,
  household_code: null, received_on: '2026-06-30', escalated_to: null, escalated_at: null, answer: null, evidence: null,
  answered_by: null, answered_at: null, confirmed_at: null, satisfied: null, case_id: null, created_by: 'village', created_at: '2026-06-30T09:00:00+08:00',
  ...more,
});
const counts = { total: 2, answered_on_time: 0, answered_late: 0, open: 1, open_overdue: 1, escalated: 1, satisfied: 0, unsatisfied: 0 };

// The screen at `path` (/complaints, or /complaints/:id for one complaint), with its router.
let router;
function mountAs(role, path = '/complaints') {
  const pinia = createPinia();
  setActivePinia(pinia);
  Object.assign(useSessionStore(), { token: 't', user: { username: 'u', role, region_code: VILLAGE } });
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { ...zhCN, ...locale['zh-CN'] } } });
  router = createRouter({ history: createMemoryHistory(), routes: routes.map((r) => ({ ...r, path: `/${r.path}`, component: ComplaintsView })) });
  const wrapper = mount(ComplaintsView, { global: { plugins: [pinia, i18n, router], stubs: { RouterLink: { template: '<a><slot /></a>' }, EChart: true } } });
  router.push(path); // after the router's own first navigation, which installing it starts
  return wrapper;
}

describe('the 12317 complaints screen', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listComplaints.mockResolvedValue({
      total: 2,
      items: [complaint(1), complaint(2, { overdue: true, escalated_to: '620422102', level: 'township', handled_by: '620422102' })],
    });
    api.complaintStats.mockResolvedValue({ region: VILLAGE, all: counts, by_region: [{ ...counts, region: VILLAGE }], by_subject: [{ ...counts, subject: '低保' }] });
  });

  it('lists the complaints with the overdue ones highlighted and the escalated ones flagged', async () => {
    const wrapper = mountAs('auditor');
    await flushPromises();
    expect(api.listComplaints).toHaveBeenCalledWith({ region: '', state: '', overdue: undefined, page: 1, size: 50 });
    const rows = wrapper.findAll('[data-test=complaints] .el-table__body tr');
    expect(rows).toHaveLength(2);
    expect(rows[0].classes()).not.toContain('overdue');
    expect(rows[1].classes()).toContain('overdue');
    expect(rows[0].text()).toContain('甲村');
    expect(wrapper.find('[data-test=overdue-2]').text()).toBe('逾期');
    expect(wrapper.find('[data-test=escalated-2]').text()).toBe('已上交乡镇');
    expect(wrapper.find('[data-test=overdue-1]').exists()).toBe(false);
    expect(wrapper.find('[data-test=stats-regions]').text()).toContain('甲村');
  });

  it('offers 登记投诉 and 答复 to the offices only', async () => {
    api.getComplaint.mockResolvedValue(complaint(1));
    for (const [role, offered] of [['village_operator', true], ['county_admin', true], ['auditor', false], ['viewer', false]]) {
      const wrapper = mountAs(role);
      await flushPromises();
      expect(wrapper.find('[data-test=file-toggle]').exists()).toBe(offered);
      await wrapper.find('[data-test=complaint-1]').trigger('click');
      await flushPromises();
      expect(wrapper.find('[data-test=detail]').exists()).toBe(true);
      expect(wrapper.find('[data-test=answer-form]').exists()).toBe(offered);
    }
  });

  it('says the contact data is masked to one who does not handle the complaint, and whole to its handler', async () => {
    api.getComplaint.mockResolvedValue(complaint(1));
    let wrapper = mountAs('county_admin');
    await flushPromises();
    await wrapper.find('[data-test=complaint-1]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-test=detail-phone]').text()).toBe('138****5678');
    expect(wrapper.find('[data-test=detail-masked]').exists()).toBe(true);
    api.getComplaint.mockResolvedValue(complaint(1, { handler: true, name: '王小明', phone: '13812345678' }));
    wrapper = mountAs('village_operator');
    await flushPromises();
    await wrapper.find('[data-test=complaint-1]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-test=detail-phone]').text()).toBe('13812345678');
    expect(wrapper.find('[data-test=detail-name]').text()).toBe('王小明');
    expect(wrapper.find('[data-test=detail-whole]').exists()).toBe(true);
  });

  it('files a complaint transcribed from a call and opens it once the list shows it', async () => {
    api.fileComplaint.mockResolvedValue({ id: 9, due_on: '2026-07-15', state: 'open', level: 'village', region: VILLAGE, overdue: false });
    api.getComplaint.mockResolvedValue(complaint(9));
    api.listComplaints.mockResolvedValueOnce({ total: 0, items: [] }).mockResolvedValueOnce({ total: 1, items: [complaint(9)] });
    const wrapper = mountAs('village_operator');
    await flushPromises();
    await wrapper.find('[data-test=file-toggle]').trigger('click');
    for (const [name, value] of [['file-subject', '低保'], ['file-text', '没有公示'], ['file-name', '王小明'], ['file-phone', '13812345678'], ['file-household', 'h1']]) {
      await wrapper.find(`[data-test=${name}] input, [data-test=${name}] textarea, input[data-test=${name}], textarea[data-test=${name}]`).setValue(value);
    }
    await wrapper.find('[data-test=file-form]').trigger('submit');
    await flushPromises();
    expect(api.fileComplaint).toHaveBeenCalledWith({ channel: 'phone', region: VILLAGE, subject: '低保', text: '没有公示', name: '王小明', phone: '13812345678', household_code: 'H1' });
    expect(wrapper.find('[data-test=file-form]').exists()).toBe(false);
    expect(api.getComplaint).toHaveBeenCalledWith(9);
    expect(wrapper.find('[data-test=detail]').exists()).toBe(true);
  });

  it('files a complaint for a village from the township without opening what the township does not see', async () => {
    api.fileComplaint.mockResolvedValue({ id: 9, due_on: '2026-07-15', state: 'open', level: 'village', region: VILLAGE, overdue: false });
    const wrapper = mountAs('township_operator');
    await flushPromises();
    await wrapper.find('[data-test=file-toggle]').trigger('click');
    for (const [name, value] of [['file-subject', '低保'], ['file-text', '没有公示'], ['file-name', '王小明'], ['file-phone', '13812345678']]) {
      await wrapper.find(`[data-test=${name}] input, [data-test=${name}] textarea, input[data-test=${name}], textarea[data-test=${name}]`).setValue(value);
    }
    await wrapper.find('[data-test=file-form]').trigger('submit');
    await flushPromises();
    expect(api.fileComplaint).toHaveBeenCalledTimes(1);
    expect(api.getComplaint).not.toHaveBeenCalled();
    expect(wrapper.find('[data-test=detail]').exists()).toBe(false);
  });

  it('explains E_COMPLAINT_STATE when the complaint was answered meanwhile, and shows it as it is now', async () => {
    api.getComplaint.mockResolvedValueOnce(complaint(1)).mockResolvedValueOnce(complaint(1, { state: 'answered', answer: '已公示' }));
    api.answerComplaint.mockRejectedValue(new ApiError(409, 'E_COMPLAINT_STATE', '只能答复未办结的投诉（当前状态：answered）'));
    const wrapper = mountAs('village_operator');
    await flushPromises();
    await wrapper.find('[data-test=complaint-1]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-test=answer-text] textarea, textarea[data-test=answer-text]').setValue('已经补公示');
    await wrapper.find('[data-test=answer-form]').trigger('submit');
    await flushPromises();
    expect(api.answerComplaint).toHaveBeenCalledWith(1, { answer: '已经补公示', evidence: '' });
    const error = wrapper.find('[data-test=act-error]').text();
    expect(error).toContain('E_COMPLAINT_STATE：只能答复未办结的投诉（当前状态：answered）');
    expect(error).toContain('没有写入任何内容');
    expect(wrapper.find('[data-test=detail-state]').text()).toBe('已答复');
    expect(wrapper.find('[data-test=answer-form]').exists()).toBe(false);
    expect(wrapper.find('[data-test=confirm-form]').exists()).toBe(true);
  });

  it('records the complainant\'s confirmation of an answered complaint', async () => {
    api.getComplaint.mockResolvedValue(complaint(1, { state: 'answered', answer: '已公示' }));
    api.confirmComplaint.mockResolvedValue(complaint(1, { state: 'confirmed', answer: '已公示', satisfied: false, confirmed_at: '2026-07-01T10:00:00+08:00' }));
    const wrapper = mountAs('village_operator');
    await flushPromises();
    await wrapper.find('[data-test=complaint-1]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-test=confirm-unsatisfied] input').setValue(true);
    await wrapper.find('[data-test=confirm-form]').trigger('submit');
    await flushPromises();
    expect(api.confirmComplaint).toHaveBeenCalledWith(1, false);
    expect(wrapper.find('[data-test=detail-confirmation]').text()).toContain('不满意');
    expect(wrapper.find('[data-test=confirm-form]').exists()).toBe(false);
  });

  it('opens a complaint from its own address and gives the complaint opened an address', async () => {
    api.getComplaint.mockImplementation(async (id) => complaint(id));
    const wrapper = mountAs('auditor', '/complaints/2');
    await flushPromises();
    expect(api.getComplaint).toHaveBeenCalledWith(2);
    expect(wrapper.find('[data-test=detail]').text()).toContain('2');
    await wrapper.find('[data-test=complaint-1]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/complaints/1');
    expect(api.getComplaint).toHaveBeenLastCalledWith(1);
    expect(api.listComplaints).toHaveBeenCalledTimes(1);
    await wrapper.find('[data-test=detail-close]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/complaints');
    expect(wrapper.find('[data-test=detail]').exists()).toBe(false);
  });
});
