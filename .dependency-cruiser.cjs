// The layers of src/, from the bottom up: a module may import its own layer's
// folders and those below, never a layer above. `npm test` checks this
// (`npm run lint:layers`), so the picture in docs/development.md stays true.
const LAYERS = [
  ['util', 'diagnostics', 'errorCodes\\.ts', 'errors\\.ts', 'logger\\.ts', 'progress'],
  ['storage'],
  ['formats', 'evaluation', 'quality', 'db'],
  ['thumbnails', 'workers', 'export', 'plugins', 'metrics'],
  ['queue', 'pipeline', 'config\\.ts'],
  ['uploads'],
  ['jobs'],
  ['server'],
  ['app'],
  ['cli'],
];

const folder = (names) => `^src/(${names.join('|')})(/|$)`;

/** One rule per layer: nothing in it imports a layer above it. */
const layerRules = LAYERS.slice(0, -1).map((names, i) => ({
  name: `layer-${names[0].replace(/\\\.ts$/, '')}`,
  comment: `${names.join(', ')} may not import a layer above: ${LAYERS.slice(i + 1).flat().join(', ')}`,
  severity: 'error',
  from: { path: folder(names) },
  to: { path: folder(LAYERS.slice(i + 1).flat()) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'A cycle, of values or of types, ties its files into one: break it by moving what both need one layer down.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'formats-not-db',
      comment: 'Formats describe files; what they store is run by the repositories (src/db), which may ask the formats.',
      severity: 'error',
      from: { path: '^src/formats/' },
      to: { path: '^src/db/' },
    },
    {
      name: 'src-not-tests',
      comment: 'The service and the benchmark never import the tests.',
      severity: 'error',
      from: { path: '^(src|bench)/' },
      to: { path: '^test/' },
    },
    {
      name: 'workers-are-threads',
      comment: 'Worker-thread code imports no main-thread services: what it needs comes in its messages.',
      severity: 'error',
      from: { path: '^src/workers/(thumbnailWorker|cutPanopticMasks|readSource)\\.ts$' },
      to: { path: '^src/(db|pipeline|jobs|server|app|queue)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|bench|test)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
