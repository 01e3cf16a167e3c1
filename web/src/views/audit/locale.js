export default {
  'zh-CN': {
    audit: {
      title: '审计记录', actor: '操作人', action: '操作', target: '对象', dates: '日期', from: '开始日期', to: '结束日期',
      actionHint: '如 visit.add 或 household.', at: '时间', role: '角色', detail: '说明', region: '区划', remote: '来源地址',
      seq: '序号', verifyNote: '记录链的完整性校验请用命令行：fupin audit verify',
      actions: {
        login: '登录', 'login.failed': '登录失败', logout: '退出', 'person.read': '查看个人信息', 'household.create': '新增户',
        'household.update': '修改户', 'household.export': '导出户', 'measure.add': '记录帮扶措施', 'visit.add': '记录走访',
        'attachment.upload': '上传附件', 'attachment.read': '查看附件', 'helper.add': '新增帮扶责任人', 'helper.update': '修改帮扶责任人',
        'helper.assign': '指定帮扶', 'helper.unassign': '结束帮扶', 'helper.read': '查看帮扶责任人电话', 'team.add': '新增工作队成员',
        'team.end': '工作队成员离任', 'user.add': '添加用户', 'user.disable': '停用用户', 'user.passwd': '重置密码',
      },
    },
  },
  en: {
    audit: {
      title: 'Audit trail', actor: 'Actor', action: 'Action', target: 'Target', dates: 'Dates', from: 'From', to: 'To',
      actionHint: 'e.g. visit.add or household.', at: 'Time', role: 'Role', detail: 'Detail', region: 'Region', remote: 'From address',
      seq: 'No.', verifyNote: 'To verify the chain of records use the command line: fupin audit verify',
      actions: {
        login: 'Sign-in', 'login.failed': 'Failed sign-in', logout: 'Sign-out', 'person.read': 'Personal data read', 'household.create': 'Household added',
        'household.update': 'Household changed', 'household.export': 'Households exported', 'measure.add': 'Measure recorded', 'visit.add': 'Visit recorded',
        'attachment.upload': 'File uploaded', 'attachment.read': 'File read', 'helper.add': 'Helper added', 'helper.update': 'Helper changed',
        'helper.assign': 'Helper assigned', 'helper.unassign': 'Helper unassigned', 'helper.read': 'Helper phones read', 'team.add': 'Team member added',
        'team.end': 'Team member left', 'user.add': 'User added', 'user.disable': 'User disabled', 'user.passwd': 'Password set',
      },
    },
  },
};
