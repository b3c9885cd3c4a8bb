import { z } from 'zod';
import { DUPLICATE_DEFAULTS } from '../quality/duplicateDefaults.js';
import { idParam, intQuery } from './validate.js';

/** Query of `GET /datasets/{id}/duplicates`. */
export const duplicatesQuery = z
  .object({
    max_distance: intQuery(0, DUPLICATE_DEFAULTS.maxAllowedDistance, DUPLICATE_DEFAULTS.maxDistance),
    split: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters').optional(),
    against: idParam.optional(),
    limit: intQuery(1, 1000, 100),
  })
  .strict();
