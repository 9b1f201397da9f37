import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { findScene, type SceneResult } from '../../lib/scene';
import { ROUTES } from '../../routes';

function enterOptions(): { path?: string; query?: Record<string, string | undefined> } | undefined {
  try {
    return Taro.getEnterOptionsSync() as { path?: string; query?: Record<string, string | undefined> };
  } catch {
    return undefined;
  }
}

/**
 * The scene this page was opened with: weapp puts it URL-encoded into the page query (or, on a
 * cold start, into the enter options); H5 reads the `scene` query parameter of the URL.
 */
export function useJoinScene(): SceneResult {
  const router = useRouter();
  const [scene] = useState<SceneResult>(() =>
    findScene({
      pageParams: router.params,
      pagePath: ROUTES.join,
      enterOptions: process.env.TARO_ENV === 'h5' ? undefined : enterOptions(),
      href: process.env.TARO_ENV === 'h5' && typeof window !== 'undefined' ? window.location.href : undefined,
    }),
  );
  return scene;
}
