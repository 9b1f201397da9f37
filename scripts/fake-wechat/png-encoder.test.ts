import { encodeGrayscalePng } from './png-encoder';
import { decodeGrayscalePng } from './test-support';

describe('encodeGrayscalePng', () => {
  it('writes the signature, IHDR, IDAT and IEND with correct CRCs', () => {
    const bytes = encodeGrayscalePng(3, 2, (x, y) => (x + y) % 2 === 0 ? 0 : 255);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // IEND has no data, so its CRC is the well-known constant AE 42 60 82
    expect(bytes.subarray(-12).toString('hex')).toBe('0000000049454e44ae426082');
    const decoded = decodeGrayscalePng(bytes);
    expect(decoded.chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(decoded).toMatchObject({ width: 3, height: 2, bitDepth: 8, colorType: 0 });
    expect([...decoded.pixels]).toEqual([0, 255, 0, 255, 0, 255]);
  });

  it('compresses large flat images well', () => {
    const bytes = encodeGrayscalePng(1280, 1280, () => 255);
    expect(bytes.length).toBeLessThan(10_000);
    expect(decodeGrayscalePng(bytes).pixels.every((shade) => shade === 255)).toBe(true);
  });
});
