// The code lists of the register (spec/codes.md, src/domain/codes.cc) as the register's
// screens show them, and the import template's keys (the API's CellIssue columns are the
// template's Chinese names or these keys).
const list = (entries) => entries.map(([code, label]) => ({ code, label }));

export const CODES = {
  household_kind: list([['1', '建档立卡户'], ['2', '普通农户']]),
  poverty_status: list([['0', '未脱贫'], ['1', '已脱贫'], ['3', '返贫'], ['9', '已剔除']]),
  attribute: list([['1', '一般户'], ['2', '低保户'], ['3', '特困供养户']]),
  main_cause: list([['01', '因病'], ['02', '因残'], ['03', '因学'], ['04', '因灾'], ['05', '缺土地'], ['06', '缺水'],
    ['07', '缺技术'], ['08', '缺劳动力'], ['09', '缺资金'], ['10', '交通条件落后'], ['11', '自身发展动力不足'],
    ['12', '因婚'], ['99', '其他']]),
  housing_grade: list([['A', 'A'], ['B', 'B'], ['C', 'C'], ['D', 'D']]),
  renovation: list([['0', '无'], ['1', '改造中'], ['2', '已竣工']]),
  relocation: list([['0', '否'], ['1', '已搬迁未入住'], ['2', '已搬迁入住']]),
  monitor_type: list([['0', '非监测对象'], ['1', '脱贫不稳定户'], ['2', '边缘易致贫户'], ['3', '突发严重困难户']]),
  monitor_status: list([['0', '无'], ['1', '监测中'], ['2', '风险已消除']]),
  relation: list([['01', '户主'], ['02', '配偶'], ['03', '之子'], ['04', '之女'], ['05', '之儿媳'], ['06', '之女婿'],
    ['07', '之孙子'], ['08', '之孙女'], ['09', '之外孙子'], ['10', '之外孙女'], ['11', '之父'], ['12', '之母'],
    ['13', '之岳父'], ['14', '之岳母'], ['15', '之公公'], ['16', '之婆婆'], ['17', '之祖父'], ['18', '之祖母'],
    ['19', '之兄弟姐妹'], ['99', '其他']]),
  sex: list([['1', '男'], ['2', '女']]),
  school_status: list([['00', '非在校生'], ['01', '学龄前儿童'], ['02', '学前教育'], ['03', '小学'], ['04', '七至九年级'],
    ['05', '普通高中'], ['06', '中职'], ['07', '高职高专'], ['08', '本科及以上'], ['10', '送教上门'], ['11', '因病（残）休学']]),
  health: list([['1', '健康'], ['2', '长期慢性病'], ['3', '患有大病'], ['4', '残疾']]),
  labor: list([['1', '普通劳动力'], ['2', '技能劳动力'], ['3', '弱劳动力或半劳动力'], ['4', '丧失劳动力'], ['5', '无劳动力']]),
};

// The label of a code as the API gives it (a number, "01" or a label already).
export function labelOf(listName, value) {
  if (value === null || value === undefined || value === '') return '';
  const text = String(value);
  const entries = CODES[listName] ?? [];
  const hit = entries.find((e) => e.code === text || Number(e.code) === Number(text) || e.label === text);
  return hit ? hit.label : text;
}

// The code of a value as the API gives it, in the list's own spelling ("01", "A").
export function codeOf(listName, value) {
  if (value === null || value === undefined || value === '') return '';
  const text = String(value);
  const hit = (CODES[listName] ?? []).find((e) => e.code === text || Number(e.code) === Number(text) || e.label === text);
  return hit ? hit.code : text;
}

export const HOUSEHOLD_KEYS = {
  户编号: 'household_code', 行政区划代码: 'village_code', 村民小组: 'village_group', 户类型: 'household_kind', 贫困状态: 'poverty_status',
  识别年度: 'registered_year', 脱贫年度: 'exit_year', 户属性: 'attribute', 主要致贫原因: 'main_cause',
  其他致贫原因: 'other_causes', 家庭人口数: 'size', 工资性收入: 'wage_income', 生产经营性收入: 'business_income',
  生产经营性支出: 'business_cost', 财产性收入: 'property_income', 转移性收入: 'transfer_income',
  合规自付医疗支出: 'medical_out_of_pocket', 教育支出: 'education_cost', 灾害损失: 'disaster_loss',
  不愁吃: 'food_secure', 不愁穿: 'clothing_secure', 住房安全等级: 'housing_grade', 危房改造: 'renovation',
  易地搬迁: 'relocation', 饮水安全: 'water_safe', 监测对象类型: 'monitor_type', 监测状态: 'monitor_status',
  纳入监测日期: 'monitor_since', 风险类型: 'risk_types', 联系电话: 'phone',
};
export const MEMBER_KEYS = {
  姓名: 'name', 证件类型: 'id_type', 证件号码: 'id_number', 与户主关系: 'relation', 性别: 'sex', 出生日期: 'birth_date',
  民族: 'ethnicity', 文化程度: 'education', 在校生状况: 'school_status', 健康状况: 'health', 残疾等级: 'disability_grade',
  劳动能力: 'labor', 务工月数: 'months_worked', 参加城乡居民基本医疗保险: 'resident_medical_insurance',
  参加职工基本医疗保险: 'employee_medical_insurance', 参加城乡居民基本养老保险: 'pension_insurance',
  享受低保: 'dibao', 特困供养: 'tekun',
};

// Where an issue of the API belongs in the form: "household.<key>", "members.<i>.<key>"
// or "" (the whole record) — from its column ("工资性收入", "wage_income", "members[0].证件号码").
export function fieldOf(column) {
  const text = String(column ?? '');
  const m = /^members\[(\d+)\]\.?(.*)$/.exec(text);
  if (m) {
    const key = MEMBER_KEYS[m[2]] ?? (Object.values(MEMBER_KEYS).includes(m[2]) ? m[2] : '');
    return key ? `members.${m[1]}.${key}` : `members.${m[1]}`;
  }
  if (text === 'members') return 'members';
  const key = HOUSEHOLD_KEYS[text] ?? (Object.values(HOUSEHOLD_KEYS).includes(text) ? text : '');
  return key ? `household.${key}` : '';
}

// Issues (CellIssue list) grouped by field: { field: [message, …] }.
export function issuesByField(details) {
  const out = {};
  for (const d of details ?? []) {
    const field = fieldOf(d.column) || 'record';
    (out[field] ??= []).push(d.message);
  }
  return out;
}
