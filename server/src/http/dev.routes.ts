import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/**
 * Development only: tells the H5 build of the mini-program where the fake WeChat server is, so the page can get
 * its login code there (wx.login does not exist in a browser). Registered only outside production, and only
 * when the WeChat base URL points at this machine.
 */
export const devRoutes: FastifyPluginAsyncTypebox<{ wechatBaseUrl: string }> = async (app, { wechatBaseUrl }) => {
  app.get(
    '/dev/wechat',
    {
      schema: {
        tags: ['development'],
        summary: 'Where the fake WeChat server is (development only)',
        response: { 200: Type.Object({ fakeWechatUrl: Type.String() }, { additionalProperties: false }) },
      },
    },
    async () => ({ fakeWechatUrl: wechatBaseUrl }),
  );
};

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
