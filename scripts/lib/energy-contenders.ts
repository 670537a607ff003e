// The contenders of the energy-based regression benchmark (scripts/energy.ts): the ways of computing
// ŷ = argmin_y E(x, y), each with the settings of the DCEM / NOVAS papers, looked up by label in the
// benchmark and in its job runner (scripts/lib/energy-jobs.ts).
import * as tf from '@tensorflow/tfjs';
import '../../src/solvers/dcem.ts';
import { GradientDescent } from '../../src/solvers/gd.ts';
import '../../src/solvers/novas.ts';
import { makeSolver } from '../../src/solvers/types.ts';
import type { ArgminSpec } from '../../src/train/energy-regression.ts';

/** A way of computing ŷ = argmin_y E(x, y), with the settings of the papers. */
export interface EnergyContender {
  label: string;
  describe: string;
  spec: () => ArgminSpec;
  /** The same solver with T inner iterations (for the test-time iteration ablation). */
  atIterations: (T: number) => ArgminSpec;
}

/** Inner iteration counts used at test time on every trained model (the papers' ablation). */
export const ABLATION_ITERATIONS = [1, 5, 10, 20, 50];

const zeros = (B: number) => ({ mean: tf.zeros([B, 1]) });
/** σ floor of the NOVAS paper's code: it adds 1e-3 to the variance after every update. */
const NOVAS_PAPER_SIGMA_MIN = Math.sqrt(1e-3);
const wide = (B: number) => ({ mean: tf.zeros([B, 1]), std: tf.fill([B, 1], 7) });

const gd = (steps: number): EnergyContender => ({
  label: `gd-${steps}`,
  describe: `unrolled GD, ${steps} steps, lr 0.1, from y = 0`,
  spec: () => ({ solver: new GradientDescent({ steps, lr: 0.1 }), init: zeros, opts: { backward: 'unroll' } }),
  atIterations: (T) => ({ solver: new GradientDescent({ steps: T, lr: 0.1 }), init: zeros }),
});

export const ENERGY_CONTENDERS: EnergyContender[] = [
  gd(1),
  gd(5),
  gd(10),
  gd(20),
  {
    label: 'dcem',
    describe: 'DCEM, 10 iterations, 100 samples, 10 elites, σ₀ 7, temp 1, normalize, unrolled',
    spec: () => ({
      solver: makeSolver('dcem', { iterations: 10, samples: 100, elites: 10, temp: 1, normalize: true }),
      init: wide,
      opts: { backward: 'unroll' },
    }),
    atIterations: (T) => ({ solver: makeSolver('dcem', { iterations: T, samples: 100, elites: 10, temp: 1, normalize: true }), init: wide }),
  },
  {
    // The stated settings with the solver's default σ floor (sigmaMin 1e-3). They do not train from the
    // untrained energy, which is lowest at the lower end of the y box for every x: the first updates
    // (α = 1, κ = 10) put μ on y = −10 and shrink σ onto the floor within ~5 iterations, so the last update
    // (the only one differentiated) sees the energy on a window of width ~1e-3 where it is linear in y. The
    // min-max normalization removes the slope, so ŷ's gradient w.r.t. θ is O(σ) (norm ~3e-5 at init, and its
    // direction changes with the solver noise) and the train MSE stays at the value of ŷ ≡ −10.
    label: 'novas',
    describe: "NOVAS, 10 iterations, 100 samples, κ 10, σ₀ 7, backward through the last iteration (the paper code's)",
    spec: () => ({ solver: makeSolver('novas', { iterations: 10, samples: 100, kappa: 10 }), init: wide }),
    atIterations: (T) => ({ solver: makeSolver('novas', { iterations: T, samples: 100, kappa: 10 }), init: wide }),
  },
  {
    // The same settings with the σ floor of the paper's code, which adds 1e-3 to the variance of every
    // update (σ ≥ √1e-3 ≈ 0.032) where this solver's default floors σ itself at 1e-3. The collapsed search
    // then still sees the energy's curvature near the bound, and ŷ's gradient is consistent across noise
    // draws, so training leaves the bound in the first epoch.
    label: 'novas-floor',
    describe: "NOVAS, 10 iterations, 100 samples, κ 10, σ₀ 7, σ ≥ √1e-3 (the paper code's variance floor), backward through the last iteration",
    spec: () => ({ solver: makeSolver('novas', { iterations: 10, samples: 100, kappa: 10, sigmaMin: NOVAS_PAPER_SIGMA_MIN }), init: wide }),
    atIterations: (T) => ({ solver: makeSolver('novas', { iterations: T, samples: 100, kappa: 10, sigmaMin: NOVAS_PAPER_SIGMA_MIN }), init: wide }),
  },
  {
    // Ablation: the stated settings differentiated through every iteration. The early, wide iterations
    // carry gradient, but through the Jacobians of the collapsing updates, so it is small (~7e-5 at init)
    // and training leaves the bound only after a few epochs.
    label: 'novas-unroll',
    describe: 'NOVAS, 10 iterations, 100 samples, κ 10, σ₀ 7, unrolled through every iteration',
    spec: () => ({ solver: makeSolver('novas', { iterations: 10, samples: 100, kappa: 10 }), init: wide, opts: { backward: 'unroll' } }),
    atIterations: (T) => ({ solver: makeSolver('novas', { iterations: T, samples: 100, kappa: 10 }), init: wide }),
  },
];

/** The contender of a label; an unknown one is an error listing the known labels. */
export function energyContender(label: string, who = 'energy'): EnergyContender {
  const c = ENERGY_CONTENDERS.find((x) => x.label === label);
  if (!c) throw new Error(`${who}: unknown contender "${label}"; known: ${ENERGY_CONTENDERS.map((x) => x.label).join(', ')}`);
  return c;
}
