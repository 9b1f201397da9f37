import type { FastifyRequest } from 'fastify';

/** Query parameters that would put personal data or secrets into logs. */
const SENSITIVE_QUERY = /([?&](?:phone|openid|unionid|code|access_token|token)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SENSITIVE_QUERY, '$1[redacted]');
}

/** pino options for the server: no phone numbers, openids, tokens or passwords in clear. */
export function loggerOptions(level: string) {
  return {
    level,
    redact: { paths: ['req.headers.authorization', '*.password', '*.phone', '*.openid', '*.sessionKey', '*.session_key'], censor: '[redacted]' },
    serializers: {
      req(request: FastifyRequest) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
      },
    },
  };
}
