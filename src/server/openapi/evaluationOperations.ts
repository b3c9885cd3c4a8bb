import { compareQuery, evaluationBody, evaluationQuery } from '../evaluationSchemas.js';

/** The evaluation routes, as the OpenAPI document lists them (`OPERATIONS` takes them in, and checks their shape). */
export const EVALUATION_OPERATIONS = [
  {
    method: 'post',
    path: '/datasets/:id/evaluations',
    tag: 'datasets',
    summary: "COCO evaluation of a prediction set against a split, pycocotools' numbers (202 with a job; with Accept: text/event-stream, its event stream)",
    body: evaluationBody,
    success: { status: 202, schema: 'JobAccepted', description: 'The job, queued or running' },
  },
  {
    method: 'get',
    path: '/datasets/:id/evaluations',
    tag: 'datasets',
    summary: "The dataset's evaluations with their summaries",
    success: { status: 200, schema: 'Evaluations', description: 'The evaluations' },
  },
  {
    method: 'get',
    path: '/datasets/:id/evaluations/compare',
    tag: 'datasets',
    summary: "Two evaluations of the same split and iou_type side by side: each summary number and each category's AP, with b - a",
    query: compareQuery,
    success: { status: 200, schema: 'EvaluationComparison', description: 'The comparison' },
  },
  {
    method: 'get',
    path: '/datasets/:id/evaluations/:name',
    tag: 'datasets',
    summary: 'One evaluation: summary, per-category figures, PR curves, and the confusion matrix at IoU 0.5 (min_score)',
    query: evaluationQuery,
    success: { status: 200, schema: 'Evaluation', description: 'The evaluation' },
  },
  {
    method: 'delete',
    path: '/datasets/:id/evaluations/:name',
    tag: 'datasets',
    summary: 'Delete an evaluation and its outcomes',
    success: { status: 204, description: 'Deleted' },
  },
] as const;
