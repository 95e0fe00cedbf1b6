import { describe, expect, it } from 'vitest';
import { textProgressBar, type TextProgressBarOptions } from './progress.js';

function setup(options: Partial<TextProgressBarOptions> = {}) {
  const out: string[] = [];
  const clock = { t: 1000 };
  const bar = textProgressBar({ write: (s) => void out.push(s), width: 8, now: () => clock.t, ...options });
  return { out, clock, bar };
}

describe('textProgressBar', () => {
  it('renders the bar, counts, rate and return', () => {
    const { out, bar } = setup();
    bar.start(50_000);
    bar.update({ step: 12_345, stepsPerSecond: 3210.4, recentReturn: 123.44 });
    expect(out).toEqual(['\r[#.......] 12,345/50,000 steps  3,210 steps/s  return 123.4']);
  });

  it('throttles redraws but always draws the total and the end', () => {
    const { out, clock, bar } = setup({ minIntervalMs: 100 });
    bar.start(1000);
    bar.update({ step: 100, stepsPerSecond: 10 }); // first draw
    clock.t += 50;
    bar.update({ step: 200, stepsPerSecond: 10 }); // too soon: remembered only
    clock.t += 50;
    bar.update({ step: 300, stepsPerSecond: 10 }); // 100 ms since the last draw
    clock.t += 10;
    bar.update({ step: 1000, stepsPerSecond: 10 }); // the total: drawn at once
    bar.end();
    expect(out).toEqual([
      '\r[........] 100/1,000 steps  10 steps/s',
      '\r[##......] 300/1,000 steps  10 steps/s',
      '\r[########] 1,000/1,000 steps  10 steps/s',
      '\n',
    ]);
  });

  it('end draws the last update when it was throttled away', () => {
    const { out, clock, bar } = setup();
    bar.start(100);
    bar.update({ step: 10, stepsPerSecond: 1 });
    clock.t += 1;
    bar.update({ step: 20, stepsPerSecond: 1, episodes: 3 });
    bar.end();
    bar.end(); // a second end does nothing
    expect(out).toEqual(['\r[........] 10/100 steps  1 steps/s', '\r[#.......] 20/100 steps  1 steps/s  3 episodes', '\n']);
  });

  it('estimates steps per second from the clock, counting from the start step', () => {
    const { out, clock, bar } = setup();
    bar.start(100_000, 40_000); // resumed run
    bar.end(); // nothing updated: draws the start state, rate unknown
    bar.start(100_000, 40_000);
    clock.t += 2000;
    bar.update({ step: 50_000, recentReturn: -0.04 });
    expect(out).toEqual([
      '\r[###.....] 40,000/100,000 steps',
      '\n',
      '\r[####....] 50,000/100,000 steps  5,000 steps/s  return -0.0',
    ]);
  });

  it('pads a shorter line to cover the previous one', () => {
    const { out, clock, bar } = setup({ minIntervalMs: 0 });
    bar.start(10);
    bar.update({ step: 1, stepsPerSecond: 1, recentReturn: 12345.6 });
    clock.t += 1;
    bar.update({ step: 2, stepsPerSecond: 1, recentReturn: Number.NaN });
    expect(out[1]).toBe(`\r[#.......] 2/10 steps  1 steps/s${' '.repeat('  return 12345.6'.length)}`);
  });

  it('writes one line per draw without overwrite', () => {
    const { out, clock, bar } = setup({ overwrite: false, minIntervalMs: 0 });
    bar.start(4);
    bar.update({ step: 2, stepsPerSecond: 1_234_567 });
    clock.t += 1;
    bar.update({ step: 4, stepsPerSecond: 1 });
    bar.end();
    expect(out).toEqual(['[####....] 2/4 steps  1,234,567 steps/s\n', '[########] 4/4 steps  1 steps/s\n']);
  });

  it('clamps the bar and formats negative counts', () => {
    const { out, bar } = setup();
    bar.start(10);
    bar.update({ step: 25, stepsPerSecond: -1500 });
    expect(out).toEqual(['\r[########] 25/10 steps  -1,500 steps/s']);
  });

  it('uses performance.now by default and validates its options', () => {
    const out: string[] = [];
    const bar = textProgressBar({ write: (s) => void out.push(s) });
    bar.start(10);
    bar.update({ step: 10, stepsPerSecond: 1 });
    expect(out[0]).toBe(`\r[${'#'.repeat(30)}] 10/10 steps  1 steps/s`);
    expect(() => bar.start(0)).toThrow('total must be a finite number > 0, got 0');
    expect(() => bar.start(Infinity)).toThrow(RangeError);
    expect(() => textProgressBar({ write: () => undefined, width: 0 })).toThrow('width must be an integer >= 1');
    expect(() => textProgressBar({ write: () => undefined, minIntervalMs: -1 })).toThrow('minIntervalMs must be >= 0');
    const idle = textProgressBar({ write: () => undefined });
    expect(() => idle.update({ step: 1 })).toThrow('update before start');
    idle.end(); // ending a bar that never started is harmless
  });
});
