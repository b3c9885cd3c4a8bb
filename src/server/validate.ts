import { z } from 'zod';
import { invalidRequest } from '../errors.js';

/**
 * Parses `input` with a zod schema, or throws a 400 `INVALID_REQUEST` whose
 * message names every bad field (`limit: must be at most 200`).
 */
export function validate<T extends z.ZodType>(schema: T, input: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : where;
    return `${field}: ${issue.message}`;
  });
  throw invalidRequest(`invalid ${where}: ${problems.join('; ')}`, { fields: result.error.issues.map((i) => i.path.join('.')) });
}

/** A positive integer id from a path or query string. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'must be a positive integer id')
  .transform(Number);

/** An optional whole number from a query string, with bounds; absent stays absent. */
export const optionalInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`)
    .optional();

/** An optional whole number from a query string, with bounds, `fallback` when absent. */
export const intQuery = (min: number, max: number, fallback: number) => optionalInt(min, max).transform((n) => n ?? fallback);
