// 4×4 Sudoku for the OptNet experiment (Amos & Kolter 2017, §5.2): a seeded generator of puzzles with a
// unique solution, the one-hot encoding and the board error.
//   board     16 cells, row-major, values 1..4 (0 = empty); 2×2 boxes
//   solution  a random valid grid (randomized backtracking on a seeded Rng)
//   puzzle    cells of the solution removed in a random order while the puzzle keeps exactly one
//             solution (counted by backtracking, stopping at 2), down to a minimal puzzle
//   one-hot   `[4, 4, 4]` = 64 entries: x[(r·4 + c)·4 + (v − 1)] = 1; an empty cell is all zero
//   error     a board is wrong if any cell's argmax over the 4 digits differs from the solution
// `sudokuConstraints` is the true equality system (one digit per cell, each digit once per row, column and
// box: 64 equations); its rows are dependent (rank 40), so the learned A has that many rows.
import { Rng } from '../../../src/tensor/rng.ts';

export const SUDOKU_N = 4;
/** One-hot size: 4 rows × 4 columns × 4 digits. */
export const SUDOKU_DIM = 64;

const box = (r: number, c: number): number => Math.floor(r / 2) * 2 + Math.floor(c / 2);

/** Whether value v (1..4) can go at cell i of `board` without repeating in its row, column or box. */
function allowed(board: Int8Array, i: number, v: number): boolean {
  const r = Math.floor(i / 4), c = i % 4, b = box(r, c);
  for (let j = 0; j < 16; j++) {
    if (j === i || board[j] !== v) continue;
    const rj = Math.floor(j / 4), cj = j % 4;
    if (rj === r || cj === c || box(rj, cj) === b) return false;
  }
  return true;
}

/** Number of solutions of `board` (0 = empty cell), counted up to `limit` (min(count, limit)). The board is restored. */
export function countSolutions(board: Int8Array, limit = 2): number {
  if (board.length !== 16) throw new Error(`countSolutions: expected 16 cells, got ${board.length}`);
  for (let i = 0; i < 16; i++) if (board[i]! !== 0 && !allowed(board, i, board[i]!)) return 0;
  const go = (): number => {
    const i = board.indexOf(0);
    if (i < 0) return 1;
    let n = 0;
    for (let v = 1; v <= 4 && n < limit; v++) {
      if (!allowed(board, i, v)) continue;
      board[i] = v;
      n += go();
      board[i] = 0;
    }
    return Math.min(n, limit);
  };
  return go();
}

function shuffled(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** A uniformly shuffled valid 4×4 grid. */
export function randomSolution(rng: Rng): Int8Array {
  const board = new Int8Array(16);
  const fill = (i: number): boolean => {
    if (i === 16) return true;
    for (const k of shuffled(4, rng)) {
      if (!allowed(board, i, k + 1)) continue;
      board[i] = k + 1;
      if (fill(i + 1)) return true;
    }
    board[i] = 0;
    return false;
  };
  fill(0);
  return board;
}

/** A minimal puzzle of `solution`: cells removed in random order as long as the solution stays unique. */
export function makePuzzle(solution: Int8Array, rng: Rng): Int8Array {
  const puzzle = Int8Array.from(solution);
  for (const i of shuffled(16, rng)) {
    const v = puzzle[i]!;
    puzzle[i] = 0;
    if (countSolutions(puzzle, 2) !== 1) puzzle[i] = v;
  }
  return puzzle;
}

/** `[16·4]` one-hot of a board (empty cells all zero). */
export function oneHot(board: Int8Array): Float32Array {
  const x = new Float32Array(SUDOKU_DIM);
  for (let i = 0; i < 16; i++) if (board[i]! > 0) x[i * 4 + board[i]! - 1] = 1;
  return x;
}

export interface SudokuSet {
  n: number;
  /** `[n, 64]` one-hot puzzles. */
  puzzles: Float32Array;
  /** `[n, 64]` one-hot solutions. */
  solutions: Float32Array;
  /** `[n, 16]` puzzle boards (0 = empty), for printing. */
  boards: Int8Array;
}

/** `n` puzzles with unique solutions from the seeded generator. */
export function sudokuSet(n: number, seed: number): SudokuSet {
  if (!Number.isInteger(n) || n < 1) throw new Error(`sudokuSet: n must be a positive integer (got ${n})`);
  const rng = new Rng(seed);
  const puzzles = new Float32Array(n * SUDOKU_DIM), solutions = new Float32Array(n * SUDOKU_DIM), boards = new Int8Array(n * 16);
  for (let k = 0; k < n; k++) {
    const sol = randomSolution(rng);
    const puz = makePuzzle(sol, rng);
    puzzles.set(oneHot(puz), k * SUDOKU_DIM);
    solutions.set(oneHot(sol), k * SUDOKU_DIM);
    boards.set(puz, k * 16);
  }
  return { n, puzzles, solutions, boards };
}

/** Number of boards (rows of `[B, 64]` predictions) with any cell whose argmax digit differs from the target's. */
export function wrongBoards(pred: ArrayLike<number>, target: ArrayLike<number>, B: number): number {
  let wrong = 0;
  for (let b = 0; b < B; b++) {
    for (let cell = 0; cell < 16; cell++) {
      const o = b * SUDOKU_DIM + cell * 4;
      let ip = 0, it = 0;
      for (let v = 1; v < 4; v++) {
        if (pred[o + v]! > pred[o + ip]!) ip = v;
        if (target[o + v]! > target[o + it]!) it = v;
      }
      if (ip !== it) {
        wrong++;
        break;
      }
    }
  }
  return wrong;
}

/** The 64 true constraint rows `[64, 64]` (cell, row, column, box; each sums to 1). */
export function sudokuConstraints(): Float64Array {
  const A = new Float64Array(64 * 64);
  let r = 0;
  const idx = (row: number, col: number, v: number) => (row * 4 + col) * 4 + v;
  for (let i = 0; i < 16; i++, r++) for (let v = 0; v < 4; v++) A[r * 64 + i * 4 + v] = 1;
  for (let row = 0; row < 4; row++) for (let v = 0; v < 4; v++, r++) for (let c = 0; c < 4; c++) A[r * 64 + idx(row, c, v)] = 1;
  for (let col = 0; col < 4; col++) for (let v = 0; v < 4; v++, r++) for (let rr = 0; rr < 4; rr++) A[r * 64 + idx(rr, col, v)] = 1;
  for (let bx = 0; bx < 4; bx++) {
    for (let v = 0; v < 4; v++, r++) {
      for (let k = 0; k < 4; k++) A[r * 64 + idx(Math.floor(bx / 2) * 2 + Math.floor(k / 2), (bx % 2) * 2 + (k % 2), v)] = 1;
    }
  }
  return A;
}
