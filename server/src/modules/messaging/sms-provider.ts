import { ulid } from '@memberloop/shared';
import type { SmsProviderName } from '../../config';

/**
 * An SMS gateway. `send` delivers one text to one phone (mainland mobile, 11 digits) and answers the gateway's
 * message id. Every send, from any provider, is also recorded in sms_messages by the sender, in the same
 * transaction as the outbox row's status.
 */
export interface SmsProvider {
  readonly name: string;
  send(message: { phone: string; text: string }): Promise<{ providerMessageId: string }>;
}

/** A gateway's refusal; `transient` = worth trying again later (busy, rate limited, network). */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly providerCode?: string,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/**
 * The development provider: sends nothing. Its whole effect is the sms_messages row the sender writes in the
 * outbox transaction, so a development send happens exactly once even across crashes.
 */
export const devSmsProvider: SmsProvider = {
  name: 'dev',
  async send() {
    return { providerMessageId: `dev_${ulid()}` };
  },
};

/**
 * The providers built into this server, one per name MESSAGING_SMS_PROVIDER accepts (config.ts lists the names;
 * this record's type makes a name without an implementation, or an implementation without a name, a type error).
 */
export const BUILT_IN_SMS_PROVIDERS: Record<SmsProviderName, SmsProvider> = {
  dev: devSmsProvider,
};

/** Providers by name: the built-in ones plus those given to the messaging service (which win on a clash). */
export function smsProviderRegistry(extra: Record<string, SmsProvider> = {}): ReadonlyMap<string, SmsProvider> {
  const registry = new Map<string, SmsProvider>(Object.entries(BUILT_IN_SMS_PROVIDERS));
  for (const [name, provider] of Object.entries(extra)) registry.set(name, provider);
  return registry;
}
