// throttledProgress(ms, fn): reports on the first value, then at most once per window on virtual time, and
// once on completion; the values pass through untouched.
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { throttledProgress, type Progress } from '../../src/streams/throttled-progress.ts';

describe('throttledProgress', () => {
  it('calls fn at most once per window and once at the end', () => {
    const reports: Array<Omit<Progress<string>, 'perSecond'>> = [];
    const rates: number[] = [];
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ cold, expectObservable }) => {
      //           t=0 1 2 ... values at 0,1,2,3, then 12, 13, 25; complete at 30
      const src = cold('abcd 8ms efg 10ms h 4ms |');
      const out = src.pipe(
        throttledProgress<string>(10, (p) => {
          const { perSecond, ...rest } = p;
          reports.push(rest);
          rates.push(perSecond);
        }),
      );
      expectObservable(out).toBe('abcd 8ms efg 10ms h 4ms |');
    });
    expect(reports).toEqual([
      { count: 1, last: 'a', elapsedMs: 0, done: false },
      { count: 5, last: 'e', elapsedMs: 12, done: false },
      { count: 8, last: 'h', elapsedMs: 25, done: false },
      { count: 8, last: 'h', elapsedMs: 30, done: true },
    ]);
    expect(rates[3]).toBeCloseTo((8 / 30) * 1000, 6);
  });

  it('rejects a bad window', () => {
    expect(() => throttledProgress(-1, () => {})).toThrow(/ms must be a finite number/);
  });
});
