// The audit trail (审计记录) for auditors and admins. `fupin audit verify` stays on the CLI.
export default [
  { path: 'audit', name: 'audit', component: () => import('./AuditView.vue'), meta: { perm: 'audit' } },
];
