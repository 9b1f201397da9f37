import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMemo } from 'react';
import { encodeQr } from '../lib/qr';
import { runsOf } from '../lib/runs';
import './code-views.scss';

interface QrViewProps {
  /** What the code holds. */
  value: string;
  /** Width of the whole symbol with its quiet zone, in design px (750 wide); modules are whole px. */
  size?: number;
  testId?: string;
}

/** Light modules around the symbol, as the standard asks. */
const QUIET_ZONE = 4;

/**
 * A QR code drawn with views: one row per module row, each row a few runs of dark or light
 * modules, so a version 1 code takes a few hundred views instead of a canvas (which weapp and
 * H5 draw differently). The encoded value is on `data-value` for tests and tools.
 */
export function QrView({ value, size = 400, testId }: QrViewProps) {
  const qr = useMemo(() => encodeQr(value), [value]);
  const total = qr.size + QUIET_ZONE * 2;
  const unit = Math.max(2, Math.floor(size / total));
  const px = (modules: number) => Taro.pxTransform(modules * unit);
  return (
    <View
      className="qr"
      role="img"
      aria-label="二维码"
      data-testid={testId}
      data-value={value}
      data-version={qr.version}
      style={{ width: px(total), height: px(total), padding: px(QUIET_ZONE) }}
    >
      {qr.modules.map((row, r) => (
        <View key={r} className="qr__row" style={{ height: px(1) }}>
          {runsOf(row).map((run, i) => (
            <View key={i} className={run.dark ? 'qr__run qr__run--dark' : 'qr__run'} style={{ width: px(run.length) }} />
          ))}
        </View>
      ))}
    </View>
  );
}
