import type { Clock } from '@memberloop/shared';
import type { Config } from './config';
import type { Db } from './db/client';
import type { WechatClient } from './modules/wechat';

/** What services are built from: one database, one clock, one WeChat client, the config. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  wechat: WechatClient;
  config: Config;
}
