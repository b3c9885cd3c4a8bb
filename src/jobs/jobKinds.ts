import type { JobKind } from './JobKind.js';
import { evaluationJob } from './kinds/evaluationJob.js';
import { hashJob } from './kinds/hashJob.js';
import { ingestJob } from './kinds/ingestJob.js';
import { predictionsJob } from './kinds/predictionsJob.js';
import { uploadJob } from './kinds/uploadJob.js';

/**
 * Every kind of job the service runs, by name: a new kind is its module and
 * one line here. The scheduler, the job routes and the recovery at start-up
 * look kinds up here, and know none of them.
 */
// biome-ignore lint/suspicious/noExplicitAny: each kind has its own request and summary; the registry holds them side by side.
export const JOB_KINDS: Readonly<Record<string, JobKind<any, any, any>>> = {
  [ingestJob.name]: ingestJob,
  [predictionsJob.name]: predictionsJob,
  [uploadJob.name]: uploadJob,
  [evaluationJob.name]: evaluationJob,
  [hashJob.name]: hashJob,
};

/** The kind of a stored job; an unknown name (a row of a later version) is an error. */
export function jobKindNamed(name: string): JobKind {
  const kind = JOB_KINDS[name];
  if (!kind) throw new Error(`unknown kind of job: ${name}`);
  return kind;
}
