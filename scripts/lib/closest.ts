// "Did you mean …?" for mistyped flags and names: the known name at the smallest Levenshtein distance
// (insertions, deletions, substitutions; an adjacent transposition counts 1), if it is close enough to be a
// likely typo (at most a third of the longer name, and at least 1 edit allowed for short names).

/** Optimal-string-alignment distance between a and b. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/** The closest known name to `name` (case-insensitive), or undefined when none is a plausible typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const k of known) {
    const dist = editDistance(lower, k.toLowerCase());
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(1, Math.floor(Math.max(name.length, best.length) / 3)) ? best : undefined;
}

/** " did you mean X?" or "" — to append to an "unknown …" message. */
export function didYouMean(name: string, known: readonly string[], format: (k: string) => string = (k) => k): string {
  const c = closest(name, known);
  return c === undefined ? '' : ` Did you mean ${format(c)}?`;
}
