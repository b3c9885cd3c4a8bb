/**
 * The `info` and `licenses` of the real COCO 2017 instances files, written at
 * the top of every generated file so that its head looks like the real one.
 */
export const COCO_2017_INFO = {
  description: 'COCO 2017 Dataset',
  url: 'http://cocodataset.org',
  version: '1.0',
  year: 2017,
  contributor: 'COCO Consortium',
  date_created: '2017/09/01',
} as const;

/** The eight Flickr licenses of COCO 2017, in its key order (`url`, `id`, `name`). */
export const COCO_2017_LICENSES = [
  { url: 'http://creativecommons.org/licenses/by-nc-sa/2.0/', id: 1, name: 'Attribution-NonCommercial-ShareAlike License' },
  { url: 'http://creativecommons.org/licenses/by-nc/2.0/', id: 2, name: 'Attribution-NonCommercial License' },
  { url: 'http://creativecommons.org/licenses/by-nc-nd/2.0/', id: 3, name: 'Attribution-NonCommercial-NoDerivs License' },
  { url: 'http://creativecommons.org/licenses/by/2.0/', id: 4, name: 'Attribution License' },
  { url: 'http://creativecommons.org/licenses/by-sa/2.0/', id: 5, name: 'Attribution-ShareAlike License' },
  { url: 'http://creativecommons.org/licenses/by-nd/2.0/', id: 6, name: 'Attribution-NoDerivs License' },
  { url: 'http://flickr.com/commons/usage/', id: 7, name: 'No known copyright restrictions' },
  { url: 'http://www.usa.gov/copyright.shtml', id: 8, name: 'United States Government Work' },
] as const;
