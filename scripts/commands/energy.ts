// `diffmpc energy [--full] [--epochs E] [--seeds S] [--batch B] [--only gd-10,dcem]`: the energy-based
// regression benchmark of the DCEM/NOVAS papers (y = x·sin x, ŷ = argmin_y E_θ(x, y) through each solver);
// table + JSON under bench-results/, PNG of the learned landscapes under runs/energy/.
import { parseSeed, registerCommand } from '../cli.ts';
import { ENERGY_FLAGS, energyMain } from '../energy.ts';

registerCommand({
  name: 'energy',
  summary: 'energy-based regression through GD / DCEM / NOVAS (table, JSON, landscape PNG)',
  usage: '[--full] [--epochs E] [--seeds S] [--batch B] [--only gd-10,dcem,novas] [--y-bound 10] [--out DIR] [--run-dir DIR] [--backend NAME] [--seed N]',
  options: ENERGY_FLAGS,
  run: ({ values }) => energyMain({ ...values, seed: parseSeed(values.seed) }),
});
