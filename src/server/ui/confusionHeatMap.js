// An evaluation's confusion matrix as a heat map: a table whose cells are
// coloured by their share of the row and link to the grid of their images.
import { heatOf } from './colours.js';
import { el } from './dom.js';

/**
 * `confusion` (GET /datasets/{id}/evaluations/{name}'s: its `categories` and
 * the (n+1)² `matrix`, rows ground truth, columns predicted, the last of each
 * the background) as a table. `linkOf(gt, predicted)` gives a cell's link,
 * each side a category id or `background`; cells of 0 have none.
 */
export function confusionHeatMap(confusion, linkOf) {
  const labels = [...confusion.categories.map((c) => ({ key: String(c.id), name: c.name })), { key: 'background', name: 'background' }];
  const head = el('tr', {}, el('th', { scope: 'col', class: 'corner' }, 'truth ↓ · predicted →'), ...labels.map((l) => el('th', { scope: 'col' }, l.name)));
  const rows = confusion.matrix.map((row, i) => {
    const total = row.reduce((sum, n) => sum + n, 0);
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, labels[i].name),
      ...row.map((count, j) => {
        const share = total > 0 ? count / total : 0;
        const title = `${labels[i].name} predicted as ${labels[j].name}: ${count} (${Math.round(share * 100)}% of the row)`;
        const cell = el('td', { 'data-gt': labels[i].key, 'data-predicted': labels[j].key, title, class: share > 0.5 ? 'dark' : '' });
        // Through the CSSOM: the page's Content-Security-Policy refuses style attributes.
        cell.style.backgroundColor = heatOf(share);
        cell.append(count > 0 ? el('a', { href: linkOf(labels[i].key, labels[j].key) }, count) : String(count));
        return cell;
      }),
    );
  });
  return el(
    'table',
    { class: 'confusion' },
    el('caption', {}, 'Confusion at IoU 0.5: each row coloured by its share of the ground truth class'),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}
