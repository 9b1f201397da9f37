import Taro from '@tarojs/taro';
import { api, settings } from '../api';
import { createSubscriber } from './subscribe';

export { subscriptionMessage, type SubscribeChoice, type SubscribeResult, type SubscribeTopic } from './subscribe';

/** Asks the member for subscribe-message consent; call it from a tap handler. */
export const requestSubscription = createSubscriber({
  supported: process.env.TARO_ENV === 'weapp',
  templates: settings.subscribeTemplates,
  prompt: (tmplIds) =>
    Taro.requestSubscribeMessage({ tmplIds } as Parameters<typeof Taro.requestSubscribeMessage>[0]) as unknown as Promise<Record<string, unknown>>,
  report: (results) => api.reportSubscriptions(results),
});
