/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.svg';
declare module '*.scss';
declare module '*.css';

/**
 * Replaced at build time by Taro's DefinePlugin (see config/index.ts); in jest they are plain
 * environment variables, so each one may be undefined.
 */
declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV?: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd';
    TARO_APP_API_BASE?: string;
    TARO_APP_BRAND_CODE?: string;
    TARO_APP_FAKE_WECHAT_URL?: string;
    TARO_APP_TPL_COUPON_ARRIVAL?: string;
    TARO_APP_TPL_POINTS_EXPIRY?: string;
  }
}
