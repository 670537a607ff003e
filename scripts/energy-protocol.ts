// `diffmpc energy --protocol dcem|novas`: the regression experiment at paper scale under one paper's training
// protocol (src/train/energy-protocol.ts). For every method and seed: a per-seed result JSON and rows appended to
// <run-dir>/rows.jsonl as they are computed (a killed run keeps every evaluation written so far); then a table
// (final / best training MSE, held-out MSE, updates, ms/update, peak bytes per update), the table as JSON under
// --out, and two PNGs: the MSE learning curves and the inner-iteration ablation (each method trained with 10
// inner iterations, evaluated with 1–20). Each method × seed is one piece (job `energy-protocol-seed`,
// scripts/lib/energy-protocol-jobs.ts) run through the chosen executor (`--workers N`, `--executor`); the table
// is built in method × seed order, so it is the same on every executor (times aside).
import fs from 'node:fs';
import path from 'node:path';
import { plotLearningCurve } from '../src/plot/learning-curve.ts';
import { savePng } from '../src/plot/renderer.ts';
import { writeJsonAtomic } from '../src/tensor/files.ts';
import {
  ABLATION_RANGE,
  METHOD_NAMES,
  PROTOCOL_NAMES,
  type EnergyProtocolResult,
  type MethodName,
  type ProtocolName,
} from '../src/train/energy-protocol.ts';
import { runAll } from '../src/exec/collect.ts';
import type { JobSpec } from '../src/exec/job.ts';
import { INLINE, createExecutor, describeChoice, type ExecutorChoice } from './lib/executor-options.ts';
import './lib/energy-protocol-jobs.ts';
import type { EnergyProtocolSeedConfig } from './lib/energy-protocol-jobs.ts';
import { UsageError } from './lib/flags.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';

export interface EnergyProtocolRunOptions {
  protocol: ProtocolName;
  methods: MethodName[];
  seeds: number;
  seedBase: number;
  /** Updates per seed (default: the protocol's 100 000). */
  updates?: number;
  /** Training-time budget per seed (minutes). */
  maxMinutes?: number;
  /** Threads for NOVAS's network passes in each piece (src/train/energy-shards.ts). */
  threads?: number;
  runDir: string;
  outDir: string;
  /** Where the pieces run (default inline). */
  executor?: ExecutorChoice;
  /** The tensor backend the pieces load (this process's). */
  backend?: string;
}

/** Parses --protocol, --only, --updates, --max-minutes, --threads; errors name the flag and the accepted values. */
export function protocolOptionsFrom(values: Record<string, unknown>): EnergyProtocolRunOptions {
  const protocol = String(values.protocol);
  if (!(PROTOCOL_NAMES as readonly string[]).includes(protocol)) throw new UsageError(`--protocol: unknown "${protocol}"; expected one of ${PROTOCOL_NAMES.join(', ')}`);
  const defaults: Record<ProtocolName, MethodName[]> = { dcem: ['gd-10', 'dcem'], novas: ['novas', 'dcem', 'gd-10'] };
  const only = typeof values.only === 'string' ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  for (const m of only ?? []) {
    if (!(METHOD_NAMES as readonly string[]).includes(m)) throw new UsageError(`--only: unknown method "${m}" for --protocol ${protocol}; expected some of ${METHOD_NAMES.join(', ')}`);
  }
  const posInt = (name: string): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: expected a positive integer (got "${String(v)}")`);
    return n;
  };
  const maxMinutes = values['max-minutes'] === undefined ? undefined : Number(values['max-minutes']);
  if (maxMinutes !== undefined && !(maxMinutes > 0)) throw new UsageError(`--max-minutes: expected a positive number (got "${String(values['max-minutes'])}")`);
  return {
    protocol: protocol as ProtocolName,
    methods: (only as MethodName[] | undefined) ?? defaults[protocol as ProtocolName],
    seeds: posInt('seeds') ?? 1,
    seedBase: values.seed === undefined ? 0 : Number(values.seed),
    updates: posInt('updates'),
    maxMinutes,
    threads: posInt('threads'),
    runDir: String(values['run-dir'] ?? `runs/energy-${protocol}`),
    outDir: String(values.out ?? 'bench-results'),
  };
}

/** Table rows (one per method, one seed's numbers or the mean over seeds) from per-seed results. */
export function protocolTable(results: EnergyProtocolResult[]): Row[] {
  const methods = [...new Set(results.map((r) => r.method))];
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return methods.map((m) => {
    const rs = results.filter((r) => r.method === m);
    const test = rs.map((r) => r.final.testMse).filter((v): v is number => v !== null);
    const at = (T: number) => mean(rs.map((r) => r.ablation.find((a) => a.iterations === T)?.mse ?? NaN));
    return {
      method: m,
      seeds: rs.length,
      updates: Math.round(mean(rs.map((r) => r.updates))),
      'train MSE': mean(rs.map((r) => r.final.trainMse)).toExponential(2),
      'best train MSE': mean(rs.map((r) => r.best.trainMse)).toExponential(2),
      'held-out MSE': test.length ? mean(test).toExponential(2) : '-',
      'ms/update': Number(mean(rs.map((r) => r.msPerUpdate)).toFixed(1)),
      'peak MB/update': Number((mean(rs.map((r) => r.memory.peakBytes)) / 1e6).toFixed(2)),
      'MSE@1': at(1).toExponential(1),
      'MSE@10': at(10).toExponential(1),
      'MSE@20': at(20).toExponential(1),
      train_mse: mean(rs.map((r) => r.final.trainMse)),
      best_train_mse: mean(rs.map((r) => r.best.trainMse)),
      ms_per_update: mean(rs.map((r) => r.msPerUpdate)),
      peak_bytes_per_update: mean(rs.map((r) => r.memory.peakBytes)),
      stopped_by: rs.map((r) => r.stoppedBy).join(','),
    };
  });
}

/** The learning-curve and ablation PNGs of a set of results. */
export function protocolPlots(results: EnergyProtocolResult[], protocol: ProtocolName): { curves: Buffer; ablation: Buffer | null } {
  const methods = [...new Set(results.map((r) => r.method))];
  // The curve of the MSE the scheduler watches: the training points (dcem) or the held-out points (novas).
  const heldOut = results[0]?.settings.schedulerOn === 'test';
  const curves = plotLearningCurve({
    curves: methods.map((m) => {
      const rs = results.filter((r) => r.method === m);
      return { label: m, seeds: rs.map((r) => r.rows.map((row) => Math.log10((heldOut ? row.testMse : row.trainMse) ?? NaN))), x: rs[0]!.rows.map((row) => row.update) };
    }),
    title: `${protocol} protocol: ${heldOut ? 'held-out' : 'training'} MSE`,
    xLabel: 'updates',
    yLabel: `log10 MSE (${heldOut ? 'held-out' : 'training'} points)`,
    target: { label: 'target 1e-3', value: -3 },
    width: 640,
    height: 420,
  });
  const withAblation = results.some((r) => r.ablation.length > 0);
  const ablation = !withAblation ? null : plotLearningCurve({
    // Methods whose results carry no ablation (a run cut before it) are left out.
    curves: methods
      .map((m) => ({
        label: `${m} (trained with 10)`,
        seeds: results.filter((r) => r.method === m && r.ablation.length).map((r) => r.ablation.map((a) => Math.log10(a.mse))),
        x: ABLATION_RANGE,
      }))
      .filter((c) => c.seeds.length > 0),
    title: 'MSE when evaluated with T inner iterations',
    xLabel: 'inner iterations T at test time',
    yLabel: `log10 MSE (${protocol === 'novas' ? 'held-out' : 'training'} points)`,
    width: 640,
    height: 420,
  });
  return { curves, ablation };
}

export async function runEnergyProtocol(o: EnergyProtocolRunOptions): Promise<{ json: string; pngs: string[]; rows: Row[] }> {
  fs.mkdirSync(o.runDir, { recursive: true });
  const rowsPath = path.resolve(o.runDir, 'rows.jsonl');
  const choice = o.executor ?? INLINE;
  // Pieces on another machine (bullmq) cannot append to this file; their rows come back in the result.
  const local = choice.name !== 'bullmq';
  const jobs: JobSpec[] = o.methods.flatMap((method) =>
    Array.from({ length: o.seeds }, (_, s): JobSpec => {
      const seed = o.seedBase + s;
      const config: EnergyProtocolSeedConfig = {
        protocol: o.protocol,
        method,
        ...(local ? { rowsPath } : {}),
        ...(o.updates ? { updates: o.updates } : {}),
        ...(o.maxMinutes ? { maxSeconds: o.maxMinutes * 60 } : {}),
        ...(o.threads && o.threads > 1 ? { threads: o.threads } : {}),
      };
      return { id: `${o.protocol}/${method}/s${seed}`, command: 'energy-protocol-seed', config: config as never, seed };
    }),
  );
  if (choice.name !== 'inline') console.error(`energy --protocol ${o.protocol}: ${jobs.length} piece(s) on ${describeChoice(choice)}`);
  const results = (await runAll(createExecutor(choice, { backend: o.backend ?? 'cpu' }), jobs, {
    what: 'energy protocol seed',
    onResult: (res) => {
      if (!res.ok) return;
      const r = res.result as unknown as EnergyProtocolResult;
      const [, method, s] = res.id.split('/');
      const seed = Number(s!.slice(1));
      if (!local) for (const row of r.rows) fs.appendFileSync(rowsPath, JSON.stringify({ protocol: o.protocol, method, seed, ...row }) + '\n');
      writeJsonAtomic(path.resolve(o.runDir, `result-${method}-${seed}.json`), r);
      console.log(
        `${method} seed ${seed}: ${r.updates} updates, train MSE ${r.final.trainMse.toExponential(3)} (best ${r.best.trainMse.toExponential(3)})` +
          `${r.final.testMse !== null ? `, held-out ${r.final.testMse.toExponential(3)}` : ''}, ${r.msPerUpdate.toFixed(1)} ms/update, ` +
          `peak ${(r.memory.peakBytes / 1e6).toFixed(2)} MB/update${r.threads > 1 ? `, ${r.threads} threads` : ''}${r.stoppedBy === 'time' ? ' (stopped by --max-minutes)' : ''}`,
      );
    },
  })) as unknown as EnergyProtocolResult[];
  const rows = protocolTable(results);
  console.log(formatTable(rows, ['method', 'seeds', 'updates', 'train MSE', 'best train MSE', 'held-out MSE', 'ms/update', 'peak MB/update', 'MSE@1', 'MSE@10', 'MSE@20']));
  const json = saveReport(`energy-${o.protocol}`, rows, { protocol: o.protocol, seeds: o.seeds, seedBase: o.seedBase, updates: o.updates ?? 'protocol', memory: 'tf.profile peakBytes of one update minus the bytes held before it' }, o.outDir);
  const { curves, ablation } = protocolPlots(results, o.protocol);
  const pngs = [savePng(path.resolve(o.runDir, 'curves.png'), curves), ...(ablation ? [savePng(path.resolve(o.runDir, 'ablation.png'), ablation)] : [])];
  console.log(`saved ${json}\nsaved ${rowsPath}\nsaved ${pngs.join('\nsaved ')}`);
  return { json, pngs, rows };
}
