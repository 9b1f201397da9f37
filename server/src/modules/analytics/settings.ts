/** A brand's scoring settings with defaults filled in, and the checks the JSON schema cannot express. Pure. */
import { DEFAULT_SEGMENT_RULES, type AnalyticsSettings, type SegmentRules, type UpdateAnalyticsSettingsBody } from '@memberloop/shared';

export const DEFAULT_ANALYTICS_SETTINGS = { rfmWindowDays: 365, clvHorizonDays: 365, discountRatePermille: 100 } as const;

/** The stored overrides over the defaults; unknown or non-numeric keys (from an older version) are ignored. */
export function effectiveRules(stored: Record<string, unknown> | null | undefined): SegmentRules {
  const rules: SegmentRules = { ...DEFAULT_SEGMENT_RULES };
  for (const key of Object.keys(DEFAULT_SEGMENT_RULES) as (keyof SegmentRules)[]) {
    const value = stored?.[key];
    if (typeof value === 'number' && Number.isFinite(value)) rules[key] = value;
  }
  return rules;
}

export function effectiveSettings(row: { rfmWindowDays: number; clvHorizonDays: number; discountRatePermille: number; segmentRules: Record<string, unknown> } | undefined): AnalyticsSettings {
  return {
    rfmWindowDays: row?.rfmWindowDays ?? DEFAULT_ANALYTICS_SETTINGS.rfmWindowDays,
    clvHorizonDays: row?.clvHorizonDays ?? DEFAULT_ANALYTICS_SETTINGS.clvHorizonDays,
    discountRatePermille: row?.discountRatePermille ?? DEFAULT_ANALYTICS_SETTINGS.discountRatePermille,
    segmentRules: effectiveRules(row?.segmentRules),
  };
}

/** Rules that contradict each other: the segments would come out empty or overlap in surprising ways. */
export function settingsProblems(body: UpdateAnalyticsSettingsBody): { path: string; message: string }[] {
  const rules = effectiveRules(body.segmentRules);
  const problems: { path: string; message: string }[] = [];
  if (rules.atRiskDays > rules.churnedDays) problems.push({ path: 'body/segmentRules/atRiskDays', message: 'must not be above churnedDays' });
  if (rules.churnedPAlive > rules.atRiskPAlive) problems.push({ path: 'body/segmentRules/churnedPAlive', message: 'must not be above atRiskPAlive' });
  if (rules.potentialRfmMin > rules.highValueRfmMin) problems.push({ path: 'body/segmentRules/potentialRfmMin', message: 'must not be above highValueRfmMin' });
  return problems;
}
