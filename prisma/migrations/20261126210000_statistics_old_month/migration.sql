-- A correction can move a referral's callout into another month: both months' statistics change, so the
-- update trigger marks the month before the change as well as the one after.
CREATE FUNCTION stats_mark_referral_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "StatsDirtyMonth" (month)
  SELECT DISTINCT m FROM (SELECT stats_month(c."incidentAt") AS m FROM changed c
                          UNION SELECT stats_month(o."incidentAt") FROM before o) months;
  RETURN NULL;
END $$;

DROP TRIGGER stats_referral_update ON "Referral";
CREATE TRIGGER stats_referral_update AFTER UPDATE ON "Referral" REFERENCING OLD TABLE AS before NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_referral_change();
