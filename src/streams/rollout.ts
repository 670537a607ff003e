// The closed loop of one environment as a cold RxJS stream: for each episode k, s_0 = env.reset({seed: seed + k}),
// then a_t = π(s_t), (s_{t+1}, r_t, terminated, truncated) = env.step(a_t), emitted as one `Transition` per
// step until the episode ends (terminated, truncated, or cut by maxEpisodeSteps / the steps budget).
//
// Stepping is a time-sliced `while` loop (see ./loop.ts for why not `expand` or recursive feedback): constant
// stack over 10⁵+ steps with a synchronous controller, one promise hop per step with an async one. Each
// subscription runs its own loop from a fresh reset; unsubscribing stops stepping the env immediately (the
// loop polls `subscriber.closed` before every step). The env is not closed: the caller owns it.
import { Observable } from 'rxjs';
import type { Env } from './env.ts';
import { cooperativeLoop, type StepResult } from './loop.ts';
import { resolveRolloutOptions, sizeOf, toAction } from './options.ts';
import type { ActionLike, Controller, RolloutOptions, Transition } from './types.ts';

export function rollout(env: Env, controller: Controller, options: RolloutOptions = {}): Observable<Transition> {
  const o = resolveRolloutOptions('rollout', options, 1);
  if (!env || typeof env.reset !== 'function' || typeof env.step !== 'function') {
    throw new Error('rollout: env must implement reset() and step() (the Env interface of src/streams/env.ts)');
  }
  if (!controller || typeof controller.act !== 'function') {
    throw new Error('rollout: controller must have an act(obs) method returning the action (or a promise of it)');
  }
  const actDim = sizeOf(env.actionSpace.shape);
  const where = `rollout(${env.id}): controller.act(obs)`;

  return new Observable<Transition>((subscriber) => {
    let episode = 0;
    let stepsDone = 0;
    let t = 0;
    let obs: Float32Array | undefined; // undefined ⇒ the next step starts an episode

    const startEpisode = (): Float32Array => {
      const seed = o.seed === undefined ? undefined : o.seed + episode;
      const r = seed === undefined ? env.reset() : env.reset({ seed });
      controller.reset?.(seed === undefined ? { episode } : { episode, seed });
      t = 0;
      return Float32Array.from(r.obs);
    };

    const finish = (s: Float32Array, a: ActionLike): boolean => {
      const action = toAction(where, a, actDim);
      const r = env.step(action);
      stepsDone++;
      const cut = t + 1 >= o.maxEpisodeSteps || stepsDone >= o.steps;
      const tr: Transition = {
        obs: s,
        action,
        reward: r.reward,
        nextObs: Float32Array.from(r.obs),
        terminated: r.terminated,
        truncated: r.truncated || (!r.terminated && cut),
        info: r.info,
        episode,
        t,
        env: 0,
      };
      const done = tr.terminated || tr.truncated;
      obs = done ? undefined : tr.nextObs;
      t++;
      if (done) episode++;
      subscriber.next(tr);
      if (stepsDone >= o.steps || (done && episode >= o.episodes)) {
        subscriber.complete();
        return false;
      }
      return true;
    };

    const step = (): StepResult => {
      const s = obs ?? startEpisode();
      const a = controller.act(s);
      if (a && typeof (a as PromiseLike<ActionLike>).then === 'function') {
        return (a as PromiseLike<ActionLike>).then((act) => (subscriber.closed ? false : finish(s, act)));
      }
      return finish(s, a as ActionLike);
    };

    return cooperativeLoop(step, {
      sliceMs: o.sliceMs,
      isClosed: () => subscriber.closed,
      onError: (err) => subscriber.error(err),
    });
  });
}
