// `diffmpc optnet-sudoku [--full] [--epochs E] [--train N] [--test N] [--batch B] [--only optnet,fc,conv,fc-paper] [--out DIR]`:
// OptNet's 4×4 Sudoku (learned equality constraints through the QP layer) against an FC and a conv network.
import { registerCommand } from '../cli.ts';
import { parseOnly, sudokuMain } from '../optnet-sudoku.ts';

registerCommand({
  name: 'optnet-sudoku',
  summary: "OptNet's 4×4 Sudoku: learn a QP layer's A, b from (puzzle, solution) pairs vs FC and conv nets (JSON, table, PNG)",
  maxPositionals: 0,
  flags: [
    { name: 'full', type: 'boolean', description: 'paper scale: 9000 train / 1000 test puzzles, batch 150, 20 epochs' },
    { name: 'epochs', type: 'int', description: 'training epochs per model', min: 1, max: 10_000, shownDefault: '10 (full: 20)' },
    { name: 'train', type: 'int', description: 'training puzzles', min: 1, max: 1_000_000, shownDefault: '1000 (full: 9000)' },
    { name: 'test', type: 'int', description: 'test puzzles', min: 1, max: 1_000_000, shownDefault: '200 (full: 1000)' },
    { name: 'batch', type: 'int', description: 'mini-batch size (one batched QP solve per step)', min: 1, max: 65_536, shownDefault: '25 (full: 150)' },
    { name: 'only', type: 'string', placeholder: 'LIST', description: "comma-separated models: optnet, fc, conv, fc-paper (the paper code's FC size)", shownDefault: 'optnet,fc,conv,fc-paper' },
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'output directory (config, epochs.jsonl, JSON table, PNG); a rerun resumes', default: 'runs/optnet-sudoku' },
  ],
  resolve: async ({ values }) => ({ only: parseOnly(values.only) }),
  run: ({ values }) => sudokuMain(values),
});
