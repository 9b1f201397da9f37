import { RecordEventsBody, RecordEventsResponse } from '@memberloop/shared';
import { memberContext, requireMember } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/idempotency';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { EventsService } from './events.service';

export const eventsRoutes: RoutesPlugin<{ events: EventsService }> = async (app, { services, checks }) => {
  const { events } = services;
  const member = requireMember(checks);

  app.post(
    '/members/me/events',
    {
      onRequest: member,
      schema: {
        tags: ['events'],
        summary: 'Report what I did in the app (views, cart adds, shares, searches …)',
        description:
          'A batch of up to 50 events, taken whole or refused whole (VALIDATION_FAILED with the index of each bad event). occurredAt defaults to now, must not be in the future and at most 7 days ago. Send an Idempotency-Key to make retries safe.',
        security: bearerAuth,
        body: RecordEventsBody,
        response: { 200: RecordEventsResponse, ...errorResponses },
      },
    },
    async (request) => events.recordMine(memberContext(request), request.body, idempotencyKeyOf(request)),
  );
};
