import { findScene, parseScene } from './scene';
import { queryParamFromHref } from './query';

describe('parseScene', () => {
  it('decodes the URL-encoded scene WeChat passes to the page', () => {
    expect(parseScene('s%3DST7K2Q%26c%3D9')).toEqual({ kind: 'ok', scene: 's=ST7K2Q&c=9' });
  });

  it('leaves an already decoded scene as it is', () => {
    expect(parseScene('s=ST7K2Q')).toEqual({ kind: 'ok', scene: 's=ST7K2Q' });
    expect(parseScene('ST7K2Q')).toEqual({ kind: 'ok', scene: 'ST7K2Q' });
  });

  it('treats a missing or empty scene as none', () => {
    expect(parseScene(undefined)).toEqual({ kind: 'none' });
    expect(parseScene('')).toEqual({ kind: 'none' });
    expect(parseScene('   ')).toEqual({ kind: 'none' });
    expect(parseScene('undefined')).toEqual({ kind: 'none' });
    expect(parseScene(42)).toEqual({ kind: 'none' });
  });

  it('accepts 32 characters and rejects 33', () => {
    expect(parseScene('A'.repeat(32))).toEqual({ kind: 'ok', scene: 'A'.repeat(32) });
    expect(parseScene('A'.repeat(33))).toEqual({ kind: 'invalid', raw: 'A'.repeat(33) });
  });

  it('rejects malformed encoding and characters a scene cannot hold', () => {
    expect(parseScene('%E0%A4%A')).toEqual({ kind: 'invalid', raw: '%E0%A4%A' });
    expect(parseScene('%E4%BC%9A%E5%91%98')).toEqual({ kind: 'invalid', raw: '%E4%BC%9A%E5%91%98' });
    expect(parseScene('a%20b')).toEqual({ kind: 'invalid', raw: 'a%20b' });
  });
});

describe('findScene', () => {
  it('prefers the page query', () => {
    expect(
      findScene({
        pageParams: { scene: 'ST1' },
        enterOptions: { path: 'pages/join/index', query: { scene: 'OLD' } },
        pagePath: 'pages/join/index',
      }),
    ).toEqual({ kind: 'ok', scene: 'ST1' });
  });

  it('falls back to the enter options only when they opened this page', () => {
    const enter = { path: 'pages/join/index', query: { scene: 'c%3DK9' } };
    expect(findScene({ pageParams: {}, enterOptions: enter, pagePath: 'pages/join/index' })).toEqual({
      kind: 'ok',
      scene: 'c=K9',
    });
    expect(findScene({ pageParams: {}, enterOptions: { ...enter, path: '/pages/join/index' }, pagePath: 'pages/join/index' }))
      .toEqual({ kind: 'ok', scene: 'c=K9' });
    expect(findScene({ pageParams: {}, enterOptions: { ...enter, path: 'pages/index/index' }, pagePath: 'pages/join/index' }))
      .toEqual({ kind: 'none' });
  });

  it('reads the browser URL in H5', () => {
    expect(findScene({ href: 'http://h/app/index.html#/pages/join/index?scene=ST9' })).toEqual({ kind: 'ok', scene: 'ST9' });
    expect(findScene({ href: 'http://h/app/index.html?scene=ST8#/pages/join/index' })).toEqual({ kind: 'ok', scene: 'ST8' });
    expect(findScene({ href: 'http://h/app/index.html#/pages/join/index' })).toEqual({ kind: 'none' });
  });
});

describe('queryParamFromHref', () => {
  it('reads the hash query before the search query', () => {
    const href = 'http://h/x/index.html?user=outer&a=1#/pages/index/index?user=inner';
    expect(queryParamFromHref(href, 'user')).toBe('inner');
    expect(queryParamFromHref(href, 'a')).toBe('1');
    expect(queryParamFromHref(href, 'missing')).toBeNull();
  });

  it('decodes values and tolerates bare keys and bad escapes', () => {
    expect(queryParamFromHref('http://h/?name=%E5%BC%A0%E4%B8%89&flag&bad=%E0', 'name')).toBe('张三');
    expect(queryParamFromHref('http://h/?name=a&flag&bad=%E0', 'flag')).toBe('');
    expect(queryParamFromHref('http://h/?bad=%E0', 'bad')).toBe('%E0');
    expect(queryParamFromHref('http://h/', 'x')).toBeNull();
  });
});
