export { pointsRoutes } from './points.routes';
export { createPointsService, type PointsService } from './points.service';
