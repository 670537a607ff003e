// A user's env, as a user's project writes it against the installed package: a 2-D point mass with two
// force inputs (nu = 2), its analytic step, and a differentiable twin in tfjs for planning.
//   state/observation [x, y, vx, vy];  action [ax, ay] ∈ [−1, 1]²;  dt = 0.1 s
//   x' = x + dt·vx', v' = v + dt·a;   cost x² + y² + 0.1‖v‖² + 0.01‖a‖²  (reward = −cost)
import { Box, EpisodeGuard, register, tf, validateAction } from 'diffmpc';

const DT = 0.1;

class PointMassDynamics {
  stateDim = 4;
  actionDim = 2;
  step(x, u) {
    return tf.tidy(() => {
      const [p, v] = tf.split(x, 2, 1);
      const v1 = tf.add(v, tf.mul(DT, tf.clipByValue(u, -1, 1)));
      return tf.concat([tf.add(p, tf.mul(DT, v1)), v1], 1);
    });
  }
  variables() {
    return [];
  }
}

class PointMassCost {
  stationary = true;
  cost(x, u) {
    return tf.tidy(() => {
      const [p, v] = tf.split(x, 2, 1);
      return tf.addN([tf.sum(tf.square(p), 1), tf.mul(0.1, tf.sum(tf.square(v), 1)), tf.mul(0.01, tf.sum(tf.square(u), 1))]);
    });
  }
  variables() {
    return [];
  }
}

export class PointMassEnv {
  id = 'PointMass2D-v0';
  dt = DT;
  observationSpace = new Box([-10, -10, -10, -10], [10, 10, 10, 10]);
  actionSpace = new Box([-1, -1], [1, 1]);
  #guard = new EpisodeGuard(this.id);
  #s = new Float64Array(4);

  reset(opts = {}) {
    const rng = this.#guard.reset(opts.seed);
    this.#s = Float64Array.of(rng.uniformIn(-2, 2), rng.uniformIn(-2, 2), 0, 0);
    return { obs: Float32Array.from(this.#s), info: {} };
  }

  step(action) {
    this.#guard.checkStep();
    const [ax, ay] = validateAction(this.id, action, this.actionSpace);
    const s = this.#s;
    const vx = s[2] + DT * ax;
    const vy = s[3] + DT * ay;
    this.#s = Float64Array.of(s[0] + DT * vx, s[1] + DT * vy, vx, vy);
    const [x, y] = this.#s;
    const reward = -(x * x + y * y + 0.1 * (vx * vx + vy * vy) + 0.01 * (ax * ax + ay * ay));
    const terminated = Math.abs(x) > 10 || Math.abs(y) > 10;
    this.#guard.finish(terminated);
    return { obs: Float32Array.from(this.#s), reward, terminated, truncated: false, info: {} };
  }

  render(ctx, width, height) {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    const [x, y] = this.#s;
    ctx.fillStyle = '#0072B2';
    ctx.beginPath();
    ctx.arc(width / 2 + (x * width) / 8, height / 2 - (y * height) / 8, 8, 0, 2 * Math.PI);
    ctx.fill();
  }

  model() {
    return { dynamics: new PointMassDynamics(), cost: new PointMassCost() };
  }
}

register('PointMass2D-v0', () => new PointMassEnv(), { maxEpisodeSteps: 50 }, 'a 2-D point mass driven to the origin (a user env with two actions)');
