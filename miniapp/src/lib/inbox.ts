import type { InboxMessage as ServerInboxMessage } from '@memberloop/shared';
import type { ApiClient } from '../api';

export interface InboxMessage {
  id: string;
  title: string;
  body: string;
  /** a page of the app the message points to, if any */
  link: string | null;
  sentAt: string;
  read: boolean;
}

export interface Inbox {
  messages: InboxMessage[];
  /** all my messages, also those not loaded yet */
  total: number;
  unread: number;
}

export const INBOX_PAGE_SIZE = 20;

export function toInboxMessage(message: ServerInboxMessage): InboxMessage {
  return { id: message.id, title: message.title, body: message.body, link: message.link, sentAt: message.createdAt, read: message.readAt !== null };
}

/**
 * The member's in-app messages, newest first. A non-member gets MEMBER_NOT_FOUND from the sign-in
 * the API client does first, so the page offers to join.
 */
export async function loadInbox(api: Pick<ApiClient, 'getInbox'>, limit = INBOX_PAGE_SIZE): Promise<Inbox> {
  const page = await api.getInbox({ limit, offset: 0 });
  return { messages: page.items.map(toInboxMessage), total: page.total, unread: page.unread };
}

/** The next page after the messages already shown. */
export async function loadMore(api: Pick<ApiClient, 'getInbox'>, inbox: Inbox, limit = INBOX_PAGE_SIZE): Promise<Inbox> {
  const page = await api.getInbox({ limit, offset: inbox.messages.length });
  const known = new Set(inbox.messages.map((message) => message.id));
  const added = page.items.map(toInboxMessage).filter((message) => !known.has(message.id));
  return { messages: [...inbox.messages, ...added], total: page.total, unread: page.unread };
}

/** The inbox after one message was read. */
export function markedRead(inbox: Inbox, messageId: string): Inbox {
  const target = inbox.messages.find((message) => message.id === messageId);
  if (!target || target.read) return inbox;
  return {
    ...inbox,
    messages: inbox.messages.map((message) => (message.id === messageId ? { ...message, read: true } : message)),
    unread: Math.max(0, inbox.unread - 1),
  };
}

/** The inbox after everything was read. */
export function allRead(inbox: Inbox): Inbox {
  return { ...inbox, messages: inbox.messages.map((message) => (message.read ? message : { ...message, read: true })), unread: 0 };
}
