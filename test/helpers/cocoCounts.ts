import { readFileSync } from 'node:fs';

/** Counts computed straight from a COCO JSON file, to check the service against. */
export interface CocoCounts {
  images: number;
  annotations: number;
  categories: number;
  json: any;
  /** Category name -> number of images with at least one annotation of it. */
  imagesByCategory: Map<string, number>;
}

export function cocoCounts(file: string): CocoCounts {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const names = new Map<number, string>((json.categories ?? []).map((c: any) => [c.id, c.name]));
  const sets = new Map<string, Set<number>>();
  for (const a of json.annotations) {
    const name = names.get(a.category_id);
    if (name === undefined) continue;
    if (!sets.has(name)) sets.set(name, new Set());
    sets.get(name)!.add(a.image_id);
  }
  return {
    images: json.images.length,
    annotations: json.annotations.length,
    categories: (json.categories ?? []).length,
    json,
    imagesByCategory: new Map([...sets].map(([k, v]) => [k, v.size])),
  };
}
