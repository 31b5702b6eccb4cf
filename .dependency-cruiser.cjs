// Layering of the desk (issue 10), checked by `npm run lint` (npm run lint:deps).
// The pure core (domain, rules, forms) never reaches out: no adapters, no store, no
// outbound, no desk; only the adapter files import the external libraries (eslint's
// no-restricted-imports says which); and no module imports itself through a cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes the load order (and the reading order) undefined.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-core-stays-pure',
      severity: 'error',
      comment: 'domain, rules and forms are pure: they decide; adapters, store, outbound and desk act.',
      from: { path: '^src/(domain|rules|forms)/' },
      to: { path: '^src/(adapters|store|outbound|desk|usecases|inbound|intake|cli|crypto|registry|commands)/' },
    },
    {
      name: 'store-below-desk',
      severity: 'error',
      comment: 'The store is called by the desk, never the other way round.',
      from: { path: '^src/store/' },
      to: { path: '^src/(desk|usecases|cli|outbound|inbound|intake)/' },
    },
    {
      name: 'usecases-go-down',
      severity: 'error',
      comment: 'A use case goes down (rules, store, outbound), never back up to the runner (issue 10).',
      from: { path: '^src/usecases/' },
      to: { path: '^src/(desk/(service|run)\\.ts$|cli/)' },
    },
    {
      name: 'only-the-runner-calls-use-cases',
      severity: 'error',
      comment: 'src/desk/service.ts routes each message to its use case; nothing else reaches into src/usecases/.',
      from: { path: '^src/', pathNot: '^src/(usecases/|desk/service\\.ts$)' },
      to: { path: '^src/usecases/' },
    },
    {
      name: 'src-not-test',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
