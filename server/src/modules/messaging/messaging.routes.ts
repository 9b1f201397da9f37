import { Type } from '@sinclair/typebox';
import {
  IdOf,
  InboxMessage,
  InboxPage,
  InboxQuery,
  InboxReadAllResult,
  MessageSubscriptionList,
  MessagingSettings,
  OutboxPage,
  OutboxQuery,
  ReportSubscriptionsBody,
  UpdateMessagingSettingsBody,
} from '@memberloop/shared';
import { OFFICE_ROLES, memberContext, requireMember, requireStaff, staffContext } from '../../http/auth';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { MessagingService } from './messaging.service';

const MessageParams = Type.Object({ messageId: IdOf('inboxMessage') }, { additionalProperties: false });

export const messagingRoutes: RoutesPlugin<{ messaging: MessagingService }> = async (app, { services, checks }) => {
  const { messaging } = services;
  const member = requireMember(checks);
  const office = requireStaff(checks, OFFICE_ROLES);

  // ---- members: subscribe-message acceptances ----

  app.post(
    '/members/me/subscriptions',
    {
      onRequest: member,
      schema: {
        tags: ['messaging'],
        summary: 'Report what wx.requestSubscribeMessage answered',
        description:
          'One report per prompt: { results: { templateId: accept | reject | ban | filter } }. Each accept allows the brand one more subscribe message of that template; the other answers change nothing. Answers what remains per template.',
        security: bearerAuth,
        body: ReportSubscriptionsBody,
        response: { 200: MessageSubscriptionList, ...errorResponses },
      },
    },
    async (request) => messaging.reportSubscriptions(memberContext(request), request.body),
  );

  app.get(
    '/members/me/subscriptions',
    {
      onRequest: member,
      schema: { tags: ['messaging'], summary: 'Subscribe-message acceptances I have left, per template', security: bearerAuth, response: { 200: MessageSubscriptionList, ...errorResponses } },
    },
    async (request) => messaging.subscriptions(memberContext(request)),
  );

  // ---- members: the inbox ----

  app.get(
    '/members/me/inbox',
    {
      onRequest: member,
      schema: { tags: ['messaging'], summary: 'My in-app messages, newest first, with the unread count', security: bearerAuth, querystring: InboxQuery, response: { 200: InboxPage, ...errorResponses } },
    },
    async (request) => messaging.inbox(memberContext(request), request.query),
  );

  app.post(
    '/members/me/inbox/read-all',
    {
      onRequest: member,
      schema: { tags: ['messaging'], summary: 'Mark all my messages read', security: bearerAuth, response: { 200: InboxReadAllResult, ...errorResponses } },
    },
    async (request) => messaging.markAllRead(memberContext(request)),
  );

  app.post(
    '/members/me/inbox/:messageId/read',
    {
      onRequest: member,
      schema: {
        tags: ['messaging'],
        summary: 'Mark one of my messages read',
        description: 'Reading twice keeps the first read time. INBOX_MESSAGE_NOT_FOUND for a message that is not mine.',
        security: bearerAuth,
        params: MessageParams,
        response: { 200: InboxMessage, ...errorResponses },
      },
    },
    async (request) => messaging.markRead(memberContext(request), request.params.messageId),
  );

  // ---- operators ----

  app.get(
    '/messaging/settings',
    {
      onRequest: office,
      schema: { tags: ['messaging'], summary: 'Quiet hours, channel order and SMS provider of the brand', security: bearerAuth, response: { 200: MessagingSettings, ...errorResponses } },
    },
    async (request) => messaging.settings(staffContext(request)),
  );

  app.put(
    '/messaging/settings',
    {
      onRequest: office,
      schema: {
        tags: ['messaging'],
        summary: 'Change quiet hours, channel order or SMS provider',
        description:
          'Quiet hours are read in the brand time zone; a message due inside them waits until they end. Equal start and end = no quiet hours. The inbox is always tried last, also when channelOrder leaves it out. smsProvider must be one this server knows (see smsProviders).',
        security: bearerAuth,
        body: UpdateMessagingSettingsBody,
        response: { 200: MessagingSettings, ...errorResponses },
      },
    },
    async (request) => messaging.updateSettings(staffContext(request), request.body),
  );

  app.get(
    '/messaging/outbox',
    {
      onRequest: office,
      schema: {
        tags: ['messaging'],
        summary: 'Message deliveries with their receipts, newest first',
        description: 'status: pending (queued or waiting to retry), sent, suppressed (guards: consent, member disabled), dead (gave up after retries).',
        security: bearerAuth,
        querystring: OutboxQuery,
        response: { 200: OutboxPage, ...errorResponses },
      },
    },
    async (request) => messaging.outbox(staffContext(request), request.query),
  );
};
