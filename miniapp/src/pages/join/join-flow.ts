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
  /** What the brand gave for joining, in words, when the server says (it does not yet). */
  welcomeGift: string | null;
}

/**
 * The welcome gift of a login answer, if the server sends one. MemberLoginResponse has no such
 * field yet; a later server may add `welcomeGift: { points?, coupons?: [{ name }] }`, which this
 * reads defensively so the join page can show it without another release.
 */
export function welcomeGiftOf(response: unknown): string | null {
  const gift = (response as { welcomeGift?: unknown } | null)?.welcomeGift;
  if (!gift || typeof gift !== 'object') return null;
  const { points, coupons } = gift as { points?: unknown; coupons?: unknown };
  const parts: string[] = [];
  if (typeof points === 'number' && Number.isSafeInteger(points) && points > 0) parts.push(`${points} 积分`);
  if (Array.isArray(coupons)) {
    for (const coupon of coupons) {
      const name = (coupon as { name?: unknown } | null)?.name;
      if (typeof name === 'string' && name.trim()) parts.push(name.trim());
    }
  }
  return parts.length ? parts.join('、') : null;
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
  const response = await api.login(choices.scene ?? undefined, { join: true });
  const { member, isNew } = response;
  const welcomeGift = isNew ? welcomeGiftOf(response) : null;
  if (choices.marketing && !member.marketingConsent.granted) {
    return { member: await api.setMarketingConsent(true), isNew, welcomeGift };
  }
  return { member, isNew, welcomeGift };
}
