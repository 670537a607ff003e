// Summaries of one value print no spread: std and the standard error are undefined for n = 1.
import { describe, expect, it } from 'vitest';
import { formatMeanStd, standardError } from '../../../scripts/lib/mean-format.ts';

describe('formatMeanStd', () => {
  it('prints ± only for n > 1', () => {
    expect(formatMeanStd({ mean: -150.04, std: 0 }, 1)).toBe('-150.0');
    expect(formatMeanStd({ mean: -150.04, std: 12.34 }, 3)).toBe('-150.0 ± 12.3');
    expect(standardError(0, 1)).toBeUndefined();
    expect(standardError(3, 9)).toBe(1);
  });
});
