import type { RoutesPlugin } from '../../http/route-kit';
import type { MessagingService } from './messaging.service';

export const messagingRoutes: RoutesPlugin<{ messaging: MessagingService }> = async () => {};
