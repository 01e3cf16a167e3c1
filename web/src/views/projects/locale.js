// The messages of the project library (扶贫项目库).
export default {
  'zh-CN': {
    projects: {
      title: '扶贫项目库', region: '区划代码（默认本辖区）', stage: '阶段', allStages: '全部阶段', id: '编号',
      name: '项目名称', category: '类别', place: '地点', year: '年度', budget: '预算（元）', notice: '公示至',
      allocated: '已分配', disbursed: '已支付', unit: '责任单位', tasks: '建设任务', linkage: '带贫减贫机制',
      targets: '绩效目标', steps: '办理记录', step: '步骤', action: '办理', by: '办理人', date: '日期', comment: '意见',
      pick: '点一行查看项目详情和办理记录', comment_ph: '意见（可不填）', result_ph: '验收结论（验收时必填）',
      advance: '办理本步', advanced: '已办理，项目现处于“{stage}”', objection: '提出异议', objection_ph: '异议内容',
      objected: '已记录异议，项目退回“{stage}”', refused: '{code}：{message}', inLibrary: '已入库',
      actions: { advance: '推进', objection: '异议', return: '退回', reject: '不予通过' },
      stages: {
        propose: '项目申报', village_notice: '村内公示', review: '乡镇审核', township_notice: '乡镇公示',
        approve: '县级审批入库', plan: '纳入年度计划', start_notice: '实施前公示', implement: '项目实施',
        accept: '竣工验收', completion_notice: '完工后公示', assets: '资产登记', done: '已完成', rejected: '不予通过',
      },
    },
  },
  en: {
    projects: {
      title: 'Project library', region: 'Region code (default: yours)', stage: 'Stage', allStages: 'All stages', id: 'No.',
      name: 'Project', category: 'Category', place: 'Place', year: 'Year', budget: 'Budget (yuan)', notice: 'Notice until',
      allocated: 'Allocated', disbursed: 'Disbursed', unit: 'Responsible unit', tasks: 'Tasks', linkage: 'Poverty linkage',
      targets: 'Performance targets', steps: 'Steps', step: 'Step', action: 'Action', by: 'By', date: 'Date', comment: 'Comment',
      pick: 'Click a row to see the project and its steps', comment_ph: 'Comment (optional)', result_ph: 'Result (at acceptance)',
      advance: 'Complete this stage', advanced: 'Done; the project is now at “{stage}”', objection: 'Raise an objection', objection_ph: 'The objection',
      objected: 'Objection recorded; the project is back at “{stage}”', refused: '{code}: {message}', inLibrary: 'In the library',
      actions: { advance: 'advance', objection: 'objection', return: 'return', reject: 'reject' },
      stages: {
        propose: 'Proposal', village_notice: 'Village notice', review: 'Township review', township_notice: 'Township notice',
        approve: 'County approval', plan: 'Annual plan', start_notice: 'Notice before work', implement: 'Implementation',
        accept: 'Acceptance', completion_notice: 'Notice after completion', assets: 'Assets', done: 'Done', rejected: 'Rejected',
      },
    },
  },
};
