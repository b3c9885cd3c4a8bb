/** The JSON Schemas of the evaluation routes' answers, for the OpenAPI document. */
const object = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: true });
const integer = { type: 'integer' };
const string = { type: 'string' };
const number = { type: 'number' };
const numbers = { type: 'array', items: number };
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

const evaluationHead = {
  name: string,
  predictions: string,
  iou_type: { type: 'string', enum: ['bbox', 'segm', 'keypoints'] },
  split: string,
  status: { type: 'string', enum: ['running', 'ready', 'failed'] },
  job_id: string,
  created_at: string,
  duration_ms: nullable(integer),
  summary: nullable({ ...numbers, description: "pycocotools' COCOeval.stats, in its order (12 numbers; 10 for keypoints); -1 where there is no ground truth" }),
  error: { type: 'string', description: 'Why a failed evaluation failed' },
};

export const EVALUATION_SCHEMAS = {
  Evaluations: object({ items: { type: 'array', items: object(evaluationHead, ['name', 'status']) } }, ['items']),
  Evaluation: object(
    {
      ...evaluationHead,
      stats: nullable({ type: 'object', additionalProperties: number, description: 'The summary by name: AP, AP50, AP75, AP_small, ... AR_large' }),
      per_category: {
        type: 'array',
        items: object({
          category_id: integer,
          name: string,
          AP: number,
          AP50: number,
          AP75: number,
          AR100: number,
          gt: integer,
          predictions: integer,
          tp: integer,
          fp: integer,
          fn: integer,
        }),
      },
      pr_curves: {
        type: 'array',
        items: object({ category_id: integer, iou: { type: 'number', enum: [0.5, 0.75] }, recall: numbers, precision: numbers }),
      },
      confusion: nullable(
        object({
          iou: number,
          min_score: number,
          categories: { type: 'array', items: object({ id: integer, name: string }) },
          matrix: {
            type: 'array',
            items: { type: 'array', items: integer },
            description: '(categories + 1)²: rows the ground-truth class, columns the predicted class, the last of each the background',
          },
        }),
      ),
    },
    ['name', 'status'],
  ),
  EvaluationComparison: object(
    {
      a: string,
      b: string,
      summary: {
        type: 'array',
        items: object({ name: string, a: number, b: number, diff: nullable({ ...number, description: 'b - a; null where either is -1' }) }),
      },
      per_category: {
        type: 'array',
        items: object({
          category_id: integer,
          name: string,
          a: number,
          b: number,
          diff: nullable({ ...number, description: 'b - a; null where either is -1' }),
        }),
      },
    },
    ['a', 'b', 'summary', 'per_category'],
  ),
} as const;
