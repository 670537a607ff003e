// `diffmpc demo`: the main job, sized for a few minutes on 2 cores. On the default backend it
//   1. swings the pendulum up with DCEM-MPC on the matter-js world (plots + GIF),
//   2. swings the cart-pole up with MPC on its twin (plots + GIF),
//   3. learns a pendulum dynamics model from rollouts (model-based RL), plans with it, and identifies the
//      twin's mass and length from the same data,
// writing everything under runs/<name>/ and printing where.
import { plannerPreset } from '../../controllers/presets.ts';
import { describeBackend, initBackend } from '../../src/tensor/backend.ts';
import { RunDir } from '../../src/train/run-dir.ts';
import { parseSeed, registerCommand } from '../cli.ts';
import { controlSchema, dynamicsSchema } from '../lib/schemas.ts';
import { runControlCommand } from './run.ts';
import { trainDynamicsCommand } from './train-dynamics.ts';

registerCommand({
  name: 'demo',
  summary: 'the main job: pendulum and cart-pole swing-up with MPC, a learned dynamics model, plots and GIFs in runs/',
  maxPositionals: 0,
  flags: [
    { name: 'name', type: 'string', placeholder: 'NAME', description: 'directory under --out holding the three runs', default: 'demo' },
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'parent directory of the demo directory', default: 'runs' },
    { name: 'quick', type: 'boolean', description: 'smaller planners and shorter episodes (about a minute)' },
  ],
  async run({ values }) {
    const choice = await initBackend(values.backend as string | undefined);
    console.log(describeBackend(choice));
    const root = `${String(values.out)}/${String(values.name)}`;
    const quick = Boolean(values.quick);
    const seed = parseSeed(values.seed);
    const t0 = performance.now();
    const summary: string[] = [];

    console.log('\n[1/3] Pendulum-v1 swing-up, MPC with DCEM on the differentiable twin, matter-js physics');
    const pendCfg = controlSchema.parse({ env: 'Pendulum-v1', physics: 'matter', solver: 'dcem', ...plannerPreset('Pendulum-v1', 'dcem'), ...(quick ? { samples: 200 } : {}), episodes: 1, seed });
    const pend = await runControlCommand(pendCfg, RunDir.open(root, 'pendulum', pendCfg, { overwrite: true }));
    summary.push(`pendulum swing-up return ${pend.meanReturn.toFixed(1)}  -> ${root}/pendulum/`);

    console.log('\n[2/3] CartPoleSwingUp-v0, MPC with DCEM on the twin, matter-js physics');
    // 300 steps (6 s) also when quick: the swing-up alone takes about 3.5 s, so a shorter episode ends before the pole is balanced.
    const cartCfg = controlSchema.parse({ env: 'CartPoleSwingUp-v0', physics: 'matter', solver: 'dcem', ...plannerPreset('CartPoleSwingUp-v0', 'dcem'), episodes: 1, maxEpisodeSteps: 300, seed });
    const cart = await runControlCommand(cartCfg, RunDir.open(root, 'cartpole', cartCfg, { overwrite: true }));
    summary.push(`cart-pole swing-up return ${cart.meanReturn.toFixed(1)}  -> ${root}/cartpole/`);

    console.log('\n[3/3] Learning pendulum dynamics from rollouts (MLP, model-based RL with MPC), then system identification');
    // Planner: the Pendulum-v1 NOVAS preset (the train-dynamics default solver); each refit takes ≥ 2000 Adam steps.
    const dynCfg = dynamicsSchema.parse({ env: 'Pendulum-v1', physics: 'matter', ...plannerPreset('Pendulum-v1', 'novas'), episodes: quick ? 3 : 4, evalEpisodes: quick ? 1 : 3, ...(quick ? { samples: 150 } : {}), seed });
    const dyn = await trainDynamicsCommand(dynCfg, RunDir.open(root, 'dynamics', dynCfg, { overwrite: true }));
    summary.push(`learned-model MPC evaluation return ${Number.isNaN(dyn.evalMean) ? '(skipped)' : `${dyn.evalMean.toFixed(1)} (exact twin from the same starts ${dyn.twinEvalMean.toFixed(1)})`}  -> ${root}/dynamics/`);

    console.log(`\ndemo finished in ${((performance.now() - t0) / 1000).toFixed(0)} s on the ${choice.name} backend:`);
    for (const s of summary) console.log(`  ${s}`);
    console.log(`open ${root}/*/rollout.gif and the PNGs beside them`);
    return 0;
  },
});
