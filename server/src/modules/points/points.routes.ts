import type { RoutesPlugin } from '../../http/route-kit';
import type { PointsService } from './points.service';

export const pointsRoutes: RoutesPlugin<{ points: PointsService }> = async () => {};
