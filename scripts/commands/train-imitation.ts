// `diffmpc train-imitation`: end-to-end imitation through the differentiable MPC. An expert MPC with the
// true pendulum twin plans at sampled states; a learner twin starting from wrong mass and length is fitted
// by backpropagating the action-imitation loss through the named solver (src/train/imitation.ts).
import * as tf from '@tensorflow/tfjs';
import { MPC } from '../../controllers/mpc.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import { plotLearningCurve } from '../../src/plot/learning-curve.ts';
import { plotTraces } from '../../src/plot/traces.ts';
import { describeBackend, initBackend } from '../../src/tensor/backend.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { disposeImitationData, expertData, imitate } from '../../src/train/imitation.ts';
import { RunDir } from '../../src/train/run-dir.ts';
import { registerCommand, type FlagSpec, type ParsedArgs } from '../cli.ts';
import { Progress } from '../lib/progress.ts';
import { RUN_FLAGS, checkPlanFlags, checkSolverName, defaultRunName, fieldSource, resolveRunConfig, plannerFlags } from '../lib/run-options.ts';
import { imitationSchema, type ImitationConfig } from '../lib/schemas.ts';
import '../../controllers/index.ts';
import '../../src/solvers/index.ts';

export interface ImitationOutcome {
  mass: number;
  length: number;
  massError: number;
  lengthError: number;
  losses: number[];
  files: string[];
}

/** Sampling solvers get common random numbers; deterministic planners (gd, qp) need no noise. */
const DETERMINISTIC = new Set(['gd', 'qp']);

export async function trainImitationCommand(cfg: ImitationConfig, run: RunDir): Promise<ImitationOutcome> {
  const rng = new Rng(cfg.seed);
  const states = Array.from({ length: cfg.states }, () => {
    const th = rng.uniformIn(-Math.PI, Math.PI);
    return [Math.cos(th), Math.sin(th), rng.uniformIn(-4, 4)];
  });
  const obs = tf.tensor(states);
  const common = { horizon: cfg.horizon, solver: cfg.solver, solverConfig: cfg.solverConfig, bounds: [-2, 2] as [number, number], iterations: cfg.iterations, samples: cfg.samples };
  const expertSys = compileSystem(pendulumSystem);
  const expert = new MPC({ ...common, model: expertSys.dynamics, cost: expertSys.cost, seed: cfg.seed + 1 });
  const data = expertData(expert, obs, { sampling: !DETERMINISTIC.has(cfg.solver) });
  const learnerSys = compileSystem(pendulumSystem, { params: { mass: cfg.initMass, length: cfg.initLength }, trainable: ['mass', 'length'] });
  const learnerModel = learnerSys.dynamics;
  const learner = new MPC({ ...common, model: learnerModel, cost: learnerSys.cost, seed: cfg.seed + 2 });
  const bar = new Progress(`train-imitation (${cfg.solver})`, cfg.steps);
  // Curves start at the initial values (x = 0); entry i + 1 is the value after Adam step i.
  const massCurve: number[] = [cfg.initMass];
  const lengthCurve: number[] = [cfg.initLength];
  const losses = imitate(learner, data, learnerModel.variables(), {
    iterations: cfg.steps,
    learningRate: cfg.learningRate,
    onIteration: (i, loss) => {
      const { mass, length } = learnerModel.values();
      massCurve.push(mass);
      lengthCurve.push(length);
      run.log({ kind: 'iteration', iteration: i, loss, mass, length });
      bar.update(i + 1, `loss ${loss.toExponential(2)} m ${mass.toFixed(3)} l ${length.toFixed(3)}`);
    },
  });
  const mass = massCurve[massCurve.length - 1]!;
  const length = lengthCurve[lengthCurve.length - 1]!;
  const files = [
    run.writeArtifact('imitation-loss.png', plotLearningCurve({ curves: [{ label: `${cfg.solver}: imitation loss`, seeds: [losses.map((l) => Math.log10(Math.max(l, 1e-12)))] }], title: 'Imitation loss through the MPC solver', xLabel: 'iteration', yLabel: 'log10 loss' })),
    run.writeArtifact('imitation-params.png', plotTraces({ series: [{ label: 'mass', values: massCurve }, { label: 'length', values: lengthCurve }], targets: [{ label: 'expert value 1', value: 1 }], title: `Pendulum parameters learned through ${cfg.solver}`, xLabel: 'Adam step', yLabel: 'value' })),
  ];
  const outcome = { mass, length, massError: Math.abs(mass - 1), lengthError: Math.abs(length - 1), losses, files };
  run.log({ kind: 'summary', solver: cfg.solver, mass, length, massError: outcome.massError, lengthError: outcome.lengthError, finalLoss: losses[losses.length - 1] });
  disposeImitationData(data);
  tf.dispose(obs);
  expertSys.dynamics.dispose();
  learnerModel.dispose();
  return outcome;
}

/** The flags of `diffmpc train-imitation` (help, parsing and the config mapping derive from this table). */
export const TRAIN_IMITATION_FLAGS: readonly FlagSpec[] = [
  { name: 'solver', type: 'string', key: 'solver', placeholder: 'NAME', description: 'differentiable MPC solver to backpropagate through (dcem, novas, gd, qp or one loaded with --import)' },
  { name: 'steps', type: 'int', key: 'steps', description: 'Adam steps on the imitation loss' },
  { name: 'states', type: 'int', key: 'states', description: 'sampled pendulum states the expert plans at (the plan batch)' },
  { name: 'lr', type: 'number', key: 'learningRate', description: 'Adam learning rate of mass and length' },
  { name: 'init-mass', type: 'number', key: 'initMass', description: "learner's initial pendulum mass (the expert's is 1)" },
  { name: 'init-length', type: 'number', key: 'initLength', description: "learner's initial pendulum length (the expert's is 1)" },
  ...plannerFlags(),
  ...RUN_FLAGS,
];

/** Parses and validates `diffmpc train-imitation`: user modules, config, solver name, plan size; writes nothing. */
export async function resolveTrainImitationArgs({ values }: ParsedArgs): Promise<ImitationConfig> {
  const cfg = await resolveRunConfig(imitationSchema, TRAIN_IMITATION_FLAGS, values);
  checkSolverName(cfg.solver, fieldSource(values, 'solver', 'solver'));
  checkPlanFlags({ batch: cfg.states, samples: cfg.samples, horizon: cfg.horizon, actionDim: 1 }, '--states');
  return cfg;
}

registerCommand({
  name: 'train-imitation',
  summary: 'learn pendulum mass and length by imitating an expert MPC through a differentiable solver',
  flags: TRAIN_IMITATION_FLAGS,
  schema: imitationSchema,
  maxPositionals: 0,
  resolve: resolveTrainImitationArgs,
  async run({ values, positionals }) {
    const cfg = await resolveTrainImitationArgs({ values, positionals });
    console.log(describeBackend(await initBackend(cfg.backend)));
    const run = RunDir.open(String(values.out), String(values.name ?? defaultRunName(`imitation-${cfg.solver}`)), cfg, { overwrite: Boolean(values.overwrite) });
    const o = await trainImitationCommand(cfg, run);
    console.log(`learned through ${cfg.solver}: mass ${o.mass.toFixed(4)} (error ${(100 * o.massError).toFixed(2)}%), length ${o.length.toFixed(4)} (error ${(100 * o.lengthError).toFixed(2)}%); expert 1, 1; start ${cfg.initMass}, ${cfg.initLength}`);
    console.log(`outputs in ${run.dir}:\n${o.files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  },
});
