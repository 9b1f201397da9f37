CREATE TABLE "brands" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"time_zone" text DEFAULT 'Asia/Shanghai' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "brands_code_unique" UNIQUE("code"),
	CONSTRAINT "brands_status_check" CHECK ("brands"."status" in ('active', 'disabled'))
);
--> statement-breakpoint
CREATE TABLE "join_scenes" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"scene" text NOT NULL,
	"type" text NOT NULL,
	"target_key" text NOT NULL,
	"store_id" text,
	"staff_id" text,
	"campaign_id" text,
	"page" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "join_scenes_scene_unique" UNIQUE("scene"),
	CONSTRAINT "join_scenes_target_unique" UNIQUE("brand_id","target_key"),
	CONSTRAINT "join_scenes_type_check" CHECK ("join_scenes"."type" in ('store', 'clerk', 'campaign')),
	CONSTRAINT "join_scenes_scene_length" CHECK (char_length("join_scenes"."scene") <= 32)
);
--> statement-breakpoint
CREATE TABLE "staff" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_brand_username_unique" UNIQUE("brand_id","username"),
	CONSTRAINT "staff_brand_id_unique" UNIQUE("brand_id","id"),
	CONSTRAINT "staff_role_check" CHECK ("staff"."role" in ('clerk', 'operator', 'admin')),
	CONSTRAINT "staff_status_check" CHECK ("staff"."status" in ('active', 'disabled'))
);
--> statement-breakpoint
CREATE TABLE "staff_stores" (
	"brand_id" text NOT NULL,
	"staff_id" text NOT NULL,
	"store_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_stores_staff_id_store_id_pk" PRIMARY KEY("staff_id","store_id")
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"address" text,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stores_brand_code_unique" UNIQUE("brand_id","code"),
	CONSTRAINT "stores_brand_id_unique" UNIQUE("brand_id","id"),
	CONSTRAINT "stores_status_check" CHECK ("stores"."status" in ('active', 'disabled'))
);
--> statement-breakpoint
CREATE TABLE "consent_events" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"granted" boolean NOT NULL,
	"source" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_identities" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"app_id" text NOT NULL,
	"openid" text NOT NULL,
	"unionid" text,
	"session_key" text,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_identities_openid_unique" UNIQUE("brand_id","app_id","openid")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"nickname" text,
	"birthday" date,
	"phone" text,
	"phone_country_code" text,
	"phone_bound_at" timestamp with time zone,
	"phone_bound_via" text,
	"marketing_consent" boolean DEFAULT false NOT NULL,
	"consent_changed_at" timestamp with time zone,
	"join_scene_type" text,
	"join_store_id" text,
	"join_staff_id" text,
	"join_campaign_id" text,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_brand_id_unique" UNIQUE("brand_id","id"),
	CONSTRAINT "members_status_check" CHECK ("members"."status" in ('active', 'disabled')),
	CONSTRAINT "members_phone_bound_check" CHECK (("members"."phone" is null) = ("members"."phone_bound_at" is null))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "join_scenes" ADD CONSTRAINT "join_scenes_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "join_scenes" ADD CONSTRAINT "join_scenes_brand_id_store_id_stores_brand_id_id_fk" FOREIGN KEY ("brand_id","store_id") REFERENCES "public"."stores"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "join_scenes" ADD CONSTRAINT "join_scenes_brand_id_staff_id_staff_brand_id_id_fk" FOREIGN KEY ("brand_id","staff_id") REFERENCES "public"."staff"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_stores" ADD CONSTRAINT "staff_stores_brand_id_staff_id_staff_brand_id_id_fk" FOREIGN KEY ("brand_id","staff_id") REFERENCES "public"."staff"("brand_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_stores" ADD CONSTRAINT "staff_stores_brand_id_store_id_stores_brand_id_id_fk" FOREIGN KEY ("brand_id","store_id") REFERENCES "public"."stores"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_identities" ADD CONSTRAINT "member_identities_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "staff_stores_store_idx" ON "staff_stores" USING btree ("brand_id","store_id");--> statement-breakpoint
CREATE INDEX "consent_events_member_idx" ON "consent_events" USING btree ("brand_id","member_id","at");--> statement-breakpoint
CREATE INDEX "member_identities_unionid_idx" ON "member_identities" USING btree ("brand_id","unionid");--> statement-breakpoint
CREATE INDEX "member_identities_member_idx" ON "member_identities" USING btree ("brand_id","member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "members_brand_phone_unique" ON "members" USING btree ("brand_id","phone") WHERE "members"."phone" is not null;--> statement-breakpoint
CREATE INDEX "members_brand_joined_idx" ON "members" USING btree ("brand_id","joined_at");--> statement-breakpoint
CREATE INDEX "audit_log_brand_at_idx" ON "audit_log" USING btree ("brand_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("brand_id","target_type","target_id");