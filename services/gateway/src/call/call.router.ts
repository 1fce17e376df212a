import type { ImMessage } from '@im/protocol';
import type { CallSender, CallService } from './call.service';
import type { MultiCallService } from './multi-call.service';

/** The call signals the chat controller hands over: 1:1 (42-45, 150-160) and multi-party (163-165). */
export interface CallSignals {
  handles(m: ImMessage): boolean;
  signal(sender: CallSender, m: ImMessage): Promise<void>;
}

export class CallRouter implements CallSignals {
  constructor(
    private readonly oneToOne: CallService,
    private readonly multi: MultiCallService,
  ) {}

  handles(m: ImMessage): boolean {
    return this.oneToOne.handles(m) || this.multi.handles(m);
  }

  signal(sender: CallSender, m: ImMessage): Promise<void> {
    return this.multi.handles(m) ? this.multi.signal(sender, m) : this.oneToOne.signal(sender, m);
  }
}
