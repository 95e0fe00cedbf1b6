import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Every package README promises a runnable quickstart: run the first `ts` block of each.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const scratch = await mkdtemp(join(root, 'apps', 'demo', 'test', '.quickstart-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function quickstart(readme: string): Promise<string> {
  const text = await readFile(join(root, readme), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(text);
  if (!match) throw new Error(`${readme} has no ts code block`);
  return match[1]!;
}

describe('README quickstarts', () => {
  for (const readme of ['packages/core/README.md', 'packages/backend-node-gpu/README.md', 'packages/envs/README.md', 'packages/replay/README.md', 'packages/value-based/README.md', 'packages/policy-gradient/README.md']) {
    it(`${readme} runs and stays within ten lines`, async () => {
      const code = await quickstart(readme);
      expect(code.trim().split('\n').length).toBeLessThanOrEqual(10);
      const file = join(scratch, `${readme.replaceAll('/', '_')}.ts`);
      await writeFile(file, code);
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        await import(/* @vite-ignore */ file);
        expect(log).toHaveBeenCalled();
      } finally {
        log.mockRestore();
      }
    });
  }

  it('packages/testing/README.md is kept identical to apps/demo/test/testing-readme.test.ts, which runs it', async () => {
    const code = await quickstart('packages/testing/README.md');
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(10);
    expect(await readFile(join(root, 'apps', 'demo', 'test', 'testing-readme.test.ts'), 'utf8')).toBe(code);
  });
});
