/** The mini-program's published pages, as WeChat checks them for codes and message links. */

export const DEFAULT_PAGES: readonly string[] = ['pages/index/index', 'pages/join/index'];

export class PageRegistry {
  private readonly pages: ReadonlySet<string>;

  constructor(pages: readonly string[]) {
    for (const page of pages) {
      if (page.startsWith('/') || page.includes('?')) {
        throw new Error(`fake-wechat: page "${page}" must have no leading "/" and no query`);
      }
    }
    this.pages = new Set(pages);
  }

  isPublished(page: string): boolean {
    return this.pages.has(page);
  }

  /** A link such as "pages/index/index?from=msg": the part before "?" must be published. */
  isPublishedLink(link: string): boolean {
    const path = link.split('?', 1)[0] ?? '';
    return this.isPublished(path.startsWith('/') ? path.slice(1) : path);
  }
}
