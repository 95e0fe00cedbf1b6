import { checkFinite, checkUnitInterval } from '../internal/validate.js';

/**
 * A hyperparameter (learning rate, ε, clip range, …) as a function of training progress
 * p = step / totalSteps, which runs from 0 at the first step to 1 at the last.
 * Progress outside [0, 1] is clamped into it (a vectorised loop may overshoot totalSteps);
 * NaN throws. Note the direction: SB3 passes `progress_remaining` = 1 − p instead.
 */
export type Schedule = (progress: number) => number;

/** Options of {@link linearSchedule}. */
export interface LinearScheduleOptions {
  /** Value at progress 0. */
  readonly start: number;
  /** Value from progress `fraction` on. */
  readonly end: number;
  /** Share of training, in (0, 1], over which the value moves from start to end. Default 1. */
  readonly fraction?: number;
}

/** Options of {@link exponentialSchedule}. */
export interface ExponentialScheduleOptions {
  /** Value at progress 0. */
  readonly start: number;
  /** Asymptote the value decays towards. Default 0. */
  readonly end?: number;
  /** Share of the gap start − end left at progress 1, in (0, 1]. */
  readonly decay: number;
}

/** Options of {@link piecewiseSchedule}. */
export interface PiecewiseScheduleOptions {
  /** 'linear' interpolates between points; 'step' holds each point's value until the next. Default 'linear'. */
  readonly interpolation?: 'linear' | 'step';
}

/** v(p) = value. */
export function constantSchedule(value: number): Schedule {
  checkFinite('constantSchedule', 'value', value);
  return (progress) => {
    clampProgress(progress);
    return value;
  };
}

/** v(p) = start + (end − start)·min(p / fraction, 1)  (SB3's `get_linear_fn`, with p = 1 − progress_remaining). */
export function linearSchedule(options: LinearScheduleOptions): Schedule {
  const { start, end, fraction = 1 } = options;
  checkFinite('linearSchedule', 'start', start);
  checkFinite('linearSchedule', 'end', end);
  checkUnitInterval('linearSchedule', 'fraction', fraction, true);
  return (progress) => {
    const p = clampProgress(progress);
    return p >= fraction ? end : start + ((end - start) * p) / fraction;
  };
}

/** v(p) = end + (start − end)·decay^p: the gap to `end` shrinks geometrically to decay·(start − end) at p = 1. */
export function exponentialSchedule(options: ExponentialScheduleOptions): Schedule {
  const { start, end = 0, decay } = options;
  checkFinite('exponentialSchedule', 'start', start);
  checkFinite('exponentialSchedule', 'end', end);
  checkUnitInterval('exponentialSchedule', 'decay', decay, true);
  return (progress) => end + (start - end) * Math.pow(decay, clampProgress(progress));
}

/**
 * Through the points [progress, value] (progress strictly increasing within [0, 1]):
 * v(p) = value of the first point before it, of the last point after it, and between points
 * p_i ≤ p < p_{i+1}: v_i + (v_{i+1} − v_i)·(p − p_i)/(p_{i+1} − p_i) ('linear') or v_i ('step').
 */
export function piecewiseSchedule(
  points: readonly (readonly [progress: number, value: number])[],
  options: PiecewiseScheduleOptions = {},
): Schedule {
  const { interpolation = 'linear' } = options;
  if (interpolation !== 'linear' && interpolation !== 'step') {
    throw new RangeError(`piecewiseSchedule: interpolation must be 'linear' or 'step', got ${String(interpolation)}`);
  }
  if (points.length === 0) throw new RangeError('piecewiseSchedule: points must not be empty');
  // Copied, so that later edits of the caller's array cannot change the schedule.
  const ps = new Float64Array(points.length);
  const vs = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const [p, v] = points[i]!;
    checkUnitInterval('piecewiseSchedule', `points[${i}] progress`, p);
    if (i > 0 && !(p > ps[i - 1]!)) {
      throw new RangeError(
        `piecewiseSchedule: points must have strictly increasing progress, got ${ps[i - 1]} then ${p}`,
      );
    }
    checkFinite('piecewiseSchedule', `points[${i}] value`, v);
    ps[i] = p;
    vs[i] = v;
  }
  const last = points.length - 1;
  return (progress) => {
    const p = clampProgress(progress);
    if (p <= ps[0]!) return vs[0]!;
    if (p >= ps[last]!) return vs[last]!;
    let i = 0;
    while (p >= ps[i + 1]!) i++; // ps[i] <= p < ps[i + 1]; schedules have few points
    if (interpolation === 'step') return vs[i]!;
    return vs[i]! + ((vs[i + 1]! - vs[i]!) * (p - ps[i]!)) / (ps[i + 1]! - ps[i]!);
  };
}

/** A number as a constant schedule; a schedule as itself (for config fields typed `number | Schedule`). */
export function asSchedule(value: number | Schedule): Schedule {
  return typeof value === 'number' ? constantSchedule(value) : value;
}

function clampProgress(progress: number): number {
  if (Number.isNaN(progress)) throw new RangeError('Schedule: progress must be a number in [0, 1], got NaN');
  return progress < 0 ? 0 : progress > 1 ? 1 : progress;
}
