import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';

import zhCN from '@/locales/zh-CN';

import ComplaintsPanel from './ComplaintsPanel.vue';
import FundsProgressPanel from './FundsProgressPanel.vue';
import ProjectsPanel from './ProjectsPanel.vue';
import projectsLocale from '../projects/locale';
import locale from './locale';
import { PANELS } from './panels';

vi.mock('@/api/funds', () => ({ fundProgress: vi.fn() }));
vi.mock('@/api/complaints', () => ({ complaintStats: vi.fn() }));
vi.mock('../projects/api', () => ({ projectStats: vi.fn() }));
const funds = await import('@/api/funds');
const complaints = await import('@/api/complaints');
const projects = await import('../projects/api');

const progress = (ratio, meets) => ({
  region: '620422000000', year: 2026, as_of: '2026-06-30', funds: '1000.00', allocated: '950.00', disbursed: '899.90',
  ratio, allocation_ratio: '0.9500', min_spending_ratio: '0.9', meets,
});
const mountPanel = (component, props) => mount(component, {
  props,
  global: {
    plugins: [createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { ...zhCN, ...locale['zh-CN'], ...projectsLocale['zh-CN'] } } })],
    stubs: { RouterLink: { template: '<a><slot /></a>' } },
  },
});

describe('the dashboard\'s panels', () => {
  beforeEach(() => vi.resetAllMocks());

  it('show the spending progress of the region and year as a percentage, in red under the rule', async () => {
    funds.fundProgress.mockResolvedValue(progress('0.8999', false));
    const panel = mountPanel(FundsProgressPanel, { region: '620422', year: 2026 });
    await flushPromises();
    expect(funds.fundProgress).toHaveBeenCalledWith({ region: '620422', year: 2026 });
    expect(panel.find('[data-test=panel-funds-ratio]').text()).toBe('89.99%');
    expect(panel.find('[data-test=panel-funds-verdict]').text()).toBe('未达到要求（应不低于 90%）');
    expect(panel.classes()).toContain('misses');
  });

  it('show a progress that meets the rule without the red', async () => {
    funds.fundProgress.mockResolvedValue(progress('0.9000', true));
    const panel = mountPanel(FundsProgressPanel, { region: '620422', year: 2026 });
    await flushPromises();
    expect(panel.find('[data-test=panel-funds-verdict]').text()).toBe('达到要求（不低于 90%）');
    expect(panel.classes()).not.toContain('misses');
  });

  it('show the complaints by timeliness, the open overdue ones as an alarm', async () => {
    complaints.complaintStats.mockResolvedValue({
      region: '620422', by_region: [], by_subject: [],
      all: { total: 7, answered_on_time: 3, answered_late: 1, open: 2, open_overdue: 1, escalated: 1, satisfied: 2, unsatisfied: 1 },
    });
    const panel = mountPanel(ComplaintsPanel, { region: '620422', year: 2026 });
    await flushPromises();
    expect(complaints.complaintStats).toHaveBeenCalledWith({ region: '620422' });
    const count = (key) => panel.find(`[data-test=panel-complaints-${key}]`).text();
    expect([count('answered_on_time'), count('answered_late'), count('open_overdue'), count('open')]).toEqual(['3', '1', '1', '2']);
    expect(panel.find('[data-test=panel-complaints-open_overdue]').element.parentElement.classList).toContain('alarm');
    expect(panel.text()).toContain('共 7 件');
  });

  it('ask the complaints of the nation without a region (the API refuses 000000000000)', async () => {
    complaints.complaintStats.mockResolvedValue({ region: '0', by_region: [], by_subject: [], all: { total: 0, answered_on_time: 0, answered_late: 0, open: 0, open_overdue: 0 } });
    mountPanel(ComplaintsPanel, { region: '000000000000', year: 2026 });
    await flushPromises();
    expect(complaints.complaintStats).toHaveBeenCalledWith({ region: undefined });
  });

  it('are shown to the roles that may read what they show', () => {
    expect(PANELS.map((p) => [p.name, p.perm])).toEqual([['funds', 'read'], ['complaints', 'read_complaints'], ['projects', 'read']]);
  });

  it('show the projects of the region and year by stage, from one request', async () => {
    const STAGES = ['propose', 'village_notice', 'review', 'township_notice', 'approve', 'plan',
      'start_notice', 'implement', 'accept', 'completion_notice', 'assets', 'done', 'rejected'];
    const totals = { village_notice: 2, implement: 1, done: 4, rejected: 5 };
    projects.projectStats.mockResolvedValue({
      region: '620422000000', year: 2026, total: 12, by_category: [],
      by_stage: STAGES.map((stage) => ({ stage, label: stage, count: totals[stage] ?? 0 })),
    });
    const panel = mountPanel(ProjectsPanel, { region: '620422', year: 2026 });
    await flushPromises();
    expect(projects.projectStats).toHaveBeenCalledTimes(1);
    expect(projects.projectStats).toHaveBeenCalledWith({ region: '620422', year: 2026 });
    const count = (stage) => panel.find(`[data-test=panel-projects-${stage}]`).text();
    expect([count('village_notice'), count('implement'), count('done'), count('propose')]).toEqual(['2', '1', '4', '0']);
    expect(panel.find('[data-test=panel-projects-rejected]').exists()).toBe(false);
    expect(panel.findAll('.stage')).toHaveLength(12);
    expect(panel.text()).toContain('村内公示');
    expect(panel.text()).toContain('共 7 个');
    expect(panel.find('[data-test=panel-projects-village_notice]').element.parentElement.classList).toContain('notice');
  });

  it('ask the projects of every year when the year is not set', async () => {
    projects.projectStats.mockResolvedValue({ region: '620422000000', year: null, total: 0, by_stage: [], by_category: [] });
    mountPanel(ProjectsPanel, { region: '620422' });
    await flushPromises();
    expect(projects.projectStats).toHaveBeenCalledWith({ region: '620422' });
  });
});
