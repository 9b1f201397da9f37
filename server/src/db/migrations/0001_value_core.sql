CREATE SEQUENCE "public"."member_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 10000001 CACHE 1;--> statement-breakpoint
CREATE TABLE "checkins" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"business_date" date NOT NULL,
	"points" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "checkins_member_day_unique" UNIQUE("brand_id","member_id","business_date")
);
--> statement-breakpoint
CREATE TABLE "point_accounts" (
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"balance" integer DEFAULT 0 NOT NULL,
	"debt" integer DEFAULT 0 NOT NULL,
	"lifetime_earned" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "point_accounts_brand_id_member_id_pk" PRIMARY KEY("brand_id","member_id"),
	CONSTRAINT "point_accounts_balance_check" CHECK ("point_accounts"."balance" >= 0),
	CONSTRAINT "point_accounts_debt_check" CHECK ("point_accounts"."debt" >= 0)
);
--> statement-breakpoint
CREATE TABLE "point_allocations" (
	"brand_id" text NOT NULL,
	"entry_id" text NOT NULL,
	"lot_id" text NOT NULL,
	"amount" integer NOT NULL,
	CONSTRAINT "point_allocations_entry_id_lot_id_pk" PRIMARY KEY("entry_id","lot_id"),
	CONSTRAINT "point_allocations_amount_check" CHECK ("point_allocations"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "point_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"type" text NOT NULL,
	"amount" integer NOT NULL,
	"balance_after" integer NOT NULL,
	"reason" text NOT NULL,
	"source_type" text NOT NULL,
	"source_id" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "point_entries_source_unique" UNIQUE("brand_id","source_type","source_id","type"),
	CONSTRAINT "point_entries_amount_check" CHECK ("point_entries"."amount" <> 0),
	CONSTRAINT "point_entries_sign_check" CHECK (("point_entries"."type" = 'earn' and "point_entries"."amount" > 0) or ("point_entries"."type" in ('redeem', 'expire') and "point_entries"."amount" < 0) or "point_entries"."type" in ('adjust', 'reverse')),
	CONSTRAINT "point_entries_balance_check" CHECK ("point_entries"."balance_after" >= 0)
);
--> statement-breakpoint
CREATE TABLE "point_lots" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"entry_id" text NOT NULL,
	"amount" integer NOT NULL,
	"remaining" integer NOT NULL,
	"earned_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	CONSTRAINT "point_lots_amounts_check" CHECK ("point_lots"."amount" > 0 and "point_lots"."remaining" >= 0 and "point_lots"."remaining" <= "point_lots"."amount")
);
--> statement-breakpoint
CREATE TABLE "point_multipliers" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"target" text,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"multiplier_permille" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "point_multipliers_kind_check" CHECK ("point_multipliers"."kind" in ('period', 'category', 'sku')),
	CONSTRAINT "point_multipliers_value_check" CHECK ("point_multipliers"."multiplier_permille" between 1 and 100000),
	CONSTRAINT "point_multipliers_target_check" CHECK (("point_multipliers"."kind" = 'period') = ("point_multipliers"."target" is null)),
	CONSTRAINT "point_multipliers_period_check" CHECK ("point_multipliers"."kind" <> 'period' or ("point_multipliers"."starts_at" is not null and "point_multipliers"."ends_at" is not null and "point_multipliers"."starts_at" < "point_multipliers"."ends_at"))
);
--> statement-breakpoint
CREATE TABLE "point_rules" (
	"brand_id" text PRIMARY KEY NOT NULL,
	"earn_points" integer DEFAULT 10 NOT NULL,
	"earn_per_fen" integer DEFAULT 10000 NOT NULL,
	"expiry_mode" text DEFAULT 'rolling_days' NOT NULL,
	"expiry_days" integer DEFAULT 365 NOT NULL,
	"lock_days" integer DEFAULT 0 NOT NULL,
	"checkin_points" integer DEFAULT 5 NOT NULL,
	"referral_inviter_points" integer DEFAULT 100 NOT NULL,
	"referral_invitee_points" integer DEFAULT 50 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "point_rules_ratio_check" CHECK ("point_rules"."earn_points" >= 0 and "point_rules"."earn_per_fen" > 0),
	CONSTRAINT "point_rules_days_check" CHECK ("point_rules"."expiry_days" > 0 and "point_rules"."lock_days" >= 0),
	CONSTRAINT "point_rules_bonus_check" CHECK ("point_rules"."checkin_points" >= 0 and "point_rules"."referral_inviter_points" >= 0 and "point_rules"."referral_invitee_points" >= 0)
);
--> statement-breakpoint
CREATE TABLE "order_items" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"order_id" text NOT NULL,
	"sku" text NOT NULL,
	"name" text,
	"category" text,
	"quantity" integer NOT NULL,
	"unit_price_fen" integer NOT NULL,
	"amount_fen" integer NOT NULL,
	"refunded_quantity" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "order_items_check" CHECK ("order_items"."quantity" > 0 and "order_items"."unit_price_fen" >= 0 and "order_items"."amount_fen" >= 0 and "order_items"."refunded_quantity" between 0 and "order_items"."quantity")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"store_id" text,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"gross_fen" integer NOT NULL,
	"discount_fen" integer DEFAULT 0 NOT NULL,
	"paid_fen" integer NOT NULL,
	"refunded_fen" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'completed' NOT NULL,
	"points_earned" integer DEFAULT 0 NOT NULL,
	"recorded_by_staff_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_brand_id_unique" UNIQUE("brand_id","id"),
	CONSTRAINT "orders_external_unique" UNIQUE("brand_id","channel","external_id"),
	CONSTRAINT "orders_amounts_check" CHECK ("orders"."gross_fen" >= 0 and "orders"."discount_fen" >= 0 and "orders"."discount_fen" <= "orders"."gross_fen" and "orders"."paid_fen" = "orders"."gross_fen" - "orders"."discount_fen"),
	CONSTRAINT "orders_refunded_check" CHECK ("orders"."refunded_fen" >= 0 and "orders"."refunded_fen" <= "orders"."paid_fen"),
	CONSTRAINT "orders_points_check" CHECK ("orders"."points_earned" >= 0)
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"order_id" text NOT NULL,
	"external_id" text NOT NULL,
	"amount_fen" integer NOT NULL,
	"points_reversed" integer DEFAULT 0 NOT NULL,
	"reason" text,
	"recorded_by_staff_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_external_unique" UNIQUE("brand_id","order_id","external_id"),
	CONSTRAINT "refunds_amount_check" CHECK ("refunds"."amount_fen" > 0 and "refunds"."points_reversed" >= 0)
);
--> statement-breakpoint
CREATE TABLE "member_tiers" (
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"level" integer DEFAULT 0 NOT NULL,
	"manual_level" integer,
	"manual_until" timestamp with time zone,
	"grace_until" timestamp with time zone,
	"growth_value" integer DEFAULT 0 NOT NULL,
	"level_since" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_tiers_brand_id_member_id_pk" PRIMARY KEY("brand_id","member_id"),
	CONSTRAINT "member_tiers_manual_check" CHECK (("member_tiers"."manual_level" is null) = ("member_tiers"."manual_until" is null)),
	CONSTRAINT "member_tiers_level_check" CHECK ("member_tiers"."level" >= 0 and ("member_tiers"."manual_level" is null or "member_tiers"."manual_level" >= 0))
);
--> statement-breakpoint
CREATE TABLE "tier_history" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"from_level" integer NOT NULL,
	"to_level" integer NOT NULL,
	"reason" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tier_settings" (
	"brand_id" text PRIMARY KEY NOT NULL,
	"growth_basis" text DEFAULT 'spend' NOT NULL,
	"window_days" integer DEFAULT 365 NOT NULL,
	"downgrade_policy" text DEFAULT 'one_level' NOT NULL,
	"grace_days" integer DEFAULT 30 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tier_settings_days_check" CHECK ("tier_settings"."window_days" > 0 and "tier_settings"."grace_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "tiers" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"level" integer NOT NULL,
	"name" text NOT NULL,
	"threshold" integer NOT NULL,
	"points_multiplier_permille" integer DEFAULT 1000 NOT NULL,
	"discount_percent" integer DEFAULT 0 NOT NULL,
	"birthday_coupon_template_id" text,
	"free_shipping" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tiers_brand_level_unique" UNIQUE("brand_id","level"),
	CONSTRAINT "tiers_values_check" CHECK ("tiers"."level" >= 0 and "tiers"."threshold" >= 0 and "tiers"."points_multiplier_permille" between 1 and 100000 and "tiers"."discount_percent" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "coupon_member_counts" (
	"brand_id" text NOT NULL,
	"template_id" text NOT NULL,
	"member_id" text NOT NULL,
	"issued" integer NOT NULL,
	CONSTRAINT "coupon_member_counts_template_id_member_id_pk" PRIMARY KEY("template_id","member_id"),
	CONSTRAINT "coupon_member_counts_check" CHECK ("coupon_member_counts"."issued" >= 0)
);
--> statement-breakpoint
CREATE TABLE "coupon_templates" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"kind" text NOT NULL,
	"value_fen" integer,
	"threshold_fen" integer DEFAULT 0 NOT NULL,
	"percent_off" integer,
	"cap_fen" integer,
	"gift_sku" text,
	"gift_name" text,
	"validity_mode" text NOT NULL,
	"valid_from" timestamp with time zone,
	"valid_until" timestamp with time zone,
	"valid_days" integer,
	"total_quantity" integer,
	"issued_count" integer DEFAULT 0 NOT NULL,
	"per_member_limit" integer DEFAULT 1 NOT NULL,
	"budget_fen" integer,
	"spent_fen" integer DEFAULT 0 NOT NULL,
	"redeemed_count" integer DEFAULT 0 NOT NULL,
	"store_ids" text[],
	"stackable" boolean DEFAULT false NOT NULL,
	"claimable" boolean DEFAULT false NOT NULL,
	"points_price" integer,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupon_templates_brand_id_unique" UNIQUE("brand_id","id"),
	CONSTRAINT "coupon_templates_quantity_check" CHECK ("coupon_templates"."issued_count" >= 0 and ("coupon_templates"."total_quantity" is null or "coupon_templates"."issued_count" <= "coupon_templates"."total_quantity")),
	CONSTRAINT "coupon_templates_budget_check" CHECK ("coupon_templates"."spent_fen" >= 0 and ("coupon_templates"."budget_fen" is null or "coupon_templates"."spent_fen" <= "coupon_templates"."budget_fen")),
	CONSTRAINT "coupon_templates_limit_check" CHECK ("coupon_templates"."per_member_limit" >= 1 and "coupon_templates"."redeemed_count" >= 0),
	CONSTRAINT "coupon_templates_kind_check" CHECK (("coupon_templates"."kind" = 'cash_off' and "coupon_templates"."value_fen" > 0) or ("coupon_templates"."kind" = 'percent_off' and "coupon_templates"."percent_off" between 1 and 99) or ("coupon_templates"."kind" = 'gift' and "coupon_templates"."gift_sku" is not null)),
	CONSTRAINT "coupon_templates_validity_check" CHECK (("coupon_templates"."validity_mode" = 'fixed' and "coupon_templates"."valid_from" is not null and "coupon_templates"."valid_until" is not null and "coupon_templates"."valid_from" < "coupon_templates"."valid_until") or ("coupon_templates"."validity_mode" = 'relative' and "coupon_templates"."valid_days" > 0)),
	CONSTRAINT "coupon_templates_points_price_check" CHECK ("coupon_templates"."points_price" is null or "coupon_templates"."points_price" > 0)
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"template_id" text NOT NULL,
	"member_id" text NOT NULL,
	"code" text NOT NULL,
	"status" text DEFAULT 'available' NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"issued_via" text NOT NULL,
	"issued_ref" text,
	"redeemed_at" timestamp with time zone,
	"redeemed_order_id" text,
	"redeemed_store_id" text,
	"redeemed_by_staff_id" text,
	"discount_fen" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupons_code_unique" UNIQUE("code"),
	CONSTRAINT "coupons_redeemed_check" CHECK (("coupons"."status" = 'redeemed') = ("coupons"."redeemed_at" is not null)),
	CONSTRAINT "coupons_validity_check" CHECK ("coupons"."valid_from" < "coupons"."valid_until")
);
--> statement-breakpoint
CREATE TABLE "mall_exchanges" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"item_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"points_spent" integer NOT NULL,
	"cash_fen" integer DEFAULT 0 NOT NULL,
	"fulfilment" text NOT NULL,
	"status" text NOT NULL,
	"pickup_code" text,
	"pickup_store_id" text,
	"picked_up_at" timestamp with time zone,
	"picked_up_by_staff_id" text,
	"shipping_address" jsonb,
	"tracking_no" text,
	"coupon_id" text,
	"points_entry_id" text,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mall_exchanges_pickup_unique" UNIQUE("brand_id","pickup_code"),
	CONSTRAINT "mall_exchanges_amounts_check" CHECK ("mall_exchanges"."quantity" > 0 and "mall_exchanges"."points_spent" > 0 and "mall_exchanges"."cash_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "mall_items" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"image_url" text,
	"points_price" integer NOT NULL,
	"cash_price_fen" integer DEFAULT 0 NOT NULL,
	"stock" integer NOT NULL,
	"per_member_limit" integer,
	"available_from" timestamp with time zone,
	"available_until" timestamp with time zone,
	"min_tier_level" integer DEFAULT 0 NOT NULL,
	"fulfilment" text NOT NULL,
	"coupon_template_id" text,
	"status" text DEFAULT 'active' NOT NULL,
	"exchanged_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mall_items_brand_id_unique" UNIQUE("brand_id","id"),
	CONSTRAINT "mall_items_stock_check" CHECK ("mall_items"."stock" >= 0),
	CONSTRAINT "mall_items_price_check" CHECK ("mall_items"."points_price" > 0 and "mall_items"."cash_price_fen" >= 0),
	CONSTRAINT "mall_items_limit_check" CHECK ("mall_items"."per_member_limit" is null or "mall_items"."per_member_limit" >= 1),
	CONSTRAINT "mall_items_coupon_check" CHECK (("mall_items"."fulfilment" = 'coupon') = ("mall_items"."coupon_template_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "mall_member_counts" (
	"brand_id" text NOT NULL,
	"item_id" text NOT NULL,
	"member_id" text NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "mall_member_counts_item_id_member_id_pk" PRIMARY KEY("item_id","member_id"),
	CONSTRAINT "mall_member_counts_check" CHECK ("mall_member_counts"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"brand_id" text NOT NULL,
	"caller" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer NOT NULL,
	"response_body" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_brand_id_caller_key_pk" PRIMARY KEY("brand_id","caller","key")
);
--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "member_no" bigint DEFAULT nextval('member_no_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "card_secret" text DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "referred_by_member_id" text;--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_accounts" ADD CONSTRAINT "point_accounts_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_allocations" ADD CONSTRAINT "point_allocations_entry_id_point_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."point_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_allocations" ADD CONSTRAINT "point_allocations_lot_id_point_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."point_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_entries" ADD CONSTRAINT "point_entries_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_lots" ADD CONSTRAINT "point_lots_entry_id_point_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."point_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_lots" ADD CONSTRAINT "point_lots_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_multipliers" ADD CONSTRAINT "point_multipliers_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_rules" ADD CONSTRAINT "point_rules_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_brand_id_order_id_orders_brand_id_id_fk" FOREIGN KEY ("brand_id","order_id") REFERENCES "public"."orders"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_brand_id_store_id_stores_brand_id_id_fk" FOREIGN KEY ("brand_id","store_id") REFERENCES "public"."stores"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_brand_id_order_id_orders_brand_id_id_fk" FOREIGN KEY ("brand_id","order_id") REFERENCES "public"."orders"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_tiers" ADD CONSTRAINT "member_tiers_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_history" ADD CONSTRAINT "tier_history_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_settings" ADD CONSTRAINT "tier_settings_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tiers" ADD CONSTRAINT "tiers_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_member_counts" ADD CONSTRAINT "coupon_member_counts_brand_id_template_id_coupon_templates_brand_id_id_fk" FOREIGN KEY ("brand_id","template_id") REFERENCES "public"."coupon_templates"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_member_counts" ADD CONSTRAINT "coupon_member_counts_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_templates" ADD CONSTRAINT "coupon_templates_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_brand_id_template_id_coupon_templates_brand_id_id_fk" FOREIGN KEY ("brand_id","template_id") REFERENCES "public"."coupon_templates"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mall_exchanges" ADD CONSTRAINT "mall_exchanges_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mall_exchanges" ADD CONSTRAINT "mall_exchanges_brand_id_item_id_mall_items_brand_id_id_fk" FOREIGN KEY ("brand_id","item_id") REFERENCES "public"."mall_items"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mall_items" ADD CONSTRAINT "mall_items_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mall_member_counts" ADD CONSTRAINT "mall_member_counts_brand_id_item_id_mall_items_brand_id_id_fk" FOREIGN KEY ("brand_id","item_id") REFERENCES "public"."mall_items"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "point_allocations_lot_idx" ON "point_allocations" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "point_entries_member_idx" ON "point_entries" USING btree ("brand_id","member_id","created_at");--> statement-breakpoint
CREATE INDEX "point_lots_member_open_idx" ON "point_lots" USING btree ("brand_id","member_id","expires_at") WHERE "point_lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "point_lots_expiry_idx" ON "point_lots" USING btree ("expires_at") WHERE "point_lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "point_multipliers_brand_idx" ON "point_multipliers" USING btree ("brand_id","kind");--> statement-breakpoint
CREATE INDEX "order_items_order_idx" ON "order_items" USING btree ("brand_id","order_id");--> statement-breakpoint
CREATE INDEX "order_items_sku_idx" ON "order_items" USING btree ("brand_id","sku");--> statement-breakpoint
CREATE INDEX "orders_member_idx" ON "orders" USING btree ("brand_id","member_id","occurred_at");--> statement-breakpoint
CREATE INDEX "orders_brand_time_idx" ON "orders" USING btree ("brand_id","occurred_at");--> statement-breakpoint
CREATE INDEX "refunds_order_idx" ON "refunds" USING btree ("brand_id","order_id");--> statement-breakpoint
CREATE INDEX "tier_history_member_idx" ON "tier_history" USING btree ("brand_id","member_id","at");--> statement-breakpoint
CREATE INDEX "coupon_templates_brand_idx" ON "coupon_templates" USING btree ("brand_id","status");--> statement-breakpoint
CREATE INDEX "coupons_member_idx" ON "coupons" USING btree ("brand_id","member_id","status");--> statement-breakpoint
CREATE INDEX "coupons_template_idx" ON "coupons" USING btree ("brand_id","template_id");--> statement-breakpoint
CREATE INDEX "coupons_order_idx" ON "coupons" USING btree ("brand_id","redeemed_order_id");--> statement-breakpoint
CREATE INDEX "mall_exchanges_member_idx" ON "mall_exchanges" USING btree ("brand_id","member_id","created_at");--> statement-breakpoint
CREATE INDEX "mall_items_brand_idx" ON "mall_items" USING btree ("brand_id","status");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_member_no_unique" UNIQUE("member_no");