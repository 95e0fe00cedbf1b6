import type { Env, Info, Space, VectorEnv, VectorResetOptions, VectorResetResult, VectorStepResult } from '@tfrl/core';

/** Any env DQN trains on: one env or a vector of them, with Discrete actions. */
export type DqnEnv = Env<unknown, number> | VectorEnv<unknown, number>;

/** True for a {@link VectorEnv}. */
export function isVectorEnv(env: DqnEnv): env is VectorEnv<unknown, number> {
  return typeof (env as VectorEnv).numEnvs === 'number';
}

/** n and start of a Discrete action space; throws for any other space. */
export function discreteActions(space: Space<unknown>, who: string): { n: number; start: number } {
  const json = space.toJSON();
  if (json.kind !== 'discrete') throw new TypeError(`${who}: DQN needs a Discrete action space, got ${json.kind}`);
  return { n: json.n, start: json.start };
}

/** `env` itself when it is a vector env; otherwise a one-env vector with same-step autoreset. */
export function asVectorEnv(env: DqnEnv): VectorEnv<unknown, number> {
  return isVectorEnv(env) ? env : new SingleEnvVector(env);
}

/**
 * One env as a VectorEnv: observations flattened with the space's `flatten`; the step that ends
 * an episode resets at once (`same-step`), returning the episode's last observation in
 * `finalObservations` and its info as `infos[0].finalInfo`. Only the first reset is seeded.
 */
class SingleEnvVector implements VectorEnv<unknown, number> {
  readonly numEnvs = 1;
  readonly autoresetMode = 'same-step' as const;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<number>;
  readonly observationSize: number;

  constructor(private readonly env: Env<unknown, number>) {
    this.singleObservationSpace = env.observationSpace;
    this.singleActionSpace = env.actionSpace;
    this.observationSize = env.observationSpace.flatDim;
  }

  async reset(options: VectorResetOptions = {}): Promise<VectorResetResult> {
    const { observation, info } = this.env.reset(options.seed === undefined ? {} : { seed: options.seed });
    return { observations: this.singleObservationSpace.flatten(observation), infos: [info] };
  }

  async step(actions: Int32Array | Float32Array): Promise<VectorStepResult> {
    const result = this.env.step(actions[0]!);
    const ended = result.terminated || result.truncated;
    let observations = this.singleObservationSpace.flatten(result.observation);
    let info: Info = result.info;
    const step: VectorStepResult = {
      observations,
      rewards: Float64Array.of(result.reward),
      terminated: Uint8Array.of(result.terminated ? 1 : 0),
      truncated: Uint8Array.of(result.truncated ? 1 : 0),
      infos: [info],
    };
    if (ended) {
      step.finalObservations = observations;
      const reset = this.env.reset();
      observations = this.singleObservationSpace.flatten(reset.observation);
      info = { ...reset.info, finalInfo: result.info };
      step.observations = observations;
      step.infos = [info];
    }
    return step;
  }

  async close(): Promise<void> {
    this.env.close?.();
  }
}
