export default {
  'zh-CN': {
    helpers: {
      title: '帮扶责任人', name: '姓名', unit: '工作单位', phone: '联系电话', region: '管理区划', account: '登录账号',
      add: '新增帮扶责任人', edit: '修改', save: '保存', households: '帮扶的户', current: '当前', past: '曾帮扶',
      household: '户编号', since: '开始日期', until: '结束日期', assign: '指定帮扶户', unassign: '结束帮扶',
      confirmUnassign: '结束对 {code} 的帮扶？记录会保留。', assigned: '已指定', ended: '已结束', saved: '已保存',
      phoneHint: '手机 11 位，或区号-号码', workTeam: '驻村工作队', village: '村区划代码', show: '查看',
      members: '当前成员', formerMembers: '已离任', teamRole: '职务', started: '到任日期', endedOn: '离任日期',
      addMember: '新增成员', end: '离任', confirmEnd: '{name} 离任？', roles: { first_secretary: '第一书记', leader: '队长', member: '队员' },
      notices: '打印公示', noticeKind: '公示类别', print: '打印', kinds: { identify: '识别', exit: '脱贫退出', return: '返贫', remove: '剔除', monitor: '纳入监测', eliminate: '风险消除' },
      policyCard: '政策明白卡', noneHere: '没有帮扶的户',
    },
  },
  en: {
    helpers: {
      title: 'Helpers', name: 'Name', unit: 'Work unit', phone: 'Phone', region: 'Managed by', account: 'Account',
      add: 'Add a helper', edit: 'Edit', save: 'Save', households: 'Households helped', current: 'Current', past: 'Past',
      household: 'Household', since: 'Since', until: 'Until', assign: 'Assign a household', unassign: 'End',
      confirmUnassign: 'End the help of {code}? The record is kept.', assigned: 'Assigned', ended: 'Ended', saved: 'Saved',
      phoneHint: '11-digit mobile, or area code-number', workTeam: 'Work team', village: 'Village code', show: 'Show',
      members: 'Current members', formerMembers: 'Former members', teamRole: 'Role', started: 'Started', endedOn: 'Left',
      addMember: 'Add a member', end: 'Leaves', confirmEnd: '{name} leaves the team?', roles: { first_secretary: 'First secretary', leader: 'Leader', member: 'Member' },
      notices: 'Print a notice', noticeKind: 'Notice', print: 'Print', kinds: { identify: 'Identification', exit: 'Exit', return: 'Return to poverty', remove: 'Removal', monitor: 'Monitoring', eliminate: 'Risk eliminated' },
      policyCard: 'Policy card', noneHere: 'No households',
    },
  },
};
