// Cart-pole physics shared by CartPole-v1 and CartPoleSwingUp-v0: Gymnasium's frictionless equations
// (Florian 2007, "Correct equations for the dynamics of the cart-pole system"), with pole half-length L,
// cart mass M, pole mass m, force F on the cart, θ = 0 upright, θ > 0 leaning right:
//   temp = (F + m L θ̇² sin θ) / (M + m)
//   θ̈   = (g sin θ − cos θ · temp) / (L (4/3 − m cos²θ / (M + m)))
//   ẍ   = temp − m L θ̈ cos θ / (M + m)
// 'analytic' integrates them with Gymnasium's explicit Euler (kinematics_integrator = "euler", τ = 0.02):
//   x' = x + τ ẋ,  ẋ' = ẋ + τ ẍ,  θ' = θ + τ θ̇,  θ̇' = θ̇ + τ θ̈
// 'matter' steps the rigid bodies of envs/matter/cartpole-world.ts (10 sub-steps of 2 ms per step).
// Measured drift from the same state over 1 s (50 steps; 20 random states x, ẋ ~ U(±0.5), θ ~ U(±0.1),
// θ̇ ~ U(±0.5), constant F ~ U(±10), the pole mostly falling; test/envs/cartpole.test.ts bounds it):
// max |x_matter − x_analytic| = 0.09 m and |θ_matter − θ_analytic| = 0.37 rad, while matter stays within
// 0.01 m / 0.10 rad of a 400×-finer integration of the same ODE: the gap is mostly the explicit Euler error
// of τ = 0.02 (Gymnasium's integrator), not matter-js.
import { CartPoleWorld, CARTPOLE_WORLD_DEFAULTS, type CartPoleState } from './matter/cartpole-world.ts';

export type { CartPoleState };
export type Physics = 'matter' | 'analytic';

export interface CartPoleParams {
  gravity: number;
  massCart: number;
  massPole: number;
  /** Half the pole length (Gymnasium's `length`). */
  halfLength: number;
  /** Seconds per step. */
  tau: number;
}

/** Gymnasium CartPole constants. */
export const CARTPOLE_PARAMS: CartPoleParams = { gravity: 9.8, massCart: 1.0, massPole: 0.1, halfLength: 0.5, tau: 0.02 };

/** One explicit-Euler step of Gymnasium's cart-pole under force F (N). */
export function cartPoleAnalyticStep(s: CartPoleState, F: number, p: CartPoleParams): CartPoleState {
  const total = p.massCart + p.massPole;
  const pml = p.massPole * p.halfLength;
  const c = Math.cos(s.theta);
  const sn = Math.sin(s.theta);
  const temp = (F + pml * s.thetaDot * s.thetaDot * sn) / total;
  const thetaAcc = (p.gravity * sn - c * temp) / (p.halfLength * (4 / 3 - (p.massPole * c * c) / total));
  const xAcc = temp - (pml * thetaAcc * c) / total;
  return {
    x: s.x + p.tau * s.xDot,
    xDot: s.xDot + p.tau * xAcc,
    theta: s.theta + p.tau * s.thetaDot,
    thetaDot: s.thetaDot + p.tau * thetaAcc,
  };
}

/** A cart-pole integrated by either physics backend. */
export class CartPoleSim {
  readonly params: CartPoleParams;
  readonly physics: Physics;
  private state: CartPoleState = { x: 0, xDot: 0, theta: 0, thetaDot: 0 };
  private readonly world: CartPoleWorld | undefined;

  constructor(physics: Physics, params: CartPoleParams, substeps?: number) {
    if (physics !== 'matter' && physics !== 'analytic') {
      throw new Error(`cart-pole: option physics must be 'matter' or 'analytic' (got ${JSON.stringify(physics)})`);
    }
    for (const k of ['massCart', 'massPole', 'halfLength', 'tau'] as const) {
      if (!(params[k] > 0)) throw new Error(`cart-pole: option ${k} must be a positive number (got ${params[k]})`);
    }
    this.physics = physics;
    this.params = params;
    if (physics === 'matter') {
      this.world = new CartPoleWorld({ ...CARTPOLE_WORLD_DEFAULTS, ...params, dt: params.tau, ...(substeps ? { substeps } : {}) });
    }
  }

  get(): CartPoleState {
    return { ...this.state };
  }

  set(s: CartPoleState): void {
    for (const [k, v] of Object.entries(s)) if (!Number.isFinite(v)) throw new Error(`cart-pole setState: ${k} must be finite (got ${v})`);
    this.state = { ...s };
    this.world?.setState(s);
  }

  step(force: number): CartPoleState {
    if (this.world) {
      this.world.step(force);
      this.state = this.world.getState();
    } else {
      this.state = cartPoleAnalyticStep(this.state, force, this.params);
    }
    return this.get();
  }

  dispose(): void {
    this.world?.dispose();
  }
}
