/**
 * Input COCOeval itself would reject (it would raise, usually from numpy):
 * a ground truth whose keypoints do not match the OKS sigmas, a segmentation
 * that is neither polygons nor an RLE, a prediction without the geometry the
 * IoU type needs. Its `code` is stable so the job layer can map it to its own
 * error code; the message names the annotation or prediction and the field.
 */
export class EvaluationInputError extends Error {
  /** Stable identifier the evaluation job maps to an `AppError` code. */
  readonly code = 'EVALUATION_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'EvaluationInputError';
  }
}
