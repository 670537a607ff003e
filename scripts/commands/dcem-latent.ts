// `diffmpc dcem-latent [--quick] [--task NAME] [--seeds S] [--steps N] [--hidden H] [--lr LR] [--episodes K] [--episode-steps T] [--expert-samples N] [--eval-every N] [--out DIR]`:
// DCEM's latent action embedding on the cart-pole (a decoder [−1, 1]² → U^20 trained through DCEM) against a
// full-space CEM expert with 10× the samples; improvement factors, the best cost each 2-D family holds (a grid
// over the decoder's box and the PCA plane of expert plans), closed-loop returns (JSON, table, PNGs).
import { registerCommand } from '../cli.ts';
import { DEFAULT_LATENT_TASK, latentConfig, latentMain } from '../dcem-latent.ts';
import { latentTasks } from '../lib/latent-tasks.ts';

const d = latentConfig({ quick: false, seed: 0, out: '' });
const q = latentConfig({ quick: true, seed: 0, out: '' });

registerCommand({
  name: 'dcem-latent',
  summary: "DCEM's latent action embedding on the cart-pole: decoder trained through DCEM vs a full-space CEM expert (JSON, table, PNGs)",
  maxPositionals: 0,
  flags: [
    { name: 'quick', type: 'boolean', description: 'a tiny run for tests (H 6, 20 latent samples, 4 updates, 2 short episodes): checks the pipeline, not the numbers' },
    { name: 'task', type: 'string', placeholder: 'NAME', description: `the cart-pole planned on: ${latentTasks.items().map(([n, t]) => `${n} (${t.summary})`).join('; ')}`, choices: latentTasks.list(), default: DEFAULT_LATENT_TASK },
    { name: 'seeds', type: 'int', description: 'decoders trained (seed … seed + S − 1)', min: 1, max: 100, shownDefault: `${d.seeds} (quick: ${q.seeds})` },
    { name: 'steps', type: 'int', description: 'Adam updates per decoder (one start state each, the paper\'s batch 1)', min: 1, max: 1_000_000, shownDefault: `${d.steps} (quick: ${q.steps})` },
    { name: 'hidden', type: 'int', description: 'width of the decoder\'s 3 hidden layers (the paper\'s 256)', min: 1, max: 4096, shownDefault: `${d.hidden} (quick: ${q.hidden})` },
    { name: 'lr', type: 'number', description: 'Adam learning rate of the decoder (the paper\'s 5e-4 over 100k updates)', min: 1e-7, max: 1, shownDefault: String(d.lr) },
    { name: 'episodes', type: 'int', description: 'closed-loop MPC episodes per planner', min: 1, max: 1000, shownDefault: `${d.episodes} (quick: ${q.episodes})` },
    { name: 'episode-steps', type: 'int', description: 'steps per closed-loop episode (0.05 s each on cartpole-dx, 0.02 s on swingup)', min: 1, max: 100_000, shownDefault: `${d.episodeSteps} (quick: ${q.episodeSteps})` },
    { name: 'expert-samples', type: 'int', description: 'samples of the full-space CEM expert (10 elites, 10 iterations)', min: 11, max: 100_000, shownDefault: `${d.expert.samples} (quick: ${q.expert.samples})` },
    { name: 'eval-every', type: 'int', description: 'updates between validations (each feeds ReduceLROnPlateau, patience 20, factor 0.5; the paper validates every 100)', min: 1, max: 1_000_000, shownDefault: `${d.evalEvery} (quick: ${q.evalEvery})` },
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'output directory (config, epochs.jsonl, done.jsonl, each seed\'s best decoder as seed-<s>-decoder.json, JSON table, PNGs); a rerun resumes by seed', default: 'runs/dcem-latent' },
  ],
  run: ({ values }) => latentMain(values),
});
