export { mallRoutes } from './mall.routes';
export { createMallService, type MallService } from './mall.service';
