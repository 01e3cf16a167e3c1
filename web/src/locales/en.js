export default {
  app: { title: 'Poverty Alleviation Information System', short: 'fupin' },
  roles: {
    admin: 'Administrator', county_admin: 'County admin', township_operator: 'Township operator',
    village_operator: 'Village operator', helper: 'Helper', department: 'Department officer', auditor: 'Auditor', viewer: 'Viewer',
  },
  menu: {
    dashboard: 'Home', register: 'Register', imports: 'Import', assessments: 'Assessments', crosscheck: 'Cross-check',
    procedures: 'Procedures', worklist: 'My worklist', cases: 'Cases', helpers: 'Helpers', mine: 'My households',
    audit: 'Audit trail', users: 'Users', funds: 'Funds',
    complaints: '12317 complaints', // issue 14, web14
    projects: 'Projects', // project library (issue 14)
    loans: 'Microcredit', // 扶贫小额信贷
  },
  common: {
    search: 'Search', reset: 'Reset', loading: 'Loading…', empty: 'Nothing here', retry: 'Retry', save: 'Save', cancel: 'Cancel',
    confirm: 'OK', back: 'Back', export: 'Export to Excel', total: '{n} in all', yes: 'Yes', no: 'No', actions: 'Actions',
    region: 'Region', year: 'Year', signOut: 'Sign out', language: '中文', details: 'Details', print: 'Print', nation: 'Nation',
  },
  login: {
    title: 'Sign in', username: 'User name', password: 'Password', submit: 'Sign in', required: 'Enter your user name and password',
    expired: 'Your session has ended: please sign in again', signedOut: 'Signed out',
  },
  dashboard: {
    households: 'Households', persons: 'Persons', registered: 'Registered', poor: 'Not exited', exited: 'Exited', returned: 'Returned',
    monitored: 'Monitored', poorPersons: 'Poor persons', incidence: 'Poverty incidence', threshold: 'exit threshold {max}',
    meets: 'meets the exit standard', notMeets: 'does not meet the exit standard', unknown: 'no rural population: cannot be computed',
    causes: 'Main causes', statuses: 'Poverty status', monitorTypes: 'Monitoring types', byChild: 'Incidence by sub-region',
    children: 'Sub-regions', worklist: 'My worklist', waiting: 'Waiting for me', closable: 'Notices to close', overdue: 'Overdue monitoring',
    withoutMeasure: 'No measure in 30 days', withoutHelper: 'Without a helper', drill: 'Open', up: 'Up one level',
  },
};
