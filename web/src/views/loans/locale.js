// The messages of the microcredit ledger (扶贫小额信贷).
export default {
  'zh-CN': {
    loans: {
      title: '扶贫小额信贷', region: '区划代码（默认本辖区）', state: '状态', all: '全部', total: '共 {n} 笔',
      states: { active: '正常', overdue: '逾期', repaid: '已结清', renewed: '已续贷', compensated: '已代偿' },
      id: '编号', household: '户编号', borrower: '借款人', idNumber: '身份证号', amount: '金额（元）', term: '期限（月）',
      start: '放款日期', due: '到期日', outstanding: '未还本金', daysOverdue: '逾期天数', bank: '贷款银行', rate: '年利率',
      purpose: '用途', grant: '登记贷款', granted: '已登记贷款 {id} 号', required: '请填写所有必填项',
      refused: '{code}：{message}',
      purposes: { '01': '种植', '02': '养殖', '03': '加工', '04': '商贸流通', '05': '乡村旅游', '06': '其他生产经营' },
      detail: '贷款 {id} 号', pick: '点一行查看贷款的贴息和代偿', year: '年度', subsidy: '计算贴息',
      interest: '应计利息', subsidyAmount: '贴息', compensate: '风险补偿金代偿', compensated: '已代偿：风险补偿金 {fund} 元，银行 {bank} 元',
    },
  },
  en: {
    loans: {
      title: 'Microcredit', region: 'Region (default: yours)', state: 'State', all: 'All', total: '{n} loans',
      states: { active: 'Active', overdue: 'Overdue', repaid: 'Repaid', renewed: 'Renewed', compensated: 'Compensated' },
      id: 'No.', household: 'Household', borrower: 'Borrower', idNumber: 'ID number', amount: 'Amount (yuan)', term: 'Term (months)',
      start: 'Start', due: 'Due', outstanding: 'Outstanding', daysOverdue: 'Days overdue', bank: 'Bank', rate: 'Annual rate',
      purpose: 'Purpose', grant: 'Grant a loan', granted: 'Loan {id} granted', required: 'Please fill in every field',
      refused: '{code}: {message}',
      purposes: { '01': 'Crops', '02': 'Livestock', '03': 'Processing', '04': 'Trade', '05': 'Rural tourism', '06': 'Other production' },
      detail: 'Loan {id}', pick: 'Click a loan for its subsidy and compensation', year: 'Year', subsidy: 'Subsidy of the year',
      interest: 'Interest', subsidyAmount: 'Subsidy', compensate: 'Compensate from the risk fund', compensated: 'Compensated: fund {fund} yuan, bank {bank} yuan',
    },
  },
};
