// Input validation: ragged arrays, wrong shapes with symbolic dims, NaN.
import { describe, expect, it } from 'vitest';
import { checkShape, nestedShape, toF64 } from '../../src/tensor/check.ts';

describe('input checks', () => {
  it('infers the shape of nested arrays', () => {
    expect(nestedShape('x', [[1, 2, 3], [4, 5, 6]])).toEqual([2, 3]);
    expect(nestedShape('x', [Float64Array.of(1, 2), Float64Array.of(3, 4)])).toEqual([2, 2]);
  });

  it('rejects ragged arrays naming the argument and the offending row', () => {
    expect(() => nestedShape('Q', [[1, 2], [3]])).toThrow(/Q\[1\]: ragged array, length 1 but expected 2/);
    expect(() => nestedShape('G', [[[1], [2]], [3, 4]])).toThrow(/G\[1\]\[0\]: expected an array/);
  });

  it('binds symbolic dims across arguments', () => {
    const b = checkShape('Q', [4, 3, 3], ['B', 'n', 'n']);
    expect(b).toEqual({ B: 4, n: 3 });
    expect(() => checkShape('p', [4, 2], ['B', 'n'], b)).toThrow(/p: expected shape \[B, n\] but got \[4, 2\] \(dimension 1 \("n"\) is 2 but n = 3 elsewhere\)/);
    expect(() => checkShape('Q', [3, 2], ['n', 'n'])).toThrow(/Q: expected shape \[n, n\]/);
    expect(() => checkShape('x', [3], ['B', 'n'])).toThrow(/rank 1, expected rank 2/);
  });

  it('rejects NaN and Infinity with the flat index', () => {
    expect(() => toF64('h', [1, Number.NaN, 3])).toThrow(/h: contains NaN at flat index 1/);
    expect(() => toF64('h', [[1, 2], [Infinity, 3]])).toThrow(/h: contains Infinity at flat index 2/);
  });

  it('converts nested arrays to row-major Float64', () => {
    const r = toF64('A', [[1, 2], [3, 4]], ['n', 'n']);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
    expect(r.shape).toEqual([2, 2]);
    expect(() => toF64('A', { data: new Float64Array(3), shape: [2, 2] })).toThrow(/A: data has 3 entries but shape \[2, 2\] needs 4/);
  });
});
