// User administration (用户管理), admins only.
export default [
  { path: 'users', name: 'users', component: () => import('./UsersView.vue'), meta: { perm: 'users' } },
];
