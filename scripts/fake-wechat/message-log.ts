/** Subscribe messages the fake has accepted, in sending order. */
import type { SentMessage } from './types';

const FIRST_MSGID = 3_000_000_000_000_001;

export class MessageLog {
  private messages: SentMessage[] = [];
  private nextMsgid = FIRST_MSGID;

  append(message: Omit<SentMessage, 'msgid'>): SentMessage {
    const sent: SentMessage = { msgid: this.nextMsgid++, ...message };
    this.messages.push(sent);
    return sent;
  }

  list(): SentMessage[] {
    return this.messages.map((message) => ({ ...message, data: { ...message.data } }));
  }

  reset(): void {
    this.messages = [];
  }
}
