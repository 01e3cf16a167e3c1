export default {
  app: { title: '扶贫信息系统', short: '扶贫' },
  roles: {
    admin: '系统管理员', county_admin: '县级管理员', township_operator: '乡镇经办', village_operator: '村级经办',
    helper: '帮扶责任人', department: '部门数据员', auditor: '审计员', viewer: '查看',
  },
  menu: {
    dashboard: '首页', register: '建档立卡户', imports: '导入', assessments: '评估', crosscheck: '比对核查',
    procedures: '办件', worklist: '我的待办', cases: '办件查询', helpers: '帮扶责任人', mine: '我帮扶的户',
    audit: '审计记录', users: '用户管理', funds: '扶贫资金',
    complaints: '12317 投诉举报', // issue 14, web14
    projects: '扶贫项目库', // project library (issue 14)
    loans: '扶贫小额信贷', // microcredit
  },
  common: {
    search: '查询', reset: '重置', loading: '加载中…', empty: '暂无数据', retry: '重试', save: '保存', cancel: '取消',
    confirm: '确定', back: '返回', export: '导出 Excel', total: '共 {n} 条', yes: '是', no: '否', actions: '操作',
    region: '区划', year: '年度', signOut: '退出登录', language: 'English', details: '详情', print: '打印', nation: '全国',
  },
  login: {
    title: '登录', username: '用户名', password: '密码', submit: '登录', required: '请输入用户名和密码',
    expired: '登录已过期或已在别处退出，请重新登录', signedOut: '已退出登录',
  },
  dashboard: {
    households: '户数', persons: '人数', registered: '建档立卡户', poor: '未脱贫', exited: '已脱贫', returned: '返贫',
    monitored: '监测户', poorPersons: '贫困人口', incidence: '贫困发生率', threshold: '退出标准 {max}',
    meets: '达到退出标准', notMeets: '未达到退出标准', unknown: '缺少农业户籍人口，无法计算',
    causes: '主要致贫原因', statuses: '贫困状态', monitorTypes: '监测对象类型', byChild: '下级区划贫困发生率',
    children: '下级区划', worklist: '我的待办', waiting: '待我办理', closable: '可结束公示', overdue: '逾期纳入监测',
    withoutMeasure: '30 天无帮扶措施', withoutHelper: '无帮扶责任人', drill: '查看下级', up: '返回上级',
  },
};
