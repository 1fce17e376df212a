/**
 * Runs the tasks of one key one after another within this process (tasks of other keys are not
 * held up). Only an optimisation: one red packet's opens in one process do not race each other
 * for the same slot. Correctness across processes rests on the store's unique keys.
 */
export class KeyedLanes {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
