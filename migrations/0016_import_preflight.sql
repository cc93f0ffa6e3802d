-- 0016: the import's pre-flight (issue 11): how many of its events no platform can match, and how
-- many one platform cannot take, with the pre-hashed identifiers' platform. JSON (Preflight in
-- src/shared/domain/imports.ts); the events themselves are listed as warnings in import_errors.
ALTER TABLE imports ADD COLUMN preflight TEXT CHECK (preflight IS NULL OR json_valid(preflight));
