-- Routing rules never overlap (issue 9): for one key (track, gender, municipality) at most one rule is valid at
-- any instant. Enforced by the database, so that no race between two admins can create an overlap. A rule is
-- valid on [validFrom, validTo); an open end (validTo NULL) is valid for ever. Prisma's schema cannot express
-- exclusion constraints (its model's comment names this one); tests/integration/routing exercises it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE "RoutingRule"
  ADD CONSTRAINT "RoutingRule_no_overlap"
  EXCLUDE USING gist (
    "track" WITH =,
    "gender" WITH =,
    "municipalityId" WITH =,
    tstzrange("validFrom", "validTo", '[)') WITH &&
  );
