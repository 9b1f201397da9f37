export default defineAppConfig({
  // The first page is the one a plain launch opens; scanned join codes open pages/join/index.
  pages: ['pages/index/index', 'pages/join/index'],
  window: {
    navigationBarTitleText: '会员中心',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f5f7',
    backgroundTextStyle: 'dark',
  },
});
