/**
 * Runs `work` on every item, `at` items at a time, each started as another
 * ends; resolves when all have ended. The seeded fuzz tests run their cases
 * this way: most of a case's time is its jobs' start and commit, not the
 * machine's cores.
 */
export async function forEachAtOnce<T>(items: readonly T[], at: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const n = next++;
      await work(items[n]!, n);
    }
  };
  await Promise.all(Array.from({ length: at }, runner));
}
