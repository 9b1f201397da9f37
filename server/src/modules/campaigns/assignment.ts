/**
 * Stable assignment of a member to the holdout or a variant: a hash of (campaign id, member id) read as a
 * number in [0, 1). The same member always lands in the same arm of a campaign, whatever run or process
 * decides them; different campaigns split the audience independently. Pure.
 */
import { createHash } from 'node:crypto';

export const CONTROL = 'control';

/** A uniform number in [0, 1) from the first 48 bits of SHA-256(campaignId ":" memberId). */
export function unitHash(campaignId: string, memberId: string): number {
  const digest = createHash('sha256').update(`${campaignId}:${memberId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export interface Arms {
  holdoutPercent: number;
  variants: readonly { key: string; weight: number }[];
}

/**
 * u < holdout → control; the rest of [0, 1) is cut into the variants in proportion to their weights, in the
 * order they are defined.
 */
export function armOf(u: number, arms: Arms): string {
  const holdout = arms.holdoutPercent / 100;
  if (u < holdout) return CONTROL;
  const total = arms.variants.reduce((sum, variant) => sum + variant.weight, 0);
  const position = ((u - holdout) / (1 - holdout)) * total;
  let edge = 0;
  for (const variant of arms.variants) {
    edge += variant.weight;
    if (position < edge) return variant.key;
  }
  return arms.variants[arms.variants.length - 1]!.key;
}

export function assign(campaignId: string, memberId: string, arms: Arms): string {
  return armOf(unitHash(campaignId, memberId), arms);
}
