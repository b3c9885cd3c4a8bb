import { z } from 'zod';
import { evaluationNameQuery as evaluationName } from './evaluationSampleQuery.js';
import { predictionSetParam } from './schemas.js';

/** An evaluation's name in a path. */
export const evaluationParam = evaluationName;

/** Body of `POST /datasets/{id}/evaluations`. */
export const evaluationBody = z
  .object({
    predictions: predictionSetParam,
    iou_type: z.enum(['bbox', 'segm', 'keypoints'], { error: 'must be "bbox", "segm" or "keypoints"' }),
    split: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be a split name')
      .optional(),
    name: evaluationName.optional(),
    /** OKS sigmas, one per keypoint; default COCO's 17. */
    sigmas: z.array(z.number().positive('must be positive numbers').finite()).min(1).max(1000).optional(),
  })
  .strict();

/** Query of `GET /datasets/{id}/evaluations/{name}`. */
export const evaluationQuery = z
  .object({ min_score: z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional() })
  .strict();

/** Query of `GET /datasets/{id}/evaluations/compare`. */
export const compareQuery = z.object({ a: evaluationName, b: evaluationName }).strict();
