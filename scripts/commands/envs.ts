// `diffmpc envs [ID...] [--check] [--import MODULE]`: lists the registered environments with their observation and action
// spaces, default options and whether they have a differentiable twin; `--check` also runs checkEnv on each
// (both physics backends where the env has them) and prints any problems.
import { registerCommand, type ParsedArgs } from '../cli.ts';
import { checkEnvId } from '../lib/run-options.ts';
import { flagImports, loadUserModules } from '../lib/user-modules.ts';
import { checkEnv, envSpec, listEnvs, make } from '../../envs/index.ts';
import { initBackend } from '../../src/tensor/backend.ts';

/** Loads --import modules, then checks the ids asked for (suggesting the closest registered one). */
async function resolveEnvsArgs({ values, positionals }: ParsedArgs): Promise<string[]> {
  await loadUserModules(flagImports(values.import as string[] | undefined));
  for (const id of positionals) checkEnvId(id, 'diffmpc envs');
  return positionals;
}

registerCommand({
  name: 'envs',
  summary: 'list registered environments with their spaces (--check runs checkEnv on each)',
  positionals: '[ID...]',
  flags: [
    { name: 'check', type: 'boolean', description: 'run checkEnv on each env (both physics where it has them)' },
    { name: 'import', type: 'strings', placeholder: 'MODULE', description: 'load a JS/TS module that registers envs first' },
  ],
  resolve: resolveEnvsArgs,
  async run({ values, positionals }) {
    await resolveEnvsArgs({ values, positionals });
    const ids = positionals.length ? positionals : listEnvs().map((s) => s.id);
    let failures = 0;
    if (values.check) await initBackend((values.backend as string | undefined) ?? 'cpu', { quiet: true });
    for (const id of ids) {
      const spec = envSpec(id);
      const env = make(id); // unknown ids raise, listing the registered ones
      const { maxEpisodeSteps, ...opts } = spec!.defaults;
      console.log(`${id}${spec!.summary ? `  ${spec!.summary}` : ''}`);
      console.log(`  observation  ${env.observationSpace}`);
      console.log(`  action       ${env.actionSpace}`);
      console.log(`  max steps    ${maxEpisodeSteps ?? '-'}   defaults ${JSON.stringify(opts)}   twin ${env.model ? 'yes' : 'no'}`);
      if (values.check) {
        for (const physics of 'physics' in opts ? ['analytic', 'matter'] : [undefined]) {
          const problems = checkEnv(make(id, physics ? { physics } : {}));
          failures += problems.length;
          console.log(`  checkEnv${physics ? ` (${physics})` : ''}: ${problems.length ? `\n    - ${problems.join('\n    - ')}` : 'ok'}`);
        }
      }
      env.close?.();
    }
    return failures ? 1 : 0;
  },
});
