import type { AreaClass } from '../SampleFilter.js';
import type { ColumnDef } from '../tables/TableMapping.js';

/** What one annotation of an image may be, that a lone filter asks: a crowd, not a crowd, of an area class. */
export type ImagesKey = 'crowd' | 'noncrowd' | AreaClass;

/** The keys in the order their columns follow `images` in `split_stats` and `split_categories`. */
export const IMAGES_KEYS: readonly ImagesKey[] = ['crowd', 'noncrowd', 'small', 'medium', 'large'];

/** The column of the images with an annotation that is `key` (`crowd_images`, …): a fixed name, never the request's text. */
export const imagesColumn = (key: ImagesKey): string => `${key}_images`;

/** The `*_images` columns, in {@link IMAGES_KEYS} order. */
export const IMAGES_COLUMNS: readonly ColumnDef[] = IMAGES_KEYS.map((key) => ({ name: imagesColumn(key), type: 'BIGINT NOT NULL' }));
