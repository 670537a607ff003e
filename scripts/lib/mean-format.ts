// "mean ± std" for summaries of n values: with n = 1 the spread (and the standard error std/√n) is
// undefined, so only the value is printed.
export function formatMeanStd(s: { mean: number; std: number }, n: number, digits = 1): string {
  return n > 1 ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}` : s.mean.toFixed(digits);
}

/** The standard error of the mean std/√n, undefined for n < 2. */
export function standardError(std: number, n: number): number | undefined {
  return n > 1 ? std / Math.sqrt(n) : undefined;
}
