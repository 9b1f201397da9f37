export { tiersRoutes } from './tiers.routes';
export { createTiersService, type TiersService } from './tiers.service';
