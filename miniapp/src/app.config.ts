// Keep in step with routes.ts. Tab-bar pages must be in the main package; what few shoppers open
// (mall details and exchanges) and what only clerks open are subpackages, loaded on demand.
export default defineAppConfig({
  // The first page is the one a plain launch opens; scanned join codes open pages/join/index.
  pages: [
    'pages/card/index',
    'pages/points/index',
    'pages/mall/index',
    'pages/profile/index',
    'pages/index/index',
    'pages/join/index',
    'pages/coupons/index',
    'pages/coupons/detail',
    'pages/tier/index',
    'pages/messages/index',
  ],
  subPackages: [
    { root: 'packages/mall', pages: ['item/index', 'exchanges/index', 'exchange/index'] },
    { root: 'packages/clerk', pages: ['login/index', 'scan/index'] },
  ],
  // The mall tab fetches its subpackage while the shopper browses the catalogue.
  preloadRule: {
    'pages/mall/index': { network: 'all', packages: ['packages/mall'] },
  },
  tabBar: {
    color: '#8a8a94',
    selectedColor: '#b8862b',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      { pagePath: 'pages/card/index', text: '会员卡', iconPath: 'assets/tab/card.png', selectedIconPath: 'assets/tab/card-active.png' },
      { pagePath: 'pages/points/index', text: '积分', iconPath: 'assets/tab/points.png', selectedIconPath: 'assets/tab/points-active.png' },
      { pagePath: 'pages/mall/index', text: '商城', iconPath: 'assets/tab/mall.png', selectedIconPath: 'assets/tab/mall-active.png' },
      { pagePath: 'pages/profile/index', text: '我的', iconPath: 'assets/tab/profile.png', selectedIconPath: 'assets/tab/profile-active.png' },
    ],
  },
  window: {
    navigationBarTitleText: '会员中心',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f5f7',
    backgroundTextStyle: 'dark',
  },
});
