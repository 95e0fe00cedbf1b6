import { describe, expect, it } from 'vitest';
import * as browser from './browser.js';
import * as node from './index.js';

describe('@tfrl/core/node in a browser bundle', () => {
  it('exports every name of the Node entry', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  it('fails with a message that says what to use instead', async () => {
    expect(() => browser.directoryCheckpointStore('x')).toThrow(/needs Node\.js .* CheckpointStore/);
    await expect(browser.saveCheckpoint('x', {} as never)).rejects.toThrow(/saveCheckpoint needs Node\.js/);
    await expect(browser.loadCheckpoint('x')).rejects.toThrow(/loadCheckpoint needs Node\.js/);
    expect(() => browser.fileSink('x')).toThrow(/fileSink needs Node\.js/);
    expect(browser.registerFileSystem()).toBe(false);
    expect(browser.MANIFEST_FILE).toBe(node.MANIFEST_FILE);
  });
});
