// The machine's load next to benchmark numbers (timings on a shared CPU are noisy): the 1-minute load
// average per row, and cpus + all three load averages in a report's meta.
import os from 'node:os';

/** 1-minute load average, rounded to 2 decimals. */
export const machineLoad = (): number => Number(os.loadavg()[0]!.toFixed(2));

/** `{ cpus, loadavg }` for a report's meta. */
export const machineMeta = (): { cpus: number; loadavg: number[] } => ({ cpus: os.cpus().length, loadavg: os.loadavg() });
