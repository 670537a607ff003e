// The built-in `ping` job: returns { config, seed } at once. It measures an executor's own cost per job
// (submit → result) and checks that a fleet of workers answers: every worker registers it.
import { registerJobRunner } from './job.ts';

export const PING_COMMAND = 'ping';

registerJobRunner(PING_COMMAND, async (config, seed) => ({ config, seed }), { replace: true });
