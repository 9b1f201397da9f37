export { tiersRoutes } from './tiers.routes';
export { createTiersService, type GrowthSource, type TiersService } from './tiers.service';
