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

  // member card
  CARD_CODE_INVALID: { status: 400, message: 'This card code is not valid' },
  CARD_CODE_EXPIRED: { status: 400, message: 'This card code has expired; ask the member to refresh their card' },

  // orders
  ORDER_NOT_FOUND: { status: 404, message: 'Order not found' },
  ORDER_ALREADY_RECORDED: { status: 409, message: 'An order with this external id was recorded with different details' },
  ORDER_AMOUNT_MISMATCH: { status: 400, message: 'The items do not add up to the order amount' },
  REFUND_EXCEEDS_ORDER: { status: 409, message: 'The refund is more than what is left to refund on this order' },
  REFUND_ALREADY_RECORDED: { status: 409, message: 'A refund with this external id was recorded with different details' },

  // points
  POINTS_INSUFFICIENT: { status: 409, message: 'Not enough points' },
  POINTS_ADJUSTMENT_REASON_REQUIRED: { status: 400, message: 'A points adjustment needs a reason' },
  ALREADY_CHECKED_IN: { status: 409, message: 'Already checked in today' },

  // tiers
  TIER_NOT_FOUND: { status: 404, message: 'Tier not found' },
  TIER_THRESHOLDS_INVALID: { status: 400, message: 'Tier thresholds must rise with the level, starting at 0 for level 0' },

  // coupons
  COUPON_TEMPLATE_NOT_FOUND: { status: 404, message: 'Coupon template not found' },
  COUPON_NOT_FOUND: { status: 404, message: 'Coupon not found' },
  COUPON_NOT_CLAIMABLE: { status: 409, message: 'This coupon cannot be claimed' },
  COUPON_OUT_OF_STOCK: { status: 409, message: 'All coupons of this kind have been given out' },
  COUPON_LIMIT_REACHED: { status: 409, message: 'You already have as many of this coupon as allowed' },
  COUPON_BUDGET_EXHAUSTED: { status: 409, message: 'The budget of this coupon is used up' },
  COUPON_NOT_YET_VALID: { status: 409, message: 'This coupon is not valid yet' },
  COUPON_EXPIRED: { status: 409, message: 'This coupon has expired' },
  COUPON_ALREADY_REDEEMED: { status: 409, message: 'This coupon has already been used' },
  COUPON_NOT_USABLE: { status: 409, message: 'This coupon cannot be used' },
  COUPON_STORE_NOT_ALLOWED: { status: 409, message: 'This coupon cannot be used at this store' },
  COUPON_THRESHOLD_NOT_MET: { status: 409, message: 'The order does not reach the amount this coupon needs' },
  COUPON_NOT_STACKABLE: { status: 409, message: 'These coupons cannot be used together' },
  COUPON_WRONG_MEMBER: { status: 409, message: 'This coupon belongs to another member' },

  // points mall
  MALL_ITEM_NOT_FOUND: { status: 404, message: 'Item not found' },
  MALL_ITEM_UNAVAILABLE: { status: 409, message: 'This item is not available now' },
  MALL_OUT_OF_STOCK: { status: 409, message: 'This item is out of stock' },
  MALL_LIMIT_REACHED: { status: 409, message: 'You already have as many of this item as allowed' },
  MALL_TIER_TOO_LOW: { status: 403, message: 'Your tier cannot exchange this item' },
  MALL_ADDRESS_REQUIRED: { status: 400, message: 'A shipping address is needed for this item' },
  EXCHANGE_NOT_FOUND: { status: 404, message: 'Exchange not found' },
  EXCHANGE_NOT_CANCELLABLE: { status: 409, message: 'This exchange can no longer be cancelled' },
  PICKUP_CODE_INVALID: { status: 404, message: 'No exchange awaits pickup with this code' },
  EXCHANGE_STATUS_INVALID: { status: 409, message: 'The exchange is not in a state that allows this' },

  // analytics
  SEGMENT_NOT_FOUND: { status: 404, message: 'Segment not found' },

  // campaigns
  CAMPAIGN_NOT_FOUND: { status: 404, message: 'Campaign not found' },
  CAMPAIGN_INVALID: { status: 400, message: 'The campaign definition is not valid' },
  CAMPAIGN_NOT_EDITABLE: { status: 409, message: 'This campaign can no longer be changed this way' },
  CAMPAIGN_STATUS_INVALID: { status: 409, message: 'The campaign is not in a state that allows this' },
  CAMPAIGN_RUN_NOT_FOUND: { status: 404, message: 'Campaign run not found' },

  // messaging
  MESSAGE_TEMPLATE_INVALID: { status: 400, message: 'The message template is not valid' },
  INBOX_MESSAGE_NOT_FOUND: { status: 404, message: 'Message not found' },

  // idempotency
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This idempotency key was used with a different request' },
  IDEMPOTENCY_KEY_INVALID: { status: 400, message: 'The Idempotency-Key header must be 1 to 200 visible characters' },

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
