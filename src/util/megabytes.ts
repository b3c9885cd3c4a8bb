/** Bytes in MiB to one decimal, for progress messages: `153.7`. */
export function megabytes(bytes: number): string {
  return (bytes / 1024 ** 2).toFixed(1);
}
