-- A delivery's reminder or webhook trouble changes no figure: only changes of what the statistics count mark
-- the month (the reminders job updates deliveries every minute, and each mark recomputes a whole month).
CREATE FUNCTION stats_mark_track_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "StatsDirtyMonth" (month)
  SELECT DISTINCT stats_month(r."incidentAt")
    FROM changed c JOIN before b ON b.id = c.id JOIN "Referral" r ON r.id = c."referralId"
   WHERE (c.status, c.gender, c."partnerId", c."routingReason", c."overrideReason", c."acknowledgedAt",
          c."firstContactAt", c.outcome, c."referralId", c.track)
         IS DISTINCT FROM
         (b.status, b.gender, b."partnerId", b."routingReason", b."overrideReason", b."acknowledgedAt",
          b."firstContactAt", b.outcome, b."referralId", b.track);
  RETURN NULL;
END $$;

DROP TRIGGER stats_track_update ON "ReferralTrack";
CREATE TRIGGER stats_track_update AFTER UPDATE ON "ReferralTrack" REFERENCING OLD TABLE AS before NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_track_change();
