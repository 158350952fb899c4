import { EventEmitter } from 'node:events';
import type { EventBus, SoukEvent, Topic } from './bus';

export class MemoryEventBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish<T extends Topic>(topic: T, event: SoukEvent<T>): Promise<void> {
    // Deliver on a later tick, as Redis would: a publisher never runs subscribers' code inline.
    const copy = structuredClone(event);
    setImmediate(() => this.emitter.emit(topic, copy));
  }

  async subscribe<T extends Topic>(topic: T, handler: (event: SoukEvent<T>) => void): Promise<() => Promise<void>> {
    this.emitter.on(topic, handler);
    return async () => {
      this.emitter.off(topic, handler);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
