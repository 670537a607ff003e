// episodeReturns(): one record per finished episode, sums per episode index (interleaved vector episodes),
// open episodes dropped at completion, errors passed through. Marble tests on virtual time.
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { episodeReturns } from '../../src/streams/episode-returns.ts';
import { tr } from './transitions.ts';

const scheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

describe('episodeReturns', () => {
  it('emits {episode, return, length} when an episode terminates or is truncated', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('a b c d e f |', {
        a: tr(0, 0, 1), b: tr(0, 1, 2), c: tr(0, 2, 3, 'term'),
        d: tr(1, 0, -1), e: tr(1, 1, -2, 'trunc'), f: tr(2, 0, 5),
      });
      expectObservable(src.pipe(episodeReturns())).toBe('- - x - y - |', {
        x: { episode: 0, env: 0, return: 6, length: 3, terminated: true },
        y: { episode: 1, env: 0, return: -3, length: 2, terminated: false },
      });
    });
  });

  it('keeps interleaved episodes of a vector rollout apart', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('a b c d |', { a: tr(0, 0, 1, '', 0), b: tr(1, 0, 10, '', 1), c: tr(1, 1, 10, 'trunc', 1), d: tr(0, 1, 1, 'term', 0) });
      expectObservable(src.pipe(episodeReturns())).toBe('- - x y |', {
        x: { episode: 1, env: 1, return: 20, length: 2, terminated: false },
        y: { episode: 0, env: 0, return: 2, length: 2, terminated: true },
      });
    });
  });

  it('passes errors through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a #', { a: tr(0, 0, 1) }).pipe(episodeReturns())).toBe('- #');
    });
  });
});
