// Registry<T>: register / get / find / list, duplicate names refused, unknown names answered with the
// registered ones and the closest match (edit distance), and the empty-registry hint.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Registry, closestMatch, editDistance } from '../../src/tensor/registry.ts';

describe('Registry', () => {
  it('registers, lists sorted, finds and refuses duplicates unless replacing', () => {
    const r = new Registry<number>({ kind: 'solver' });
    r.register('novas', 1);
    r.register('dcem', 2);
    expect(r.list()).toEqual(['dcem', 'novas']);
    expect(r.items()).toEqual([['dcem', 2], ['novas', 1]]);
    expect(r.get('dcem')).toBe(2);
    expect(r.find('gd')).toBeUndefined();
    expect(r.has('novas')).toBe(true);
    expect(() => r.register('dcem', 3)).toThrow(/register solver: "dcem" is already registered; pick another name or pass \{ replace: true \}/);
    r.register('dcem', 3, { replace: true });
    expect(r.get('dcem')).toBe(3);
    expect(() => r.register('', 1)).toThrow(/name must be a non-empty string/);
  });

  it('answers an unknown name with the closest match and every registered name', () => {
    const r = new Registry<number>({ kind: 'env id', emptyHint: "import 'diffmpc'" });
    expect(() => r.get('Pendulum-v1')).toThrow(/unknown env id "Pendulum-v1"; none is registered \(import 'diffmpc'\)/);
    r.register('Pendulum-v1', 1);
    r.register('CartPole-v1', 2);
    expect(() => r.get('Pendlum-v1')).toThrow(/unknown env id "Pendlum-v1"; did you mean "Pendulum-v1"\? registered: CartPole-v1, Pendulum-v1/);
    expect(() => r.get('Quadrotor-v0')).toThrow(/unknown env id "Quadrotor-v0"; registered: CartPole-v1, Pendulum-v1$/);
  });

  it('edit distance is symmetric, zero on equal names and bounded by the lengths; a swap costs 1', () => {
    const name = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(editDistance(a, a)).toBe(0);
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { numRuns: 200 },
    );
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('dcem', 'dcme')).toBe(1);
    expect(closestMatch('dcme', ['dcem', 'novas', 'gd'])).toBe('dcem');
    expect(closestMatch('xyz', ['dcem', 'novas'])).toBeUndefined();
  });
});
