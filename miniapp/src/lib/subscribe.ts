/**
 * Consent to WeChat subscribe messages (一次性订阅消息): the one place the app asks for it.
 * WeChat shows at most three templates per prompt and only in answer to a tap, so pages call
 * `requestSubscription` from a button handler. Builds without subscribe messages (H5) ask
 * nothing and say so in the result. What WeChat answered is reported to the server (`report`):
 * each accept allows the brand exactly one subscribe message of that template, and the server
 * only sends while it knows of one left. A failed report does not fail the prompt: the member
 * then gets those messages by SMS or in the inbox instead.
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
  /** Sends WeChat's answers to the server (POST /members/me/subscriptions). */
  report?: (results: Record<string, SubscribeChoice>) => Promise<unknown>;
}

export type SubscribeChoice = 'accept' | 'reject' | 'ban' | 'filter';

const CHOICES: readonly string[] = ['accept', 'reject', 'ban', 'filter'];

export function createSubscriber({ supported, templates, prompt, report }: SubscriberDeps) {
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
    const answers: Record<string, SubscribeChoice> = {};
    for (const topic of unique) {
      const choice = answer[templates[topic]];
      if (typeof choice === 'string' && CHOICES.includes(choice)) answers[templates[topic]] = choice as SubscribeChoice;
      if (choice === 'accept') result.accepted.push(topic);
      else if (choice === 'ban' || choice === 'filter') result.blocked.push(topic);
      else result.rejected.push(topic);
    }
    if (report && Object.keys(answers).length > 0) {
      try {
        await report(answers);
      } catch {
        // WeChat still holds the acceptance; the server just will not use it, and falls back to SMS or the inbox
      }
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
