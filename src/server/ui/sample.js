// One sample: its image with its annotations drawn over it (boxes, polygons,
// RLE masks and panoptic segments in their category colours, keypoints and
// skeletons), and a prediction set over them above a score.
import { api } from './api.js';
import { colourOf } from './colours.js';
import { $, el, fillSelect } from './dom.js';
import { decodeMask, rleFromString } from './rle.js';

/** The dataset a sample view needs (categories, prediction sets), fetched once per dataset. */
let datasetCache = { id: null, dataset: null };
async function datasetOf(id) {
  if (datasetCache.id !== id) datasetCache = { id, dataset: await api(`/datasets/${id}`) };
  return datasetCache.dataset;
}

/**
 * An RLE mask as one SVG path: a 1-pixel-wide rectangle per run of ones, column
 * by column (COCO's RLE runs down the columns).
 */
function maskPath(segmentation) {
  const [height, width] = segmentation.size;
  const counts = typeof segmentation.counts === 'string' ? rleFromString(segmentation.counts) : segmentation.counts;
  const mask = decodeMask(counts, height, width);
  let d = '';
  for (let x = 0; x < width; x++) {
    let y = 0;
    while (y < height) {
      if (!mask[x * height + y]) {
        y++;
        continue;
      }
      const start = y;
      while (y < height && mask[x * height + y]) y++;
      d += `M${x} ${start}h1v${y - start}h-1z`;
    }
  }
  return d;
}

/** The shapes of one annotation or prediction: its mask or polygons, keypoints and skeleton, box and label. */
function drawAnnotation(svg, a, { colour, category, fontSize, label, predicted }) {
  const group = el('g', { class: predicted ? 'prediction' : 'truth' });
  const seg = a.segmentation;
  if (Array.isArray(seg)) {
    for (const poly of seg) {
      const points = [];
      for (let k = 0; k + 1 < poly.length; k += 2) points.push(`${poly[k]},${poly[k + 1]}`);
      group.append(el('polygon', { points: points.join(' '), fill: colour, stroke: colour, 'vector-effect': 'non-scaling-stroke' }));
    }
  } else if (seg && typeof seg === 'object' && Array.isArray(seg.size)) {
    group.append(el('path', { d: maskPath(seg), fill: colour, class: 'mask', 'data-id': a.coco_id ?? a.id }));
  }
  if (Array.isArray(a.keypoints)) drawKeypoints(group, a.keypoints, category, colour, fontSize);
  // Stuff segments (panoptic's `isthing: 0`) cover the background: a box says nothing about them.
  if (a.bbox && category?.isthing !== 0) {
    const [x, y, w, h] = a.bbox;
    group.append(el('rect', { x, y, width: w, height: h, stroke: colour, class: 'box', 'vector-effect': 'non-scaling-stroke' }));
    if (label) group.append(el('text', { x: x + 2, y: y + fontSize, 'font-size': fontSize }, label));
  }
  svg.append(group);
}

/** Keypoints `[x, y, v, ...]`: visible (v = 2) filled, labelled but occluded (v = 1) hollow, unlabelled (0) not drawn. */
function drawKeypoints(group, keypoints, category, colour, fontSize) {
  const at = (k) => ({ x: keypoints[3 * k], y: keypoints[3 * k + 1], v: keypoints[3 * k + 2] });
  for (const [from, to] of category?.skeleton ?? []) {
    const a = at(from - 1);
    const b = at(to - 1);
    if (a.v > 0 && b.v > 0)
      group.append(el('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: colour, class: 'skeleton', 'vector-effect': 'non-scaling-stroke' }));
  }
  for (let k = 0; k < keypoints.length / 3; k++) {
    const p = at(k);
    if (p.v === 0) continue;
    const point = el('circle', {
      cx: p.x,
      cy: p.y,
      r: fontSize / 4,
      stroke: colour,
      class: p.v === 2 ? 'kp-visible' : 'kp-occluded',
      'vector-effect': 'non-scaling-stroke',
    });
    if (p.v === 2) point.setAttribute('fill', colour);
    point.append(el('title', {}, `${category?.keypoints?.[k] ?? `keypoint ${k + 1}`}${p.v === 1 ? ' (occluded)' : ''}`));
    group.append(point);
  }
}

function listItem(a, colour, text) {
  const item = el('li', {}, text, a.bbox ? el('span', { class: 'muted' }, ` [${a.bbox.map((v) => Math.round(v)).join(', ')}]`) : '');
  // Through the CSSOM: the page's CSP forbids inline style attributes.
  item.style.borderLeftColor = colour;
  return item;
}

/** Shows sample `sampleId` of dataset `datasetId`, with the prediction set and score of `params`. */
export async function showSample(datasetId, sampleId, params) {
  $('#sample-back').href = `#/datasets/${datasetId}`;
  const [dataset, sample, { items }] = await Promise.all([
    datasetOf(datasetId),
    api(`/samples/${sampleId}?dataset_id=${datasetId}`),
    api(`/samples/${sampleId}/annotations?dataset_id=${datasetId}`),
  ]);
  const categories = new Map(dataset.categories.map((c) => [c.id, c]));
  const setName = params.get('predictions') ?? '';
  const minScore = Number(params.get('min_score') ?? 0);
  const sets = dataset.prediction_sets.filter((p) => p.status === 'ready').map((p) => p.name);
  fillSelect($('#prediction-set'), sets, setName, 'none');
  $('#prediction-controls').hidden = sets.length === 0;
  $('#min-score').value = String(minScore);
  $('#min-score-value').textContent = minScore.toFixed(2);
  const go = () => {
    const q = new URLSearchParams();
    if ($('#prediction-set').value) {
      q.set('predictions', $('#prediction-set').value);
      if (Number($('#min-score').value) > 0) q.set('min_score', $('#min-score').value);
    }
    location.hash = `#/datasets/${datasetId}/samples/${sampleId}${q.size > 0 ? `?${q}` : ''}`;
  };
  $('#prediction-set').onchange = go;
  $('#min-score').onchange = go;
  $('#min-score').oninput = () => ($('#min-score-value').textContent = Number($('#min-score').value).toFixed(2));
  const predictions = setName
    ? (await api(`/samples/${sampleId}/annotations?dataset_id=${datasetId}&predictions=${encodeURIComponent(setName)}&min_score=${minScore}`)).items
    : [];
  const name = sample.file_name ?? sample.coco_url ?? `image ${sample.coco_id}`;
  $('#sample-title').textContent = `${name} · ${sample.width}×${sample.height} · ${sample.split}`;
  const colour = (a, i) => colourOf(categories.get(a.category_id), i);
  $('#annotations').replaceChildren(
    ...items.map((a, i) => listItem(a, colour(a, i), a.caption ?? `${a.category_name ?? 'annotation'}${a.iscrowd ? ' (crowd)' : ''}`)),
    ...predictions.map((p) => listItem(p, '#111', `${p.caption ?? p.category_name ?? 'prediction'} ${p.score === null ? '' : p.score.toFixed(2)} (predicted)`)),
  );
  const figure = $('#figure');
  if (sample.image_error && !sample.image_error.code.startsWith('MASK_')) {
    figure.replaceChildren(el('p', { class: 'error' }, `${sample.image_error.code}: ${sample.image_error.message}`));
    return;
  }
  // Annotations are in the original image's pixels: the overlay's viewBox is the original size.
  const svg = el('svg', { viewBox: `0 0 ${sample.width} ${sample.height}`, preserveAspectRatio: 'none' });
  const fontSize = Math.max(sample.width, sample.height) / 40;
  items.forEach((a, i) => {
    const category = categories.get(a.category_id);
    drawAnnotation(svg, a, { colour: colour(a, i), category, fontSize, label: a.category_name, predicted: false });
  });
  for (const p of predictions) {
    const category = categories.get(p.category_id);
    drawAnnotation(svg, p, { colour: '#111', category, fontSize, label: `${p.category_name ?? ''} ${p.score?.toFixed(2) ?? ''}`.trim(), predicted: true });
  }
  figure.replaceChildren(el('img', { src: `/images/${datasetId}/${sampleId}?size=large`, alt: name }), svg);
}
