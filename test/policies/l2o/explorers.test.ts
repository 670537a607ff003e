// Tests of policies/l2o/explorers.ts: schedule decay, reset and pruning rules, reassignment, and the
// ensemble's transitions, resets and unique coordinates on real problems.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ExplorerEnsemble,
  coordinatesToPrune,
  explorationSchedule,
  newCoordinateStats,
  nextFreeCoordinate,
  resolveExplorerConfig,
  stuckExplorers,
} from '../../../policies/l2o/explorers.ts';
import { makeProblem, type Problem } from '../../../policies/l2o/problems.ts';
import { featureDim, resolveL2OConfig } from '../../../policies/l2o/state.ts';
import { ReplayBuffer } from '../../../policies/replay-buffer.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('exploration schedule', () => {
  it('decays p_coor and step sizes geometrically down to their floors', () => {
    const cfg = resolveExplorerConfig({ pCoor0: 0.8, pCoorMin: 0.1, coordStep0: 1, stepMin: 0.05, gradStep0: 0.2, decay: 0.9 });
    const s0 = explorationSchedule(0, cfg);
    expect(s0).toEqual({ pCoor: 0.8, coordStep: 1, gradStep: 0.2 });
    const s5 = explorationSchedule(5, cfg);
    expect(s5.pCoor).toBeCloseTo(0.8 * 0.9 ** 5, 12);
    expect(s5.coordStep).toBeCloseTo(0.9 ** 5, 12);
    expect(s5.gradStep).toBeCloseTo(0.2 * 0.9 ** 5, 12);
    let prev = s0;
    for (let t = 1; t < 200; t++) {
      const s = explorationSchedule(t, cfg);
      expect(s.pCoor).toBeLessThanOrEqual(prev.pCoor);
      expect(s.coordStep).toBeLessThanOrEqual(prev.coordStep);
      prev = s;
    }
    expect(prev).toEqual({ pCoor: 0.1, coordStep: 0.05, gradStep: 0.2 * 0.05 });
    expect(() => resolveExplorerConfig({ decay: 1.5 })).toThrow(/decay must lie in \(0, 1\]/);
    expect(() => resolveExplorerConfig({ pCoor0: 2 })).toThrow(/pCoor0 must lie in \[0, 1\]/);
  });
});

describe('reset and pruning rules', () => {
  it('flags explorers whose full reward window averages below the threshold', () => {
    const cfg = { resetWindow: 3, resetThreshold: 0.01 };
    const windows = [[0.5, 0.2, 0.3], [0, 0, 0.02], [0, 0, 0.01, 0.0, 0.005], [0, 0]];
    // #1 mean 0.0067 < 0.01; #2 last three mean 0.005; #3 window not full
    expect(stuckExplorers(windows, cfg)).toEqual([1, 2]);
  });

  it('prunes coordinates with enough poor moves, never twice', () => {
    const st = newCoordinateStats(4);
    st.moves = [5, 5, 2, 6];
    st.rewardSum = [-1, 2, -5, 0.5];
    expect(coordinatesToPrune(st, { pruneAfter: 4, pruneThreshold: 0 })).toEqual([0]);
    expect(coordinatesToPrune(st, { pruneAfter: 4, pruneThreshold: 0.2 })).toEqual([0, 3]);
    st.pruned[0] = true;
    expect(coordinatesToPrune(st, { pruneAfter: 4, pruneThreshold: 0 })).toEqual([]);
  });

  it('reassigns to the next coordinate that is neither assigned nor pruned, cyclically', () => {
    expect(nextFreeCoordinate(1, [1, 2], [false, false, false, false, false])).toBe(3);
    expect(nextFreeCoordinate(3, [1, 3], [true, false, false, false, true])).toBe(2);
    expect(nextFreeCoordinate(0, [0, 1], [false, false, true])).toBe(-1);
  });
});

/** A problem whose value never changes: every explorer is stuck, every coordinate move is poor. */
function flatProblem(M: number): Problem {
  return {
    family: 'flat',
    dim: M,
    f: (x) => tf.tidy(() => tf.add(tf.mul(tf.sum(x, 1), 0), 1)),
    grad: (x) => tf.zerosLike(x),
    init: (B, rng) => rng.uniformTensor([B, M], -1, 1),
    dispose: () => {},
  };
}

describe('ExplorerEnsemble', () => {
  const l2o = resolveL2OConfig({ history: 2 });

  it('owns unique coordinates and adds N·M transitions per step to the buffer', () => {
    const rng = new Rng(2);
    const p = makeProblem('quadratic', 6, rng);
    const ens = new ExplorerEnsemble(p, l2o, rng.split(), { count: 3 });
    expect(new Set(ens.coords).size).toBe(3);
    const buf = new ReplayBuffer(1000, featureDim(l2o), 1);
    for (let t = 0; t < 5; t++) {
      const info = ens.step(buf);
      expect(info.transitions).toBe(18);
      expect(new Set(ens.coords).size).toBe(3);
    }
    expect(buf.size).toBe(90);
    const { action } = buf.all();
    for (const a of action.dataSync()) expect(Math.abs(a)).toBeLessThanOrEqual(1);
    action.dispose();
    ens.dispose();
    p.dispose();
  });

  it('resets stuck explorers and prunes and reassigns poor coordinates on a flat function', () => {
    const rng = new Rng(4);
    const p = flatProblem(8);
    const ens = new ExplorerEnsemble(p, l2o, rng, { count: 2, pCoor0: 1, pCoorMin: 1, resetWindow: 3, resetThreshold: 0.01, pruneAfter: 2, pruneThreshold: 0.001 });
    const start = ens.coords.slice();
    const theta0 = Array.from(ens.theta.dataSync());
    const i1 = ens.step();
    expect(i1.coordinateMoves).toBe(2);
    expect(i1.pruned).toEqual([]);
    const i2 = ens.step();
    // after two zero-reward moves each starting coordinate is pruned and its explorer moved on
    expect(i2.pruned.sort()).toEqual(start.slice().sort());
    for (const c of start) expect(ens.coords).not.toContain(c);
    expect(new Set(ens.coords).size).toBe(2);
    const i3 = ens.step();
    expect(i3.resets).toEqual([0, 1]);
    expect(ens.totalResets).toBe(2);
    expect(ens.windows).toEqual([[], []]);
    // a reset draws new points (the coordinate moves alone could not change every coordinate)
    const theta3 = Array.from(ens.theta.dataSync());
    const changed = theta3.filter((v, i) => Math.abs(v - theta0[i]!) > 1e-6).length;
    expect(changed).toBeGreaterThan(8);
    ens.dispose();
  });

  it('keeps the tensor count flat across steps', () => {
    const rng = new Rng(5);
    const p = makeProblem('rastrigin', 5, rng);
    const ens = new ExplorerEnsemble(p, l2o, rng.split(), { count: 2, resetWindow: 2, resetThreshold: 10 });
    ens.step();
    const before = tf.memory().numTensors;
    for (let t = 0; t < 6; t++) ens.step();
    expect(tf.memory().numTensors).toBe(before);
    ens.dispose();
    p.dispose();
  });
});
