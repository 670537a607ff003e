// Registers the job runner of every built-in command (the list is in scripts/api/jobs.ts's head comment).
// Its own module so the pool threads' bundle (scripts/lib/compiled-worker.ts) holds the runners without the
// rest of the jobs entry's re-exports (the bullmq executor and its Redis client).
import './sweep-jobs.ts';
import './quality-jobs.ts';
import './eval-jobs.ts';
import './energy-jobs.ts';
import './energy-protocol-jobs.ts';
import './l2o-jobs.ts';
import '../../src/exec/ping.ts';
