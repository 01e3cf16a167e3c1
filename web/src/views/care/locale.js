export default {
  'zh-CN': {
    care: {
      title: '我帮扶的户', search: '户编号', members: '{n} 人', monitored: '监测中', open: '进入',
      household: '户', householder: '户主', village: '村', status: '贫困状态', phone: '电话',
      recordVisit: '记录走访', recordMeasure: '记录帮扶措施', policyCard: '政策明白卡',
      visits: '最近走访', measures: '帮扶措施', noVisits: '还没有走访记录', noMeasures: '还没有帮扶措施',
      date: '日期', findings: '走访情况', findingsHint: '家中情况、收入、困难、下一步打算…',
      photo: '照片', takePhoto: '拍照或选择照片', photoHint: 'JPEG、PNG 或 PDF，最多 10 MB，最多 9 个',
      uploading: '正在上传 {name}', uploaded: '已上传', removePhoto: '移除',
      category: '类别', amount: '金额（元）', amountHint: '没有金额可不填', description: '内容',
      submit: '保存', saved: '已保存', visitor: '走访人', recordedBy: '录入人', files: '{n} 个附件',
      development: '开发式', back: '返回我帮扶的户', findingsRequired: '请填写走访情况', categoryRequired: '请选择类别',
      dateRequired: '请选择日期',
      statuses: { 0: '未脱贫', 1: '已脱贫', 3: '返贫', 9: '已剔除' },
    },
  },
  en: {
    care: {
      title: 'My households', search: 'Household code', members: '{n} persons', monitored: 'Monitored', open: 'Open',
      household: 'Household', householder: 'Householder', village: 'Village', status: 'Poverty status', phone: 'Phone',
      recordVisit: 'Record a visit', recordMeasure: 'Record a measure', policyCard: 'Policy card',
      visits: 'Recent visits', measures: 'Assistance measures', noVisits: 'No visits yet', noMeasures: 'No measures yet',
      date: 'Date', findings: 'Findings', findingsHint: 'The family, income, difficulties, next steps…',
      photo: 'Photos', takePhoto: 'Take or choose a photo', photoHint: 'JPEG, PNG or PDF, up to 10 MB, at most 9',
      uploading: 'Uploading {name}', uploaded: 'Uploaded', removePhoto: 'Remove',
      category: 'Category', amount: 'Amount (yuan)', amountHint: 'Leave empty when there is none', description: 'Description',
      submit: 'Save', saved: 'Saved', visitor: 'Visitor', recordedBy: 'Recorded by', files: '{n} files',
      development: 'development', back: 'Back to my households', findingsRequired: 'Please write the findings', categoryRequired: 'Please choose a category',
      dateRequired: 'Please choose a date',
      statuses: { 0: 'Not out of poverty', 1: 'Out of poverty', 3: 'Returned to poverty', 9: 'Removed' },
    },
  },
};
