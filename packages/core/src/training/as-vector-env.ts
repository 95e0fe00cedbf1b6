import type { Env, Info, VectorEnv, VectorResetOptions, VectorResetResult, VectorStepResult } from '../env.js';
import type { Space } from '../spaces/space.js';

/** Any env an agent trains on: one env or a vector of them. */
export type AnyEnv<A = unknown> = Env<unknown, A> | VectorEnv<unknown, A>;

/** True for a {@link VectorEnv}. */
export function isVectorEnv<A>(env: AnyEnv<A>): env is VectorEnv<unknown, A> {
  return typeof (env as VectorEnv).numEnvs === 'number';
}

/** `env` itself when it is a vector env; otherwise a one-env vector with same-step autoreset. */
export function asVectorEnv<A>(env: AnyEnv<A>): VectorEnv<unknown, A> {
  return isVectorEnv(env) ? env : new SingleEnvVector(env);
}

/**
 * One env as a VectorEnv: observations flattened with the space's `flatten`; the step that ends
 * an episode resets at once (`same-step`), returning the episode's last observation in
 * `finalObservations` and its info as `infos[0].finalInfo`. Only the first reset is seeded.
 * Actions: a Discrete space gets `actions[0]`; any other space gets the row unflattened.
 */
class SingleEnvVector<A> implements VectorEnv<unknown, A> {
  readonly numEnvs = 1;
  readonly autoresetMode = 'same-step' as const;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<A>;
  readonly observationSize: number;
  private readonly scalarActions: boolean;

  constructor(private readonly env: Env<unknown, A>) {
    this.singleObservationSpace = env.observationSpace;
    this.singleActionSpace = env.actionSpace;
    this.observationSize = env.observationSpace.flatDim;
    this.scalarActions = env.actionSpace.toJSON().kind === 'discrete';
  }

  async reset(options: VectorResetOptions = {}): Promise<VectorResetResult> {
    const { observation, info } = this.env.reset(options.seed === undefined ? {} : { seed: options.seed });
    return { observations: this.singleObservationSpace.flatten(observation), infos: [info] };
  }

  async step(actions: Int32Array | Float32Array): Promise<VectorStepResult> {
    const action = (this.scalarActions ? actions[0]! : this.singleActionSpace.unflatten(actions)) as A;
    const result = this.env.step(action);
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
