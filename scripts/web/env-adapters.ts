// What the playground needs of an env beyond the Env interface: putting a copy of the env into a planned
// state (to draw the plan as faint "ghosts" with the env's own render code) and a push (a velocity kick the
// controller must recover from). Each built-in env exposes its physical state differently, so this is one
// small table keyed by class; second-order system envs (envs/system-env.ts) list velocities after positions.
//   Pendulum-v1         obs [cos θ, sin θ, θ̇]        push θ̇ += 3 s
//   CartPole-v1         obs [x, ẋ, θ, θ̇]             push ẋ += s, θ̇ −= s
//   CartPoleSwingUp-v0  obs [x, ẋ, cos θ, sin θ, θ̇]  push ẋ += s, θ̇ −= s
//   system envs         obs = state [q, q̇]            push q̇₀ += s
//   MountainCarContinuous-v0  obs [p, v]           push v += 0.015 s (|v| ≤ 0.07 m/step)
// A pointer drag that holds a body is the env's own hook (envs/pointer.ts), not an adapter.
import { CartPoleEnv, CartPoleSwingUpEnv, MountainCarContinuousEnv, PendulumEnv, SystemEnv } from '../../envs/index.ts';
import { MOUNTAIN_CAR } from '../../envs/mountain-car-continuous.ts';
import type { Env } from '../../envs/types.ts';

export interface EnvAdapter {
  /** Sets `env` to the state whose observation is `obs` (for drawing only). */
  setFromObs(env: Env, obs: ArrayLike<number>): void;
  /** Kicks the env's velocities by a signed strength; returns the new observation. */
  push(env: Env, strength: number): Float32Array;
}

const pendulum: EnvAdapter = {
  setFromObs: (e, o) => void (e as PendulumEnv).setState(Math.atan2(o[1]!, o[0]!), o[2]!),
  push: (e, s) => {
    const p = e as PendulumEnv;
    const { theta, thetaDot } = p.getState();
    return p.setState(theta, thetaDot + 3 * s);
  },
};

const cartPole: EnvAdapter = {
  setFromObs: (e, o) => void (e as CartPoleEnv).setState({ x: o[0]!, xDot: o[1]!, theta: o[2]!, thetaDot: o[3]! }),
  push: (e, s) => {
    const c = e as CartPoleEnv;
    const st = c.getState();
    return c.setState({ ...st, xDot: st.xDot + s, thetaDot: st.thetaDot - s });
  },
};

const cartPoleSwingUp: EnvAdapter = {
  setFromObs: (e, o) => void (e as CartPoleSwingUpEnv).setState({ x: o[0]!, xDot: o[1]!, theta: Math.atan2(o[3]!, o[2]!), thetaDot: o[4]! }),
  push: (e, s) => {
    const c = e as CartPoleSwingUpEnv;
    const st = c.getState();
    return c.setState({ ...st, xDot: st.xDot + s, thetaDot: st.thetaDot - s });
  },
};

const system: EnvAdapter = {
  setFromObs: (e, o) => void (e as SystemEnv<string>).setState(o),
  push: (e, s) => {
    const sys = e as SystemEnv<string>;
    const x = sys.getState();
    x[Math.floor(x.length / 2)]! += s;
    return sys.setState(x);
  },
};

const mountainCar: EnvAdapter = {
  setFromObs: (e, o) => void (e as MountainCarContinuousEnv).setState(o[0]!, o[1]!),
  push: (e, s) => {
    const m = e as MountainCarContinuousEnv;
    const { position, velocity } = m.getState();
    return m.setState(position, Math.max(-MOUNTAIN_CAR.maxSpeed, Math.min(MOUNTAIN_CAR.maxSpeed, velocity + 0.015 * s)));
  },
};

/** The adapter of an env instance, or undefined when the env's state cannot be set from outside. */
export function envAdapter(env: Env): EnvAdapter | undefined {
  if (env instanceof PendulumEnv) return pendulum;
  if (env instanceof CartPoleSwingUpEnv) return cartPoleSwingUp;
  if (env instanceof CartPoleEnv) return cartPole;
  if (env instanceof SystemEnv) return system;
  if (env instanceof MountainCarContinuousEnv) return mountainCar;
  return undefined;
}
