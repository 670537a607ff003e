// Progress: 100% is printed once (a command that reports the total twice must not print it twice), and
// every tenth percent is printed on a non-TTY stream.
import { describe, expect, it } from 'vitest';
import { Progress } from '../../../scripts/lib/progress.ts';

function sink() {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream };
}

describe('Progress', () => {
  it('prints 100% once', () => {
    const { lines, stream } = sink();
    const bar = new Progress('x', 4, stream);
    for (let i = 1; i <= 4; i++) bar.update(i);
    bar.update(4);
    bar.update(5);
    expect(lines.filter((l) => l.includes('100%'))).toHaveLength(1);
    expect(lines.map((l) => l.match(/(\d+)%/)![1])).toEqual(['25', '50', '75', '100']);
  });
});
