import path from 'node:path';
import type { Config } from '../config.js';
import type { DatasetStorage } from '../storage/DatasetStorage.js';
import { BucketThumbnailPlace } from '../thumbnails/BucketThumbnailPlace.js';
import { LocalThumbnailPlace } from '../thumbnails/LocalThumbnailPlace.js';
import type { ThumbnailPlace } from '../thumbnails/ThumbnailPlace.js';

/** Where thumbnails go, from the configuration: `THUMBNAIL_BUCKET`, else `DATA_DIR/thumbnails`. */
export function thumbnailPlaceFor(config: Config, storage: DatasetStorage): ThumbnailPlace {
  return config.thumbnailBucket === null
    ? new LocalThumbnailPlace(path.join(config.dataDir, 'thumbnails'))
    : new BucketThumbnailPlace(storage.bucketStore(), config.thumbnailBucket);
}
