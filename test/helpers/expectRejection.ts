import { expect } from 'chai';

/** Awaits `promise`, expecting it to reject; returns the error for further checks. */
export async function expectRejection(promise: Promise<unknown>, pattern?: RegExp): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    if (pattern) expect((err as Error).message).to.match(pattern);
    return err as Error & Record<string, unknown>;
  }
  expect.fail(`expected a rejection${pattern ? ` matching ${pattern}` : ''}`);
}
