/**
 * What the campaigns module needs of messaging: `steps.enqueue` puts messages in the outbox in the caller's
 * transaction and answers their outbox ids in order (a repeated (brand, source, sourceRef) answers the first
 * id); `validateContent` checks a message's content when a campaign is saved.
 */
import type { Db } from '../../db/client';
import type { MessagingService } from '../messaging';

export type CampaignMessage = Parameters<MessagingService['steps']['enqueue']>[1][number] & { source: 'campaign'; sourceRef: string };

export interface MessagingPort {
  enqueue(tx: Db, messages: CampaignMessage[]): Promise<string[]>;
  validateContent(content: unknown): { path: string; message: string }[];
}

export function messagingPort(messaging: MessagingService): MessagingPort {
  return {
    async enqueue(tx, messages) {
      if (messages.length === 0) return [];
      const ids = await messaging.steps.enqueue(tx, messages);
      if (ids.length !== messages.length) throw new Error('messaging.steps.enqueue answered no outbox id per message');
      return ids;
    },
    validateContent: (content) => messaging.validateContent(content),
  };
}
