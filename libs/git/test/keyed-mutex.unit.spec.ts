import { KeyedMutex } from '../src/keyed-mutex.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedMutex', () => {
  it('runs tasks with the same key one at a time, in call order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([mutex.run('repo', task('a', 20)), mutex.run('repo', task('b', 1)), mutex.run('repo', task('c', 5))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(mutex.isLocked('repo')).toBe(false);
  });

  it('runs tasks with different keys concurrently', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    await Promise.all(
      ['x', 'y'].map((key) =>
        mutex.run(key, async () => {
          log.push(`start ${key}`);
          await tick(10);
          log.push(`end ${key}`);
        }),
      ),
    );
    expect(log.slice(0, 2)).toEqual(['start x', 'start y']);
  });

  it('releases the key when a task throws', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('k', async () => 'after')).resolves.toBe('after');
    expect(mutex.isLocked('k')).toBe(false);
  });
});
