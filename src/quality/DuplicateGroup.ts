/** A sample of a duplicate group, as `GET /datasets/{id}/duplicates` shows it. */
export interface DuplicateMember {
  id: number;
  dataset_id: number;
  coco_id: number;
  split: string;
  file_name: string | null;
  /** Hamming distance of its perceptual hash to the group's first sample's. */
  distance: number;
}

/** A group of copies of one image. */
export interface DuplicateGroup {
  /** `exact`: every member has the same file bytes; `near`: perceptually close. */
  kind: 'exact' | 'near';
  /** True when its members are of more than one split (or, against another dataset, always): a leak. */
  cross_split: boolean;
  samples: DuplicateMember[];
}

/** A duplicate pair as the search finds it. */
export interface DuplicatePair {
  a: number;
  b: number;
  distance: number;
  exact: boolean;
  cross_split: boolean;
}

/** A hashed sample a pair names. */
export interface HashedSample extends Omit<DuplicateMember, 'distance'> {
  content_hash: string;
  /** 16 hex digits. */
  phash: string;
}
