import path from 'node:path';
import { defineConfig } from '@tarojs/cli';

/**
 * Build-time settings. Taro only injects `TARO_APP_*` values found in `.env*` files, so the ones
 * read from the shell here are passed to the DefinePlugin explicitly (a `.env` file, if one is
 * ever added, still wins). The app reads them as `process.env.TARO_APP_*` (see src/api/config.ts).
 *
 * Without TARO_APP_API_BASE the weapp build talks to the local server (http://127.0.0.1:3000),
 * while the H5 build talks to the origin it was served from (the server serves it at /h5/); the
 * H5 build asks that server where the fake WeChat server is (GET /dev/wechat) unless
 * TARO_APP_FAKE_WECHAT_URL names it.
 */
const isH5 = process.env.TARO_ENV === 'h5';
const buildEnv = {
  TARO_APP_API_BASE: process.env.TARO_APP_API_BASE || (isH5 ? '' : 'http://127.0.0.1:3000'),
  TARO_APP_BRAND_CODE: process.env.TARO_APP_BRAND_CODE || 'demo',
  TARO_APP_FAKE_WECHAT_URL: isH5 ? process.env.TARO_APP_FAKE_WECHAT_URL || '' : '',
  // Subscribe-message template ids (the fake WeChat server's defaults).
  TARO_APP_TPL_COUPON_ARRIVAL: process.env.TARO_APP_TPL_COUPON_ARRIVAL || 'dev-tpl-coupon-arrival',
  TARO_APP_TPL_POINTS_EXPIRY: process.env.TARO_APP_TPL_POINTS_EXPIRY || 'dev-tpl-points-expiry',
};

/** The workspace package @memberloop/shared is consumed as TypeScript source, so Babel must compile it. */
const sharedSource = path.resolve(__dirname, '../../shared/src');

/**
 * shared/ only declares constants and functions, but its package.json does not say so; telling
 * webpack lets it drop the modules the app does not use (the TypeBox schemas, and TypeBox itself).
 */
// `any`: webpack-chain's types are not a dependency of this package.
function markSharedSideEffectFree(chain: { module: { rule(name: string): any } }) {
  chain.module.rule('memberloop-shared').test(/\.ts$/).include.add(sharedSource).end().sideEffects(false);
}

export default defineConfig<'webpack5'>({
  projectName: 'memberloop-miniapp',
  date: '2026-11-24',
  designWidth: 750,
  deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot: `dist/${process.env.TARO_ENV}`,
  plugins: [],
  env: Object.fromEntries(Object.entries(buildEnv).map(([key, value]) => [key, JSON.stringify(value)])),
  framework: 'react',
  compiler: { type: 'webpack5', prebundle: { enable: false } },
  // No persistent cache: `pnpm test` must build what the sources say, every time.
  cache: { enable: false },
  mini: {
    compile: { include: [sharedSource] },
    webpackChain: markSharedSideEffectFree,
    postcss: {
      pxtransform: { enable: true, config: {} },
      cssModules: { enable: false },
    },
  },
  h5: {
    publicPath: './',
    staticDirectory: 'static',
    compile: { include: [sharedSource] },
    webpackChain(chain) {
      markSharedSideEffectFree(chain);
      // Taro splits only initial chunks; pages load lazily, so without this every page chunk
      // carries its own copy of the H5 components.
      chain.optimization.splitChunks({ ...chain.optimization.get('splitChunks'), chunks: 'all' });
    },
    router: { mode: 'hash' },
    output: {
      filename: 'js/[name].[contenthash:8].js',
      chunkFilename: 'js/[name].[contenthash:8].js',
    },
    miniCssExtractPluginOption: {
      ignoreOrder: true,
      filename: 'css/[name].[contenthash:8].css',
      chunkFilename: 'css/[name].[contenthash:8].css',
    },
    postcss: {
      autoprefixer: { enable: true, config: {} },
      cssModules: { enable: false },
    },
  },
});
