// `diffmpc optnet-denoise [--full] [--epochs E] [--fc-epochs E] [--train N] [--test N] [--batch B] [--only …] [--out DIR]`:
// OptNet's 1-D denoising table (FC, pure OptNet, TV with the best λ, OptNet fine-tuned from TV).
import { registerCommand } from '../cli.ts';
import { parseOnly, denoiseMain } from '../optnet-denoise.ts';

registerCommand({
  name: 'optnet-denoise',
  summary: "OptNet's 1-D denoising with learned total variation: FC, pure OptNet, TV, OptNet-tuned TV (JSON, table, PNGs)",
  maxPositionals: 0,
  flags: [
    { name: 'full', type: 'boolean', description: 'paper scale: 9000 train / 1000 test signals, 50 QP epochs, 500 FC epochs, λ grid on all train signals' },
    { name: 'epochs', type: 'int', description: 'epochs of the QP models (optnet, optnet-tv, optnet-tv-full)', min: 1, max: 10_000, shownDefault: '2 (full: 50)' },
    { name: 'fc-epochs', type: 'int', description: 'epochs of the FC network (cheap)', min: 1, max: 100_000, shownDefault: '200 (full: 500)' },
    { name: 'train', type: 'int', description: 'training signals', min: 1, max: 1_000_000, shownDefault: '100 (full: 9000)' },
    { name: 'test', type: 'int', description: 'test signals', min: 1, max: 1_000_000, shownDefault: '50 (full: 1000)' },
    { name: 'batch', type: 'int', description: 'mini-batch size (one batched QP solve per step)', min: 1, max: 65_536, shownDefault: '10 (full: 50)' },
    { name: 'only', type: 'string', placeholder: 'LIST', description: 'comma-separated models: fc, tv, optnet, optnet-tv, optnet-tv-full (the last two need tv)', shownDefault: 'all' },
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'output directory (config, epochs.jsonl, JSON table, PNGs); a rerun resumes', default: 'runs/optnet-denoise' },
  ],
  resolve: async ({ values }) => ({ only: parseOnly(values.only) }),
  run: ({ values }) => denoiseMain(values),
});
