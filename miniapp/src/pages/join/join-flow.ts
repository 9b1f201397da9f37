import type { MemberProfile } from '@memberloop/shared';
import type { ApiClient } from '../../api';

export interface JoinChoices {
  /** The scanned scene, or null to join the configured brand without one. */
  scene: string | null;
  /** 接收优惠消息 was ticked. */
  marketing: boolean;
}

export interface JoinOutcome {
  member: MemberProfile;
  isNew: boolean;
}

/**
 * Joins (or, for a returning member, logs in) with the scene, then turns marketing consent on if
 * it was ticked. Call it only once 会员协议 is ticked: this is the app's one login that joins.
 * Leaving the marketing box unticked never withdraws a consent given before; that is done with
 * the switch in 会员中心.
 */
export async function joinMembership(
  api: Pick<ApiClient, 'login' | 'setMarketingConsent'>,
  choices: JoinChoices,
): Promise<JoinOutcome> {
  const { member, isNew } = await api.login(choices.scene ?? undefined, { join: true });
  if (choices.marketing && !member.marketingConsent.granted) {
    return { member: await api.setMarketingConsent(true), isNew };
  }
  return { member, isNew };
}
