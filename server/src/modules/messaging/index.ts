export { messagingRoutes } from './messaging.routes';
export { createMessagingService, MESSAGING_DEFAULTS, type EnqueueMessage, type MessagingOptions, type MessagingService } from './messaging.service';
export { messagingJobs } from './messaging.jobs';
export { renderText, renderWechat, validateContent, wechatFieldKind, type ContentProblem, type MessageVariables } from './render';
export { devSmsProvider, SmsSendError, type SmsProvider } from './sms-provider';
export type { SendSummary } from './sender';
