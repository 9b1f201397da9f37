/** Page routes, as `Taro.navigateTo` / `switchTab` / `reLaunch` take them. Keep in step with app.config.ts. */
export const ROUTES = {
  // main package; the first four are the tab bar
  card: '/pages/card/index',
  points: '/pages/points/index',
  mall: '/pages/mall/index',
  profile: '/pages/profile/index',
  /** The launch page of older links (and of subscribe messages): forwards to the card. */
  home: '/pages/index/index',
  join: '/pages/join/index',
  coupons: '/pages/coupons/index',
  couponDetail: '/pages/coupons/detail',
  tier: '/pages/tier/index',
  messages: '/pages/messages/index',
  // subpackage packages/mall
  mallItem: '/packages/mall/item/index',
  mallExchanges: '/packages/mall/exchanges/index',
  mallExchange: '/packages/mall/exchange/index',
  // subpackage packages/clerk
  clerkLogin: '/packages/clerk/login/index',
  clerkScan: '/packages/clerk/scan/index',
} as const;

/** Pages of the tab bar: they are opened with switchTab, never navigateTo. */
export const TAB_ROUTES: readonly string[] = [ROUTES.card, ROUTES.points, ROUTES.mall, ROUTES.profile];

/** A route with its query, e.g. withQuery(ROUTES.couponDetail, { id }) → /pages/coupons/detail?id=… */
export function withQuery(route: string, query: Record<string, string | number | undefined>): string {
  const parts = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length ? `${route}?${parts.join('&')}` : route;
}
