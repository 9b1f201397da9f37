export { tiersRoutes } from './tiers.routes';
export { createTiersService, DEFAULT_TIER_SETTINGS, type EvaluationSummary, type GrowthSource, type TiersService } from './tiers.service';
export { tiersJobs } from './tiers.jobs';
