/**
 * The closed list of error codes every memberloop API may return.
 * Clients switch on `code`, never on message text; each code maps to one HTTP status here.
 */
export const ERRORS = {
  // request shape
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content type not supported' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  RATE_LIMITED: { status: 429, message: 'Too many requests, try again later' },

  // authentication and access
  UNAUTHENTICATED: { status: 401, message: 'Sign in first' },
  TOKEN_INVALID: { status: 401, message: 'The token is invalid or has expired' },
  INVALID_CREDENTIALS: { status: 401, message: 'Wrong brand, username or password' },
  ACCOUNT_DISABLED: { status: 403, message: 'This account is disabled' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this' },
  STORE_NOT_ASSIGNED: { status: 403, message: 'You are not assigned to this store' },

  // brands, stores, staff
  BRAND_NOT_FOUND: { status: 404, message: 'Brand not found' },
  BRAND_DISABLED: { status: 403, message: 'This brand is disabled' },
  STORE_NOT_FOUND: { status: 404, message: 'Store not found' },
  STORE_CODE_TAKEN: { status: 409, message: 'Another store of this brand has this code' },
  STAFF_NOT_FOUND: { status: 404, message: 'Staff account not found' },
  USERNAME_TAKEN: { status: 409, message: 'Another staff account of this brand has this username' },
  CLERK_NEEDS_STORE: { status: 400, message: 'A clerk must be assigned to at least one store' },
  CANNOT_CHANGE_OWN_ACCOUNT: { status: 400, message: 'You cannot disable or demote your own account' },

  // members
  MEMBER_NOT_FOUND: { status: 404, message: 'Member not found' },
  MEMBER_DISABLED: { status: 403, message: 'This membership is closed' },
  JOIN_SCENE_NOT_FOUND: { status: 404, message: 'This join code is unknown or no longer valid' },
  PHONE_INVALID: { status: 400, message: 'Not a valid mobile phone number' },
  PHONE_ALREADY_BOUND: { status: 409, message: 'This phone number is bound to another member' },
  MEMBER_PHONE_ALREADY_SET: {
    status: 409,
    message: 'This member already has another phone number; the member must change it themself',
  },

  // WeChat
  WECHAT_CODE_INVALID: { status: 400, message: 'The WeChat code is invalid, expired or already used' },
  WECHAT_RATE_LIMITED: { status: 429, message: 'WeChat is limiting requests, try again in a minute' },
  WECHAT_USER_BLOCKED: { status: 403, message: 'WeChat blocked this user as high risk' },
  WECHAT_REJECTED: { status: 422, message: 'WeChat rejected the request' },
  WECHAT_UNAVAILABLE: { status: 503, message: 'WeChat is unavailable, try again later' },

  // idempotency
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This idempotency key was used with a different request' },

  // server side
  NOT_READY: { status: 503, message: 'The service is not ready' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, value);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERRORS[code].status;
}
