/**
 * Checks of a campaign definition beyond its JSON schema, without I/O: what each kind needs, variant keys,
 * dates and budget. The service adds what needs the database (segment, coupon templates) and the message
 * content checks of the messaging module.
 */
import cron from 'node-cron';
import { DAILY_TRIGGERS, TRIGGERS_WITH_DAYS, type CreateCampaignBody } from '@memberloop/shared';
import { CONTROL } from './assignment';
import { parseCron } from './cron-match';

export interface Problem {
  path: string;
  message: string;
}

export function definitionProblems(body: CreateCampaignBody, now: Date): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path: `body/${path}`, message });

  if (body.kind === 'one_off') {
    if (body.cron) add('cron', 'only a scheduled campaign has a cron');
    if (body.trigger) add('trigger', 'only a triggered campaign has a trigger');
  }
  if (body.kind === 'scheduled') {
    if (!body.cron) add('cron', 'a scheduled campaign needs a cron expression');
    else if (!cron.validate(body.cron)) add('cron', 'not a valid cron expression');
    else {
      try {
        parseCron(body.cron);
      } catch (error) {
        add('cron', (error as Error).message);
      }
    }
    if (body.sendAt) add('sendAt', 'only a one-off campaign has a send time');
    if (body.trigger) add('trigger', 'only a triggered campaign has a trigger');
  }
  if (body.kind === 'triggered') {
    if (!body.trigger) add('trigger', 'a triggered campaign needs a trigger');
    if (body.sendAt) add('sendAt', 'only a one-off campaign has a send time');
    if (body.cron) add('cron', 'only a scheduled campaign has a cron');
    const trigger = body.trigger;
    if (trigger) {
      if (TRIGGERS_WITH_DAYS.includes(trigger.type) && trigger.days === undefined) add('trigger/days', `the ${trigger.type} trigger needs days`);
      if (trigger.type === 'inactive' && trigger.days !== undefined && trigger.days < 1) add('trigger/days', 'inactive needs at least 1 day');
      if (trigger.hours !== undefined && trigger.type !== 'cart_abandoned') add('trigger/hours', 'only cart_abandoned takes hours');
      if (trigger.hour !== undefined && !DAILY_TRIGGERS.includes(trigger.type)) add('trigger/hour', `${trigger.type} is scanned every minute, not at an hour`);
      if (trigger.days !== undefined && !TRIGGERS_WITH_DAYS.includes(trigger.type) && trigger.type !== 'repurchase_due') add('trigger/days', `${trigger.type} takes no days`);
    }
  }

  const keys = new Set<string>();
  body.variants.forEach((variant, i) => {
    if (variant.key === CONTROL) add(`variants/${i}/key`, "'control' is reserved for the holdout group");
    if (keys.has(variant.key)) add(`variants/${i}/key`, `duplicate variant key ${variant.key}`);
    keys.add(variant.key);
    if (!(variant.weight > 0)) add(`variants/${i}/weight`, 'must be above 0');
    const { couponTemplateId, points, message } = variant.actions;
    if (!couponTemplateId && !points && !message) add(`variants/${i}/actions`, 'give at least one action: a coupon, points or a message');
  });

  const startsAt = body.startsAt ? new Date(body.startsAt) : null;
  const endsAt = body.endsAt ? new Date(body.endsAt) : null;
  if (endsAt && endsAt.getTime() <= now.getTime()) add('endsAt', 'must be in the future');
  if (startsAt && endsAt && startsAt.getTime() >= endsAt.getTime()) add('endsAt', 'must be after startsAt');
  if (body.sendAt && endsAt && new Date(body.sendAt).getTime() >= endsAt.getTime()) add('sendAt', 'must be before endsAt');
  if (body.sendAt && startsAt && new Date(body.sendAt).getTime() < startsAt.getTime()) add('sendAt', 'must not be before startsAt');
  if (body.budgetFen !== undefined && body.budgetFen !== null && body.budgetFen === 0 && body.variants.some((v) => v.actions.couponTemplateId || v.actions.points)) {
    add('budgetFen', 'a budget of 0 leaves nothing to give; leave it out for no limit');
  }
  if ((body.holdoutPercent ?? 0) > 0 && body.variants.length === 0) add('holdoutPercent', 'a holdout needs at least one variant');
  return problems;
}
