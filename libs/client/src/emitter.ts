/** A small typed event emitter (no Node `events`, so the browser build has no Node imports). */
export class TypedEmitter<Events extends { [K in keyof Events]: (...args: any[]) => void }> {
  private readonly handlers = new Map<keyof Events, Set<(...args: any[]) => void>>();

  /** Adds a handler; returns a function that removes it. */
  on<K extends keyof Events>(event: K, handler: Events[K]): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => this.off(event, handler);
  }

  once<K extends keyof Events>(event: K, handler: Events[K]): () => void {
    const off = this.on(event, ((...args: Parameters<Events[K]>) => {
      off();
      handler(...args);
    }) as Events[K]);
    return off;
  }

  off<K extends keyof Events>(event: K, handler: Events[K]): void {
    this.handlers.get(event)?.delete(handler);
  }

  /** Calls every handler; one that throws is reported to `error` handlers (or rethrown later) and does not stop the others. */
  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      try {
        handler(...args);
      } catch (e) {
        if (event !== 'error' && (this.handlers.get('error' as keyof Events)?.size ?? 0) > 0)
          this.emit('error' as keyof Events, ...([e] as unknown as Parameters<Events[keyof Events]>));
        else
          setTimeout(() => {
            throw e;
          }, 0);
      }
    }
  }

  protected listenerCount(event: keyof Events): number {
    return this.handlers.get(event)?.size ?? 0;
  }
}
