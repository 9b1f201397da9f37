export { analyticsRoutes } from './analytics.routes';
export { createAnalyticsService, type AnalyticsService } from './analytics.service';
export { analyticsJobs } from './analytics.jobs';
export type { ProgressCallback, ScoringProgress } from './scoring.service';
export { compileSegmentFilter, type CompiledSegment } from './segment-compiler';
