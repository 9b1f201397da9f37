import { Type } from '@sinclair/typebox';
import {
  AnalyticsSettings,
  Dashboard,
  DashboardQuery,
  IdOf,
  MemberScores,
  OkResponse,
  Page,
  PageQuery,
  RecomputeScoresResponse,
  ScoringStatus,
  Segment,
  SegmentBody,
  SegmentCount,
  SegmentPreview,
  SegmentPreviewBody,
  UpdateAnalyticsSettingsBody,
  segmentFilterProblems,
} from '@memberloop/shared';
import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { OFFICE_ROLES, ALL_STAFF_ROLES, requireStaff, staffContext } from '../../http/auth';
import { AppError } from '../../http/errors';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { AnalyticsService } from './analytics.service';

const MemberParams = Type.Object({ memberId: IdOf('member') }, { additionalProperties: false });
// any string: an id of the wrong shape is a segment that does not exist (404), like an unknown one
const SegmentParams = Type.Object({ segmentId: Type.String({ minLength: 1, maxLength: 64, description: 'segment id' }) }, { additionalProperties: false });

/** Deeper than this, a body is refused before the schema validator recurses through it. */
const BODY_DEPTH_MAX = 32;

function depthOver(value: unknown, limit: number, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= limit) return true;
  for (const child of Object.values(value as Record<string, unknown>)) if (depthOver(child, limit, depth + 1)) return true;
  return false;
}

const boundedDepth: preValidationAsyncHookHandler = async (request) => {
  if (depthOver(request.body, BODY_DEPTH_MAX)) throw new AppError('VALIDATION_FAILED', `The body is nested deeper than ${BODY_DEPTH_MAX} levels`, [{ path: 'body', message: 'nested too deep' }]);
};

/**
 * Routes with a segment filter validate with attachValidation: the JSON schema of the recursive
 * filter says only "matches none of the alternatives", so a bad filter is explained by
 * segmentFilterProblems (path and message per problem) instead.
 */
function rejectInvalid(request: FastifyRequest): void {
  const error = request.validationError as (Error & { validationContext?: string }) | undefined;
  if (!error) return;
  const body = request.body as { filter?: unknown } | null | undefined;
  if (error.validationContext === 'body' && body && typeof body === 'object' && 'filter' in body) {
    const problems = segmentFilterProblems(body.filter, 'body/filter');
    if (problems.length) throw new AppError('VALIDATION_FAILED', 'The segment filter is invalid', problems);
  }
  throw error;
}

export const analyticsRoutes: RoutesPlugin<{ analytics: AnalyticsService }> = async (app, { services, checks }) => {
  const { analytics } = services;
  const anyStaff = requireStaff(checks, ALL_STAFF_ROLES);
  const office = requireStaff(checks, OFFICE_ROLES);

  // a scoring started over HTTP finishes (or fails) before the database goes away
  app.addHook('onClose', async () => analytics.idle());

  app.get(
    '/members/:memberId/scores',
    {
      onRequest: anyStaff,
      schema: {
        tags: ['analytics'],
        summary: 'A member’s latest scores: RFM, value segment, loyalty, CLV, repurchase cycle, high-potential flags',
        description: 'computedAt is null until the member has been scored (nightly, or POST /analytics/scores/recompute).',
        security: bearerAuth,
        params: MemberParams,
        response: { 200: MemberScores, ...errorResponses },
      },
    },
    async (request) => analytics.memberScores(staffContext(request), request.params.memberId),
  );

  app.post(
    '/analytics/scores/recompute',
    {
      onRequest: office,
      schema: {
        tags: ['analytics'],
        summary: 'Recompute the scores of all members of the brand now, in the background',
        description: 'Answers at once (202); GET /analytics/scores/status follows the run. A second request while one runs answers already_running.',
        security: bearerAuth,
        response: { 202: RecomputeScoresResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return analytics.recompute(staffContext(request));
    },
  );

  app.get(
    '/analytics/scores/status',
    { onRequest: office, schema: { tags: ['analytics'], summary: 'The scoring running now, the last one, and the fitted CLV model', security: bearerAuth, response: { 200: ScoringStatus, ...errorResponses } } },
    async (request) => analytics.scoringStatus(staffContext(request)),
  );

  app.get(
    '/analytics/settings',
    { onRequest: office, schema: { tags: ['analytics'], summary: 'RFM window, CLV horizon and discount rate, and the segment rules in effect', security: bearerAuth, response: { 200: AnalyticsSettings, ...errorResponses } } },
    async (request) => analytics.settings(staffContext(request)),
  );

  app.put(
    '/analytics/settings',
    {
      onRequest: office,
      schema: {
        tags: ['analytics'],
        summary: 'Change the scoring settings',
        description: 'Segment rules left out keep their defaults (see the analytics README). Takes effect at the next scoring.',
        security: bearerAuth,
        body: UpdateAnalyticsSettingsBody,
        response: { 200: AnalyticsSettings, ...errorResponses },
      },
    },
    async (request) => analytics.updateSettings(staffContext(request), request.body),
  );

  app.get(
    '/analytics/dashboard',
    {
      onRequest: office,
      schema: {
        tags: ['analytics'],
        summary: 'Members, active rate, orders, repurchase rate, points, tier and value-segment distribution, RFM grid',
        description: 'Ranges are business days in the brand’s time zone, both ends included. Tiers are the effective levels now; segments and the RFM grid come from the latest scores.',
        security: bearerAuth,
        querystring: DashboardQuery,
        response: { 200: Dashboard, ...errorResponses },
      },
    },
    async (request) => analytics.dashboard(staffContext(request), request.query),
  );

  app.post(
    '/segments/preview',
    {
      onRequest: office,
      preValidation: boundedDepth,
      attachValidation: true,
      schema: {
        tags: ['segments'],
        summary: 'Count the members a filter selects now, with a sample',
        description: 'The sample is the first members by id (up to sampleSize, default 20), phones masked.',
        security: bearerAuth,
        body: SegmentPreviewBody,
        response: { 200: SegmentPreview, ...errorResponses },
      },
    },
    async (request) => {
      rejectInvalid(request);
      return analytics.previewSegment(staffContext(request), request.body);
    },
  );

  app.get(
    '/segments',
    { onRequest: office, schema: { tags: ['segments'], summary: 'Saved segments, by name', security: bearerAuth, querystring: PageQuery, response: { 200: Page(Segment), ...errorResponses } } },
    async (request) => analytics.listSegments(staffContext(request), request.query),
  );

  app.post(
    '/segments',
    {
      onRequest: office,
      preValidation: boundedDepth,
      attachValidation: true,
      schema: { tags: ['segments'], summary: 'Save a segment', security: bearerAuth, body: SegmentBody, response: { 200: Segment, ...errorResponses } },
    },
    async (request) => {
      rejectInvalid(request);
      return analytics.createSegment(staffContext(request), request.body);
    },
  );

  app.get(
    '/segments/:segmentId',
    { onRequest: office, schema: { tags: ['segments'], summary: 'A saved segment', security: bearerAuth, params: SegmentParams, response: { 200: Segment, ...errorResponses } } },
    async (request) => analytics.segment(staffContext(request), request.params.segmentId),
  );

  app.put(
    '/segments/:segmentId',
    {
      onRequest: office,
      preValidation: boundedDepth,
      attachValidation: true,
      schema: { tags: ['segments'], summary: 'Rename a segment or change its filter', security: bearerAuth, params: SegmentParams, body: SegmentBody, response: { 200: Segment, ...errorResponses } },
    },
    async (request) => {
      rejectInvalid(request);
      return analytics.updateSegment(staffContext(request), request.params.segmentId, request.body);
    },
  );

  app.delete(
    '/segments/:segmentId',
    { onRequest: office, schema: { tags: ['segments'], summary: 'Delete a saved segment', security: bearerAuth, params: SegmentParams, response: { 200: OkResponse, ...errorResponses } } },
    async (request) => analytics.deleteSegment(staffContext(request), request.params.segmentId),
  );

  app.get(
    '/segments/:segmentId/count',
    {
      onRequest: office,
      schema: { tags: ['segments'], summary: 'Count a saved segment’s members now (kept as lastCount)', security: bearerAuth, params: SegmentParams, response: { 200: SegmentCount, ...errorResponses } },
    },
    async (request) => analytics.countSavedSegment(staffContext(request), request.params.segmentId),
  );
};
