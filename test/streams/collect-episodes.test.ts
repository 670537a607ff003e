// collectEpisodes(): whole episodes as states s_0..s_T, actions, rewards and return; interleaved episodes;
// open episodes dropped. collectTransitions(): the whole stream as one array.
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { collectEpisodes, collectTransitions } from '../../src/streams/collect-episodes.ts';
import { tr } from './transitions.ts';

const scheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

describe('collectEpisodes', () => {
  it('groups transitions into episodes with T + 1 states', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('a b c d |', { a: tr(0, 0, 1), b: tr(1, 0, 5, '', 1), c: tr(0, 1, 2, 'term'), d: tr(2, 0, 7) });
      expectObservable(src.pipe(collectEpisodes())).toBe('- - x - |', {
        x: {
          episode: 0,
          env: 0,
          states: [Float32Array.of(0), Float32Array.of(1), Float32Array.of(2)],
          actions: [Float32Array.of(1), Float32Array.of(2)],
          rewards: [1, 2],
          return: 3,
          terminated: true,
          truncated: false,
        },
      });
    });
  });

  it('collectTransitions gathers the whole stream', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const a = tr(0, 0, 1);
      const b = tr(0, 1, 2, 'trunc');
      expectObservable(cold('a b |', { a, b }).pipe(collectTransitions())).toBe('- - (x|)', { x: [a, b] });
    });
  });
});
