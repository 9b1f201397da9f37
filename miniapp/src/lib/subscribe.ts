/**
 * Consent to WeChat subscribe messages (一次性订阅消息): the one place the app asks for it.
 * WeChat shows at most three templates per prompt and only in answer to a tap, so pages call
 * `requestSubscription` from a button handler. Builds without subscribe messages (H5) ask
 * nothing and say so in the result. Sending the result to the server is not part of this: the
 * server has no endpoint for it yet, and WeChat itself remembers what the user accepted.
 */

export type SubscribeTopic = 'couponArrival' | 'pointsExpiry';

export const MAX_TEMPLATES_PER_PROMPT = 3;

export interface SubscribeResult {
  /** False where the platform has no subscribe messages (H5): nothing was asked. */
  supported: boolean;
  accepted: SubscribeTopic[];
  /** Declined this time. */
  rejected: SubscribeTopic[];
  /** Turned off for good in WeChat's settings, or filtered by WeChat. */
  blocked: SubscribeTopic[];
  /** Why the prompt itself failed (e.g. "requestSubscribeMessage:fail can only be invoked by user TAP gesture"). */
  error: string | null;
}

export interface SubscriberDeps {
  /** True on weapp. */
  supported: boolean;
  templates: Record<SubscribeTopic, string>;
  /** `Taro.requestSubscribeMessage`, resolving to `{ [templateId]: 'accept' | 'reject' | 'ban' | 'filter' }`. */
  prompt: (templateIds: string[]) => Promise<Record<string, unknown>>;
}

export function createSubscriber({ supported, templates, prompt }: SubscriberDeps) {
  return async function requestSubscription(topics: SubscribeTopic[]): Promise<SubscribeResult> {
    const unique = [...new Set(topics)];
    if (unique.length === 0 || unique.length > MAX_TEMPLATES_PER_PROMPT) {
      throw new RangeError(`ask for 1 to ${MAX_TEMPLATES_PER_PROMPT} subscribe-message templates at a time, not ${unique.length}`);
    }
    const result: SubscribeResult = { supported, accepted: [], rejected: [], blocked: [], error: null };
    if (!supported) return result;
    let answer: Record<string, unknown>;
    try {
      answer = await prompt(unique.map((topic) => templates[topic]));
    } catch (error) {
      const message = (error as { errMsg?: unknown } | null)?.errMsg;
      return { ...result, error: typeof message === 'string' ? message : 'requestSubscribeMessage:fail' };
    }
    for (const topic of unique) {
      const choice = answer[templates[topic]];
      if (choice === 'accept') result.accepted.push(topic);
      else if (choice === 'ban' || choice === 'filter') result.blocked.push(topic);
      else result.rejected.push(topic);
    }
    return result;
  };
}

/** What to tell the member after asking. */
export function subscriptionMessage(result: SubscribeResult): string {
  if (!result.supported) return '消息提醒仅在微信小程序中可用';
  if (result.error) return '暂时无法开启提醒，请稍后再试';
  if (result.accepted.length && !result.rejected.length && !result.blocked.length) return '已开启提醒';
  if (result.accepted.length) return '部分提醒已开启';
  if (result.blocked.length) return '提醒已在微信设置中关闭，可在「设置-通知管理」中开启';
  return '未开启提醒';
}
