// The --protocol report: the table from per-seed results (means over seeds) and the PNGs, with the ablation
// figure left out when no result carries one (a run cut before its ablation).
import { describe, expect, it } from 'vitest';
import { protocolOptionsFrom, protocolPlots, protocolTable } from '../../scripts/energy-protocol.ts';
import { PROTOCOLS, type EnergyProtocolResult } from '../../src/train/energy-protocol.ts';

const result = (method: 'gd-10' | 'dcem', seed: number, mse: number, ablation: boolean): EnergyProtocolResult => ({
  protocol: 'dcem',
  method,
  seed,
  settings: PROTOCOLS.dcem,
  rows: [300, 600].map((update, i) => ({ update, trainMse: mse * (2 - i), testMse: null, lr: 1e-3, batchLoss: 1, msPerUpdate: 10 + seed, seconds: i })),
  updates: 600,
  stoppedBy: 'updates',
  final: { trainMse: mse, testMse: null, lr: 1e-3 },
  best: { trainMse: mse, update: 600 },
  msPerUpdate: 10 + seed,
  memory: { peakBytes: 2e6, kernels: 100 },
  ablation: ablation ? Array.from({ length: 20 }, (_, i) => ({ iterations: i + 1, mse: mse * (1 + Math.abs(i + 1 - 10)) })) : [],
  threads: 1,
  seconds: 1,
});

describe('energy --protocol report', () => {
  it('averages seeds per method in the table', () => {
    const rows = protocolTable([result('gd-10', 0, 1e-3, true), result('gd-10', 1, 3e-3, true), result('dcem', 0, 5e-4, true)]);
    expect(rows.map((r) => [r.method, r.seeds, r.train_mse, r.ms_per_update])).toEqual([
      ['gd-10', 2, 2e-3, 10.5],
      ['dcem', 1, 5e-4, 10],
    ]);
    expect(rows[0]!['MSE@10']).toBe('2.0e-3');
  });

  it('draws both PNGs, and no ablation figure when no result has one', () => {
    const both = protocolPlots([result('dcem', 0, 1e-3, true)], 'dcem');
    expect(both.curves.length).toBeGreaterThan(1000);
    expect(both.ablation!.length).toBeGreaterThan(1000);
    expect(protocolPlots([result('dcem', 0, 1e-3, false)], 'dcem').ablation).toBeNull();
  });

  it('parses the flags with defaults per protocol and names bad values', () => {
    expect(protocolOptionsFrom({ protocol: 'novas' })).toMatchObject({ methods: ['novas', 'dcem', 'gd-10'], seeds: 1, runDir: 'runs/energy-novas' });
    expect(() => protocolOptionsFrom({ protocol: 'dcem', 'max-minutes': '0' })).toThrow(/--max-minutes: expected a positive number/);
    expect(() => protocolOptionsFrom({ protocol: 'dcem', only: 'dcem,cem' })).toThrow(/--only: unknown method "cem"/);
  });
});
