export default {
  'zh-CN': {
    imports: {
      title: '导入建档立卡数据', csv: '两个 CSV 文件（户表、人表）', xlsx: '一个 XLSX 工作簿', households: '户表 CSV',
      members: '人表 CSV', workbook: 'XLSX 工作簿', choose: '选择文件', check: '校验（不写入）', uploading: '上传中',
      processing: '服务器处理中…', steps: { files: '选择文件', check: '校验', import: '导入' },
      need: '请选择户表和人表两个 CSV 文件，或一个 XLSX 工作簿',
      created: '新增户', updated: '更新户', unchanged: '未变化', memberCount: '人数', rejected: '拒收户',
      errors: '错误', warnings: '警告', noErrors: '校验通过，没有错误', notListed: '另有 {n} 条错误未列出',
      file: '文件', line: '行', column: '列', value: '值', message: '说明', code: '代码',
      importAll: '全部导入', importValid: '导入有效的户（跳过有错误的户）', done: '导入完成', batch: '批次',
      rejects: '被拒绝的行（含错误说明）', download: '下载 {name}', again: '再导入一批', dryRun: '校验结果',
    },
  },
  en: {
    imports: {
      title: 'Import the register', csv: 'Two CSV files (households, members)', xlsx: 'One XLSX workbook', households: 'Households CSV',
      members: 'Members CSV', workbook: 'XLSX workbook', choose: 'Choose a file', check: 'Check (write nothing)', uploading: 'Uploading',
      processing: 'The server is working…', steps: { files: 'Files', check: 'Check', import: 'Import' },
      need: 'Choose the households and members CSV files, or one XLSX workbook',
      created: 'New', updated: 'Updated', unchanged: 'Unchanged', memberCount: 'Members', rejected: 'Rejected',
      errors: 'Errors', warnings: 'Warnings', noErrors: 'No errors', notListed: '{n} more errors not listed',
      file: 'File', line: 'Line', column: 'Column', value: 'Value', message: 'Message', code: 'Code',
      importAll: 'Import everything', importValid: 'Import the valid households (skip the invalid)', done: 'Imported', batch: 'Batch',
      rejects: 'Rejected rows (with their errors)', download: 'Download {name}', again: 'Import another batch', dryRun: 'Check result',
    },
  },
};
