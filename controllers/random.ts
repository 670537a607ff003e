// Random baseline controller: actions drawn uniformly from the action box, u ~ U(low, high), seeded.
import { Rng } from '../src/tensor/rng.ts';

export class RandomController {
  private readonly rng: Rng;
  constructor(
    readonly low: ArrayLike<number>,
    readonly high: ArrayLike<number>,
    seed = 0,
  ) {
    if (low.length !== high.length) throw new Error(`RandomController: low and high must have the same length (${low.length} vs ${high.length})`);
    this.rng = new Rng(seed);
  }
  act(): Float32Array {
    const u = new Float32Array(this.low.length);
    for (let i = 0; i < u.length; i++) u[i] = this.rng.uniformIn(this.low[i]!, this.high[i]!);
    return u;
  }
  actBatch(obs: ArrayLike<number>, B: number): Float32Array {
    const out = new Float32Array(B * this.low.length);
    for (let b = 0; b < B; b++) out.set(this.act(), b * this.low.length);
    void obs;
    return out;
  }
  reset(): void {}
}
