/** Subscribe-message templates: the defaults and a registry that knows each key's field type. */
import { FieldKind, fieldKindOf } from './subscribe-fields';
import type { SubscribeTemplate } from './types';

export const COUPON_ARRIVAL_TEMPLATE_ID = 'dev-tpl-coupon-arrival';
export const POINTS_EXPIRY_TEMPLATE_ID = 'dev-tpl-points-expiry';

export const DEFAULT_TEMPLATES: readonly SubscribeTemplate[] = [
  // 优惠券到账提醒: coupon name, face value, valid until
  { id: COUPON_ARRIVAL_TEMPLATE_ID, title: '优惠券到账提醒', keys: ['thing1', 'amount2', 'date3'] },
  // 积分过期提醒: expiring points, expiry date, note
  { id: POINTS_EXPIRY_TEMPLATE_ID, title: '积分过期提醒', keys: ['number1', 'date2', 'thing3'] },
];

export interface TemplateFields {
  id: string;
  fields: ReadonlyArray<{ key: string; kind: FieldKind }>;
}

export class TemplateRegistry {
  private readonly templates = new Map<string, TemplateFields>();

  constructor(templates: readonly SubscribeTemplate[]) {
    for (const template of templates) {
      if (this.templates.has(template.id)) throw new Error(`fake-wechat: duplicate template id ${template.id}`);
      if (template.keys.length === 0) throw new Error(`fake-wechat: template ${template.id} has no keys`);
      const fields = template.keys.map((key) => {
        const kind = fieldKindOf(key);
        if (!kind) throw new Error(`fake-wechat: template ${template.id} key "${key}" has no known field type`);
        return { key, kind };
      });
      this.templates.set(template.id, { id: template.id, fields });
    }
  }

  get(id: string): TemplateFields | undefined {
    return this.templates.get(id);
  }
}
