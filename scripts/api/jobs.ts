// diffmpc/jobs — the job runners of the built-in commands, registered on import: a worker (a pool thread of
// `--executor threads`, a `diffmpc worker` process) imports this entry and can then run any built-in piece:
//   control-episodes   a sweep cell × seed (scripts/lib/sweep-jobs.ts)
//   quality-episode    one seeded episode of `bench quality` (scripts/lib/quality-jobs.ts)
//   eval-episode       one evaluation episode of `train-dynamics` (scripts/lib/eval-jobs.ts)
//   energy-seed        one contender × seed of `diffmpc energy` (scripts/lib/energy-jobs.ts)
//   energy-protocol-seed  one method × seed of `diffmpc energy --protocol` (scripts/lib/energy-protocol-jobs.ts)
//   l2o-train, l2o-test  one training run / one test run of `bench l2o` (scripts/lib/l2o-jobs.ts)
import '../lib/builtin-job-runners.ts';

export { jobRunners, registerJobRunner, runAll, JobsFailedError, type JobSpec, type JobResult, type JobRunner, type Json } from '../../src/exec/index.ts';

/** The URL of this entry (what a worker imports to find every built-in runner). */
export const JOB_RUNNERS_ENTRY: string = import.meta.url;
