// One registry type for everything that is looked up by name: envs, solvers, planners, presets, noise
// processes, problem families, commands. `register` refuses a duplicate name (pass `{ replace: true }` to
// override on purpose); `get` answers an unknown name with the registered ones and the closest match.

export interface RegistryOptions {
  /** What the entries are, for messages: "env", "solver", … */
  kind: string;
  /** Appended to the unknown-name message when nothing is registered (e.g. "import 'diffmpc' to register the built-ins"). */
  emptyHint?: string;
}

/**
 * Optimal-string-alignment distance between two names, case-insensitive: insertions, deletions and
 * substitutions cost 1, and so does swapping two adjacent characters (the commonest typo).
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/** The candidate closest to `name` when it is a plausible typo: at most a third of the longer name's length (≥ 1) away. */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(1, Math.floor(Math.max(name.length, best.length) / 3)) ? best : undefined;
}

/** The error for an unknown name: the closest match first, then every registered name. */
export function unknownNameError(kind: string, name: string, known: string[], emptyHint?: string): Error {
  const near = closestMatch(name, known);
  const listing = known.length ? `registered: ${known.join(', ')}` : `none is registered${emptyHint ? ` (${emptyHint})` : ''}`;
  return new Error(`unknown ${kind} "${name}"; ${near ? `did you mean "${near}"? ` : ''}${listing}`);
}

/**
 * A name → value map with one set of verbs.
 * @example
 * const solvers = new Registry<SolverFactory>({ kind: 'solver' });
 * solvers.register('dcem', makeDcem);
 * solvers.get('dcme'); // Error: unknown solver "dcme"; did you mean "dcem"? registered: dcem
 */
export class Registry<T> {
  readonly kind: string;
  private readonly emptyHint: string | undefined;
  private readonly entries = new Map<string, T>();

  constructor(opts: RegistryOptions) {
    this.kind = opts.kind;
    this.emptyHint = opts.emptyHint;
  }

  /** Adds `name`; a name already taken is an error unless `replace` is set. */
  register(name: string, value: T, opts: { replace?: boolean } = {}): void {
    if (typeof name !== 'string' || name.length === 0) throw new Error(`register ${this.kind}: the name must be a non-empty string (got ${JSON.stringify(name)})`);
    if (this.entries.has(name) && !opts.replace) {
      throw new Error(`register ${this.kind}: "${name}" is already registered; pick another name or pass { replace: true }`);
    }
    this.entries.set(name, value);
  }

  /**
   * The value of `name`; an unknown name is an error listing the registered ones and the closest match,
   * prefixed with `who` (the caller, e.g. "make") when given.
   */
  get(name: string, who?: string): T {
    const v = this.entries.get(name);
    if (v === undefined) {
      const e = unknownNameError(this.kind, String(name), this.list(), this.emptyHint);
      throw who ? new Error(`${who}: ${e.message}`) : e;
    }
    return v;
  }

  /** The value of `name`, or undefined. */
  find(name: string): T | undefined {
    return this.entries.get(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Registered names, sorted. */
  list(): string[] {
    return [...this.entries.keys()].sort((a, b) => a.localeCompare(b));
  }

  /** `[name, value]` pairs, sorted by name. */
  items(): Array<[string, T]> {
    return this.list().map((k) => [k, this.entries.get(k)!]);
  }
}
