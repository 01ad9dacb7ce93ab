ALTER TABLE `checkpoint` ADD `eval_status` text;--> statement-breakpoint
ALTER TABLE `checkpoint` ADD `metrics` text;--> statement-breakpoint
ALTER TABLE `checkpoint` ADD `eval_error` text;--> statement-breakpoint
ALTER TABLE `dataset` ADD `eval_nets_status` text;--> statement-breakpoint
ALTER TABLE `dataset` ADD `eval_nets_error` text;--> statement-breakpoint
ALTER TABLE `training_run` ADD `eval_on_checkpoint` integer DEFAULT false NOT NULL;