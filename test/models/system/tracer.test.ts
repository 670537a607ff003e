// The tracer (src/models/system/tracer.ts) and definition checks: constant folding, identities and common
// subexpressions in the op list, clear errors for values not computed with m and for bad definitions, and the
// plain-number implementation agreeing with the tensor one on every op (including the non-smooth ones' values).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../../helpers/backend.ts';
import { TraceGraph, tracerOps } from '../../../src/models/system/tracer.ts';
import { traceStage } from '../../../src/models/system/codegen.ts';
import { defineSystem, type SystemDefinition } from '../../../src/models/system/definition.ts';
import { numberOps, type OpName } from '../../../src/models/system/ops.ts';
import { tensorOps } from '../../../src/models/system/tensor-ops.ts';
import { OP_RULES } from '../../../src/models/system/rules.ts';
import { pendulumSystem } from '../../../envs/pendulum.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('tracer', () => {
  it('folds constants, drops x·1 and x + 0, and reuses an op recorded with the same arguments', () => {
    const g = new TraceGraph();
    const m = tracerOps(g);
    const x = g.input('x', 0);
    const folded = m.mul(m.add(2, 3), m.sqrt(4)); // 10, no op recorded
    expect(g.constValue(folded.id)).toBe(10);
    expect(m.mul(x, 1).id).toBe(x.id);
    expect(m.add(0, x).id).toBe(x.id);
    const a = m.sin(x);
    const b = m.sin(x);
    expect(b.id).toBe(a.id);
    expect(g.entries.filter((e) => e.kind === 'op')).toHaveLength(1);
  });

  it('the pendulum stage: one clip of u shared by the step and the cost; the cost reads no parameter', () => {
    const prog = traceStage(pendulumSystem);
    const clips = prog.entries.filter((e) => e.kind === 'op' && e.op === 'clip' && e.attr[0] === -2);
    expect(clips).toHaveLength(1);
    expect(prog.transitionParams).toEqual(['mass', 'length', 'gravity', 'damping']);
    expect(prog.costParams).toEqual([]);
  });

  it('names a value not computed with m, and a transition of the wrong size', () => {
    const bad: SystemDefinition = { ...pendulumSystem, name: 'bad', transition: (x) => [x[0]!, x[1]!, { value: 1 } as never] };
    expect(() => traceStage(bad)).toThrow(/system "bad": transition\(\)\[2\] must be a value computed with m/);
    const short: SystemDefinition = { ...pendulumSystem, name: 'short', transition: (x) => [x[0]!] };
    expect(() => traceStage(short)).toThrow(/transition must return stateDim = 3 values \(got 1\)/);
    const g = new TraceGraph();
    expect(() => tracerOps(g).clip(g.input('x', 0), 2, 1)).toThrow(/clip bounds must be numbers with lo ≤ hi/);
    const branching: SystemDefinition = { ...pendulumSystem, name: 'branching', transition: (x, u, p, m) => ((x[2] as unknown as number) > 0 ? [x[0]!, x[1]!, x[2]!] : pendulumSystem.transition(x, u, p, m)) };
    expect(() => traceStage(branching)).toThrow(/a value of m was used as a plain number .*m\.select/);
  });

  it('defineSystem names the field at fault', () => {
    const base = { ...pendulumSystem };
    expect(() => defineSystem({ ...base, stateDim: 0 })).toThrow(/stateDim must be an integer ≥ 1/);
    expect(() => defineSystem({ ...base, dt: -1 })).toThrow(/dt must be a positive/);
    expect(() => defineSystem({ ...base, params: { mass: Number.NaN, length: 1, gravity: 10, damping: 0 } })).toThrow(/parameter "mass" must have a finite default/);
    expect(() => defineSystem({ ...base, actionBounds: { low: [2], high: [-2] } })).toThrow(/actionBounds.low\[0\] = 2 must be ≤ high\[0\] = -2/);
  });

  it('numberOps and tensorOps agree on every op of the rule table', () => {
    const args = [0.7, -1.3, 0.4];
    for (const op of Object.keys(OP_RULES) as OpName[]) {
      const a = op === 'log' || op === 'sqrt' ? [1.7] : op === 'clip' ? [1.3, -1, 1] : args.slice(0, OP_RULES[op].arity);
      const n = (numberOps[op] as (...v: number[]) => number)(...a);
      const t = tf.tidy(() => (tensorOps[op] as (...v: Array<tf.Tensor | number>) => tf.Tensor)(...(op === 'clip' ? [tf.scalar(a[0]!), a[1]!, a[2]!] : a.map((v) => tf.scalar(v)))).dataSync()[0]!);
      expect(t, op).toBeCloseTo(n, 6);
    }
  });
});
