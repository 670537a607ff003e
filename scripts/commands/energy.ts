// `diffmpc energy [--full] [--epochs E] [--seeds S] [--batch B] [--only gd-10,dcem] [--workers N]`: the energy-based
// regression benchmark of the DCEM/NOVAS papers (y = x·sin x, ŷ = argmin_y E_θ(x, y) through each solver);
// table + JSON under bench-results/, PNG of the learned landscapes under runs/energy/.
// `diffmpc energy --protocol dcem|novas [--updates N] [--max-minutes M] [--threads T]`: one paper's protocol at full scale
// (scripts/energy-protocol.ts).
import { parseSeed, registerCommand } from '../cli.ts';
import { ENERGY_FLAGS, energyMain } from '../energy.ts';
import { EXECUTOR_FLAGS } from '../lib/executor-options.ts';

registerCommand({
  name: 'energy',
  summary: 'energy-based regression through GD / DCEM / NOVAS (table, JSON, landscape PNG)',
  maxPositionals: 0,
  flags: [
    { name: 'full', type: 'boolean', description: 'the papers\' full protocol (more epochs and seeds)' },
    { name: 'epochs', type: 'int', description: 'training epochs per contender', min: 1, max: 100_000, shownDefault: '(by protocol)' },
    { name: 'seeds', type: 'int', description: 'seeds per contender', min: 1, max: 1000, shownDefault: '(by protocol)' },
    { name: 'batch', type: 'int', description: 'training batch size', min: 1, max: 65_536, shownDefault: '(by protocol)' },
    { name: 'only', type: 'string', placeholder: 'LIST', description: 'comma-separated contenders to run, e.g. gd-10,dcem,novas (with --protocol: of gd-10, dcem, novas)', shownDefault: 'all' },
    { name: 'protocol', type: 'string', placeholder: 'NAME', description: "a paper's training protocol at full scale (100k updates): dcem (100 points, 1 per update) or novas (200 points, 25 % held out, batch 10)", choices: ['dcem', 'novas'] },
    { name: 'updates', type: 'int', description: 'updates per seed with --protocol', min: 1, max: 10_000_000, shownDefault: '100000' },
    { name: 'max-minutes', type: 'number', description: 'training-time budget per seed with --protocol (stops at the next evaluation)', min: 0.01, max: 100_000 },
    { name: 'threads', type: 'int', description: "threads for NOVAS's network passes with --protocol (the same values, gradients to float32 rounding)", min: 1, max: 64, shownDefault: '1' },
    { name: 'y-bound', type: 'number', description: 'the solvers search y in [-B, B]', min: 1e-6, max: 1e6, shownDefault: '10' },
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'directory of the JSON results', default: String(ENERGY_FLAGS.out.default) },
    { name: 'run-dir', type: 'string', placeholder: 'DIR', description: 'directory of the landscape PNG (with --protocol: rows.jsonl, results, PNGs; default runs/energy-<protocol>)', default: String(ENERGY_FLAGS['run-dir'].default) },
    ...EXECUTOR_FLAGS,
  ],
  run: ({ values }) => energyMain({ ...values, seed: parseSeed(values.seed) }),
});
