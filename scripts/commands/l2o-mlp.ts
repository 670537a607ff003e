// `diffmpc l2o-mlp [--task iris|spirals|all] [--seeds N] [--steps T] [--full] [--train-family F] [--out DIR]`:
// the learned optimizer against SGD, Adam and ε-greedy SGD restarts training an MLP classifier
// (scripts/bench-l2o-mlp.ts); table + JSON under --out, per-seed rows and loss-curve PNGs under <out>/l2o-mlp/.
import { UsageError, parseSeed, registerCommand } from '../cli.ts';
import { benchL2OMlp, mlpBenchDefaults } from '../bench-l2o-mlp.ts';
import { classificationTaskRegistry } from '../../policies/l2o/classification-tasks.ts';
import { listProblemFamilies } from '../../policies/l2o/problems.ts';

registerCommand({
  name: 'l2o-mlp',
  summary: 'learned optimizer vs SGD / Adam / ε-greedy SGD on an MLP classifier (Iris, two spirals)',
  maxPositionals: 0,
  flags: [
    { name: 'task', type: 'string', placeholder: 'NAME', description: 'classification task', choices: [...classificationTaskRegistry.list(), 'all'], default: 'all' },
    { name: 'seeds', type: 'int', description: 'test seeds per task (seed … seed + N − 1)', min: 1, max: 1000, shownDefault: `${mlpBenchDefaults(false).seeds} (--full: ${mlpBenchDefaults(true).seeds})` },
    { name: 'steps', type: 'int', description: 'optimizer steps per run (one f and one ∇f evaluation each)', min: 1, max: 1_000_000, shownDefault: `${mlpBenchDefaults(false).steps} (--full: ${mlpBenchDefaults(true).steps})` },
    { name: 'full', type: 'boolean', description: 'the full protocol: 10 seeds, 600 steps, 100 training episodes' },
    { name: 'train-family', type: 'string', placeholder: 'NAME', description: 'synthetic family the learned optimizers train on', choices: listProblemFamilies(), default: 'mlp' },
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'directory of the JSON results (per-seed rows and plots in DIR/l2o-mlp/)', default: 'bench-results' },
  ],
  async run({ values }) {
    const full = Boolean(values.full);
    const d = mlpBenchDefaults(full);
    const task = String(values.task);
    const out = String(values.out).trim();
    if (!out) throw new UsageError('--out: give a directory, e.g. --out bench-results');
    await benchL2OMlp({
      tasks: task === 'all' ? classificationTaskRegistry.list() : [task],
      seeds: values.seeds === undefined ? d.seeds : Number(values.seeds),
      steps: values.steps === undefined ? d.steps : Number(values.steps),
      full,
      trainFamily: String(values['train-family']),
      seed: parseSeed(values.seed),
      ...(values.backend === undefined ? {} : { backend: String(values.backend) }),
      outDir: out,
    });
    return 0;
  },
});
