// Errors of the linear-algebra layer, carrying the batch elements that failed.
//
// A factorization never returns NaN silently: the Float64 cores report an `info` code per batch element
// (0 = success, k > 0 = failure at pivot k, 1-based, as LAPACK does) and the tensor ops turn a non-zero
// code into a `LinalgError` that lists the failing batch indices and the fix.

export class LinalgError extends Error {
  override name = 'LinalgError';
  constructor(
    message: string,
    /** Batch indices whose factorization failed. */
    readonly failed: number[],
    /** Per-batch info codes (0 = ok, k = failed at 1-based pivot k). */
    readonly info: Int32Array,
  ) {
    super(message);
  }
}

/** Throws a LinalgError if any info code is non-zero. */
export function throwOnFailure(info: Int32Array, what: string, fix: string): void {
  const failed: number[] = [];
  for (let i = 0; i < info.length; i++) if (info[i] !== 0) failed.push(i);
  if (failed.length === 0) return;
  const shown = failed.slice(0, 10).map((b) => `${b} (pivot ${info[b]})`).join(', ');
  throw new LinalgError(
    `${what} in batch element${failed.length > 1 ? 's' : ''} ${shown}${failed.length > 10 ? `, … (${failed.length} in all)` : ''}; fix: ${fix}`,
    failed,
    info,
  );
}
