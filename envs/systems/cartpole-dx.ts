// The cart-pole of DCEM's latent-embedding experiment (Amos & Yarats 2020, §5.2): mpc.pytorch's `CartpoleDx`
// with the reward of facebookresearch/dcem `exps/cartpole_emb.py`. A strongly actuated, coarse-step twin
// of CartPole-v1's physics: over the paper's horizon of 20 steps (1 s) a plan can swing the pole up.
//   state        [x, ẋ, cos θ, sin θ, θ̇]   (θ = 0 upright)
//   action       a ∈ [−1, 1], force F = 100·a N (the reference plans F ∈ [−100, 100] directly; its decoder's
//                sigmoid maps to the same box, so planning over a is the same search rescaled)
//   transition   explicit Euler with dt 0.05 on the old state (the reference's order):
//                c_in = (F + m_p l θ̇² sin θ)/M,  θ̈ = (g sin θ − cos θ c_in) / (l (4/3 − m_p cos²θ / M)),
//                ẍ = c_in − m_p l θ̈ cos θ / M,   M = m_c + m_p;
//                x' = x + dt ẋ, ẋ' = ẋ + dt ẍ, θ̇' = θ̇ + dt θ̈, (cos θ', sin θ') = (cos θ, sin θ) rotated by dt θ̇
//                (the reference's atan2, step and cos/sin)
//   cost         −cos θ + 0.1 x² + 10⁻⁵ F²  = −(the reference's rew_step), on the state the action is applied in
//   parameters   gravity 9.8, massCart 1, massPole 0.1, length 0.5 (half-length);  dt 0.05; no termination
import { defineSystem } from '../../src/models/system/definition.ts';
import type { Rng } from '../../src/tensor/rng.ts';
import type { SystemEnvSpec } from '../system-env.ts';

/** Force of a = 1 (N): mpc.pytorch's `force_mag`. */
export const CARTPOLE_DX_FORCE = 100;
const DT = 0.05;

export const cartpoleDxSystem = defineSystem({
  name: 'cartpole-dx',
  stateDim: 5,
  actionDim: 1,
  params: { gravity: 9.8, massCart: 1, massPole: 0.1, length: 0.5 },
  dt: DT,
  actionBounds: { low: [-1], high: [1] },
  transition([x, v, c, s, w], [a], p, m) {
    const F = m.mul(CARTPOLE_DX_FORCE, m.clip(a!, -1, 1));
    const M = m.add(p.massCart, p.massPole);
    const pml = m.mul(p.massPole, p.length);
    const cartIn = m.div(m.add(F, m.mul(m.mul(pml, m.square(w!)), s!)), M);
    const den = m.mul(p.length, m.sub(4 / 3, m.div(m.mul(p.massPole, m.square(c!)), M)));
    const thAcc = m.div(m.sub(m.mul(p.gravity, s!), m.mul(c!, cartIn)), den);
    const xAcc = m.sub(cartIn, m.div(m.mul(m.mul(pml, thAcc), c!), M));
    const d = m.mul(DT, w!);
    const cd = m.cos(d), sd = m.sin(d);
    return [
      m.add(x!, m.mul(DT, v!)),
      m.add(v!, m.mul(DT, xAcc)),
      m.sub(m.mul(c!, cd), m.mul(s!, sd)),
      m.add(m.mul(s!, cd), m.mul(c!, sd)),
      m.add(w!, m.mul(DT, thAcc)),
    ];
  },
  cost([x, , c], [a], _p, m) {
    const F = m.mul(CARTPOLE_DX_FORCE, m.clip(a!, -1, 1));
    return m.add(m.add(m.neg(c!), m.mul(0.1, m.square(x!))), m.mul(1e-5, m.square(F)));
  },
});

export type CartpoleDxParam = 'gravity' | 'massCart' | 'massPole' | 'length';

/** The reference's `sample_init`: [x, ẋ, cos θ, sin θ, θ̇] with x, ẋ ~ U(±0.5), θ ~ U(±π), θ̇ ~ U(±1) (drawn in that order). */
export function sampleCartpoleStart(rng: Rng): number[] {
  const x = rng.uniformIn(-0.5, 0.5), v = rng.uniformIn(-0.5, 0.5), th = rng.uniformIn(-Math.PI, Math.PI), w = rng.uniformIn(-1, 1);
  return [x, v, Math.cos(th), Math.sin(th), w];
}

/** Episodes from `sample_init`, 100 steps (5 s). */
export const cartpoleDxEnvSpec: SystemEnvSpec<CartpoleDxParam> = {
  initial: (rng) => sampleCartpoleStart(rng),
  maxEpisodeSteps: 100,
  summary: "DCEM's latent-embedding cart-pole (mpc.pytorch CartpoleDx, ±100 N, dt 0.05)",
};
