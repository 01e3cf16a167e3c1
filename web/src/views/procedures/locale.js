// The messages of the procedures area (办件): worklist, case list, case page, opening.
export default {
  'zh-CN': {
    procedures: {
      kinds: { identify: '识别纳入', exit: '脱贫退出', return: '返贫', remove: '剔除', monitor: '纳入监测', eliminate: '风险消除' },
      steps: {
        apply: '申请', propose: '提出', verify: '入户核实', verifyExit: '村两委和驻村工作队核实', review: '民主评议',
        consent: '户认可', notice: '村内公示', check: '乡审核', second_notice: '乡镇审核后公示', approve: '县审定',
        approveIdentify: '县审批',
      },
      states: { open: '办理中', done: '已办结', rejected: '不予通过' },
      actions: { advance: '办理', objection: '异议', return: '退回', reject: '不予通过' },
      levels: { V: '村级', T: '乡镇', C: '县级', admin: '管理员' },
      reasons: {
        '01': '财政供养人员', '02': '购置车辆', '03': '城镇购房', '04': '工商注册', '05': '空挂户',
        '06': '拆户分户', '07': '整户死亡', '99': '其他',
      },
      monitorTypes: { 1: '脱贫不稳定户', 2: '边缘易致贫户', 3: '突发严重困难户' },
      riskTypes: {
        '01': '因病', '02': '因学', '03': '因残', '04': '因自然灾害', '05': '因意外事故', '06': '因产业项目失败',
        '07': '因务工就业不稳', '08': '缺劳动力', '09': '住房安全问题', '10': '饮水安全问题', '99': '其他',
      },
      causes: {
        '01': '因病', '02': '因残', '03': '因学', '04': '因灾', '05': '缺土地', '06': '缺水', '07': '缺技术',
        '08': '缺劳动力', '09': '缺资金', '10': '交通条件落后', '11': '自身发展动力不足', '12': '因婚', '99': '其他',
      },
      sources: { assessment: '监测评估', finding: '比对核查发现', application: '农户自主申报', hotline: '12317 热线' },
      worklist: {
        title: '我的待办', waiting: '待我办理', closable: '可结束公示', overdue: '逾期未审定的监测办件',
        withoutMeasure: '30 天无帮扶措施的监测户', withoutHelper: '无帮扶责任人的户', more: '还有 {n} 条',
        monitorSince: '纳入监测', latestMeasure: '最近措施', none: '无',
      },
      list: {
        title: '办件查询', kind: '类型', state: '状态', region: '区划代码', household: '户编号', overdue: '仅逾期',
        waiting: '仅待我办理', all: '全部',
      },
      field: {
        id: '办件号', stepName: '环节', kind: '类型', household: '户编号', village: '村', year: '年度', state: '状态', step: '当前环节',
        level: '办理层级', openedBy: '提出人', openedAt: '提出时间', closedAt: '办结时间', params: '办件参数',
        overdue: '逾期', due: '应审定日期', by: '经办人', role: '角色', at: '时间', comment: '意见', action: '动作',
        attachments: '附件', to: '退回至', reason: '理由', cause: '致贫原因', finding: '核查发现编号', type: '监测类型',
        riskTypes: '风险类型', source: '线索来源', clueDate: '发现风险日期', laborOverride: '劳动能力条件的书面说明',
        fileName: '文件名', mediaType: '类型', size: '大小', sha256: 'SHA-256',
      },
      notice: '公示', noticeDates: '公示期 {start} 起，{closes} 起可结束', noticeLeft: '还有 {n} 天可结束公示',
      noticeDue: '公示期已满，可结束公示', closesOnLine: '公示期未满，{date} 起方可结束公示',
      openCaseLine: '该户已有办理中的办件：{id} 号', overdueTag: '逾期',
      act: {
        title: '办理', mine: '当前环节由{level}办理', notMine: '当前环节由{level}办理，您无需操作',
        comment: '办理意见', files: '附件（JPEG、PNG 或 PDF）', pick: '选择文件', advance: '提交办理',
        object: '提出异议', objectText: '异议内容', return: '退回', returnTo: '退回至环节', reject: '不予通过',
        reason: '理由', required: '请填写理由', advanced: '已办理', objected: '已记录异议，办件退回入户核实',
        returned: '已退回', rejected: '已不予通过', uploading: '正在上传附件…', closed: '办件已结束',
      },
      open: {
        title: '发起办件', households: '户', kind: '办件类型', submit: '发起', comment: '说明', succeeded: '已发起 {n} 件',
        refused: '未能发起 {n} 件', result: '发起结果', ok: '已发起：{id} 号办件', close: '关闭',
      },
      download: '下载', stepsTitle: '办理经过', back: '返回列表', noSteps: '尚无办理记录',
    },
  },
  en: {
    procedures: {
      kinds: { identify: 'Identification', exit: 'Exit', return: 'Return to poverty', remove: 'Removal', monitor: 'Monitoring', eliminate: 'Risk elimination' },
      steps: {
        apply: 'Application', propose: 'Proposal', verify: 'Home visit', verifyExit: 'Verification by the village and work team',
        review: 'Democratic review', consent: 'Household consent', notice: 'Village notice', check: 'Township check',
        second_notice: 'Notice after the township check', approve: 'County decision', approveIdentify: 'County approval',
      },
      states: { open: 'Open', done: 'Done', rejected: 'Rejected' },
      actions: { advance: 'Advance', objection: 'Objection', return: 'Return', reject: 'Reject' },
      levels: { V: 'the village', T: 'the township', C: 'the county', admin: 'an administrator' },
      reasons: {
        '01': 'Paid from public funds', '02': 'Bought a vehicle', '03': 'Bought housing in town', '04': 'Registered a business',
        '05': 'Registered but absent', '06': 'Household split', '07': 'Whole household deceased', '99': 'Other',
      },
      monitorTypes: { 1: 'Unstable after exit', 2: 'On the edge of poverty', 3: 'Sudden severe hardship' },
      riskTypes: {
        '01': 'Illness', '02': 'Schooling', '03': 'Disability', '04': 'Natural disaster', '05': 'Accident',
        '06': 'Failed business project', '07': 'Unstable work', '08': 'Lack of labour', '09': 'Unsafe housing',
        '10': 'Unsafe water', '99': 'Other',
      },
      causes: {
        '01': 'Illness', '02': 'Disability', '03': 'Schooling', '04': 'Disaster', '05': 'Lack of land', '06': 'Lack of water',
        '07': 'Lack of skills', '08': 'Lack of labour', '09': 'Lack of funds', '10': 'Poor transport',
        '11': 'Lack of motivation', '12': 'Marriage', '99': 'Other',
      },
      sources: { assessment: 'Monitoring assessment', finding: 'Cross-check finding', application: 'Own application', hotline: '12317 hotline' },
      worklist: {
        title: 'My worklist', waiting: 'Waiting for me', closable: 'Notices that may be closed', overdue: 'Overdue monitoring cases',
        withoutMeasure: 'Monitored households without a measure in 30 days', withoutHelper: 'Households without a helper',
        more: '{n} more', monitorSince: 'Monitored since', latestMeasure: 'Latest measure', none: 'none',
      },
      list: {
        title: 'Cases', kind: 'Kind', state: 'State', region: 'Region code', household: 'Household', overdue: 'Overdue only',
        waiting: 'Waiting for me only', all: 'All',
      },
      field: {
        id: 'Case', stepName: 'Step', kind: 'Kind', household: 'Household', village: 'Village', year: 'Year', state: 'State', step: 'Current step',
        level: 'Level', openedBy: 'Opened by', openedAt: 'Opened at', closedAt: 'Closed at', params: 'Parameters',
        overdue: 'Overdue', due: 'Due on', by: 'By', role: 'Role', at: 'Time', comment: 'Comment', action: 'Action',
        attachments: 'Attachments', to: 'Back to', reason: 'Reason', cause: 'Cause', finding: 'Finding', type: 'Monitoring type',
        riskTypes: 'Risk types', source: 'Source', clueDate: 'Risk first known on', laborOverride: 'Written reason for the labour condition',
        fileName: 'File', mediaType: 'Type', size: 'Size', sha256: 'SHA-256',
      },
      notice: 'Notice', noticeDates: 'Notice from {start}; may close from {closes}', noticeLeft: '{n} days before the notice may close',
      noticeDue: 'The notice period is over; the notice may be closed', closesOnLine: 'The notice may be closed from {date}',
      openCaseLine: 'The household already has open case {id}', overdueTag: 'Overdue',
      act: {
        title: 'Act', mine: 'The current step is for {level}', notMine: 'The current step is for {level}; nothing for you to do',
        comment: 'Comment', files: 'Attachments (JPEG, PNG or PDF)', pick: 'Choose files', advance: 'Advance',
        object: 'Raise an objection', objectText: 'Objection', return: 'Return', returnTo: 'Back to step', reject: 'Reject',
        reason: 'Reason', required: 'Please give a reason', advanced: 'Advanced', objected: 'Objection recorded; the case is back at the home visit',
        returned: 'Returned', rejected: 'Rejected', uploading: 'Uploading attachments…', closed: 'The case is closed',
      },
      open: {
        title: 'Open a case', households: 'Households', kind: 'Kind', submit: 'Open', comment: 'Comment', succeeded: '{n} opened',
        refused: '{n} refused', result: 'Result', ok: 'Opened case {id}', close: 'Close',
      },
      download: 'Download', stepsTitle: 'Steps', back: 'Back to the list', noSteps: 'No steps yet',
    },
  },
};
