// Config validation: file + flags merged, unknown keys and bad values rejected with the field path.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/train/config.ts';
import { controlSchema, dynamicsSchema } from '../../scripts/lib/schemas.ts';
import { controlPreset } from '../../scripts/lib/run-options.ts';

const write = (obj: unknown) => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-cfg-')), 'c.json');
  fs.writeFileSync(f, typeof obj === 'string' ? obj : JSON.stringify(obj));
  return f;
};

describe('resolveConfig', () => {
  it('merges defaults, the file and flags (flags win)', () => {
    const c = resolveConfig(controlSchema, { file: write({ horizon: 30, solver: 'novas' }), flags: { horizon: 12, samples: undefined } });
    expect(c.horizon).toBe(12);
    expect(c.solver).toBe('novas');
    expect(c.samples).toBe(500);
  });

  it('puts the planner preset of the named env and solver under the file and flags', () => {
    const preset = controlPreset(controlSchema.parse({}));
    const c = resolveConfig(controlSchema, { file: write({ env: 'CartPoleSwingUp-v0', samples: 64 }), flags: { solver: 'novas' }, preset });
    expect([c.horizon, c.samples, c.iterations, c.solverConfig]).toEqual([40, 64, 5, { kappa: 10 }]);
    // defaults env Pendulum-v1 and solver dcem select the pendulum DCEM preset
    const d = resolveConfig(controlSchema, { flags: { iterations: 2 }, preset });
    expect([d.horizon, d.samples, d.iterations, d.solverConfig]).toEqual([20, 500, 2, { elites: 50, temp: 2 }]);
    // no preset registered: the schema defaults
    const g = resolveConfig(controlSchema, { flags: { solver: 'gd' }, preset });
    expect([g.horizon, g.samples, g.iterations, g.solverConfig]).toEqual([20, 500, 5, {}]);
  });

  it('rejects unknown keys and bad values naming the field', () => {
    expect(() => resolveConfig(controlSchema, { file: write({ horizn: 3 }) })).toThrow(/\(top level\): Unrecognized key/);
    expect(() => resolveConfig(controlSchema, { flags: { horizon: -1 } })).toThrow(/horizon: /);
    expect(() => resolveConfig(controlSchema, { flags: { physics: 'bullet' } })).toThrow(/physics: /);
    expect(() => resolveConfig(dynamicsSchema, { flags: { hidden: [64, 0] } })).toThrow(/hidden\.1: /);
    expect(() => resolveConfig(dynamicsSchema, { flags: { episodes: 2, randomEpisodes: 2 } })).toThrow(/randomEpisodes: randomEpisodes must be smaller/);
  });

  it('reports a missing file and invalid JSON with the path', () => {
    expect(() => resolveConfig(controlSchema, { file: '/nonexistent/x.json' })).toThrow(/--config: file \/nonexistent\/x.json does not exist/);
    expect(() => resolveConfig(controlSchema, { file: write('{ not json') })).toThrow(/is not valid JSON/);
    expect(() => resolveConfig(controlSchema, { file: write([1, 2]) })).toThrow(/must hold a JSON object/);
  });
});
