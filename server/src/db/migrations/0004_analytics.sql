CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"type" text NOT NULL,
	"target" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"data" jsonb,
	CONSTRAINT "events_type_check" CHECK ("events"."type" ~ '^[a-z][a-z_]{1,39}$')
);
--> statement-breakpoint
CREATE TABLE "analytics_settings" (
	"brand_id" text PRIMARY KEY NOT NULL,
	"rfm_window_days" integer DEFAULT 365 NOT NULL,
	"clv_horizon_days" integer DEFAULT 365 NOT NULL,
	"discount_rate_permille" integer DEFAULT 100 NOT NULL,
	"segment_rules" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clv_models" (
	"brand_id" text PRIMARY KEY NOT NULL,
	"fitted_at" timestamp with time zone NOT NULL,
	"bgnbd" jsonb NOT NULL,
	"gamma_gamma" jsonb,
	"customers" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_scores" (
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"recency_days" integer,
	"frequency" integer DEFAULT 0 NOT NULL,
	"monetary_fen" integer DEFAULT 0 NOT NULL,
	"r_score" integer,
	"f_score" integer,
	"m_score" integer,
	"value_segment" text NOT NULL,
	"loyalty_quadrant" text,
	"repeat_share" double precision,
	"p_alive" double precision,
	"expected_purchases" double precision,
	"expected_value_fen" integer,
	"churn_risk" double precision,
	"avg_interval_days" double precision,
	"next_purchase_at" timestamp with time zone,
	"category_cycles" jsonb,
	"high_potential" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "member_scores_brand_id_member_id_pk" PRIMARY KEY("brand_id","member_id"),
	CONSTRAINT "member_scores_rfm_check" CHECK (("member_scores"."r_score" is null or "member_scores"."r_score" between 1 and 5) and ("member_scores"."f_score" is null or "member_scores"."f_score" between 1 and 5) and ("member_scores"."m_score" is null or "member_scores"."m_score" between 1 and 5)),
	CONSTRAINT "member_scores_probability_check" CHECK (("member_scores"."p_alive" is null or "member_scores"."p_alive" between 0 and 1) and ("member_scores"."churn_risk" is null or "member_scores"."churn_risk" between 0 and 1))
);
--> statement-breakpoint
CREATE TABLE "recommendations" (
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"items" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "recommendations_brand_id_member_id_pk" PRIMARY KEY("brand_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"name" text NOT NULL,
	"filter" jsonb NOT NULL,
	"last_count" integer,
	"last_counted_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_settings" ADD CONSTRAINT "analytics_settings_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clv_models" ADD CONSTRAINT "clv_models_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_scores" ADD CONSTRAINT "member_scores_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_member_idx" ON "events" USING btree ("brand_id","member_id","occurred_at");--> statement-breakpoint
CREATE INDEX "events_type_idx" ON "events" USING btree ("brand_id","type","occurred_at");--> statement-breakpoint
CREATE INDEX "member_scores_segment_idx" ON "member_scores" USING btree ("brand_id","value_segment");--> statement-breakpoint
CREATE INDEX "member_scores_rfm_idx" ON "member_scores" USING btree ("brand_id","r_score","f_score","m_score");--> statement-breakpoint
CREATE INDEX "member_scores_next_purchase_idx" ON "member_scores" USING btree ("brand_id","next_purchase_at");--> statement-breakpoint
CREATE INDEX "segments_brand_idx" ON "segments" USING btree ("brand_id");