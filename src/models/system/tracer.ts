// A tracer: `Ops<TraceNode>` that records what a system definition computes into an SSA op list, once.
// Inputs are the state x_i, the action u_j and the parameters p_k; an op whose arguments are all constants is
// folded to a constant (evaluated with numberOps), the identities x·1, x/1, x ± 0 are removed, and an op
// already recorded with the same arguments is reused (common subexpressions, e.g. sin θ in the step and the
// cost). The code generator (codegen.ts) turns the list into forward and adjoint loops.
import { numberOps, type OpName, type Ops, type Val } from './ops.ts';
import { OP_RULES } from './rules.ts';

/** A traced value: an index into the op list. */
export class TraceNode {
  constructor(readonly id: number) {}

  /** A traced value has no number yet: JS arithmetic or comparisons on it (`x > 0`, `x * 2`) are definition bugs. */
  [Symbol.toPrimitive](): never {
    throw new Error('system tracer: a value of m was used as a plain number (a JS operator, comparison or Math call); compute with the ops of m (m.mul, m.select, m.clip, …)');
  }
}

export type TraceEntry =
  | { kind: 'x' | 'u' | 'p'; index: number }
  | { kind: 'const'; value: number }
  | { kind: 'op'; op: OpName; args: number[]; attr: number[] };

/** The op list: entries in evaluation order (arguments before their uses). */
export class TraceGraph {
  readonly entries: TraceEntry[] = [];
  private readonly memo = new Map<string, number>();

  private add(key: string, e: TraceEntry): number {
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    this.entries.push(e);
    this.memo.set(key, this.entries.length - 1);
    return this.entries.length - 1;
  }

  input(kind: 'x' | 'u' | 'p', index: number): TraceNode {
    return new TraceNode(this.add(`${kind}${index}`, { kind, index }));
  }

  constant(value: number): TraceNode {
    return new TraceNode(this.add(`c${Object.is(value, -0) ? '-0' : value}`, { kind: 'const', value }));
  }

  constValue(id: number): number | undefined {
    const e = this.entries[id]!;
    return e.kind === 'const' ? e.value : undefined;
  }

  op(op: OpName, args: number[], attr: number[] = []): TraceNode {
    const cs = args.map((a) => this.constValue(a));
    if (cs.every((c) => c !== undefined)) {
      const f = numberOps[op] as (...v: number[]) => number;
      return this.constant(f(...(cs as number[]), ...attr));
    }
    const [ca, cb] = cs;
    if ((op === 'mul' && cb === 1) || (op === 'div' && cb === 1) || ((op === 'add' || op === 'sub') && cb === 0)) return new TraceNode(args[0]!);
    if ((op === 'mul' && ca === 1) || (op === 'add' && ca === 0)) return new TraceNode(args[1]!);
    return new TraceNode(this.add(`${op}(${args.join(',')};${attr.join(',')})`, { kind: 'op', op, args, attr }));
  }
}

/** The tracer over one graph. */
export function tracerOps(graph: TraceGraph): Ops<TraceNode> {
  const id = (v: Val<TraceNode>, where: string): number => {
    if (typeof v === 'number') return graph.constant(v).id;
    if (v instanceof TraceNode) return v.id;
    throw new Error(`system tracer: ${where} got ${typeof v === 'object' ? 'an object that is not a value of m' : typeof v}; a definition must compute with the ops of its m argument and plain numbers only`);
  };
  const ops = {} as Record<OpName, (...a: Val<TraceNode>[]) => TraceNode>;
  for (const name of Object.keys(OP_RULES) as OpName[]) {
    const arity = OP_RULES[name].arity;
    ops[name] = (...a: Val<TraceNode>[]) => {
      if (name === 'clip') {
        const [x, lo, hi] = a;
        if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo <= hi)) throw new Error(`system tracer: clip bounds must be numbers with lo ≤ hi (got ${String(lo)}, ${String(hi)})`);
        return graph.op('clip', [id(x!, 'clip')], [lo, hi]);
      }
      return graph.op(name, a.slice(0, arity).map((v) => id(v, name)));
    };
  }
  return { const: (c: number) => graph.constant(c), ...ops } as Ops<TraceNode>;
}
