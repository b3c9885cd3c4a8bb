import { z } from 'zod';
import { GUIDE_PAGES, GUIDE_PATH } from '../guidePages.js';
import { OPERATIONS, type Operation } from './operations.js';
import { RESPONSE_SCHEMAS } from './responseSchemas.js';

/** Options of {@link buildOpenApi}. */
export interface OpenApiOptions {
  /** The service's version (package.json). */
  version: string;
}

/**
 * The OpenAPI 3.1 document of the API, from {@link OPERATIONS}: parameters
 * and request bodies from the zod schemas that validate them (their input
 * side, as a client sends it), responses from {@link RESPONSE_SCHEMAS}, and
 * the error body on every operation.
 */
export function buildOpenApi(options: OpenApiOptions): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) {
    const path = operation.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][operation.method] = describe(operation);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'coco-ingest',
      version: options.version,
      description: DESCRIPTION,
    },
    paths,
    components: {
      schemas: RESPONSE_SCHEMAS,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API_TOKEN, needed by POST and DELETE when set.' } },
    },
  };
}

/**
 * The document's description, which Swagger UI renders as Markdown at the top
 * of `/docs`: what the service is, and a link to each page of the guide.
 */
const DESCRIPTION = [
  'COCO datasets into DuckDB with WebP thumbnails, live progress over SSE, browsing and export.',
  '',
  'The guide, served by this service:',
  '',
  ...GUIDE_PAGES.map((page) => `- [${page.title}](${GUIDE_PATH}/${page.file})`),
].join('\n');

function describe(operation: Operation): Record<string, unknown> {
  const pathParameters = [...operation.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const success = operation.success;
  const content = success.schema
    ? { 'application/json': { schema: { $ref: `#/components/schemas/${success.schema}` } } }
    : success.media
      ? { [success.media]: { schema: {} } }
      : undefined;
  return {
    summary: operation.summary,
    tags: [operation.tag],
    operationId: `${operation.method}${operation.path.replace(/[/:](\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '') || 'Root'}`,
    parameters: [...pathParameters, ...queryParameters(operation.query)],
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: inputSchema(operation.body) } } } } : {}),
    ...(operation.archiveBody ? { requestBody: ARCHIVE_BODY } : {}),
    ...(operation.method !== 'get' ? { security: [{}, { bearer: [] }] } : {}),
    responses: {
      [String(success.status)]: { description: success.description, ...(content ? { content } : {}) },
      default: {
        description: 'An error: its code, and a message saying what is wrong and where',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  };
}

/** A zod schema's input side as JSON Schema (without its `$schema` key, which OpenAPI sets itself). */
function inputSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function queryParameters(schema: z.ZodType | undefined): Record<string, unknown>[] {
  if (!schema) return [];
  const json = inputSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

/** An upload's body: a form with the archive as its `file` field, or the archive itself. */
const ARCHIVE_BODY = {
  required: true,
  description: 'A zip of a dataset in the COCO, Roboflow or CVAT layout (see /docs/guide/uploads.md), at most MAX_UPLOAD_BYTES.',
  content: {
    'multipart/form-data': {
      schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'The zip archive' } } },
    },
    'application/zip': { schema: { type: 'string', format: 'binary' } },
  },
};
