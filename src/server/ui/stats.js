// A dataset's statistics as bar charts, per split.
import { api } from './api.js';
import { $, el } from './dom.js';

/** The dataset's statistics as bar charts, per split. */
export async function showStats(id) {
  const stats = await api(`/datasets/${id}/stats`);
  $('#stats-body').replaceChildren(
    ...stats.splits.flatMap((split) => [
      chart(
        `${split.name}: annotations per category`,
        split.categories.slice(0, 30).map((c) => [c.name, c.annotations]),
      ),
      chart(
        `${split.name}: images per category`,
        split.categories.slice(0, 30).map((c) => [c.name, c.images]),
      ),
      chart(
        `${split.name}: annotations per image (mean ${split.annotations_per_image.mean.toFixed(1)})`,
        split.annotations_per_image.histogram.map((b) => [b.label, b.images]),
      ),
      chart(`${split.name}: COCO area classes`, Object.entries(split.area)),
    ]),
  );
}

function chart(title, rows) {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return el(
    'div',
    { class: 'chart' },
    el('h3', {}, title),
    ...rows.map(([label, n]) => {
      const fill = el('div', { class: 'fill' });
      // Through the CSSOM: the page's Content-Security-Policy refuses style attributes.
      fill.style.width = `${(100 * n) / max}%`;
      return el('div', { class: 'bar' }, el('span', { title: label }, label), el('div', {}, fill), el('span', {}, n.toLocaleString()));
    }),
  );
}
