import { Type } from '@sinclair/typebox';
import {
  Campaign,
  CampaignId,
  CampaignListQuery,
  CampaignPage,
  CampaignReport,
  CampaignRun,
  CampaignRunId,
  CampaignRunList,
  CampaignSettings,
  CreateCampaignBody,
  UpdateCampaignBody,
  UpdateCampaignSettingsBody,
} from '@memberloop/shared';
import { OFFICE_ROLES, requireStaff, staffContext } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/idempotency';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { CampaignsService } from './campaigns.service';

const CampaignParams = Type.Object({ campaignId: CampaignId }, { additionalProperties: false });
const RunParams = Type.Object({ campaignId: CampaignId, runId: CampaignRunId }, { additionalProperties: false });
const idempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: 'repeat the request with the same key to get the first answer instead of a second campaign' })),
});

export const campaignsRoutes: RoutesPlugin<{ campaigns: CampaignsService }> = async (app, { services, checks }) => {
  const { campaigns } = services;
  const office = requireStaff(checks, OFFICE_ROLES);
  const tags = ['campaigns'];

  app.get(
    '/campaigns/settings',
    { onRequest: office, schema: { tags, summary: 'Brand-wide campaign guards (frequency cap)', security: bearerAuth, response: { 200: CampaignSettings, ...errorResponses } } },
    async (request) => campaigns.getSettings(staffContext(request)),
  );

  app.put(
    '/campaigns/settings',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Set the frequency cap',
        description: 'At most frequencyCapCount marketing deliveries per member in any frequencyCapDays days, across campaigns.',
        security: bearerAuth,
        body: UpdateCampaignSettingsBody,
        response: { 200: CampaignSettings, ...errorResponses },
      },
    },
    async (request) => campaigns.putSettings(staffContext(request), request.body),
  );

  app.post(
    '/campaigns',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Create a campaign (as a draft)',
        description:
          'one_off: optional sendAt (none = when activated); scheduled: a 5-field cron in the brand time zone; triggered: a trigger. Audience: segmentId (none = every active member), or the trigger\'s members filtered by the segment. Variants with weights; holdoutPercent held out as control. Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        body: CreateCampaignBody,
        response: { 201: Campaign, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await campaigns.create(staffContext(request), request.body, idempotencyKeyOf(request))),
  );

  app.get(
    '/campaigns',
    { onRequest: office, schema: { tags, summary: 'Campaigns of the brand, newest first', security: bearerAuth, querystring: CampaignListQuery, response: { 200: CampaignPage, ...errorResponses } } },
    async (request) => campaigns.list(staffContext(request), request.query),
  );

  app.get(
    '/campaigns/:campaignId',
    { onRequest: office, schema: { tags, summary: 'A campaign', security: bearerAuth, params: CampaignParams, response: { 200: Campaign, ...errorResponses } } },
    async (request) => campaigns.get(staffContext(request), request.params.campaignId),
  );

  app.put(
    '/campaigns/:campaignId',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Replace the definition of a draft or paused campaign',
        security: bearerAuth,
        params: CampaignParams,
        body: UpdateCampaignBody,
        response: { 200: Campaign, ...errorResponses },
      },
    },
    async (request) => campaigns.update(staffContext(request), request.params.campaignId, request.body),
  );

  const transitions = [
    ['activate', 'Activate a draft or paused campaign (an immediate one-off starts deciding at once)', campaigns.activate],
    ['pause', 'Pause an active campaign (its run stops after the batch in progress)', campaigns.pause],
    ['end', 'End a campaign for good (runs in progress are cancelled)', campaigns.end],
  ] as const;
  for (const [action, summary, handler] of transitions) {
    app.post(
      `/campaigns/:campaignId/${action}`,
      { onRequest: office, schema: { tags, summary, security: bearerAuth, params: CampaignParams, response: { 200: Campaign, ...errorResponses } } },
      async (request) => handler(staffContext(request), request.params.campaignId),
    );
  }

  app.get(
    '/campaigns/:campaignId/runs',
    {
      onRequest: office,
      schema: { tags, summary: 'Runs of a campaign with their progress and delivery counts, newest first', security: bearerAuth, params: CampaignParams, response: { 200: CampaignRunList, ...errorResponses } },
    },
    async (request) => campaigns.runs(staffContext(request), request.params.campaignId),
  );

  app.get(
    '/campaigns/:campaignId/runs/:runId',
    { onRequest: office, schema: { tags, summary: 'One run of a campaign', security: bearerAuth, params: RunParams, response: { 200: CampaignRun, ...errorResponses } } },
    async (request) => campaigns.run(staffContext(request), request.params.campaignId, request.params.runId),
  );

  app.get(
    '/campaigns/:campaignId/report',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'A/B report: per variant and control, conversions, revenue, uplift with confidence interval and p-value, cost and ROI',
        security: bearerAuth,
        params: CampaignParams,
        response: { 200: CampaignReport, ...errorResponses },
      },
    },
    async (request) => campaigns.report(staffContext(request), request.params.campaignId),
  );
};
