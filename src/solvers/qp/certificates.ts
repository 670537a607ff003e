// Infeasibility certificates checked on the last interior-point iterate of a QP that did not converge.
//
// Primal infeasibility (Farkas): {Gz ≤ h, Az = b} is empty iff there are λ ≥ 0, ν with
//   Gᵀλ + Aᵀν = 0  and  hᵀλ + bᵀν < 0.
// On an infeasible problem the interior-point multipliers (λ, ν) grow along such a ray; we normalise the last
// (λ, ν) to max-norm 1 and accept it when hᵀλ̂ + bᵀν̂ < 0 and ‖Gᵀλ̂ + Aᵀν̂‖∞ ≤ 1e-6·|hᵀλ̂ + bᵀν̂|.
// Dual infeasibility (unbounded objective): a ray d with Qd = 0, Gd ≤ 0, Ad = 0, pᵀd < 0. The iterates x (or
// the last Newton step) run off along such a ray; with d̂ normalised to max-norm 1 we accept when pᵀd̂ < 0 and
// ‖Qd̂‖∞, max(Gd̂)₊, ‖Ad̂‖∞ are all ≤ 1e-6·|pᵀd̂|. Both tests are scale-free in the certificate.
const REL = 1e-6;

/** Tests the normalised multipliers (z = λ `[m]`, y = ν `[neq]`) as a Farkas certificate. */
export function detectPrimalInfeasible(
  G: Float64Array, go: number, h: Float64Array, ho: number, A: Float64Array, ao: number, b: Float64Array, bo: number,
  nz: number, m: number, neq: number, z: Float64Array, y: Float64Array,
): boolean {
  let nrm = 0;
  for (let k = 0; k < m; k++) {
    if (!(z[k]! >= 0) || !Number.isFinite(z[k]!)) return false;
    nrm = Math.max(nrm, z[k]!);
  }
  for (let r = 0; r < neq; r++) {
    if (!Number.isFinite(y[r]!)) return false;
    nrm = Math.max(nrm, Math.abs(y[r]!));
  }
  if (!(nrm > 0)) return false;
  let c = 0;
  for (let k = 0; k < m; k++) c += h[ho + k]! * z[k]!;
  for (let r = 0; r < neq; r++) c += b[bo + r]! * y[r]!;
  c /= nrm;
  if (!(c < 0)) return false;
  for (let i = 0; i < nz; i++) {
    let g = 0;
    for (let k = 0; k < m; k++) g += G[go + k * nz + i]! * z[k]!;
    for (let r = 0; r < neq; r++) g += A[ao + r * nz + i]! * y[r]!;
    if (Math.abs(g / nrm) > REL * -c) return false;
  }
  return true;
}

/** Tests the direction `v` `[nz]` (normalised here) as a ray of unboundedness. */
export function detectDualInfeasible(
  Q: Float64Array, qo: number, p: Float64Array, po: number, G: Float64Array, go: number, A: Float64Array, ao: number,
  nz: number, m: number, neq: number, v: Float64Array,
): boolean {
  let nrm = 0;
  for (let i = 0; i < nz; i++) {
    if (!Number.isFinite(v[i]!)) return false;
    nrm = Math.max(nrm, Math.abs(v[i]!));
  }
  if (!(nrm > 0)) return false;
  let c = 0;
  for (let i = 0; i < nz; i++) c += p[po + i]! * v[i]!;
  c /= nrm;
  if (!(c < 0)) return false;
  const lim = REL * -c * nrm;
  for (let i = 0; i < nz; i++) {
    let acc = 0;
    for (let j = 0; j < nz; j++) acc += Q[qo + i * nz + j]! * v[j]!;
    if (Math.abs(acc) > lim) return false;
  }
  for (let k = 0; k < m; k++) {
    let acc = 0;
    for (let i = 0; i < nz; i++) acc += G[go + k * nz + i]! * v[i]!;
    if (acc > lim) return false;
  }
  for (let r = 0; r < neq; r++) {
    let acc = 0;
    for (let i = 0; i < nz; i++) acc += A[ao + r * nz + i]! * v[i]!;
    if (Math.abs(acc) > lim) return false;
  }
  return true;
}
