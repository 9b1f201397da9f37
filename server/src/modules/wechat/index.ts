export { createWechatClient } from './wechat.client';
export type { WechatClient, WechatClientOptions, WechatPhone, WechatSession, MiniProgramCodeRequest, SubscribeMessage } from './wechat.client';
export { WechatApiError, WECHAT_ERRCODES } from './wechat.errors';
export { wechatFailure } from './wechat.failures';
