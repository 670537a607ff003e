// End-to-end imitation through a differentiable MPC: learn model (or cost) parameters θ from expert plans.
//
//   min_θ  L(θ) = mean_{b, t} ‖ U*_θ(x_b)_t − U^E(x_b)_t ‖²,    U*_θ(x) = argmin_U J_θ(x, U)  (the MPC plan)
//
// The gradient ∂L/∂θ flows through the inner solver (DCEM, NOVAS, GD unrolled; the QP/SQP planner through its
// KKT backward), as in Amos et al., "Differentiable MPC for End-to-end Planning and Control" (2018).
// Sampling solvers use common random numbers: the expert plans and every learner plan share one injected
// noise tensor and one initial mean, so U*_θ is a deterministic, differentiable function of θ and
// U*_θ = U^E exactly when θ matches the expert's model, which makes the true parameters a zero of L.
// The planner is a parameter (`DifferentiablePlanner`; controllers/mpc.ts's MPC is one).
import * as tf from '@tensorflow/tfjs';
import type { BackwardMode } from '../solvers/types.ts';

/** What imitation needs of a planner: a batched plan `[B, nx] → [B, H, nu]` differentiable per `backward`. */
export interface DifferentiablePlanner {
  readonly horizon: number;
  readonly nu: number;
  readonly config: { readonly iterations: number; readonly samples: number };
  /** Source of the shared noise of sampling solvers. */
  readonly rng: { normalTensor(shape: number[]): tf.Tensor };
  plan(x0: tf.Tensor, opts: { backward?: BackwardMode; mean?: tf.Tensor; noise?: tf.Tensor }): { actions: tf.Tensor };
}

export interface ImitationData {
  /** Observations `[B, nx]` where the expert was queried. */
  obs: tf.Tensor;
  /** Expert plans `[B, H, nu]`. */
  plans: tf.Tensor;
  /** Shared noise `[iters, B, N, H·nu]` for sampling solvers (undefined for deterministic planners). */
  noise?: tf.Tensor;
  /** Shared initial mean `[B, H·nu]`. */
  mean: tf.Tensor;
}

/** Plans the expert's actions for `obs` `[B, nx]` with fixed noise (drawn from the expert MPC's Rng). */
export function expertData(expert: DifferentiablePlanner, obs: tf.Tensor, opts: { sampling: boolean }): ImitationData {
  const B = obs.shape[0]!;
  const n = expert.horizon * expert.nu;
  const noise = opts.sampling ? tf.keep(expert.rng.normalTensor([expert.config.iterations, B, expert.config.samples, n])) : undefined;
  const mean = tf.keep(tf.zeros([B, n]));
  const plans = tf.tidy(() => expert.plan(obs, { backward: 'none', mean, ...(noise ? { noise } : {}) }).actions);
  return { obs, plans, mean, ...(noise ? { noise } : {}) };
}

export interface ImitationOptions {
  iterations: number;
  learningRate: number;
  backward?: BackwardMode;
  /** Called after every iteration with the loss and the current values of the variables. */
  onIteration?: (i: number, loss: number, params: Record<string, number[]>) => void;
}

/** Gradient steps (Adam) on `variables` to match the expert plans; returns the loss history. */
export function imitate(learner: DifferentiablePlanner, data: ImitationData, variables: tf.Variable[], opts: ImitationOptions): number[] {
  if (variables.length === 0) throw new Error('imitate: no variables to learn; pass the model/cost variables to fit');
  const opt = tf.train.adam(opts.learningRate);
  const losses: number[] = [];
  const backward = opts.backward;
  try {
    for (let i = 0; i < opts.iterations; i++) {
      const loss = opt.minimize(
        () =>
          tf.tidy(() => {
            const { actions } = learner.plan(data.obs, { ...(backward !== undefined ? { backward } : {}), mean: data.mean, ...(data.noise ? { noise: data.noise } : {}) });
            return tf.mean(tf.square(tf.sub(actions, data.plans))) as tf.Scalar;
          }),
        true,
        variables,
      );
      const v = loss!.dataSync()[0]!;
      loss!.dispose();
      if (!Number.isFinite(v)) throw new Error(`imitate: the loss became ${v} at iteration ${i}; lower the learning rate`);
      losses.push(v);
      opts.onIteration?.(i, v, Object.fromEntries(variables.map((x) => [x.name, Array.from(x.dataSync())])));
    }
  } finally {
    opt.dispose();
  }
  return losses;
}

export function disposeImitationData(d: ImitationData): void {
  tf.dispose([d.plans, d.mean, ...(d.noise ? [d.noise] : [])]);
}
