// babel-preset-taro compiles the app (and the @memberloop/shared sources) for both targets.
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
};
