// The 4×4 Sudoku generator: every puzzle has exactly one solution (checked by the backtracking counter), that
// solution is the stored one and a valid grid, puzzles are minimal, the set is a function of the seed; the
// one-hot encoding satisfies the true constraint system (rank 40); the board error counts wrong boards.
import { describe, expect, it } from 'vitest';
import { equalityRank } from '../../../../src/solvers/qp/equality-consistency.ts';
import { countSolutions, oneHot, sudokuConstraints, sudokuSet, wrongBoards } from '../../../../scripts/lib/optnet/sudoku.ts';

const board = (a: Float32Array, k: number): Int8Array => {
  const b = new Int8Array(16);
  for (let i = 0; i < 16; i++) for (let v = 0; v < 4; v++) if (a[k * 64 + i * 4 + v] === 1) b[i] = v + 1;
  return b;
};

describe('sudoku generator', () => {
  const set = sudokuSet(40, 3);
  it('puzzles have one solution, the stored one, and are minimal', () => {
    for (let k = 0; k < set.n; k++) {
      const puz = set.boards.slice(k * 16, (k + 1) * 16);
      const sol = board(set.solutions, k);
      expect(countSolutions(Int8Array.from(puz), 3)).toBe(1);
      expect(countSolutions(Int8Array.from(sol), 3)).toBe(1); // a full valid grid
      for (let i = 0; i < 16; i++) if (puz[i]) expect(puz[i]).toBe(sol[i]);
      expect(Array.from(board(set.puzzles, k))).toEqual(Array.from(puz));
      for (let i = 0; i < 16; i++) {
        if (!puz[i]) continue;
        const fewer = Int8Array.from(puz);
        fewer[i] = 0;
        expect(countSolutions(fewer, 2)).toBe(2);
      }
    }
  });
  it('is a function of the seed', () => {
    expect(Array.from(sudokuSet(40, 3).boards)).toEqual(Array.from(set.boards));
    expect(Array.from(sudokuSet(40, 4).boards)).not.toEqual(Array.from(set.boards));
  });
  it('counts contradictions as unsolvable', () => {
    const b = new Int8Array(16);
    b[0] = 1;
    b[1] = 1;
    expect(countSolutions(b)).toBe(0);
  });
  it('solutions satisfy the true constraints, whose rank is 40', () => {
    const A = sudokuConstraints();
    expect(equalityRank(A, 0, 64, 64)).toBe(40);
    const z = set.solutions.subarray(0, 64);
    for (let r = 0; r < 64; r++) {
      let s = 0;
      for (let i = 0; i < 64; i++) s += A[r * 64 + i]! * z[i]!;
      expect(s).toBe(1);
    }
  });
  it('board error: any wrong cell makes the board wrong', () => {
    const t = oneHot(board(set.solutions, 0));
    const p = Float32Array.from(t);
    expect(wrongBoards(p, t, 1)).toBe(0);
    p[5 * 4 + 0] = p[5 * 4 + 1] = p[5 * 4 + 2] = p[5 * 4 + 3] = 0;
    p[5 * 4 + ((board(set.solutions, 0)[5]! % 4))] = 0.9; // another digit wins cell 5
    expect(wrongBoards(p, t, 1)).toBe(1);
  });
});
