/** A dataset's name from its archive's file name: `coco-2017.zip` -> `coco-2017`; `upload` when there is nothing left. */
export function nameFromArchive(fileName: string): string {
  const base = fileName.replaceAll('\\', '/').split('/').pop() ?? '';
  const clean = base
    .replace(/\.zip$/i, '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips.
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return clean.slice(0, 200) || 'upload';
}
