// A dataset's Quality page: its duplicate groups side by side as thumbnails,
// leaks first, and its annotation checks with their counts, each linking to
// the grid filtered by it.
import { api } from './api.js';
import { $, el } from './dom.js';

/** Shows dataset `id`'s duplicates and checks. */
export async function showQuality(id) {
  const dataset = await api(`/datasets/${id}`);
  $('#quality-title').textContent = `${dataset.name} · quality`;
  $('#quality-back').href = `#/datasets/${id}`;
  $('#duplicates').replaceChildren(el('p', { class: 'muted' }, 'comparing hashes…'));
  $('#checks').replaceChildren();
  const [duplicates, checks] = await Promise.allSettled([api(`/datasets/${id}/duplicates`), api(`/datasets/${id}/checks`)]);
  $('#duplicates').replaceChildren(
    ...(duplicates.status === 'fulfilled' ? groupsOf(duplicates.value) : [el('p', { class: 'error' }, duplicates.reason.message)]),
  );
  if (checks.status === 'fulfilled') {
    $('#checks').replaceChildren(
      ...checks.value.checks.map((check) =>
        el(
          'li',
          { 'data-check': check.name },
          check.count > 0 && check.unit !== 'categories'
            ? el('a', { href: `#/datasets/${id}?check=${encodeURIComponent(check.name)}` }, check.name)
            : el('span', {}, check.name),
          el('span', { class: 'count' }, ` ${check.count.toLocaleString()} ${check.unit}`),
          el('span', { class: 'muted' }, ` · ${check.description}`),
        ),
      ),
    );
  } else $('#checks').replaceChildren(el('li', { class: 'error' }, checks.reason.message));
}

function groupsOf(answer) {
  const summary = el(
    'p',
    { id: 'duplicates-summary' },
    `${answer.leak_count} leak(s) across splits, ${answer.group_count - answer.leak_count} other duplicate group(s), ` +
      `at distance ${answer.max_distance}; ${answer.hashed} images hashed, ${answer.unhashed} without hashes`,
  );
  const groups = answer.groups.map((group) =>
    el(
      'div',
      { class: `duplicate-group${group.cross_split ? ' leak' : ''}`, 'data-kind': group.kind },
      el('h3', {}, `${group.cross_split ? 'leak' : 'duplicate'} · ${group.kind}`),
      ...group.samples.map((s) =>
        el(
          'a',
          { href: `#/datasets/${s.dataset_id}/samples/${s.id}`, title: `${s.split}/${s.file_name ?? s.coco_id}, distance ${s.distance}` },
          el('img', { src: `/images/${s.dataset_id}/${s.id}?size=small`, alt: s.file_name ?? String(s.coco_id), loading: 'lazy' }),
          el('span', {}, `${s.split} · ${s.distance}`),
        ),
      ),
    ),
  );
  return [summary, ...groups];
}
