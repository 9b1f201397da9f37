/** Page routes, as `Taro.navigateTo` / `reLaunch` take them. Keep in step with app.config.ts. */
export const ROUTES = {
  home: '/pages/index/index',
  join: '/pages/join/index',
} as const;
