-- Product text search over title + description, for English and Arabic alike. The 'simple'
-- configuration only splits and lowercases (no stemming, no stop words), so it treats both
-- languages the same; catalog_search_text first folds the Arabic spellings that shoppers type
-- interchangeably: tashkeel and tatweel are dropped, and alef forms, alef maksura and taa marbuta
-- are unified. The catalog subgraph queries through the same two functions, so a query is folded
-- exactly as the indexed text was. Not CONCURRENTLY: a migration runs inside one transaction.
CREATE OR REPLACE FUNCTION catalog_search_text(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT translate(regexp_replace(coalesce(t, ''), '[\u064B-\u065F\u0670\u0640]', '', 'g'), 'أإآٱىة', 'اااايه') $$;

-- Title words weigh more than description words when ranking (A > B).
CREATE OR REPLACE FUNCTION catalog_search_doc(title text, description text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT setweight(to_tsvector('simple', public.catalog_search_text(title)), 'A')
            || setweight(to_tsvector('simple', public.catalog_search_text(description)), 'B') $$;

-- Qualified with public.: PostgreSQL 17 (PGlite) builds indexes with a search_path of pg_catalog only.
CREATE INDEX IF NOT EXISTS products_search ON products USING gin (public.catalog_search_doc(title, description));

-- A shopper's words as a tsquery: each word folded like the indexed text, matched as a prefix
-- (search as you type: 'choc' finds 'chocolate'), all words required. An Arabic word also matches
-- with the definite article in front ('حليب' finds 'الحليب'). Lexemes are quoted, so nothing the
-- shopper types is read as tsquery syntax. NULL when the text holds no word at all.
CREATE OR REPLACE FUNCTION catalog_search_query(q text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT to_tsquery('simple', string_agg(
      CASE WHEN lexeme ~ '^[\u0621-\u064A]' AND lexeme NOT LIKE 'ال%'
        THEN '(' || quoted || ':* | ''ال' || substr(quoted, 2) || ':*)'
        ELSE quoted || ':*'
      END, ' & '))
    FROM (
      SELECT lexeme, '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''' AS quoted
      FROM unnest(to_tsvector('simple', public.catalog_search_text(q)))
    ) words
  $$;
