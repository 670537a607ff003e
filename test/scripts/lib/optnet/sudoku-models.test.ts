// The Sudoku contenders' networks: sized to OptNet's parameter count, one distribution over the digits per
// cell; the conv baseline's receptive field covers the board (one clue moves every cell's prediction after
// three 3×3 layers) and every weight gets a gradient.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/tensor/rng.ts';
import { ConvSudoku, FcSudoku, SUDOKU_NEQ, convChannelsFor, fcHiddenFor } from '../../../../scripts/lib/optnet/sudoku-models.ts';
import { sudokuSet } from '../../../../scripts/lib/optnet/sudoku.ts';
import { useTestBackend } from '../../../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

const OPTNET_PARAMS = SUDOKU_NEQ * 64 + 64;

describe('sudoku networks', () => {
  it('are sized to OptNet (within 10 %) and predict a distribution over the digits of each cell', () => {
    const set = sudokuSet(5, 1);
    const x = tf.tensor2d(set.puzzles, [5, 64]);
    for (const model of [new FcSudoku(new Rng(1), [fcHiddenFor(OPTNET_PARAMS), fcHiddenFor(OPTNET_PARAMS)]), new ConvSudoku(new Rng(1), convChannelsFor(OPTNET_PARAMS))]) {
      expect(Math.abs(model.paramCount() - OPTNET_PARAMS) / OPTNET_PARAMS, model.name).toBeLessThan(0.1);
      const p = model.predict(x).reshape([5, 16, 4]);
      const sums = tf.sum(p, -1).dataSync();
      sums.forEach((v) => expect(v).toBeCloseTo(1, 5));
      expect(tf.min(p).dataSync()[0]).toBeGreaterThanOrEqual(0);
      p.dispose();
      model.dispose();
    }
    x.dispose();
  });

  it("conv: its layers are tf.conv2d 'same' (the view form exists because wasm cannot train conv2d)", () => {
    const model = new ConvSudoku(new Rng(4), 5);
    const x = tf.tensor2d(sudokuSet(3, 2).puzzles, [3, 64]);
    const [w0, w1, w2, b0, b1, b2] = model.variables() as unknown as tf.Tensor4D[];
    const ref = tf.tidy(() => {
      let h: tf.Tensor4D = tf.reshape(x, [3, 4, 4, 4]);
      h = tf.relu(tf.add(tf.conv2d(h, w0!, 1, 'same'), b0!)) as tf.Tensor4D;
      h = tf.relu(tf.add(tf.conv2d(h, w1!, 1, 'same'), b1!)) as tf.Tensor4D;
      h = tf.add(tf.conv2d(h, w2!, 1, 'same'), b2!) as tf.Tensor4D;
      return tf.reshape(tf.softmax(tf.reshape(h, [3, 16, 4]), -1), [3, 64]);
    });
    const ours = model.predict(x);
    const a = ours.dataSync(), b = ref.dataSync();
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-5));
    tf.dispose([x, ref, ours]);
    model.dispose();
  });

  it('conv: 3 × 3 layers carry one clue to every cell, and every weight gets a gradient', () => {
    const model = new ConvSudoku(new Rng(2), 8);
    const empty = tf.zeros([1, 64]) as tf.Tensor2D;
    const clue = tf.tensor2d(Float32Array.from({ length: 64 }, (_, i) => (i === 0 ? 1 : 0)), [1, 64]);
    const d = tf.abs(tf.sub(model.predict(clue), model.predict(empty))).reshape([16, 4]).max(-1).dataSync();
    d.forEach((v, cell) => expect(v, `cell ${cell}`).toBeGreaterThan(0));
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.predict(clue))) as tf.Scalar, model.variables());
    for (const v of model.variables()) expect(tf.sum(tf.abs(grads[v.name]!)).dataSync()[0], v.name).toBeGreaterThan(0);
    tf.dispose([empty, clue, value, ...Object.values(grads)]);
    model.dispose();
  });
});
