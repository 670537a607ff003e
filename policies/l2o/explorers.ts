// An ensemble of gradient-based exploration policies that augments the learned optimizer's replay buffer
// ("Learning to Optimize with Gradient Based Exploration Strategies"): N ≪ M explorers run on the same
// problem as the learner, each owning one unique coordinate c_k of θ ∈ R^M. At step t explorer k
//   with probability p_coor(t):  moves along its coordinate, Δθ = ξ · σ_c(t) · s · e_{c_k},  ξ = ±1;
//   otherwise:                   follows its local gradient, Δθ = clip(−η(t) ∇f(θ_k), ±s);
// (s is the state's per-coordinate step scale σ, state.ts: the moves are fractions of the current scale)
// schedules decay geometrically, p_coor(t) = max(p_min, p_0 d^t), σ_c(t) = max(σ_min, σ_0 d^t),
// η(t) = max(η_0 σ_min, η_0 d^t). Bookkeeping (pure functions below, tested on their own):
//   reset:  an explorer whose last W rewards average below r_reset is stuck in a low-reward region and
//           restarts from a fresh draw of the problem's initial distribution (its history restarts too);
//   prune:  a coordinate whose coordinate moves (≥ n_prune of them) average a reward below r_prune is
//           pruned, and its explorer is reassigned to the next coordinate that is neither assigned nor
//           pruned (round robin); when every coordinate is used up, the pruned marks are cleared.
// Every step of the N explorers yields N·M coordinate transitions (transitions.ts) for the buffer.
// Shapes: explorer iterates `[N, M]`, actions `[N, M]` in [−1, 1] (Δθ = σ ⊙ a), rewards `[N]`.
import * as tf from '@tensorflow/tfjs';
import type { ReplayBuffer } from '../../src/train/replay-buffer.ts';
import type { Rng } from '../../src/tensor/rng.ts';
import type { Problem } from './problems.ts';
import { disposeOptState, optFeatures, type L2OConfig, type OptState } from './state.ts';
import { startState, stepState } from './env-step.ts';
import { addCoordinateTransitions } from './transitions.ts';

export interface ExplorerConfig {
  /** Number of explorers N (capped at M). */
  count: number;
  /** Initial / minimum probability of a coordinate move. */
  pCoor0: number;
  pCoorMin: number;
  /** Initial coordinate move as a fraction of the step scale s, and the floor of the decayed fractions. */
  coordStep0: number;
  stepMin: number;
  /** Initial gradient step size η_0. */
  gradStep0: number;
  /** Geometric decay d per step. */
  decay: number;
  /** Reset: window W and threshold r_reset on the windowed mean reward. */
  resetWindow: number;
  resetThreshold: number;
  /** Prune: minimum coordinate moves n_prune and threshold r_prune on their mean reward. */
  pruneAfter: number;
  pruneThreshold: number;
}

export const DEFAULT_EXPLORER_CONFIG: ExplorerConfig = {
  count: 4,
  pCoor0: 0.7,
  pCoorMin: 0.05,
  coordStep0: 1,
  stepMin: 0.05,
  gradStep0: 0.05,
  decay: 0.97,
  resetWindow: 6,
  resetThreshold: 0.005,
  pruneAfter: 4,
  pruneThreshold: 0,
};

export function resolveExplorerConfig(c: Partial<ExplorerConfig> = {}): ExplorerConfig {
  const cfg = { ...DEFAULT_EXPLORER_CONFIG, ...c };
  const prob = (k: keyof ExplorerConfig) => {
    if (!(cfg[k] >= 0 && cfg[k] <= 1)) throw new Error(`explorers: ${k} must lie in [0, 1] (got ${cfg[k]})`);
  };
  prob('pCoor0');
  prob('pCoorMin');
  if (!(cfg.decay > 0 && cfg.decay <= 1)) throw new Error(`explorers: decay must lie in (0, 1] (got ${cfg.decay})`);
  for (const k of ['count', 'resetWindow', 'pruneAfter'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw new Error(`explorers: ${k} must be a positive integer (got ${cfg[k]})`);
  }
  if (!(cfg.coordStep0 > 0 && cfg.gradStep0 > 0 && cfg.stepMin > 0)) throw new Error('explorers: coordStep0, gradStep0 and stepMin must be > 0');
  return cfg;
}

export interface Schedule {
  pCoor: number;
  /** Coordinate move as a fraction of s (action units). */
  coordStep: number;
  /** Gradient step size η. */
  gradStep: number;
}

/** The decayed exploration schedule at step t. */
export function explorationSchedule(t: number, cfg: ExplorerConfig): Schedule {
  const d = Math.pow(cfg.decay, t);
  return {
    pCoor: Math.max(cfg.pCoorMin, cfg.pCoor0 * d),
    coordStep: Math.min(1, Math.max(cfg.stepMin, cfg.coordStep0 * d)),
    gradStep: Math.max(cfg.gradStep0 * cfg.stepMin, cfg.gradStep0 * d),
  };
}

/** Indices of explorers whose last `resetWindow` rewards (full windows only) average below the threshold. */
export function stuckExplorers(windows: readonly (readonly number[])[], cfg: Pick<ExplorerConfig, 'resetWindow' | 'resetThreshold'>): number[] {
  const out: number[] = [];
  windows.forEach((w, k) => {
    if (w.length < cfg.resetWindow) return;
    const last = w.slice(-cfg.resetWindow);
    if (last.reduce((a, b) => a + b, 0) / last.length < cfg.resetThreshold) out.push(k);
  });
  return out;
}

export interface CoordinateStats {
  moves: number[];
  rewardSum: number[];
  pruned: boolean[];
}

export function newCoordinateStats(M: number): CoordinateStats {
  return { moves: new Array(M).fill(0), rewardSum: new Array(M).fill(0), pruned: new Array(M).fill(false) };
}

/** Coordinates (not yet pruned) with ≥ pruneAfter moves whose mean reward is below pruneThreshold. */
export function coordinatesToPrune(stats: CoordinateStats, cfg: Pick<ExplorerConfig, 'pruneAfter' | 'pruneThreshold'>): number[] {
  const out: number[] = [];
  stats.moves.forEach((m, i) => {
    if (!stats.pruned[i] && m >= cfg.pruneAfter && stats.rewardSum[i]! / m < cfg.pruneThreshold) out.push(i);
  });
  return out;
}

/**
 * The next coordinate after `from` (cyclically) that is neither assigned nor pruned, or -1 when none is left.
 */
export function nextFreeCoordinate(from: number, assigned: readonly number[], pruned: readonly boolean[]): number {
  const M = pruned.length;
  for (let d = 1; d <= M; d++) {
    const i = (((from + d) % M) + M) % M;
    if (!pruned[i] && !assigned.includes(i)) return i;
  }
  return -1;
}

export interface ExplorerStepInfo {
  meanReward: number;
  coordinateMoves: number;
  resets: number[];
  pruned: number[];
  transitions: number;
}

export class ExplorerEnsemble {
  readonly config: ExplorerConfig;
  readonly count: number;
  /** coords[k]: the coordinate owned by explorer k (unique). */
  readonly coords: number[];
  readonly stats: CoordinateStats;
  windows: number[][];
  t = 0;
  totalResets = 0;
  totalPruned = 0;
  private state: OptState;

  constructor(
    readonly problem: Problem,
    readonly l2o: L2OConfig,
    readonly rng: Rng,
    config: Partial<ExplorerConfig> = {},
  ) {
    this.config = resolveExplorerConfig(config);
    const M = problem.dim;
    this.count = Math.min(this.config.count, M);
    const perm = Array.from({ length: M }, (_, i) => i);
    for (let i = M - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    this.coords = perm.slice(0, this.count);
    this.stats = newCoordinateStats(M);
    this.windows = Array.from({ length: this.count }, () => []);
    const theta0 = problem.init(this.count, rng);
    this.state = startState(problem, theta0, l2o);
    theta0.dispose();
  }

  /** Current explorer iterates `[N, M]` (owned by the ensemble). */
  get theta(): tf.Tensor {
    return this.state.theta;
  }

  /** Current values `[N]` (owned by the ensemble). */
  get values(): tf.Tensor {
    return this.state.f;
  }

  /** The actions `[N, M]` of this step, and which explorers made a coordinate move. */
  private drawActions(sch: Schedule): { action: tf.Tensor; coordMove: boolean[] } {
    const N = this.count;
    const M = this.problem.dim;
    const coordMove: boolean[] = [];
    const onehot = new Float32Array(N * M);
    for (let k = 0; k < N; k++) {
      const move = this.rng.uniform() < sch.pCoor;
      coordMove.push(move);
      const sign = this.rng.uniform() < 0.5 ? -1 : 1;
      if (move) onehot[k * M + this.coords[k]!] = sign * sch.coordStep;
    }
    const action = tf.tidy(() => {
      const mask = tf.tensor2d(coordMove.map((m) => (m ? 1 : 0)), [N, 1]);
      const coordA = tf.tensor2d(onehot, [N, M]);
      const gradA = tf.clipByValue(tf.div(tf.mul(this.state.grad, -sch.gradStep), this.state.sigma), -1, 1);
      return tf.add(tf.mul(mask, coordA), tf.mul(tf.sub(1, mask), gradA));
    });
    return { action, coordMove };
  }

  /** Restarts explorers `idx` from fresh initial points (their histories restart too). */
  reset(idx: number[]): void {
    if (idx.length === 0) return;
    const N = this.count;
    const fresh = this.problem.init(N, this.rng);
    const maskArr = new Float32Array(N);
    for (const k of idx) maskArr[k] = 1;
    const mask = tf.tidy(() => tf.tensor1d(maskArr).cast('bool'));
    const theta = tf.tidy(() => tf.where(mask.reshape([N, 1]).tile([1, this.problem.dim]), fresh, this.state.theta));
    const restarted = startState(this.problem, theta, this.l2o);
    const merged = tf.tidy(() => {
      const out: Record<string, tf.Tensor> = {};
      for (const key of Object.keys(restarted) as (keyof OptState)[]) {
        const a = restarted[key];
        const b = this.state[key];
        const m = mask.reshape([N, ...new Array(a.rank - 1).fill(1)]).tile([1, ...a.shape.slice(1)]);
        out[key] = tf.where(m, a, b);
      }
      return out;
    }) as unknown as OptState;
    tf.dispose([fresh, mask, theta]);
    disposeOptState(restarted);
    disposeOptState(this.state);
    this.state = merged;
    for (const k of idx) this.windows[k] = [];
    this.totalResets += idx.length;
  }

  /** One exploration step; adds the N·M transitions to `buffer` (when given). */
  step(buffer?: ReplayBuffer): ExplorerStepInfo {
    const sch = explorationSchedule(this.t, this.config);
    const { action, coordMove } = this.drawActions(sch);
    const featsPrev = optFeatures(this.state, this.l2o);
    const { next, reward } = stepState(this.problem, this.state, action, this.l2o);
    const featsNext = optFeatures(next, this.l2o);
    const transitions = buffer ? addCoordinateTransitions(buffer, featsPrev, action, reward, featsNext, false) : 0;
    const r = Array.from(reward.dataSync());
    tf.dispose([action, featsPrev, featsNext, reward]);
    disposeOptState(this.state);
    this.state = next;
    this.t++;
    r.forEach((rk, k) => {
      this.windows[k]!.push(rk);
      if (this.windows[k]!.length > this.config.resetWindow) this.windows[k]!.shift();
      if (coordMove[k]) {
        const c = this.coords[k]!;
        this.stats.moves[c]!++;
        this.stats.rewardSum[c]! += rk;
      }
    });
    const pruned = this.prune();
    const resets = stuckExplorers(this.windows, this.config);
    this.reset(resets);
    return { meanReward: r.reduce((a, b) => a + b, 0) / r.length, coordinateMoves: coordMove.filter(Boolean).length, resets, pruned, transitions };
  }

  /** Prunes poor coordinates and reassigns their explorers; returns the pruned coordinates. */
  prune(): number[] {
    const bad = coordinatesToPrune(this.stats, this.config);
    for (const c of bad) {
      this.stats.pruned[c] = true;
      this.totalPruned++;
      const k = this.coords.indexOf(c);
      if (k < 0) continue;
      let nxt = nextFreeCoordinate(c, this.coords, this.stats.pruned);
      if (nxt < 0) {
        this.stats.pruned.fill(false);
        this.stats.moves.fill(0);
        this.stats.rewardSum.fill(0);
        nxt = nextFreeCoordinate(c, this.coords, this.stats.pruned);
      }
      if (nxt >= 0) this.coords[k] = nxt;
    }
    return bad;
  }

  dispose(): void {
    disposeOptState(this.state);
  }
}
