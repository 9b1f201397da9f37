export { messagingRoutes } from './messaging.routes';
export { createMessagingService, type MessagingService } from './messaging.service';
export { messagingJobs } from './messaging.jobs';
