import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import { CsvLogger, JsonlLogger, MultiLogger, memorySink, type TextSink } from './metrics-logger.js';

/** A sink whose writes settle only when the test says so. */
function slowSink() {
  const written: string[] = [];
  const waiting: { text: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const sink: TextSink & { closed: boolean } = {
    closed: false,
    write(text) {
      return new Promise<void>((resolve, reject) => waiting.push({ text, resolve: () => (written.push(text), resolve()), reject }));
    },
    async close() {
      sink.closed = true;
    },
  };
  return { sink, written, waiting };
}

describe('JsonlLogger', () => {
  it('writes step first, then sorted keys, one object per line', async () => {
    const sink = memorySink();
    const logger = new JsonlLogger(sink);
    logger.log(100, { return: 12, loss: 0.25, '10': 1, '2': 2 });
    logger.log(200, {});
    await logger.close();
    expect(sink.text()).toBe('{"step":100,"10":1,"2":2,"loss":0.25,"return":12}\n{"step":200}\n');
    expect(sink.closed).toBe(true);
  });

  it('writes NaN and ±Infinity as null and escapes names', async () => {
    const sink = memorySink();
    const logger = new JsonlLogger(sink);
    logger.log(1, { a: Number.NaN, b: Infinity, c: -Infinity, 'd "quoted"\n': -0.5, e: 1e21 });
    await logger.flush();
    expect(sink.lines()).toEqual(['{"step":1,"a":null,"b":null,"c":null,"d \\"quoted\\"\\n":-0.5,"e":1e+21}']);
    expect(JSON.parse(sink.lines()[0]!)).toEqual({ step: 1, a: null, b: null, c: null, 'd "quoted"\n': -0.5, e: 1e21 });
  });

  it("refuses a metric named 'step' and logging after close", async () => {
    const logger = new JsonlLogger(memorySink());
    expect(() => logger.log(1, { step: 3 })).toThrow("'step' is reserved");
    await logger.close();
    await logger.close();
    expect(() => logger.log(2, {})).toThrow('JsonlLogger: log after close');
  });

  it('flush waits for async writes and reports a failed one', async () => {
    const { sink, written, waiting } = slowSink();
    const logger = new JsonlLogger(sink);
    logger.log(1, { x: 1 });
    logger.log(2, { x: 2 });
    let flushed = false;
    const flush = logger.flush().then(() => (flushed = true));
    await Promise.resolve();
    expect(flushed).toBe(false);
    waiting[0]!.resolve();
    waiting[1]!.resolve();
    await flush;
    expect(written).toEqual(['{"step":1,"x":1}\n', '{"step":2,"x":2}\n']);

    logger.log(3, { x: 3 });
    waiting[2]!.reject(new Error('disk full'));
    await expect(logger.flush()).rejects.toThrow('disk full');
    expect(() => logger.log(4, { x: 4 })).toThrow('disk full');
    await expect(logger.close()).rejects.toThrow('disk full');
    expect(sink.closed).toBe(true); // the sink is closed even so
  });
});

describe('CsvLogger', () => {
  it('holds rows back to learn the columns, then writes a sorted header', async () => {
    const sink = memorySink();
    const logger = new CsvLogger(sink);
    logger.log(1, { loss: 0.5 });
    logger.log(2, { return: 10, loss: 0.25 });
    logger.log(3, { 'eval,mean': Number.NaN, loss: Infinity, return: -Infinity });
    expect(sink.text()).toBe('');
    await logger.flush();
    expect(sink.text()).toBe(['step,"eval,mean",loss,return', '1,,0.5,', '2,,0.25,10', '3,NaN,Infinity,-Infinity', ''].join('\n'));
  });

  it('writes a new header line when a metric appears after the header', async () => {
    const sink = memorySink();
    const logger = new CsvLogger(sink, { bufferRows: 1 });
    logger.log(10, { loss: 1 });
    logger.log(20, { loss: 0.5 }); // second row: buffer exceeded, header fixed
    logger.log(30, { loss: 0.4 });
    logger.log(40, { 'eval/return': 200, loss: 0.3 });
    logger.log(50, { loss: 0.2 });
    logger.log(60, { 'eval/return': 210 });
    await logger.close();
    expect(sink.lines()).toEqual(['step,loss', '10,1', '20,0.5', '30,0.4', 'step,eval/return,loss', '40,200,0.3', '50,,0.2', '60,210,']);
    expect(sink.closed).toBe(true);
  });

  it('writes each row at once with bufferRows: 0', async () => {
    const sink = memorySink();
    const logger = new CsvLogger(sink, { bufferRows: 0 });
    logger.log(1, { b: 2, a: 1 });
    expect(sink.text()).toBe('step,a,b\n1,1,2\n');
    await logger.close();
  });

  it('close writes held-back rows; a logger that logged nothing writes nothing', async () => {
    const sink = memorySink();
    const logger = new CsvLogger(sink);
    logger.log(5, { x: 1 });
    await logger.close();
    expect(sink.text()).toBe('step,x\n5,1\n');
    const empty = memorySink();
    await new CsvLogger(empty).close();
    expect(empty.text()).toBe('');
    expect(empty.closed).toBe(true);
  });

  it('with declared columns: header at once, missing cells empty, unknown metrics rejected', async () => {
    const sink = memorySink();
    const logger = new CsvLogger(sink, { columns: ['return', 'loss', 'loss', 'say "hi"'] });
    logger.log(1, { loss: 2 });
    expect(sink.text()).toBe('step,loss,return,"say ""hi"""\n1,2,,\n');
    logger.log(2, { return: 3, 'say "hi"': 4 });
    expect(() => logger.log(3, { loss: 1, surprise: 1, other: 2 })).toThrow(
      'CsvLogger: metric "other", "surprise" is not among the declared columns',
    );
    await logger.close();
    expect(sink.lines()).toEqual(['step,loss,return,"say ""hi"""', '1,2,,', '2,,3,4']);
  });

  it('quotes names with line breaks or edge spaces', async () => {
    const sink = memorySink();
    const logger = new CsvLogger(sink, { bufferRows: 0 });
    logger.log(1, { ' padded': 1, 'two\nlines': 2, plain: 3 });
    expect(sink.text()).toBe('step," padded",plain,"two\nlines"\n1,1,3,2\n');
    await logger.close();
  });

  it('validates its options and metric names', () => {
    expect(() => new CsvLogger(memorySink(), { bufferRows: -1 })).toThrow('bufferRows must be an integer >= 0, got -1');
    expect(() => new CsvLogger(memorySink(), { columns: ['step'] })).toThrow("'step' is always the first column");
    expect(() => new CsvLogger(memorySink()).log(1, { step: 1 })).toThrow("'step' is reserved");
  });
});

describe('MultiLogger', () => {
  it('forwards log, flush and close to every logger', async () => {
    const a = memorySink();
    const b = memorySink();
    const plain: Logger & { seen: number[] } = { seen: [], log: (step) => void plain.seen.push(step) };
    const multi = new MultiLogger([new JsonlLogger(a), new CsvLogger(b), plain]);
    multi.log(1, { x: 1 });
    await multi.flush();
    expect(a.text()).toBe('{"step":1,"x":1}\n');
    expect(b.text()).toBe('step,x\n1,1\n');
    await multi.close();
    expect(a.closed && b.closed).toBe(true);
    expect(plain.seen).toEqual([1]);
  });

  it('still reaches the other loggers when one fails, then reports the first error', async () => {
    const sink = memorySink();
    const failing: Logger = {
      log() {
        throw new Error('log failed');
      },
      flush: () => Promise.reject(new Error('flush failed')),
      close: () => Promise.reject(new Error('close failed')),
    };
    const multi = new MultiLogger([failing, new JsonlLogger(sink)]);
    expect(() => multi.log(1, { x: 1 })).toThrow('log failed');
    await expect(multi.flush()).rejects.toThrow('flush failed');
    await expect(multi.close()).rejects.toThrow('close failed');
    expect(sink.text()).toBe('{"step":1,"x":1}\n');
    expect(sink.closed).toBe(true);
  });
});

describe('memorySink', () => {
  it('keeps chunks and splits lines', async () => {
    const sink = memorySink();
    expect(sink.lines()).toEqual([]);
    sink.write('a\nb');
    expect(sink.lines()).toEqual(['a', 'b']);
    sink.write('\n');
    expect(sink.chunks).toEqual(['a\nb', '\n']);
    expect(sink.lines()).toEqual(['a', 'b']);
    await sink.close();
    expect(() => sink.write('x')).toThrow('write after close');
  });
});
