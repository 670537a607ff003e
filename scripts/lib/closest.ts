// "Did you mean …?" for mistyped flags and names, from the registries' closest match (src/tensor/registry.ts).
import { closestMatch } from '../../src/tensor/registry.ts';

export { editDistance, closestMatch as closest } from '../../src/tensor/registry.ts';

/** " Did you mean X?" or "" — to append to an "unknown …" message. */
export function didYouMean(name: string, known: readonly string[], format: (k: string) => string = (k) => k): string {
  const c = closestMatch(name, known);
  return c === undefined ? '' : ` Did you mean ${format(c)}?`;
}
