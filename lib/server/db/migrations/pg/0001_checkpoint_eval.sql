ALTER TABLE "checkpoint" ADD COLUMN "eval_status" text;--> statement-breakpoint
ALTER TABLE "checkpoint" ADD COLUMN "metrics" jsonb;--> statement-breakpoint
ALTER TABLE "checkpoint" ADD COLUMN "eval_error" text;--> statement-breakpoint
ALTER TABLE "dataset" ADD COLUMN "eval_nets_status" text;--> statement-breakpoint
ALTER TABLE "dataset" ADD COLUMN "eval_nets_error" text;--> statement-breakpoint
ALTER TABLE "training_run" ADD COLUMN "eval_on_checkpoint" boolean DEFAULT false NOT NULL;