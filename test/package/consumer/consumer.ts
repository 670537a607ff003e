// The typed consumer check: compiled by the user's `tsc --noEmit --strict` against the shipped .d.ts only.
// A user-written model and env against the public types, MPC with each planner, the info objects, plots.
import { Box, EpisodeGuard, MPC, make, register, tf, validateAction, type CostModel, type DynamicsModel, type Env, type MPCPlan, type StepResult } from 'diffmpc';
import { makeSolver, type SolveResult } from 'diffmpc/solvers';
import { plotTraces } from 'diffmpc/plot';
import { RunDir } from 'diffmpc/train';

class Drift implements DynamicsModel {
  readonly stateDim = 1;
  readonly actionDim = 1;
  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    return tf.add(x, tf.mul(0.1, u));
  }
  variables(): tf.Variable[] {
    return [];
  }
}

class Quadratic implements CostModel {
  cost(x: tf.Tensor, u: tf.Tensor, _t: number): tf.Tensor {
    return tf.add(tf.sum(tf.square(x), 1), tf.mul(0.01, tf.sum(tf.square(u), 1)));
  }
  variables(): tf.Variable[] {
    return [];
  }
}

class DriftEnv implements Env {
  readonly id = 'Drift-v0';
  readonly observationSpace = new Box([-5], [5]);
  readonly actionSpace = new Box([-1], [1]);
  private readonly guard = new EpisodeGuard(this.id);
  private x = 0;
  reset(opts: { seed?: number } = {}): { obs: Float32Array; info: Record<string, unknown> } {
    this.x = this.guard.reset(opts.seed).uniformIn(-1, 1);
    return { obs: Float32Array.of(this.x), info: {} };
  }
  step(action: Float32Array): StepResult {
    this.guard.checkStep();
    const [u] = validateAction(this.id, action, this.actionSpace);
    this.x += 0.1 * u!;
    this.guard.finish(false);
    return { obs: Float32Array.of(this.x), reward: -this.x * this.x, terminated: false, truncated: false, info: {} };
  }
  model(): { dynamics: DynamicsModel; cost: CostModel } {
    return { dynamics: new Drift(), cost: new Quadratic() };
  }
}

register('Drift-v0', () => new DriftEnv(), { maxEpisodeSteps: 10 });
const env = make('Drift-v0');
const { dynamics, cost } = env.model!();
const mpc = new MPC({ model: dynamics, cost, horizon: 5, solver: 'dcem', bounds: [-1, 1] });
const plan: MPCPlan = mpc.plan(tf.tensor2d([[0.5]]), { backward: 'unroll' });
const status: string = plan.info.status[0]!;
const solved: SolveResult = makeSolver('novas').solve((X) => tf.sum(tf.square(X), 2), { mean: tf.zeros([1, 2]) });
const png: Buffer = plotTraces({ series: [{ label: 'x', values: [1, 2, 3] }] });
const open: (root: string, name: string, config: unknown) => RunDir = RunDir.open;
export { status, solved, png, open };
