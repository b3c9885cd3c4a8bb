/** A read that brought nothing for too long: the stores resume it, or give up past their retries. */
export class StallError extends Error {
  constructor(ms: number) {
    super(`no data for ${ms} ms`);
    this.name = 'StallError';
  }
}
