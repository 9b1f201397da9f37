import {
  EVENT_CLOCK_SKEW_MS,
  EVENT_DATA_MAX_BYTES,
  EVENT_MAX_AGE_DAYS,
  EVENT_TYPES,
  newId,
  type EventType,
  type RecordEventsBody,
  type RecordEventsResponse,
} from '@memberloop/shared';
import type { Db } from '../../db/client';
import type { ServiceDeps } from '../../deps';
import type { MemberContext } from '../../http/auth';
import { AppError } from '../../http/errors';
import { runOnce, type IdempotencyKey } from '../../http/idempotency';
import * as repo from './events.repository';

const DAY_MS = 86_400_000;

export interface RecordEventInput {
  brandId: string;
  memberId: string;
  type: EventType;
  target?: string | null;
  occurredAt: Date;
  data?: Record<string, unknown> | null;
}

type Problem = { path: string; message: string };

/** When an event reported at `now` says it happened; a problem when it cannot be taken. */
function occurredAtOf(value: string | undefined, now: Date, path: string, problems: Problem[]): Date {
  if (value === undefined) return now;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    problems.push({ path, message: 'not a valid date-time' });
    return now;
  }
  if (at.getTime() > now.getTime() + EVENT_CLOCK_SKEW_MS) problems.push({ path, message: 'is in the future' });
  else if (at.getTime() < now.getTime() - EVENT_MAX_AGE_DAYS * DAY_MS) problems.push({ path, message: `is more than ${EVENT_MAX_AGE_DAYS} days ago` });
  // a device clock a little ahead: the event happened about now
  return at.getTime() > now.getTime() ? now : at;
}

export type EventsService = ReturnType<typeof createEventsService>;

export function createEventsService({ db, clock }: ServiceDeps) {
  const steps = {
    /** Records one behaviour event in the caller's transaction (check-ins, views the server itself sees …). */
    async record(tx: Db, input: RecordEventInput): Promise<{ eventId: string }> {
      if (!(EVENT_TYPES as readonly string[]).includes(input.type)) throw new AppError('VALIDATION_FAILED', `unknown event type ${input.type}`);
      const id = newId('event', input.occurredAt);
      await repo.insertEvents(tx, [{ id, brandId: input.brandId, memberId: input.memberId, type: input.type, target: input.target ?? null, occurredAt: input.occurredAt, data: input.data ?? null }]);
      return { eventId: id };
    },
  };

  return {
    steps,

    /**
     * A member's app reports a batch of events. The whole batch is taken or refused: every problem
     * comes back in `details` with the index of its event. A repeated Idempotency-Key records nothing twice.
     */
    async recordMine(context: MemberContext, body: RecordEventsBody, key: IdempotencyKey | null): Promise<RecordEventsResponse> {
      const now = clock.now();
      const problems: Problem[] = [];
      const rows: repo.EventRow[] = body.events.map((event, index) => {
        const path = `body/events/${index}`;
        const occurredAt = occurredAtOf(event.occurredAt, now, `${path}/occurredAt`, problems);
        if (event.data !== undefined && Buffer.byteLength(JSON.stringify(event.data), 'utf8') > EVENT_DATA_MAX_BYTES) {
          problems.push({ path: `${path}/data`, message: `is larger than ${EVENT_DATA_MAX_BYTES} bytes as JSON` });
        }
        return {
          id: newId('event', occurredAt),
          brandId: context.brandId,
          memberId: context.actor.memberId,
          type: event.type,
          target: event.target ?? null,
          occurredAt,
          data: event.data ?? null,
        };
      });
      if (problems.length) throw new AppError('VALIDATION_FAILED', 'Some events cannot be recorded', problems.slice(0, 10));
      return runOnce(db, key, async (tx) => {
        await repo.insertEvents(tx, rows);
        return { recorded: rows.length };
      }, now);
    },
  };
}
