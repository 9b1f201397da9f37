import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMemo } from 'react';
import { encodeCode128Digits } from '../lib/code128';
import './code-views.scss';

interface BarcodeViewProps {
  /** Digits only. */
  value: string;
  /** Widest the barcode with its quiet zones may be, in design px (750 wide). */
  maxWidth?: number;
  height?: number;
  testId?: string;
}

/** Light modules on each side, as Code 128 asks. */
const QUIET_ZONE = 10;

/** A Code 128 barcode of digits, drawn as bars of whole-pixel module widths. */
export function BarcodeView({ value, maxWidth = 600, height = 140, testId }: BarcodeViewProps) {
  const code = useMemo(() => encodeCode128Digits(value), [value]);
  const total = code.modules + QUIET_ZONE * 2;
  const unit = Math.max(2, Math.floor(maxWidth / total));
  const px = (design: number) => Taro.pxTransform(design);
  return (
    <View
      className="barcode"
      role="img"
      aria-label="条形码"
      data-testid={testId}
      data-value={value}
      data-symbology="code128"
      style={{ width: px(total * unit), height: px(height), paddingLeft: px(QUIET_ZONE * unit), paddingRight: px(QUIET_ZONE * unit) }}
    >
      {code.widths.map((width, i) => (
        <View key={i} className={i % 2 === 0 ? 'barcode__bar barcode__bar--dark' : 'barcode__bar'} style={{ width: px(width * unit) }} />
      ))}
    </View>
  );
}
