// One sample: its image with its annotations drawn over it (boxes, polygons,
// RLE masks and panoptic segments in their category colours, keypoints and
// skeletons), and a prediction set over them above a score; with an
// evaluation chosen, its predictions and ground truth coloured by outcome.
import { api } from './api.js';
import { colourOf } from './colours.js';
import { $, el, fillSelect } from './dom.js';
import { decodeMask, rleFromString } from './rle.js';
import { outcomeLabel, outcomeLegend, outcomeOf } from './sampleOutcomes.js';

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
function drawAnnotation(svg, a, { colour, category, fontSize, label, predicted, outcome }) {
  const group = el('g', { class: `${predicted ? 'prediction' : 'truth'}${outcome ? ` outcome-${outcome}` : ''}`, 'data-id': a.id });
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

/** The sample view's controls: the evaluation, or else the prediction set, and the score; each change is a new address. */
function showControls(datasetId, sampleId, { sets, evaluations, evaluation, evalIou, setName, minScore }) {
  fillSelect(
    $('#sample-evaluation'),
    evaluations.map((e) => e.name),
    evaluation?.name ?? '',
    'none',
  );
  $('#sample-evaluation').parentElement.hidden = evaluations.length === 0;
  $('#eval-iou-control').hidden = evaluation === null;
  $('#eval-iou').value = String(evalIou);
  fillSelect($('#prediction-set'), sets, setName, 'none');
  // An evaluation's predictions are its own set's.
  $('#prediction-set').disabled = evaluation !== null;
  $('#prediction-controls').hidden = sets.length === 0;
  $('#min-score').value = String(minScore);
  $('#min-score-value').textContent = minScore.toFixed(2);
  const go = () => {
    const q = new URLSearchParams();
    if ($('#sample-evaluation').value) {
      q.set('evaluation', $('#sample-evaluation').value);
      if ($('#eval-iou').value === '0.75') q.set('eval_iou', '0.75');
    } else if ($('#prediction-set').value) q.set('predictions', $('#prediction-set').value);
    if (q.size > 0 && Number($('#min-score').value) > 0) q.set('min_score', $('#min-score').value);
    location.hash = `#/datasets/${datasetId}/samples/${sampleId}${q.size > 0 ? `?${q}` : ''}`;
  };
  $('#sample-evaluation').onchange = go;
  $('#eval-iou').onchange = go;
  $('#prediction-set').onchange = go;
  $('#min-score').onchange = go;
  $('#min-score').oninput = () => ($('#min-score-value').textContent = Number($('#min-score').value).toFixed(2));
}

/** Shows sample `sampleId` of dataset `datasetId`, with the evaluation, or else the prediction set, and the score of `params`. */
export async function showSample(datasetId, sampleId, params) {
  const [dataset, { items: evaluationList }, sample] = await Promise.all([
    datasetOf(datasetId),
    api(`/datasets/${datasetId}/evaluations`),
    api(`/samples/${sampleId}?dataset_id=${datasetId}`),
  ]);
  const evaluations = evaluationList.filter((e) => e.status === 'ready');
  const evaluation = evaluations.find((e) => e.name === params.get('evaluation')) ?? null;
  const evalIou = params.get('eval_iou') === '0.75' ? 0.75 : 0.5;
  // With an evaluation, each annotation comes with its outcome (`eval`), at the IoU chosen.
  const evalQuery = evaluation ? `&evaluation=${encodeURIComponent(evaluation.name)}${evalIou === 0.75 ? '&eval_iou=0.75' : ''}` : '';
  const { items } = await api(`/samples/${sampleId}/annotations?dataset_id=${datasetId}${evalQuery}`);
  $('#sample-back').href = `#/datasets/${datasetId}${evaluation ? `?${new URLSearchParams({ evaluation: evaluation.name })}` : ''}`;
  const categories = new Map(dataset.categories.map((c) => [c.id, c]));
  const setName = evaluation?.predictions ?? params.get('predictions') ?? '';
  const minScore = Number(params.get('min_score') ?? 0);
  const sets = dataset.prediction_sets.filter((p) => p.status === 'ready').map((p) => p.name);
  showControls(datasetId, sampleId, { sets, evaluations, evaluation, evalIou, setName, minScore });
  const predictions = setName
    ? (await api(`/samples/${sampleId}/annotations?dataset_id=${datasetId}&predictions=${encodeURIComponent(setName)}&min_score=${minScore}${evalQuery}`)).items
    : [];
  const name = sample.file_name ?? sample.coco_url ?? `image ${sample.coco_id}`;
  $('#sample-title').textContent = `${name} · ${sample.width}×${sample.height} · ${sample.split}`;
  $('#outcome-legend').hidden = !evaluation;
  $('#outcome-legend').replaceChildren(...(evaluation ? outcomeLegend(evalIou) : []));
  // Without an evaluation, ground truth in its category's colour and predictions in black; with one, each by its outcome.
  const style = (a, i, predicted) => {
    if (evaluation) return outcomeLabel(a, outcomeOf(a, predicted));
    return { colour: predicted ? '#111' : colourOf(categories.get(a.category_id), i), text: predicted ? ' (predicted)' : '' };
  };
  const shown = [
    ...items.map((a, i) => ({ a, predicted: false, ...style(a, i, false) })),
    ...predictions.map((p, i) => ({ a: p, predicted: true, ...style(p, i, true) })),
  ];
  $('#annotations').replaceChildren(
    ...shown.map(({ a, predicted, colour, text }) => {
      const what = a.caption ?? `${a.category_name ?? (predicted ? 'prediction' : 'annotation')}${a.iscrowd ? ' (crowd)' : ''}`;
      const score = predicted && typeof a.score === 'number' ? ` ${a.score.toFixed(2)}` : '';
      return listItem(a, colour, `${what}${score}${text}`);
    }),
  );
  const figure = $('#figure');
  if (sample.image_error && !sample.image_error.code.startsWith('MASK_')) {
    figure.replaceChildren(el('p', { class: 'error' }, `${sample.image_error.code}: ${sample.image_error.message}`));
    return;
  }
  // Annotations are in the original image's pixels: the overlay's viewBox is the original size.
  const svg = el('svg', { viewBox: `0 0 ${sample.width} ${sample.height}`, preserveAspectRatio: 'none' });
  const fontSize = Math.max(sample.width, sample.height) / 40;
  for (const { a, predicted, colour } of shown) {
    const label = predicted ? `${a.category_name ?? ''} ${a.score?.toFixed(2) ?? ''}`.trim() : a.category_name;
    const outcome = evaluation ? outcomeOf(a, predicted) : undefined;
    drawAnnotation(svg, a, { colour, category: categories.get(a.category_id), fontSize, label, predicted, outcome });
  }
  figure.replaceChildren(el('img', { src: `/images/${datasetId}/${sampleId}?size=large`, alt: name }), svg);
}
