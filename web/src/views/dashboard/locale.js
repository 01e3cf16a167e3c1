// The messages of the dashboard's panels (panels.js); the dashboard's own are in
// src/locales under `dashboard`.
export default {
  'zh-CN': {
    panels: {
      funds: '资金支出进度', fundsOf: '{year} 年', total: '资金总额', disbursed: '已支出', ratio: '支出进度',
      meets: '达到要求（不低于 {min}）', misses: '未达到要求（应不低于 {min}）', noFunds: '本年度没有登记资金', open: '查看资金',
      complaints: '12317 投诉办理', onTime: '按期答复', late: '逾期答复', openOverdue: '逾期未答复', pending: '未到期',
      all: '共 {n} 件', openComplaints: '查看投诉',
      projects: '扶贫项目进展', projectsAll: '共 {n} 个', openProjects: '查看项目库',
    },
  },
  en: {
    panels: {
      funds: 'Spending progress', fundsOf: '{year}', total: 'Funds', disbursed: 'Disbursed', ratio: 'Spent',
      meets: 'meets the rule (at least {min})', misses: 'does not meet the rule (at least {min})', noFunds: 'No funds recorded this year', open: 'Open the funds',
      complaints: '12317 complaints', onTime: 'Answered on time', late: 'Answered late', openOverdue: 'Open, overdue', pending: 'Open',
      all: '{n} in all', openComplaints: 'Open the complaints',
      projects: 'Projects by stage', projectsAll: '{n} in all', openProjects: 'Open the project library',
    },
  },
};
