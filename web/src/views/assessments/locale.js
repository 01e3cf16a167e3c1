// The messages of the assessments area (评估).
export default {
  'zh-CN': {
    assessments: {
      title: '评估', exit: '贫困户退出', monitor: '监测对象', villages: '贫困村退出', counties: '贫困县摘帽',
      year: '年度', region: '区划代码', run: '评估', export: '导出 Excel', onlyMeets: '仅显示达标户',
      household: '户编号', village: '村', income: '人均纯收入', meets: '是否达标', failed: '未达标项',
      yes: '达标', no: '未达标', unknown: '无法评估', type: '建议监测类型', rules: '触发规则', riskTypes: '风险类型',
      name: '名称', code: '区划代码', poorPersons: '贫困人口', rural: '农业户籍人口', incidence: '贫困发生率',
      assessment: '第三方评估', selected: '已选 {n} 户', openExit: '发起脱贫退出', openMonitor: '发起纳入监测',
      earlier: '使用了较早年份的标准', total: '共 {n} 条',
      criteria: {
        income: '收入', food: '不愁吃', clothing: '不愁穿', education: '义务教育', medical: '基本医疗', housing: '住房安全',
        water: '饮水安全', incidence: '贫困发生率', wrong_exit_rate: '错退率', missed_rate: '漏评率', satisfaction: '群众认可度',
      },
    },
  },
  en: {
    assessments: {
      title: 'Assessments', exit: 'Household exit', monitor: 'Monitoring candidates', villages: 'Village exit', counties: 'County exit',
      year: 'Year', region: 'Region code', run: 'Assess', export: 'Export to Excel', onlyMeets: 'Only households that meet it',
      household: 'Household', village: 'Village', income: 'Per-capita income', meets: 'Meets', failed: 'Failed',
      yes: 'Meets', no: 'Does not meet', unknown: 'Cannot assess', type: 'Suggested type', rules: 'Rules', riskTypes: 'Risk types',
      name: 'Name', code: 'Region code', poorPersons: 'Poor persons', rural: 'Rural population', incidence: 'Incidence',
      assessment: 'Third-party assessment', selected: '{n} selected', openExit: 'Open exit cases', openMonitor: 'Open monitoring cases',
      earlier: 'A line of an earlier year was used', total: '{n} in all',
      criteria: {
        income: 'Income', food: 'Food', clothing: 'Clothing', education: 'Schooling', medical: 'Medical care', housing: 'Safe housing',
        water: 'Safe water', incidence: 'Incidence', wrong_exit_rate: 'Wrong exits', missed_rate: 'Missed', satisfaction: 'Satisfaction',
      },
    },
  },
};
