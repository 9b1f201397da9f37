import { queryParamFromHref } from './query';

/** The longest scene WeChat puts in an unlimited mini-program code (and the server accepts). */
export const MAX_SCENE_LENGTH = 32;

export type SceneResult =
  | { kind: 'none' }
  | { kind: 'ok'; scene: string }
  /** Present but unusable: the code was not made by memberloop, or it was cut. */
  | { kind: 'invalid'; raw: string };

/** Visible ASCII only, which is all getwxacodeunlimit allows in a scene. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The scene of a scanned code. WeChat hands it to the page URL-encoded (`scene=s%3DABC`), so it
 * is decoded once; a scene never contains `%` itself, so decoding an already-decoded one (as the
 * H5 router hands it over) changes nothing.
 */
export function parseScene(raw: unknown): SceneResult {
  if (typeof raw !== 'string') return { kind: 'none' };
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed === 'undefined') return { kind: 'none' };
  let scene: string;
  try {
    scene = decodeURIComponent(trimmed);
  } catch {
    return { kind: 'invalid', raw: trimmed };
  }
  if (scene.length > MAX_SCENE_LENGTH || !VISIBLE_ASCII.test(scene)) return { kind: 'invalid', raw: trimmed };
  return { kind: 'ok', scene };
}

export interface SceneSources {
  /** The page's own query (Taro's `useRouter().params`). */
  pageParams?: Record<string, string | undefined>;
  /** weapp: `Taro.getEnterOptionsSync()`, used when the page query lacks the scene. */
  enterOptions?: { path?: string; query?: Record<string, string | undefined> };
  /** The page this is, e.g. 'pages/join/index', to trust enter options only when they opened it. */
  pagePath?: string;
  /** H5: the browser URL, whose query may carry the scene before or after the hash. */
  href?: string;
}

/** Picks the scene from where each platform puts it and parses it. */
export function findScene(sources: SceneSources): SceneResult {
  const fromPage = parseScene(sources.pageParams?.scene);
  if (fromPage.kind !== 'none') return fromPage;
  const { enterOptions, pagePath } = sources;
  if (enterOptions && pagePath && stripSlash(enterOptions.path) === stripSlash(pagePath)) {
    const fromEnter = parseScene(enterOptions.query?.scene);
    if (fromEnter.kind !== 'none') return fromEnter;
  }
  if (sources.href) return parseScene(queryParamFromHref(sources.href, 'scene'));
  return { kind: 'none' };
}

function stripSlash(path: string | undefined): string {
  return (path ?? '').replace(/^\/+/, '');
}
