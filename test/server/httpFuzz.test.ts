import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import fc from 'fast-check';
import { type RawAnswer, rawRequest } from '../helpers/rawHttp.js';
import { type ServiceProcess, startServiceProcess } from '../helpers/serviceProcess.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { REPO_ROOT, SAMPLE_DIR } from '../helpers/startTestServer.js';
import { zipOf } from '../helpers/zipOf.js';

/** The seed of every operation's runs: a failure here fails the same way on every machine (`FUZZ_SEED` explores others). */
const SEED = Number(process.env.FUZZ_SEED ?? 18_2026);
/** Requests per operation, on top of the fixed examples each gets (`FUZZ_RUNS` for a longer exploration). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
/** The service's `UPLOAD_STALL_MS`, short so that a timer an upload leaves behind fires within the test. */
const STALL_MS = 2000;
/** Longest wait for one answer: a request still unanswered by then has wedged its handler. */
const ANSWER_DEADLINE_MS = 15_000;

const ANNOTATIONS = path.join(SAMPLE_DIR, 'annotations');

/** How the body goes on the wire: honest, or a lying Content-Length, or no length at all, or a client that leaves. */
type Framing = 'exact' | 'chunked' | 'short' | 'none' | 'long' | 'vanish';

/** One generated request for an operation. */
interface FuzzCase {
  /** Path parameters, each already as it goes on the wire. */
  params: Record<string, string>;
  query: [string, string][];
  contentType: string | null;
  accept: string | null;
  headers: Record<string, string>;
  body: Buffer;
  framing: Framing;
}

/** An operation of the OpenAPI document. */
interface DocumentedOperation {
  method: string;
  template: string;
  pathParams: string[];
  queryParams: { name: string; schema: Record<string, unknown> }[];
  bodyProps: string[];
  mediaTypes: string[];
}

/** Real values the fuzz mixes in, so that requests also reach past the 404s. */
interface Known {
  datasetId: number;
  sampleId: number;
  jobId: string;
}

const deep = (levels: number, open: string, leaf: string, close: string) => open.repeat(levels) + leaf + close.repeat(levels);

/** Values for a path segment or a query value, as they go on the wire (some percent-encoded, some raw). */
const ODD_WIRE_VALUES = [
  '..',
  '%2e%2e',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'a%00b',
  '%ZZ',
  '%',
  '%C0%AF',
  '%F0%9F%92%A5',
  'ü',
  '💥',
  '%20',
  '+',
  '0',
  '-1',
  '-0',
  '1.5',
  '1e3',
  '0x10',
  'NaN',
  'Infinity',
  '9007199254740993',
  '99999999999999999999999999',
  '1e400',
  'null',
  'undefined',
  'true',
  '%5B%5D',
  '%7B%7D',
  '__proto__',
  'constructor',
  'a'.repeat(6000),
  '%2F',
  '.',
  // Past Node's 16 KiB of request line and headers; a raw space, which ends the request target early.
  'a'.repeat(20_000),
  'a b',
];

/** Headers a route reads, with values no client should send. */
const ODD_HEADERS: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    Range: fc.constantFrom(
      'bytes=5-1',
      'bytes=0-',
      'bytes=-0',
      'bytes=99999999999999999999-',
      Array.from({ length: 300 }, (_, i) => `${i}-${i}`)
        .join(',')
        .replace(/^/, 'bytes='),
      'pages=1-2',
      'bytes=abc',
      'bytes=-',
    ),
    'Last-Event-ID': fc.constantFrom('-1', 'abc', '1e309', '99999999999999999999', '', '1.5', '0x10'),
    'If-None-Match': fc.constantFrom('*', '"x"', 'W/"', `"${'e'.repeat(3000)}"`),
    'If-Modified-Since': fc.constantFrom('yesterday', 'Thu, 01 Jan 1970 00:00:00 GMT', 'Sat, 01 Jan 275760 00:00:00 GMT'),
    Authorization: fc.constantFrom('Bearer', `Bearer ${'x'.repeat(5000)}`, 'Basic Og==', 'Bearer \u00ff'),
    'Accept-Encoding': fc.constantFrom('gzip;q=abc', 'br, *;q=0', 'identity;q=0'),
    Origin: fc.constantFrom('null', 'http://evil.example', 'file://'),
  },
  { requiredKeys: [] },
);

const wireValue = (known: Known): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ODD_WIRE_VALUES) },
    { weight: 2, arbitrary: fc.constantFrom(String(known.datasetId), String(known.sampleId), known.jobId, 'fuzz', 'app.js', 'swagger-ui.css') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => encodeURIComponent(s)) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.double({ noNaN: false }))
        .map(String)
        .map(encodeURIComponent),
    },
  );

/** A query parameter's documented values, when it has a fixed set. */
function enumOf(schema: Record<string, unknown>): string[] {
  const own = Array.isArray(schema.enum) ? (schema.enum as unknown[]).map(String) : [];
  const anyOf = Array.isArray(schema.anyOf) ? (schema.anyOf as Record<string, unknown>[]).flatMap(enumOf) : [];
  return [...own, ...anyOf];
}

/** JSON values of every type and size a field could be given. */
const oddJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '../../../etc/passwd',
    '/etc/passwd',
    '/dev/zero',
    '/proc/self/mem',
    REPO_ROOT,
    path.join(REPO_ROOT, 'fixtures'),
    path.join(SAMPLE_DIR, 'images/val'),
    path.join(SAMPLE_DIR, 'images/val/000000000139.jpg'),
    path.join(REPO_ROOT, 'fixtures/broken/not-json.json'),
    path.join(REPO_ROOT, 'fixtures/broken/truncated.json'),
    path.join(ANNOTATIONS, 'panoptic_val.json'),
    path.join(ANNOTATIONS, 'lvis_val.json'),
    path.join(ANNOTATIONS, 'instances_val.json\u0000.png'),
    'x'.repeat(100_000),
    '💥'.repeat(300),
    -1,
    0,
    1.5,
    2 ** 53 + 2,
    -(2 ** 63),
    1e308,
    'all',
    'none',
    'skip',
    'fail',
    'train',
  ),
);

/** Bodies that are wrong in every way a body can be, plus now and then a right one. */
function bodies(op: DocumentedOperation, templates: Record<string, unknown>[], zip: Buffer): fc.Arbitrary<Buffer> {
  const text = (s: string) => Buffer.from(s, 'utf8');
  const template = fc.constantFrom(...templates);
  const multipart = (boundary: string, field: string, content: Buffer) =>
    Buffer.concat([
      text(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="a.zip"\r\nContent-Type: application/zip\r\n\r\n`),
      content,
      text(`\r\n--${boundary}--\r\n`),
    ]);
  return fc.oneof(
    fc.constant(Buffer.alloc(0)),
    fc.uint8Array({ minLength: 1, maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
    fc.tuple(template, fc.nat()).map(([t, cut]) => {
      const json = JSON.stringify(t);
      return text(json.slice(0, cut % json.length));
    }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => text(JSON.stringify(v) ?? 'null')),
    fc.tuple(template, fc.constantFrom(...op.bodyProps, 'unknown_field'), oddJson, fc.boolean()).map(([t, key, value, drop]) => {
      const copy: Record<string, unknown> = { ...t, [key]: value };
      if (drop) delete copy[op.bodyProps[0] ?? key];
      return text(JSON.stringify(copy));
    }),
    fc
      .constantFrom(
        '{"dataset_id":1e400}',
        '{"thumbnails":123456789012345678901234567890}',
        '[1e999]',
        '-1e309',
        '{"dataset_id":9007199254740993}',
        '{"dataset_id":-0,"thumbnails":1.5}',
        '{"__proto__":{"annotation_path":"x"}}',
        '{"constructor":{"prototype":{}}}',
        '"\\ud800"',
        deep(100_000, '[', '', ']'),
        deep(20_000, '{"a":', '1', '}'),
        deep(10_000, '{"annotation_path":', '"x"', '}'),
        `{"annotation_path":${deep(5000, '[', '', ']')}}`,
      )
      .map(text),
    fc.constantFrom('file', 'other').map((field) => multipart('fuzzboundary', field, zip)),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.concat([text('PK\u0003\u0004'), Buffer.from(bytes)])),
    { weight: 1, arbitrary: fc.constant(zip) },
    { weight: 1, arbitrary: template.map((t) => text(JSON.stringify(t))) },
  );
}

const CONTENT_TYPES: (string | null)[] = [
  null,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=fuzzboundary',
  'multipart/form-data; boundary=wrongboundary',
  `multipart/form-data; boundary=${'b'.repeat(300)}`,
  'application/zip',
  'application/x-zip-compressed',
  'application/x-www-form-urlencoded',
  '*/*',
  ';;;',
  'application/json, text/plain',
  'application/vnd.api+json',
];

function cases(op: DocumentedOperation, known: Known, templates: Record<string, unknown>[], zip: Buffer): fc.Arbitrary<FuzzCase> {
  const params = fc.record(Object.fromEntries(op.pathParams.map((name) => [name, wireValue(known)])) as Record<string, fc.Arbitrary<string>>);
  const names = [...op.queryParams.map((q) => q.name), 'a', 'unknown', '__proto__'];
  const value = (name: string) => {
    const values = enumOf(op.queryParams.find((q) => q.name === name)?.schema ?? {});
    return values.length > 0 ? fc.oneof(fc.constantFrom(...values), wireValue(known)) : wireValue(known);
  };
  const pair = fc.constantFrom(...names).chain((name) => value(name).map((v): [string, string] => [name, v]));
  // `?a=1&a=2`: a name given twice.
  const query = fc.array(pair, { maxLength: 4 }).chain((pairs) => fc.boolean().map((twice) => (twice && pairs[0] ? [...pairs, pairs[0]] : pairs)));
  return fc.record({
    params,
    query,
    contentType: fc.constantFrom(...CONTENT_TYPES, ...op.mediaTypes),
    accept: fc.constantFrom(null, 'application/json', '*/*', 'text/html', 'image/webp', 'text/event-stream'),
    headers: ODD_HEADERS,
    body: op.method === 'get' ? fc.oneof({ weight: 4, arbitrary: fc.constant(Buffer.alloc(0)) }, bodies(op, templates, zip)) : bodies(op, templates, zip),
    framing: fc.constantFrom<Framing>('exact', 'exact', 'chunked', 'short', 'none', 'long', 'vanish'),
  });
}

/** The request target of `fuzz` for `op`. */
function targetOf(op: DocumentedOperation, fuzz: FuzzCase): string {
  const pathPart = op.template.replace(/\{(\w+)\}/g, (_, name: string) => fuzz.params[name] ?? '');
  const query = fuzz.query.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
  return query ? `${pathPart}?${query}` : pathPart;
}

/** Sends `fuzz` the way its framing says, and resolves with the answer (null when none is to be expected). */
async function send(url: string, op: DocumentedOperation, fuzz: FuzzCase): Promise<RawAnswer | null> {
  const headers: Record<string, string> = { ...fuzz.headers };
  if (fuzz.contentType !== null) headers['Content-Type'] = fuzz.contentType;
  if (fuzz.accept !== null) headers.Accept = fuzz.accept;
  let body = fuzz.body;
  let then: 'wait' | 'end' | 'vanish' = 'wait';
  switch (fuzz.framing) {
    case 'exact':
      headers['Content-Length'] = String(body.length);
      break;
    case 'chunked':
      headers['Transfer-Encoding'] = 'chunked';
      body = body.length === 0 ? Buffer.from('0\r\n\r\n') : Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
      break;
    case 'short':
      // What follows the declared length reaches the server as the start of a next request.
      headers['Content-Length'] = String(Math.floor(body.length / 2));
      break;
    case 'none':
      break;
    case 'long':
      // More is promised than comes, and then the client closes its side.
      headers['Content-Length'] = String(body.length + 1000);
      then = 'end';
      break;
    case 'vanish':
      headers['Content-Length'] = String(body.length * 2 + 1000);
      then = 'vanish';
      break;
  }
  const answer = rawRequest(url, { method: op.method.toUpperCase(), target: targetOf(op, fuzz), headers, body, then });
  const deadline = delay(ANSWER_DEADLINE_MS, undefined, { ref: false }).then(() => {
    throw new Error(`no answer in ${ANSWER_DEADLINE_MS} ms: the request wedged its handler`);
  });
  return Promise.race([answer, deadline]);
}

/** Why `answer` is not a success nor a 4xx with the service's error body, or null when it is one of those. */
function wrongAnswer(answer: RawAnswer): string | null {
  if (answer.status >= 500) return `status ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}`;
  if (answer.status < 400) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return `status ${answer.status} without the error body: ${JSON.stringify(answer.body.toString('utf8').slice(0, 200))}`;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string')
    return `status ${answer.status} without the error body: ${JSON.stringify(parsed).slice(0, 200)}`;
  if (error.code === 'INTERNAL') return `code INTERNAL: ${error.message}`;
  return null;
}

/** The operations of the document, reads before writes, deletes after them, uploads last (their timers outlive them). */
function operationsOf(document: any): DocumentedOperation[] {
  const rank = (op: DocumentedOperation) => (op.template === '/datasets/upload' ? 3 : op.method === 'delete' ? 2 : op.method === 'post' ? 1 : 0);
  const ops: DocumentedOperation[] = [];
  for (const [template, methods] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = (operation.parameters ?? []) as { name: string; in: string; schema: Record<string, unknown> }[];
      const content = (operation.requestBody?.content ?? {}) as Record<string, { schema?: { properties?: Record<string, unknown> } }>;
      ops.push({
        method,
        template,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query'),
        bodyProps: Object.keys(content['application/json']?.schema?.properties ?? {}),
        mediaTypes: Object.keys(content),
      });
    }
  }
  return ops.sort((a, b) => rank(a) - rank(b));
}

describe('fuzzing every operation of /openapi.json with malformed requests (seeded)', function () {
  this.timeout(180_000);
  let base: string;
  let service: ServiceProcess;
  let known: Known;
  let zip: Buffer;

  before(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'coco-ingest-http-fuzz-'));
    const scratch = path.join(base, 'scratch');
    await mkdir(scratch);
    service = await startServiceProcess({
      DATA_DIR: path.join(base, 'data'),
      INGEST_ROOTS: [path.join(REPO_ROOT, 'fixtures'), scratch].join(','),
      PLUGIN_DIR: path.join(REPO_ROOT, 'plugins'),
      WORKERS: '1',
      UPLOAD_STALL_MS: String(STALL_MS),
    });
    // A dataset with a prediction set, so that real ids reach past the 404s (and deletes have something to delete).
    const job = await postIngest(service.url, {
      annotation_path: path.join(ANNOTATIONS, 'instances_val.json'),
      image_dir: path.join(SAMPLE_DIR, 'images/val'),
      thumbnails: 'none',
    });
    expect(terminalOf(await followJob(service.url, job.job_id))?.event).to.equal('complete');
    const loaded = await fetch(`${service.url}/datasets/${job.dataset_id}/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotation_path: path.join(ANNOTATIONS, 'results_val.json'), name: 'fuzz' }),
    });
    expect(loaded.status).to.equal(202);
    expect(terminalOf(await followJob(service.url, ((await loaded.json()) as any).job_id))?.event).to.equal('complete');
    const page = await getJson(`${service.url}/samples?dataset_id=${job.dataset_id}&limit=1`);
    known = { datasetId: job.dataset_id, sampleId: page.body.items[0].id, jobId: job.job_id };
    zip = await zipOf([
      ['annotations/instances_val.json', path.join(ANNOTATIONS, 'instances_val.json')],
      ['val/000000000139.jpg', path.join(SAMPLE_DIR, 'images/val/000000000139.jpg')],
    ]);
  });
  after(async () => {
    await service?.stop();
    await rm(base, { recursive: true, force: true });
  });

  it('answers every request with a success or a 4xx carrying the error body, never a 5xx nor INTERNAL', async () => {
    const document = await (await fetch(`${service.url}/openapi.json`)).json();
    const ops = operationsOf(document);
    expect(ops.length).to.be.greaterThan(20);
    const templates: Record<string, Record<string, unknown>[]> = {
      '/datasets/ingest': [
        { annotation_path: path.join(ANNOTATIONS, 'instances_val.json'), image_dir: path.join(SAMPLE_DIR, 'images/val'), thumbnails: 'none' },
      ],
      '/datasets/{id}/predictions': [{ annotation_path: path.join(ANNOTATIONS, 'results_val.json'), name: 'fuzzed' }],
    };
    const failures: string[] = [];
    for (const op of ops) {
      const name = `${op.method.toUpperCase()} ${op.template}`;
      const own = templates[op.template] ?? [{ annotation_path: path.join(ANNOTATIONS, 'instances_val.json') }];
      const real: FuzzCase = {
        params: Object.fromEntries(op.pathParams.map((p) => [p, String(known.datasetId)])),
        query: [],
        contentType: null,
        accept: null,
        headers: {},
        body: Buffer.alloc(0),
        framing: 'exact',
      };
      // The cases every operation gets whatever the seed: the multipart form without a boundary (with and without a body) first.
      const examples: [FuzzCase][] = [
        [{ ...real, contentType: 'multipart/form-data' }],
        [{ ...real, contentType: 'multipart/form-data', body: Buffer.from('--x\r\n\r\nhello\r\n--x--\r\n') }],
        [
          {
            ...real,
            contentType: 'multipart/form-data; boundary=wrongboundary',
            body: Buffer.from('--other\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\n\r\nPK\r\n--other--\r\n'),
          },
        ],
        [{ ...real, contentType: 'application/json', body: Buffer.from(deep(100_000, '[', '', ']')) }],
        [{ ...real, contentType: 'application/json', body: Buffer.from('{"annotation_path":') }],
        [{ ...real, contentType: 'application/zip', body: zip.subarray(0, 100), framing: 'vanish' }],
        [{ ...real, contentType: 'application/json', body: Buffer.from('{}'), framing: 'long' }],
      ];
      const details = await fc.check(
        fc.asyncProperty(cases(op, known, own, zip), async (fuzz) => {
          if (!service.alive()) throw new Error(`the service had exited: ${service.diagnostics()}`);
          const answer = await send(service.url, op, fuzz);
          if (answer === null) {
            if (fuzz.framing === 'long' || fuzz.framing === 'vanish') return;
            throw new Error(`the connection closed without an answer${service.alive() ? '' : `; the service exited: ${service.diagnostics()}`}`);
          }
          const wrong = wrongAnswer(answer);
          if (wrong !== null) throw new Error(`${wrong}${service.diagnostics() ? `\nservice log: ${service.diagnostics()}` : ''}`);
        }),
        { seed: SEED, numRuns: RUNS, examples, endOnFailure: true },
      );
      if (details.failed) {
        const counterexample = details.counterexample?.[0];
        const shown = counterexample && {
          ...counterexample,
          target: targetOf(op, counterexample).slice(0, 300),
          body: counterexample.body.subarray(0, 200).toString('utf8'),
        };
        failures.push(
          `${name}: ${String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance).slice(0, 1500)}\n  request: ${JSON.stringify(shown)}`,
        );
      }
    }
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
  });

  it(`is alive and healthy after waiting past UPLOAD_STALL_MS, when every timer a request left would have fired`, async () => {
    // The duration is the thing tested here: whatever a request left behind fires within the stall time.
    const died = service.exited.then((how) => `exited (${how})`);
    const outcome = await Promise.race([died, delay(STALL_MS * 2, 'alive')]);
    expect(outcome, service.diagnostics()).to.equal('alive');
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).to.equal(200);
    expect(service.alive()).to.equal(true);
  });
});
