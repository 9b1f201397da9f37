CREATE TABLE "member_purchase_summaries" (
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"order_count" integer DEFAULT 0 NOT NULL,
	"net_paid_fen" bigint DEFAULT 0 NOT NULL,
	"first_purchase_at" timestamp with time zone,
	"last_purchase_at" timestamp with time zone,
	CONSTRAINT "member_purchase_summaries_brand_id_member_id_pk" PRIMARY KEY("brand_id","member_id")
);
--> statement-breakpoint
DROP INDEX "member_scores_segment_idx";--> statement-breakpoint
DROP INDEX "member_scores_rfm_idx";--> statement-breakpoint
ALTER TABLE "member_purchase_summaries" ADD CONSTRAINT "member_purchase_summaries_brand_id_member_id_members_brand_id_id_fk" FOREIGN KEY ("brand_id","member_id") REFERENCES "public"."members"("brand_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_purchase_summaries_last_idx" ON "member_purchase_summaries" USING btree ("brand_id","last_purchase_at","member_id");--> statement-breakpoint
CREATE INDEX "orders_member_paid_idx" ON "orders" USING btree ("brand_id","member_id","occurred_at","paid_fen","refunded_fen") WHERE "orders"."status" <> 'refunded';--> statement-breakpoint
CREATE INDEX "member_scores_segment_idx" ON "member_scores" USING btree ("brand_id","value_segment","member_id");--> statement-breakpoint
CREATE INDEX "member_scores_rfm_idx" ON "member_scores" USING btree ("brand_id","r_score","f_score","m_score","member_id");