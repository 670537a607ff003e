// Generated stage Jacobians of a system's transition, for planners that linearize (SQP/QP, LQR):
//   f = f(x, u) `[R, nx]`,  A = ∂f/∂x `[R, nx, nx]`,  B = ∂f/∂u `[R, nx, nu]`,
// from the same traced op list as the fused rollout (codegen.ts): per row the step's values are computed
// once, then one reverse sweep per output component i (over the ops that component depends on, seeded with
// ∂f_i/∂f_i = 1) gives row i of A and B with the local rules of rules.ts. Emitted as JavaScript over
// Float64Array; clip masks as tf.clipByValue (so it equals autodiff of the twin, src/models/linearize.ts).
import { layoutProgram, type StageProgram } from './codegen.ts';
import { OP_RULES } from './rules.ts';
import type { TraceEntry } from './tracer.ts';

export type JacobianFn = (X: ArrayLike<number>, U: ArrayLike<number>, P: ArrayLike<number>, R: number) => { f: Float64Array; A: Float64Array; B: Float64Array };

/** Generates the Jacobian function of a traced stage. */
export function generateJacobians(prog: StageProgram, nx: number, nu: number): { fn: JacobianFn; source: string } {
  const all = layoutProgram(prog, prog.next);
  const { name, valueLine, varying } = all;
  const lines = [
    `const F = new Float64Array(R * ${nx});`,
    `const A = new Float64Array(R * ${nx * nx});`,
    `const B = new Float64Array(R * ${nx * nu});`,
    ...all.paramLines,
    ...all.hoisted.map(valueLine),
    `for (let r = 0; r < R; r++) {`,
    ...Array.from({ length: nx }, (_, i) => `  const x_${i} = X[r * ${nx} + ${i}];`),
    ...Array.from({ length: nu }, (_, j) => `  const u_${j} = U[r * ${nu} + ${j}];`),
    ...all.perStep.map((i) => `  ${valueLine(i)}`),
    ...prog.next.map((id, i) => `  F[r * ${nx} + ${i}] = ${name(id)};`),
  ];
  prog.next.forEach((out, i) => {
    if (!varying[out]) return; // a component that reads neither x nor u: its rows of A and B stay zero
    const cone = layoutProgram(prog, [out]);
    const bars = prog.entries.map((_, k) => k).filter((k) => cone.live[k] && varying[k]);
    const body = [...bars.map((k) => `let b${k} = 0;`), `b${out} = 1;`];
    for (const k of [...cone.perStep].reverse()) {
      const e = prog.entries[k] as Extract<TraceEntry, { kind: 'op' }>;
      const grads = OP_RULES[e.op].grad(`b${k}`, e.args.map(name), name(k), e.attr);
      e.args.forEach((a, m) => {
        if (grads[m] !== null && grads[m] !== undefined && varying[a]) body.push(`b${a} += ${grads[m]};`);
      });
    }
    prog.x.forEach((id, k) => body.push(`A[(r * ${nx} + ${i}) * ${nx} + ${k}] = ${cone.live[id] ? `b${id}` : '0'};`));
    prog.u.forEach((id, j) => body.push(`B[(r * ${nx} + ${i}) * ${nu} + ${j}] = ${cone.live[id] ? `b${id}` : '0'};`));
    lines.push(`  {`, ...body.map((l) => `    ${l}`), `  }`);
  });
  lines.push(`}`, `return { f: F, A, B };`);
  const source = lines.join('\n');
  return { fn: new Function('X', 'U', 'P', 'R', `"use strict";\n${source}`) as JacobianFn, source };
}
