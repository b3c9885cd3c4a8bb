/** What the service does with an error of one code. */
export interface ErrorCodeInfo {
  /** HTTP status when the error ends a request. */
  status: number;
  /** Whether the message may be shown to clients as it is (never when it could carry internals). */
  expose: boolean;
}

const shown = (status: number): ErrorCodeInfo => ({ status, expose: true });
const hidden = (status: number): ErrorCodeInfo => ({ status, expose: false });

/**
 * Every stable error code the service answers with, its HTTP status, and whether
 * its message is safe to show. This is the one table: `AppError` reads its
 * status from here, so a code means the same thing on every route and in every
 * job event. A code not listed is an internal error (500, message hidden).
 */
export const ERROR_CODES = {
  // The request
  /** Also a request Node's HTTP parser cannot read (a body cut short of its `Content-Length`, bytes that are not HTTP). */
  INVALID_REQUEST: shown(400),
  /** The request line and headers are more than Node reads (16 KiB). */
  REQUEST_HEADERS_TOO_LARGE: shown(431),
  /** The request's headers did not arrive within the server's `headersTimeout`. */
  REQUEST_TIMEOUT: shown(408),
  PATH_UNREADABLE: shown(400),
  UNAUTHORIZED: shown(401),
  PATH_FORBIDDEN: shown(403),
  NOT_FOUND: shown(404),
  METHOD_NOT_ALLOWED: shown(405),
  CONFLICT: shown(409),
  CANCELLED: shown(409),
  /** Duplicates were asked of a dataset none of whose images was ever decoded (ingested with `thumbnails: "none"`): `POST /datasets/{id}/hashes` reads them. */
  HASHES_MISSING: shown(409),
  PAYLOAD_TOO_LARGE: shown(413),
  UNSUPPORTED_MEDIA_TYPE: shown(415),
  RANGE_NOT_SATISFIABLE: shown(416),
  NOT_IMPLEMENTED: shown(501),
  // The files a request or a dataset names
  INVALID_ANNOTATION_FILE: shown(422),
  /**
   * An uploaded archive that is broken, would write outside its folder, or whose
   * declared sizes cross a bound (`MAX_UNPACKED_BYTES`, `MAX_UNPACK_RATIO`, free disk
   * less `MIN_FREE_DISK_BYTES`): the message names the entry or the bound, with its numbers.
   */
  UPLOAD_REJECTED: shown(422),
  /** The client closed its connection or went silent before the end of an upload's body: the message says how many bytes arrived. */
  UPLOAD_INCOMPLETE: shown(400),
  /** `MAX_CONCURRENT_UPLOADS` uploads are receiving their bytes: retry after `Retry-After`. */
  UPLOADS_BUSY: shown(503),
  /** The disk holding `DATA_DIR/uploads` has less free space than the upload needs. */
  UPLOAD_NO_SPACE: shown(507),
  OBJECT_NOT_FOUND: shown(404),
  OBJECT_FORBIDDEN: shown(403),
  OBJECT_TOO_LARGE: shown(413),
  /** The store (a bucket, an HTTP server) failed to answer, after retries. */
  OBJECT_READ_FAILED: shown(502),
  // One image
  IMAGE_MISSING: shown(404),
  IMAGE_REFUSED: shown(403),
  /** The image exists but is not a readable file (permissions, a directory). */
  IMAGE_UNREADABLE: shown(422),
  IMAGE_UNDECODABLE: shown(422),
  IMAGE_UNSUPPORTED: shown(422),
  IMAGE_TOO_LARGE: shown(422),
  /** The store holding the image failed (no answer, errors after retries, access refused). */
  IMAGE_READ_FAILED: shown(502),
  /** Too many images in a row failed because their store did: the ingest stops. */
  IMAGE_SOURCE_UNAVAILABLE: shown(502),
  // A panoptic segment's mask
  MASK_MISSING: shown(404),
  MASK_UNDECODABLE: shown(422),
  MASK_SIZE_MISMATCH: shown(422),
  MASK_AREA_MISMATCH: shown(422),
  // Evaluations
  /** A keypoint category whose number of keypoints is not the number of OKS sigmas (COCO's 17, or the request's `sigmas`). */
  EVALUATION_SIGMAS_MISMATCH: shown(422),
  /** Input COCOeval itself would reject: a segmentation neither polygons nor RLE, keypoints that do not fit the sigmas, a prediction without the geometry the IoU type needs. */
  EVALUATION_INVALID: shown(422),
  /** A prediction set that cannot be evaluated with the asked `iou_type` (captions, no results, no keypoints for `keypoints`). */
  EVALUATION_UNSUITABLE: shown(422),
  /** Two evaluations compared that are not of the same split and `iou_type`. */
  EVALUATION_MISMATCH: shown(409),
  // Thumbnails
  THUMBNAIL_BUSY: shown(503),
  THUMBNAIL_WRITE_FAILED: hidden(500),
  THUMBNAIL_STORAGE_FAILED: shown(507),
  WORKER_CRASHED: hidden(500),
  /** Redis, which carries the thumbnail queue (`REDIS_URL`), cannot be reached. */
  THUMBNAIL_QUEUE_UNAVAILABLE: shown(503),
  // The service
  SHUTTING_DOWN: shown(503),
  INTERRUPTED: shown(500),
  DATABASE_LOCKED: shown(500),
  DATABASE_OPEN_FAILED: shown(500),
  DATABASE_SCHEMA_MISMATCH: shown(500),
  /** A checkpoint failed and invalidated the database, which is being attached again (every commit kept): retry. */
  DATABASE_RECOVERING: shown(503),
  /** DuckDB ran out of its `memory_limit` (several jobs holding large records at once); nothing was written. */
  DATABASE_OUT_OF_MEMORY: shown(503),
  PLUGIN_LOAD_FAILED: shown(500),
  PLUGIN_INVALID: shown(500),
  INTERNAL: hidden(500),
} as const satisfies Record<string, ErrorCodeInfo>;

/** A code of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

const UNKNOWN: ErrorCodeInfo = hidden(500);

/** The status and exposure of `code`; an unlisted code is an internal error. */
export function errorCodeInfo(code: string): ErrorCodeInfo {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as ErrorCode] : UNKNOWN;
}
