// The server's password rules (service/accounts/auth_service.h CheckPasswordRules), checked
// before sending so that the form can say what is missing; the server checks again and its
// message is shown when it refuses. Returns the locale keys of the rules broken.
export function passwordProblems(username, password) {
  const problems = [];
  if ([...password].length < 10) problems.push('admin.rules.length');
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) problems.push('admin.rules.mix');
  if (password && password.toLowerCase() === String(username).toLowerCase()) problems.push('admin.rules.name');
  return problems;
}
