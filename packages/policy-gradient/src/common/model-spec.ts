import { CheckpointError, type JsonObject } from '@tfrl/core';
import { actionSpecFromJSON, actionSpecToJSON, sameActionSpec, type ActionSpec, type ActionSpecJSON } from './action-spec.js';

/** What an agent's networks are built for: taken from the env's spaces on the first `learn`. */
export interface ModelSpec<S extends ActionSpec = ActionSpec> {
  readonly observationSize: number;
  readonly action: S;
}

/** Throws a TypeError naming both when `env` is not what the agent was `built` for. */
export function assertSameModel(who: string, built: ModelSpec, env: ModelSpec): void {
  if (built.observationSize !== env.observationSize) {
    throw new TypeError(`${who}: the env has ${env.observationSize} observation values; the agent was built for ${built.observationSize}`);
  }
  if (!sameActionSpec(built.action, env.action)) {
    throw new TypeError(
      `${who}: the env's actions ${JSON.stringify(actionSpecToJSON(env.action))} are not the ones the agent was built for, ${JSON.stringify(actionSpecToJSON(built.action))}`,
    );
  }
}

/** The spec as checkpoint JSON (`extra.model`). */
export function modelSpecToJSON(spec: ModelSpec): JsonObject {
  return { observationSize: spec.observationSize, action: actionSpecToJSON(spec.action) as unknown as JsonObject };
}

/** Reads `extra.model` of a checkpoint; throws a {@link CheckpointError} under `context` naming what is wrong. */
export function readModelSpec(json: unknown, context: string): ModelSpec {
  const model = (json ?? undefined) as { observationSize?: unknown; action?: unknown } | undefined;
  const problems: string[] = [];
  const observationSize = model?.observationSize;
  if (!Number.isSafeInteger(observationSize) || (observationSize as number) < 1) {
    problems.push(`extra.model.observationSize must be an integer >= 1, got ${String(observationSize)}`);
  }
  const action = model?.action as ActionSpecJSON | undefined;
  const valid =
    (action?.kind === 'discrete' && Number.isSafeInteger(action.n) && action.n >= 1 && Number.isSafeInteger(action.start)) ||
    (action?.kind === 'box' &&
      Array.isArray(action.shape) &&
      Array.isArray(action.low) &&
      Array.isArray(action.high) &&
      action.low.length === action.shape.reduce((a, b) => a * b, 1) &&
      action.high.length === action.low.length);
  if (!valid) problems.push(`extra.model.action is not an action space: ${JSON.stringify(action ?? null)}`);
  if (problems.length > 0) throw new CheckpointError(context, problems);
  return { observationSize: observationSize as number, action: actionSpecFromJSON(action!) };
}
