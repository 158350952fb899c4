-- Users are stored under anonymised identifiers only: importers replace emails, phone numbers and
-- names with a keyed HMAC before anything reaches this table.
CREATE TABLE IF NOT EXISTS users (
  id                   text PRIMARY KEY,
  age_group            text CHECK (age_group IN ('18-24', '25-34', '35-44', '45-54', '55-64', '65+')),
  gender               text,
  city                 text,
  lat                  double precision,
  lon                  double precision,
  favourite_categories text[] NOT NULL DEFAULT '{}',
  favourite_brands     text[] NOT NULL DEFAULT '{}',
  created_at           timestamptz NOT NULL DEFAULT now()
);
