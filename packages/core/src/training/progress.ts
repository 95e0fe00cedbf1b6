import { checkIntegerAtLeast } from '../internal/validate.js';

/** What a training loop tells a progress display. */
export interface ProgressUpdate {
  /** Environment steps taken so far. */
  step: number;
  /** Throughput measured by the caller; a reporter may estimate it when omitted. */
  stepsPerSecond?: number;
  /** Mean return of the recent episodes (NaN or omitted before the first). */
  recentReturn?: number;
  /** Episodes finished so far. */
  episodes?: number;
}

/** A progress display: a terminal bar, a browser element, a test recorder … */
export interface ProgressReporter {
  /** A run of `total` steps begins (at `initialStep` when resuming). */
  start(total: number, initialStep?: number): void;
  update(progress: ProgressUpdate): void;
  /** The run ended (finished or stopped early). */
  end(): void;
}

/** Options of {@link textProgressBar}. */
export interface TextProgressBarOptions {
  /** Receives the text, e.g. `(s) => process.stdout.write(s)`. */
  write(text: string): void;
  /** Characters between the brackets. Default 30. */
  width?: number;
  /** Milliseconds clock. Default `performance.now()`. */
  now?: () => number;
  /** Least time between two redraws; updates in between are only remembered. Default 100 ms. */
  minIntervalMs?: number;
  /**
   * Redraw in place with a carriage return (a terminal). When false, each redraw is a new
   * line (CI logs, files). Default true.
   */
  overwrite?: boolean;
}

/** `12345` → `"12,345"`, independent of the locale. */
function groupThousands(value: number): string {
  const digits = String(Math.abs(Math.round(value)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 && grouped !== '0' ? `-${grouped}` : grouped;
}

/**
 * A one-line text progress bar:
 * `[#########.....................] 12,345/50,000 steps  3,210 steps/s  return 123.4`.
 * Redraws at most every `minIntervalMs` (and always at the total and at `end`). Steps per
 * second are estimated from the clock when the update does not carry them; the return
 * part is left out until it is a finite number.
 */
export function textProgressBar(options: TextProgressBarOptions): ProgressReporter {
  const width = options.width ?? 30;
  const minIntervalMs = options.minIntervalMs ?? 100;
  const now = options.now ?? (() => performance.now());
  const overwrite = options.overwrite ?? true;
  checkIntegerAtLeast('textProgressBar', 'width', width, 1);
  if (!(minIntervalMs >= 0)) throw new RangeError(`textProgressBar: minIntervalMs must be >= 0, got ${minIntervalMs}`);

  let total = 0;
  let initialStep = 0;
  let startTime = 0;
  let lastDraw = -Infinity;
  let lastLength = 0;
  let latest: ProgressUpdate | undefined;
  let drawn = true; // whether `latest` is on screen
  let running = false;

  const render = (progress: ProgressUpdate, time: number): string => {
    const fraction = Math.min(Math.max(progress.step / total, 0), 1);
    const filled = Math.floor(fraction * width);
    let line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${groupThousands(progress.step)}/${groupThousands(total)} steps`;
    const elapsed = (time - startTime) / 1000;
    const rate = progress.stepsPerSecond ?? (elapsed > 0 ? (progress.step - initialStep) / elapsed : Number.NaN);
    if (Number.isFinite(rate)) line += `  ${groupThousands(rate)} steps/s`;
    if (progress.episodes !== undefined) line += `  ${groupThousands(progress.episodes)} episodes`;
    if (progress.recentReturn !== undefined && Number.isFinite(progress.recentReturn)) {
      line += `  return ${progress.recentReturn.toFixed(1)}`;
    }
    return line;
  };

  const draw = (time: number): void => {
    const line = render(latest!, time);
    if (overwrite) {
      // Pad with spaces so a shorter line fully covers the previous one.
      options.write(`\r${line}${' '.repeat(Math.max(0, lastLength - line.length))}`);
    } else {
      options.write(`${line}\n`);
    }
    lastLength = line.length;
    lastDraw = time;
    drawn = true;
  };

  return {
    start(steps: number, fromStep = 0) {
      if (!(steps > 0) || !Number.isFinite(steps)) throw new RangeError(`textProgressBar.start: total must be a finite number > 0, got ${steps}`);
      total = steps;
      initialStep = fromStep;
      startTime = now();
      lastDraw = -Infinity;
      lastLength = 0;
      latest = { step: fromStep };
      drawn = false;
      running = true;
    },
    update(progress) {
      if (!running) throw new Error('textProgressBar: update before start (or after end)');
      latest = progress;
      drawn = false;
      const time = now();
      if (time - lastDraw >= minIntervalMs || progress.step >= total) draw(time);
    },
    end() {
      if (!running) return;
      running = false;
      if (!drawn) draw(now());
      if (overwrite) options.write('\n');
    },
  };
}
