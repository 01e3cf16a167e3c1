// The messages of the cross-check area (比对核查).
export default {
  'zh-CN': {
    crosscheck: {
      title: '比对核查', upload: '上传部门名单', kind: '名单类型', asOf: '截止日期', region: '覆盖区划（可选）',
      file: '名单文件（CSV 或 XLSX）', submit: '上传并比对', uploaded: '已比对：{rows} 行，匹配 {matched} 人，新发现 {findings} 条，已有 {known} 条，错误 {errors} 行',
      lists: '已上传的名单', counts: '按规则和村统计', findings: '核查发现', export: '导出 Excel',
      rule: '规则', village: '村', status: '状态', open: '待核实', confirmed: '已确认', dismissed: '已驳回',
      household: '户编号', idNumber: '证件号码', name: '姓名', detail: '说明', reason: '理由', decidedBy: '处理人',
      confirm: '确认', dismiss: '驳回', dismissReason: '驳回理由', reasonRequired: '请填写驳回理由',
      confirmedOk: '已确认', dismissedOk: '已驳回', openRemove: '发起剔除', openMonitor: '纳入监测',
      uploadedBy: '上传人', uploadedAt: '上传时间', fileName: '文件', rows: '行数', matched: '匹配', errors: '错误',
      known: '已有', newFindings: '发现', all: '全部', pickFile: '请选择名单文件', filterVillage: '村代码',
      kinds: {
        deaths: '死亡名单', public_employees: '财政供养人员', vehicles: '车辆', businesses: '工商注册', housing: '房产',
        dibao: '低保特困', students: '学籍', medical_insurance: '医保', disability: '残疾人', quality: '数据质量',
      },
      rules: {
        deceased_member: '成员已死亡', public_employee: '财政供养人员', vehicle: '购置车辆', business: '工商注册',
        commercial_housing: '城镇商品房', dibao_not_recorded: '低保未登记', dibao_recorded_not_on_roll: '登记低保但不在册',
        dropout: '辍学', school_roll_missing: '无学籍', not_insured: '未参保', medical_alert: '医疗自付偏高',
        disability_not_recorded: '残疾未登记', name_mismatch: '姓名不符', cause_mismatch: '致贫原因不符',
        income_outlier: '收入异常', no_helper: '无帮扶责任人', duplicate_person: '疑似重复人员',
      },
    },
  },
  en: {
    crosscheck: {
      title: 'Cross-check', upload: 'Upload a department list', kind: 'List kind', asOf: 'As of', region: 'Region covered (optional)',
      file: 'List file (CSV or XLSX)', submit: 'Upload and compare', uploaded: 'Compared: {rows} rows, {matched} matched, {findings} new findings, {known} known, {errors} errors',
      lists: 'Lists uploaded', counts: 'By rule and village', findings: 'Findings', export: 'Export to Excel',
      rule: 'Rule', village: 'Village', status: 'Status', open: 'Open', confirmed: 'Confirmed', dismissed: 'Dismissed',
      household: 'Household', idNumber: 'ID number', name: 'Name', detail: 'Detail', reason: 'Reason', decidedBy: 'Decided by',
      confirm: 'Confirm', dismiss: 'Dismiss', dismissReason: 'Reason for dismissal', reasonRequired: 'Please give the reason',
      confirmedOk: 'Confirmed', dismissedOk: 'Dismissed', openRemove: 'Open a removal', openMonitor: 'Take into monitoring',
      uploadedBy: 'Uploaded by', uploadedAt: 'Uploaded at', fileName: 'File', rows: 'Rows', matched: 'Matched', errors: 'Errors',
      known: 'Known', newFindings: 'Findings', all: 'All', pickFile: 'Please choose the list file', filterVillage: 'Village code',
      kinds: {
        deaths: 'Deaths', public_employees: 'Public employees', vehicles: 'Vehicles', businesses: 'Businesses', housing: 'Housing',
        dibao: 'Dibao', students: 'Students', medical_insurance: 'Medical insurance', disability: 'Disability', quality: 'Quality',
      },
      rules: {
        deceased_member: 'Deceased member', public_employee: 'Public employee', vehicle: 'Vehicle', business: 'Business',
        commercial_housing: 'Commercial housing', dibao_not_recorded: 'Dibao not recorded', dibao_recorded_not_on_roll: 'Dibao recorded, not on the roll',
        dropout: 'Dropout', school_roll_missing: 'No school roll', not_insured: 'Not insured', medical_alert: 'High medical costs',
        disability_not_recorded: 'Disability not recorded', name_mismatch: 'Name differs', cause_mismatch: 'Cause mismatch',
        income_outlier: 'Income outlier', no_helper: 'No helper', duplicate_person: 'Possible duplicate',
      },
    },
  },
};
