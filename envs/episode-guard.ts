// Episode bookkeeping shared by envs: step() before the first reset() or after a terminal step raises
// (Gymnasium leaves this undefined; here it is an error so a broken loop is caught at once), and a seeded
// Rng per env that reset({ seed }) replaces and reset() without a seed keeps drawing from (Gymnasium's
// np_random semantics; the first unseeded reset seeds from the process-wide generator).
import { Rng, defaultRng } from '../src/tensor/rng.ts';

export class EpisodeGuard {
  private needsReset = true;
  private rngState: Rng | undefined;

  constructor(private readonly envId: string) {}

  /** The env's generator after applying reset's seed option. */
  reset(seed?: number): Rng {
    if (seed !== undefined) {
      if (!Number.isInteger(seed) || seed < 0) throw new Error(`${this.envId}.reset: seed must be a non-negative integer (got ${seed})`);
      this.rngState = new Rng(seed);
    } else if (!this.rngState) {
      this.rngState = new Rng(defaultRng().nextSeed());
    }
    this.needsReset = false;
    return this.rngState;
  }

  /** Throws unless an episode is running. */
  checkStep(): void {
    if (this.needsReset) {
      throw new Error(`${this.envId}.step: the episode has terminated or reset() was never called; call reset() before step()`);
    }
  }

  /** Marks the episode over after a terminal step. */
  finish(terminated: boolean): void {
    if (terminated) this.needsReset = true;
  }
}
