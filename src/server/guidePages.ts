/** One page of the guide: a Markdown file of the repository's `docs/` folder. */
export interface GuidePage {
  /** Its file name in `docs/`, which is also its name under `/docs/guide/`. */
  file: string;
  /** What it is about, for the lists that link it. */
  title: string;
}

/**
 * The guide's pages, served at `GET /docs/guide/{file}` and linked from the
 * API reference (`GET /docs`): a fixed list, so no request names a file. A
 * page added to `docs/` is added here too (a test checks both agree).
 */
export const GUIDE_PAGES: readonly GuidePage[] = [
  { file: 'README.md', title: 'The guide: every page' },
  { file: 'api.md', title: 'HTTP API: ingest, predictions, jobs, the event stream, datasets, samples, images, metrics' },
  { file: 'errors.md', title: 'Error codes: each with its status and when it is answered' },
  { file: 'configuration.md', title: 'Configuration: the environment variables' },
  { file: 'formats.md', title: 'Annotation formats: COCO, panoptic, LVIS, results' },
  { file: 'uploads.md', title: 'Uploads: zipped datasets in the COCO, Roboflow and CVAT layouts' },
  { file: 'evaluation.md', title: "Evaluation: pycocotools' numbers, what is stored, the confusion matrix, browsing the errors" },
  { file: 'quality.md', title: 'Quality: duplicates, train/val leaks and annotation checks' },
  { file: 'export.md', title: 'Export: COCO JSON, results files and Parquet' },
  { file: 'storage.md', title: 'Datasets in Cloud Storage and on the web' },
  { file: 'scaling-out.md', title: 'Scaling out: thumbnail workers over a Redis queue' },
  { file: 'performance.md', title: 'Performance: the measured figures' },
  { file: 'security.md', title: 'Limits and security' },
  { file: 'cli.md', title: 'The coco-ingest command' },
  { file: 'plugins.md', title: 'Plugins' },
  { file: 'browser-view.md', title: 'The browser view' },
  { file: 'development.md', title: 'Development: how it works, dependencies, adding a format or a storage scheme, tests, benchmarks' },
];

/** Where {@link GUIDE_PAGES} are served. */
export const GUIDE_PATH = '/docs/guide';
