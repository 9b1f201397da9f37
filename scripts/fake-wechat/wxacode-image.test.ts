import { renderWxacode, wxacodeModules } from './wxacode-image';
import { decodeGrayscalePng } from './test-support';

const content = { appId: 'wx0000000000000001', scene: 'm=42', page: 'pages/join/index', envVersion: 'release' };

describe('wxacode image', () => {
  it('has three finder squares in the corners of a 21x21 grid', () => {
    const modules = wxacodeModules(content);
    expect(modules).toHaveLength(21);
    for (const [top, left] of [[0, 0], [0, 14], [14, 0]] as const) {
      const at = (r: number, c: number) => modules[top + r]?.[left + c];
      expect([0, 1, 2, 3, 4, 5, 6].map((i) => at(0, i))).toEqual(Array(7).fill(true)); // outer ring
      expect([1, 2, 3, 4, 5].map((i) => at(1, i))).toEqual(Array(5).fill(false)); // light ring
      expect(at(3, 3)).toBe(true); // core
    }
  });

  it('is deterministic for the same content and differs between scenes', () => {
    expect(renderWxacode(content, 280).equals(renderWxacode(content, 280))).toBe(true);
    expect(wxacodeModules({ ...content, scene: 'm=43' })).not.toEqual(wxacodeModules(content));
  });

  it('draws a quiet zone and the top-left finder at the scaled position', () => {
    const width = 500; // 25 cells of 20 px: 2 quiet cells, then the grid
    const { pixels } = decodeGrayscalePng(renderWxacode(content, width));
    const shade = (x: number, y: number) => pixels[y * width + x];
    expect(shade(10, 10)).toBe(255); // quiet zone
    expect(shade(45, 45)).toBe(0); // finder outer ring, first module
    expect(shade(65, 65)).toBe(255); // finder light ring
    expect(shade(110, 110)).toBe(0); // finder core
    expect(shade(width - 5, width - 5)).toBe(255); // quiet zone
  });
});
