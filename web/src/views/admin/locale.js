export default {
  'zh-CN': {
    admin: {
      title: '用户管理', add: '添加用户', username: '用户名', role: '角色', region: '管辖区划', created: '添加时间',
      failed: '连续登录失败', status: '状态', active: '正常', disabled: '已停用', disable: '停用', resetPassword: '重置密码',
      password: '密码', newPassword: '新密码', repeat: '再输入一次', mismatch: '两次输入的密码不一致',
      usernameHint: '1–64 个字母、数字或 . _ -，以字母或数字开头', regionHint: '12 位区划代码，须在你的管辖范围内',
      rulesTitle: '密码要求', added: '已添加用户 {name}', disabledDone: '已停用 {name}，其登录已失效', passwordDone: '已为 {name} 设置新密码，其登录已失效',
      confirmDisable: '停用用户 {name}？停用后该用户不能登录。', required: '请填写用户名、角色、区划和密码',
      rules: { length: '至少 10 个字符', mix: '同时包含英文字母和数字', name: '不能与用户名相同' },
    },
  },
  en: {
    admin: {
      title: 'Users', add: 'Add a user', username: 'User name', role: 'Role', region: 'Region', created: 'Added',
      failed: 'Failed sign-ins', status: 'Status', active: 'Active', disabled: 'Disabled', disable: 'Disable', resetPassword: 'Reset password',
      password: 'Password', newPassword: 'New password', repeat: 'Repeat it', mismatch: 'The two passwords differ',
      usernameHint: '1–64 letters, digits, . _ or -, starting with a letter or digit', regionHint: 'A 12-digit region code within your own region',
      rulesTitle: 'Password rules', added: 'Added user {name}', disabledDone: '{name} is disabled and signed out', passwordDone: 'A new password is set for {name}, who is signed out',
      confirmDisable: 'Disable the user {name}? They will not be able to sign in.', required: 'Fill in the user name, role, region and password',
      rules: { length: 'At least 10 characters', mix: 'Both an ASCII letter and an ASCII digit', name: 'Not the user name' },
    },
  },
};
