import { useDidHide, useDidShow } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { hasCode, messageOf, type Audience } from '../api';

export type LoadState<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; data: T }
  /** The WeChat user is not a member (yet, or any more): the page offers to join. */
  | { kind: 'not-member' }
  | { kind: 'error'; message: string };

export interface LoaderOptions {
  /**
   * Load again, without the loading state, each time the page is shown again after being
   * hidden (a tab switched back to, a page returned to).
   */
  refreshOnShow?: boolean;
  /** Whose wording error messages use. */
  audience?: Audience;
}

export interface Loader<T> {
  state: LoadState<T>;
  /** Load again, showing the loading state. */
  reload(): Promise<void>;
  /** Load again while the current data stays on screen; a failure keeps it. */
  refresh(): Promise<void>;
  /** Change the loaded data in place (after an action answered with the new values). */
  update(change: (data: T) => T): void;
}

/**
 * Loads a page's data on mount, with loading, error and not-a-member states, and answers that
 * arrive after the page is gone or after a newer load are dropped.
 */
export function useLoader<T>(load: () => Promise<T>, options: LoaderOptions = {}): Loader<T> {
  const { refreshOnShow = false, audience = 'member' } = options;
  const [state, setState] = useState<LoadState<T>>({ kind: 'loading' });
  const mounted = useRef(true);
  const latest = useRef(0);
  // Set when the page is hidden: the first show, right after mounting, must not load twice.
  const hidden = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(
    async (quiet: boolean) => {
      const mine = ++latest.current;
      if (!quiet) setState({ kind: 'loading' });
      try {
        const data = await loadRef.current();
        if (mounted.current && mine === latest.current) setState({ kind: 'ready', data });
      } catch (error) {
        if (!mounted.current || mine !== latest.current) return;
        if (audience === 'member' && hasCode(error, 'MEMBER_NOT_FOUND')) setState({ kind: 'not-member' });
        else setState((previous) => (quiet && previous.kind === 'ready' ? previous : { kind: 'error', message: messageOf(error, audience) }));
      }
    },
    [audience],
  );

  useEffect(() => {
    mounted.current = true;
    void run(false);
    return () => {
      mounted.current = false;
    };
  }, [run]);

  useDidHide(() => {
    hidden.current = true;
  });
  useDidShow(() => {
    if (!hidden.current) return;
    hidden.current = false;
    if (refreshOnShow) void run(true);
  });

  const update = useCallback((change: (data: T) => T) => {
    setState((previous) => (previous.kind === 'ready' ? { kind: 'ready', data: change(previous.data) } : previous));
  }, []);

  return { state, reload: () => run(false), refresh: () => run(true), update };
}
