// `diffmpc verify-reference DIR`: checks the implementation against the reference fixtures in DIR
// (default ../shared/reference); exits 1 when any quantity exceeds its tolerance.
import path from 'node:path';
import { describeBackend, initBackend } from '../../src/tensor/backend.ts';
import { registerCommand } from '../cli.ts';
import { verifyReference } from '../verify-reference.ts';

registerCommand({
  name: 'verify-reference',
  summary: 'compare QP, LML and DCEM with the reference fixtures (max errors vs tolerances)',
  positionals: '[DIR]',
  maxPositionals: 1,
  flags: [{ name: 'only', type: 'string', placeholder: 'LIST', description: 'comma-separated fixture files to check, e.g. lml.json,dcem_step.json', shownDefault: 'all' }],
  async run({ values, positionals }) {
    const dir = path.resolve(positionals[0] ?? '../shared/reference');
    const choice = await initBackend(values.backend as string | undefined);
    console.log(describeBackend(choice));
    const only = values.only ? String(values.only).split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const report = await verifyReference(dir, { ...(only ? { only } : {}), log: (l) => console.log(l) });
    return report.ok ? 0 : 1;
  },
});
