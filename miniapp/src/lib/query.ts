function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function paramOf(query: string, name: string): string | null {
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    if (key === name) return eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
  }
  return null;
}

/**
 * A query parameter of a browser URL. With the hash router a page's own query sits after the
 * hash (`…/#/pages/join/index?scene=S1`); that one wins over the query before the hash.
 */
export function queryParamFromHref(href: string, name: string): string | null {
  const hashAt = href.indexOf('#');
  const beforeHash = hashAt < 0 ? href : href.slice(0, hashAt);
  const hash = hashAt < 0 ? '' : href.slice(hashAt + 1);
  const hashQueryAt = hash.indexOf('?');
  if (hashQueryAt >= 0) {
    const value = paramOf(hash.slice(hashQueryAt + 1), name);
    if (value !== null) return value;
  }
  const searchAt = beforeHash.indexOf('?');
  return searchAt < 0 ? null : paramOf(beforeHash.slice(searchAt + 1), name);
}
