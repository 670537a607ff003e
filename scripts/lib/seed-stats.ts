// Statistics over seeds: mean x̄, sample std s = √(Σ (x − x̄)² / (n − 1)) and the 95 % confidence interval of
// the mean, x̄ ± t₀.₉₇₅(n − 1) · s / √n (Student t: seeds are few). With one seed there is no spread: std and
// the interval are null (never NaN).

/** t₀.₉₇₅ for 1..30 degrees of freedom. */
const T975 = [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (table to 30, Cornish–Fisher expansion beyond). */
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`t975: degrees of freedom must be a positive integer (got ${df})`);
  if (df <= T975.length) return T975[df - 1]!;
  const z = 1.959963985;
  const z3 = z ** 3;
  const z5 = z ** 5;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z ** 7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

export interface SeedStats {
  n: number;
  mean: number;
  std: number | null;
  ci95: [number, number] | null;
}

export function seedStats(xs: readonly number[]): SeedStats {
  if (xs.length === 0) throw new Error('seedStats: no values (no seed finished)');
  for (const x of xs) if (!Number.isFinite(x)) throw new Error(`seedStats: a value is ${x}; every seed's value must be finite`);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, std: null, ci95: null };
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const h = (t975(n - 1) * std) / Math.sqrt(n);
  return { n, mean, std, ci95: [mean - h, mean + h] };
}
