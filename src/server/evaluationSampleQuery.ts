import { z } from 'zod';

/** An evaluation's name (in a path, a query or a body). */
export const evaluationNameQuery = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, _ . - (e.g. "yolo-bbox")')
  // `compare` is the route beside `{name}`: an evaluation of that name could not be fetched.
  .refine((name) => name !== 'compare', 'must not be "compare"');

const evaluationName = evaluationNameQuery;

/** `regressed=a,b` of `GET /samples`. */
export const regressedQuery = z
  .string()
  .transform((v) => v.split(','))
  .pipe(z.tuple([evaluationName, evaluationName], { error: 'must be two evaluation names, a,b' }));

const confusionSide = z.union(
  [
    z.literal('background').transform(() => null),
    z
      .string()
      .regex(/^[1-9]\d{0,15}$/)
      .transform(Number),
  ],
  {
    error: 'must be a category id or background',
  },
);

/** `confusion=<gt>,<pred>` of `GET /samples`: category ids or `background`. */
export const confusionQuery = z
  .string()
  .transform((v) => v.split(','))
  .pipe(z.tuple([confusionSide, confusionSide], { error: 'must be <category id|background>,<category id|background>' }));

/** The fields `GET /samples` takes about an evaluation (spread into its query schema). */
export const evaluationSampleQuery = {
  evaluation: evaluationNameQuery.optional(),
  outcome: z.enum(['tp', 'fp', 'fn'], { error: 'must be tp, fp or fn' }).optional(),
  sort: z.enum(['id', 'errors'], { error: 'must be id or errors' }).optional(),
  regressed: regressedQuery.optional(),
  confusion: confusionQuery.optional(),
};
