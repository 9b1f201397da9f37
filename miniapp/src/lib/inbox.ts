import type { ApiClient } from '../api';

export interface InboxMessage {
  id: string;
  title: string;
  body: string;
  sentAt: string;
  read: boolean;
}

/**
 * The member's in-app messages. The server has no inbox endpoint yet, so a member has no
 * messages to show: this checks the member (so a non-member is offered to join, and errors show
 * as errors) and answers an empty inbox. When the endpoint exists, only this function changes.
 */
export async function loadInbox(api: Pick<ApiClient, 'getMe'>): Promise<InboxMessage[]> {
  await api.getMe();
  return [];
}
