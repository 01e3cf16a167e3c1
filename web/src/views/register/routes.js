export default [
  { path: 'households', name: 'register', component: () => import('./RegisterView.vue'), meta: { perm: 'read' } },
  { path: 'households/new', name: 'household-new', component: () => import('./HouseholdForm.vue'), meta: { perm: 'write' } },
  { path: 'households/:code', name: 'household', component: () => import('./HouseholdView.vue'), meta: { perm: 'read' } },
  { path: 'households/:code/edit', name: 'household-edit', component: () => import('./HouseholdForm.vue'), meta: { perm: 'write' } },
];
