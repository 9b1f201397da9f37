/** Everything the fake remembers, built from resolved options, and what a reset clears. */
import { AppRegistry } from './app-registry';
import { CallStats } from './call-stats';
import { FaultQueue } from './fault-queue';
import { randomLoginCode, randomPhoneCode } from './identity';
import { MessageLog } from './message-log';
import { OneTimeCodes } from './one-time-codes';
import type { ResolvedOptions } from './options';
import { PageRegistry } from './page-registry';
import { SlidingWindowLimiter } from './rate-limiter';
import { SubscriptionGrants } from './subscription-grants';
import { TemplateRegistry } from './templates';
import { TokenStore } from './token-store';
import { Identity, UserDirectory } from './user-directory';

export interface PhoneRecord {
  purePhoneNumber: string;
  countryCode: string;
}

export interface FakeWechatState {
  clock: () => number;
  apps: AppRegistry;
  pages: PageRegistry;
  templates: TemplateRegistry;
  tokens: TokenStore;
  users: UserDirectory;
  loginCodes: OneTimeCodes<Identity>;
  phoneCodes: OneTimeCodes<PhoneRecord>;
  /** jscode2session calls per user: 100 a minute. */
  loginLimiter: SlidingWindowLimiter;
  grants: SubscriptionGrants;
  messages: MessageLog;
  faults: FaultQueue;
  stats: CallStats;
}

export function createState(options: ResolvedOptions): FakeWechatState {
  const { clock } = options;
  const codeTtlMs = options.codeTtlSeconds * 1000;
  return {
    clock,
    apps: new AppRegistry(options.apps),
    pages: new PageRegistry(options.pages),
    templates: new TemplateRegistry(options.templates),
    tokens: new TokenStore(options.tokenTtlSeconds * 1000, clock),
    users: new UserDirectory(),
    loginCodes: new OneTimeCodes(codeTtlMs, clock, randomLoginCode),
    phoneCodes: new OneTimeCodes(codeTtlMs, clock, randomPhoneCode),
    loginLimiter: new SlidingWindowLimiter(100, 60_000, clock),
    grants: new SubscriptionGrants(),
    messages: new MessageLog(),
    faults: new FaultQueue(),
    stats: new CallStats(),
  };
}

/**
 * Clears codes, tokens, faults, stats, quotas and messages. The users met so far stay known, as
 * they would on WeChat, so openids stored elsewhere remain valid message recipients.
 */
export function resetState(state: FakeWechatState): void {
  state.tokens.reset();
  state.loginCodes.reset();
  state.phoneCodes.reset();
  state.loginLimiter.reset();
  state.grants.reset();
  state.messages.reset();
  state.faults.clear();
  state.stats.reset();
}
