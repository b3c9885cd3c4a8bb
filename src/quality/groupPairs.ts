/**
 * Connected components of the graph the pairs draw (union-find with path
 * halving and union by size): each group lists its members in ascending order,
 * and the groups come in the order of their smallest member. Near duplicates
 * are not transitive (A near B and B near C, A far from C), so a group is a
 * chain of near pairs, as when one photo was edited twice.
 */
export function groupPairs(pairs: Iterable<readonly [number, number]>): number[][] {
  const parent = new Map<number, number>();
  const size = new Map<number, number>();
  const find = (x: number): number => {
    if (!parent.has(x)) {
      parent.set(x, x);
      size.set(x, 1);
      return x;
    }
    let node = x;
    while (parent.get(node) !== node) {
      const grand = parent.get(parent.get(node)!)!;
      parent.set(node, grand);
      node = grand;
    }
    return node;
  };
  for (const [a, b] of pairs) {
    let ra = find(a);
    let rb = find(b);
    if (ra === rb) continue;
    if (size.get(ra)! < size.get(rb)!) [ra, rb] = [rb, ra];
    parent.set(rb, ra);
    size.set(ra, size.get(ra)! + size.get(rb)!);
  }
  const groups = new Map<number, number[]>();
  for (const node of parent.keys()) {
    const root = find(node);
    const group = groups.get(root);
    if (group) group.push(node);
    else groups.set(root, [node]);
  }
  return [...groups.values()].map((g) => g.sort((x, y) => x - y)).sort((x, y) => x[0]! - y[0]!);
}
