import type { DuplicateGroup, DuplicatePair, HashedSample } from './DuplicateGroup.js';
import { groupPairs } from './groupPairs.js';
import { hammingDistance } from './hammingDistance.js';

/**
 * Groups duplicate pairs into connected components and orders them: leaks
 * (cross-split groups) first, then larger groups, then by their first sample's
 * id. A group is `exact` when all its members share their file's bytes, and
 * each member's `distance` is to the group's first (smallest id) member.
 * `split`, when given, keeps only the groups with a member of that split.
 */
export function buildDuplicateGroups(pairs: readonly DuplicatePair[], samples: ReadonlyMap<number, HashedSample>, split?: string): DuplicateGroup[] {
  const groups: DuplicateGroup[] = [];
  for (const ids of groupPairs(pairs.map((p) => [p.a, p.b] as const))) {
    const members = ids.map((id) => samples.get(id)!);
    if (split !== undefined && !members.some((m) => m.split === split)) continue;
    const first = members[0]!;
    const splits = new Set(members.map((m) => `${m.dataset_id}/${m.split}`));
    groups.push({
      kind: members.every((m) => m.content_hash === first.content_hash) ? 'exact' : 'near',
      cross_split: splits.size > 1,
      samples: members.map(({ content_hash: _c, phash, ...m }) => ({ ...m, distance: hammingDistance(first.phash, phash) })),
    });
  }
  return groups.sort((x, y) => Number(y.cross_split) - Number(x.cross_split) || y.samples.length - x.samples.length || x.samples[0]!.id - y.samples[0]!.id);
}
