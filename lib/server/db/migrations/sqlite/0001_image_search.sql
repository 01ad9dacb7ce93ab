-- Full-text search over image prompts (FTS5, external content = the image table, kept in step by triggers).
CREATE VIRTUAL TABLE `image_fts` USING fts5(prompt, content='image', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `image_fts`(rowid, prompt) SELECT rowid, prompt FROM `image`;
--> statement-breakpoint
CREATE TRIGGER `image_fts_ai` AFTER INSERT ON `image` BEGIN
  INSERT INTO `image_fts`(rowid, prompt) VALUES (new.rowid, new.prompt);
END;
--> statement-breakpoint
CREATE TRIGGER `image_fts_ad` AFTER DELETE ON `image` BEGIN
  INSERT INTO `image_fts`(`image_fts`, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
END;
--> statement-breakpoint
CREATE TRIGGER `image_fts_au` AFTER UPDATE OF prompt ON `image` BEGIN
  INSERT INTO `image_fts`(`image_fts`, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
  INSERT INTO `image_fts`(rowid, prompt) VALUES (new.rowid, new.prompt);
END;
