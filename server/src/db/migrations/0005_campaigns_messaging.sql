CREATE TABLE "inbox_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"outbox_id" text,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_messages_outbox_unique" UNIQUE("outbox_id")
);
--> statement-breakpoint
CREATE TABLE "message_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"source" text NOT NULL,
	"source_ref" text,
	"marketing" boolean DEFAULT true NOT NULL,
	"content" jsonb NOT NULL,
	"variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"channels" text[],
	"status" text DEFAULT 'pending' NOT NULL,
	"channel" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"receipt" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_outbox_status_check" CHECK ("message_outbox"."status" in ('pending', 'sent', 'suppressed', 'dead')),
	CONSTRAINT "message_outbox_channel_check" CHECK ("message_outbox"."channel" is null or "message_outbox"."channel" in ('wechat', 'sms', 'inbox'))
);
--> statement-breakpoint
CREATE TABLE "message_subscriptions" (
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"template_id" text NOT NULL,
	"remaining" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_subscriptions_brand_id_member_id_template_id_pk" PRIMARY KEY("brand_id","member_id","template_id"),
	CONSTRAINT "message_subscriptions_remaining_check" CHECK ("message_subscriptions"."remaining" >= 0)
);
--> statement-breakpoint
CREATE TABLE "messaging_settings" (
	"brand_id" text PRIMARY KEY NOT NULL,
	"quiet_start" text DEFAULT '21:00' NOT NULL,
	"quiet_end" text DEFAULT '09:00' NOT NULL,
	"channel_order" text[] DEFAULT '{wechat,sms,inbox}'::text[] NOT NULL,
	"sms_provider" text DEFAULT 'dev' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sms_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"outbox_id" text,
	"provider" text NOT NULL,
	"phone" text NOT NULL,
	"text" text NOT NULL,
	"provider_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sms_messages_outbox_unique" UNIQUE("outbox_id")
);
--> statement-breakpoint
CREATE TABLE "campaign_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"run_id" text NOT NULL,
	"member_id" text NOT NULL,
	"variant" text NOT NULL,
	"status" text NOT NULL,
	"skip_reason" text,
	"trigger_ref" text,
	"coupon_id" text,
	"points" integer,
	"outbox_id" text,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "campaign_deliveries_run_member_unique" UNIQUE("campaign_id","run_id","member_id"),
	CONSTRAINT "campaign_deliveries_status_check" CHECK ("campaign_deliveries"."status" in ('queued', 'held_out', 'skipped'))
);
--> statement-breakpoint
CREATE TABLE "campaign_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"run_key" text NOT NULL,
	"status" text DEFAULT 'deciding' NOT NULL,
	"cursor" text,
	"audience_count" integer,
	"decided_count" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"heartbeat_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"summary" jsonb,
	"error" text,
	CONSTRAINT "campaign_runs_key_unique" UNIQUE("campaign_id","run_key"),
	CONSTRAINT "campaign_runs_status_check" CHECK ("campaign_runs"."status" in ('deciding', 'done', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "campaign_settings" (
	"brand_id" text PRIMARY KEY NOT NULL,
	"frequency_cap_count" integer DEFAULT 3 NOT NULL,
	"frequency_cap_days" integer DEFAULT 7 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"send_at" timestamp with time zone,
	"cron" text,
	"trigger" jsonb,
	"segment_id" text,
	"variants" jsonb NOT NULL,
	"holdout_percent" integer DEFAULT 0 NOT NULL,
	"attribution_days" integer DEFAULT 7 NOT NULL,
	"channels" text[],
	"marketing" boolean DEFAULT true NOT NULL,
	"budget_fen" bigint,
	"spent_fen" bigint DEFAULT 0 NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_brand_id_unique" UNIQUE("brand_id","id"),
	CONSTRAINT "campaigns_kind_check" CHECK ("campaigns"."kind" in ('one_off', 'scheduled', 'triggered')),
	CONSTRAINT "campaigns_status_check" CHECK ("campaigns"."status" in ('draft', 'active', 'paused', 'ended')),
	CONSTRAINT "campaigns_holdout_check" CHECK ("campaigns"."holdout_percent" between 0 and 90),
	CONSTRAINT "campaigns_budget_check" CHECK ("campaigns"."budget_fen" is null or "campaigns"."budget_fen" >= 0)
);
--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD CONSTRAINT "inbox_messages_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_outbox" ADD CONSTRAINT "message_outbox_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_subscriptions" ADD CONSTRAINT "message_subscriptions_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messaging_settings" ADD CONSTRAINT "messaging_settings_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_settings" ADD CONSTRAINT "campaign_settings_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbox_messages_member_idx" ON "inbox_messages" USING btree ("brand_id","member_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "message_outbox_source_unique" ON "message_outbox" USING btree ("brand_id","source","source_ref") WHERE "message_outbox"."source_ref" is not null;--> statement-breakpoint
CREATE INDEX "message_outbox_due_idx" ON "message_outbox" USING btree ("next_attempt_at") WHERE "message_outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "message_outbox_member_idx" ON "message_outbox" USING btree ("brand_id","member_id","created_at");--> statement-breakpoint
CREATE INDEX "sms_messages_member_idx" ON "sms_messages" USING btree ("brand_id","member_id","created_at");--> statement-breakpoint
CREATE INDEX "campaign_deliveries_member_idx" ON "campaign_deliveries" USING btree ("brand_id","member_id","decided_at");--> statement-breakpoint
CREATE INDEX "campaign_deliveries_campaign_idx" ON "campaign_deliveries" USING btree ("brand_id","campaign_id","variant");--> statement-breakpoint
CREATE INDEX "campaign_runs_brand_idx" ON "campaign_runs" USING btree ("brand_id","campaign_id","started_at");--> statement-breakpoint
CREATE INDEX "campaigns_brand_status_idx" ON "campaigns" USING btree ("brand_id","status");