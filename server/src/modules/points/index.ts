export { pointsRoutes } from './points.routes';
export {
  createPointsService,
  DEFAULT_POINT_RULES,
  POINT_SOURCES,
  type AwardReferralInput,
  type ComputeOrderPointsInput,
  type EarnInput,
  type PointsActor,
  type PointsService,
  type RedeemInput,
  type RestoreRedemptionInput,
  type ReverseEarnInput,
} from './points.service';
export { pointsJobs } from './points.jobs';
