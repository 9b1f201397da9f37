import { Button, Input, Picker, Text, View } from '@tarojs/components';
import type { Store } from '@memberloop/shared';
import Taro from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { api, hasCode, messageOf, STORAGE_KEYS, taroStorage } from '../../../api';
import { LoadGate } from '../../../components/load-gate';
import { useLoader } from '../../../lib/use-loader';
import { ROUTES } from '../../../routes';
import { MemberPanel, type ScannedMember } from '../components/member-panel';
import { PhoneForm } from '../components/phone-form';
import { PickupForm } from '../components/pickup-form';
import { PurchaseForm } from '../components/purchase-form';
import { RedeemForm } from '../components/redeem-form';
import { normalizeCardCode } from '../purchase';
import '../clerk.scss';

type Lookup = { kind: 'none' } | { kind: 'busy' } | { kind: 'error'; message: string } | { kind: 'ready'; scanned: ScannedMember };

function isStaffAuthError(error: unknown): boolean {
  return hasCode(error, 'TOKEN_INVALID') || hasCode(error, 'UNAUTHENTICATED') || hasCode(error, 'ACCOUNT_DISABLED');
}

/** Back to the login page when the staff token is gone or refused. */
function toLogin(): void {
  void Taro.redirectTo({ url: ROUTES.clerkLogin });
}

/** The store a clerk works at now: the one chosen before if still theirs, else their first. */
function initialStore(stores: Store[]): string | undefined {
  const saved = taroStorage.get(STORAGE_KEYS.clerkStore);
  if (saved && stores.some((s) => s.id === saved)) return saved;
  return stores[0]?.id;
}

/** 店员工作台: scan a member, see tier, points and coupons, record a purchase, redeem, bind a phone, hand over pickups. */
export default function ClerkScanPage() {
  const session = api.staff.session();
  useEffect(() => {
    if (!session) toLogin();
  }, [session]);
  if (!session) return <View className="page" />;
  return <SignedIn staffName={session.staff.displayName} brandName={session.brand.name} />;
}

function SignedIn({ staffName, brandName }: { staffName: string; brandName: string }) {
  const stores = useLoader(
    async () => {
      try {
        return await api.staff.listStores();
      } catch (error) {
        if (isStaffAuthError(error)) toLogin();
        throw error;
      }
    },
    { audience: 'staff' },
  );
  return (
    <LoadGate state={stores.state} testId="clerk" loadingText="正在进入工作台…" onRetry={() => void stores.reload()}>
      {(list) => <Workbench stores={list} staffName={staffName} brandName={brandName} />}
    </LoadGate>
  );
}

function Workbench({ stores, staffName, brandName }: { stores: Store[]; staffName: string; brandName: string }) {
  const [storeId, setStoreId] = useState<string | undefined>(() => initialStore(stores));
  const [code, setCode] = useState('');
  const [lookup, setLookup] = useState<Lookup>({ kind: 'none' });
  const [selectedCodes, setSelectedCodes] = useState<string[]>([]);
  const [redeemPreset, setRedeemPreset] = useState('');
  const inFlight = useRef(false);
  const store = stores.find((s) => s.id === storeId);

  function onAuthError(error: unknown) {
    if (!isStaffAuthError(error)) return;
    void Taro.showToast({ title: '登录已过期，请重新登录', icon: 'none' });
    toLogin();
  }

  function chooseStore(index: number) {
    const chosen = stores[index];
    if (!chosen) return;
    setStoreId(chosen.id);
    taroStorage.set(STORAGE_KEYS.clerkStore, chosen.id);
  }

  async function details(memberId: string, member: ScannedMember['member']): Promise<ScannedMember> {
    const [tier, points, coupons] = await Promise.all([
      api.staff.getMemberTier(memberId).catch(() => null),
      api.staff.getMemberPoints(memberId).catch(() => null),
      api.staff.getMemberCoupons(memberId, { status: 'usable', limit: 50 }).then(
        (page) => page.items,
        () => null,
      ),
    ]);
    return { member, tier, points, coupons };
  }

  async function find(raw: string) {
    const cardCode = normalizeCardCode(raw);
    if (!cardCode) {
      setLookup({ kind: 'error', message: '请扫描或输入会员码' });
      return;
    }
    if (inFlight.current) return;
    inFlight.current = true;
    setLookup({ kind: 'busy' });
    setSelectedCodes([]);
    setRedeemPreset('');
    try {
      const member = await api.staff.scanCard(cardCode);
      setLookup({ kind: 'ready', scanned: await details(member.id, member) });
      setCode('');
    } catch (error) {
      setLookup({ kind: 'error', message: messageOf(error, 'staff') });
      onAuthError(error);
    } finally {
      inFlight.current = false;
    }
  }

  async function scan() {
    try {
      const result = await Taro.scanCode({ onlyFromCamera: true, scanType: ['barCode', 'qrCode'] });
      if (result.result) {
        setCode(result.result);
        await find(result.result);
      }
    } catch {
      // Cancelled, or the camera was refused: the clerk can type the code instead.
    }
  }

  async function refreshMember() {
    if (lookup.kind !== 'ready') return;
    const { member } = lookup.scanned;
    const fresh = await details(member.id, await api.staff.getMember(member.id).catch(() => member));
    setLookup((current) => (current.kind === 'ready' && current.scanned.member.id === member.id ? { kind: 'ready', scanned: fresh } : current));
  }

  function logout() {
    api.staff.logout();
    void Taro.redirectTo({ url: ROUTES.clerkLogin });
  }

  const scanned = lookup.kind === 'ready' ? lookup.scanned : null;

  return (
    <View className="page clerk-page" data-testid="clerk-page">
      <View className="card clerk-head">
        <View className="clerk-head__who">
          <Text className="row__label-strong" data-testid="clerk-staff-name">
            {staffName}
          </Text>
          <Text className="muted">{brandName}</Text>
        </View>
        <Text className="row__chevron" onClick={logout} data-testid="clerk-logout">
          退出登录
        </Text>
      </View>

      <View className="card">
        <View className="row">
          <Text className="row__label">当前门店</Text>
          {stores.length > 1 ? (
            <Picker mode="selector" range={stores.map((s) => s.name)} value={Math.max(0, stores.findIndex((s) => s.id === storeId))} onChange={(e) => chooseStore(Number(e.detail.value))} data-testid="clerk-store-picker">
              <Text className="row__chevron" data-testid="clerk-store-name">
                {store?.name ?? '请选择门店'} ›
              </Text>
            </Picker>
          ) : (
            <Text className="row__value" data-testid="clerk-store-name">
              {store?.name ?? '未分配门店'}
            </Text>
          )}
        </View>
      </View>

      <View className="card">
        <Text className="section-title">识别会员</Text>
        <View className="clerk-search">
          <Input
            className="field__input"
            type="number"
            maxlength={40}
            value={code}
            placeholder="扫描或输入会员码"
            onInput={(e) => setCode(e.detail.value)}
            onConfirm={() => void find(code)}
            data-testid="clerk-scan-input"
          />
          <Button className="btn btn--primary btn--small" loading={lookup.kind === 'busy'} onClick={() => void find(code)} data-testid="clerk-scan-submit">
            查询
          </Button>
        </View>
        {process.env.TARO_ENV === 'weapp' ? (
          <Button className="btn btn--plain" onClick={() => void scan()} data-testid="clerk-scan-camera">
            扫一扫会员码
          </Button>
        ) : null}
        {lookup.kind === 'error' ? (
          <View role="alert" data-testid="clerk-scan-error">
            <Text className="form-error">{lookup.message}</Text>
          </View>
        ) : null}
      </View>

      {scanned ? (
        <>
          <MemberPanel
            scanned={scanned}
            selected={selectedCodes}
            onToggle={(c) => setSelectedCodes((current) => (current.includes(c) ? current.filter((x) => x !== c) : [...current, c]))}
            onRedeem={(c) => setRedeemPreset(c)}
          />
          <PurchaseForm
            memberId={scanned.member.id}
            storeId={storeId}
            storeName={store?.name ?? '本店'}
            couponCodes={selectedCodes}
            onCouponCodes={setSelectedCodes}
            ladder={scanned.tier?.ladder ?? []}
            onRecorded={() => void refreshMember()}
            onAuthError={onAuthError}
          />
          <RedeemForm storeId={storeId} presetCode={redeemPreset} onRedeemed={() => void refreshMember()} onAuthError={onAuthError} />
          <PhoneForm
            member={scanned.member}
            storeId={storeId}
            onBound={(member) => setLookup((current) => (current.kind === 'ready' ? { kind: 'ready', scanned: { ...current.scanned, member } } : current))}
            onAuthError={onAuthError}
          />
        </>
      ) : null}

      <PickupForm storeId={storeId} onAuthError={onAuthError} />
    </View>
  );
}
