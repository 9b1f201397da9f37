export { eventsRoutes } from './events.routes';
export { createEventsService, type EventsService, type RecordEventInput } from './events.service';
