/**
 * The SQL of storage/embedded/postgres-indexing.ts, run in PostgreSQL's single-user mode (`-j`: a command ends
 * at a semicolon followed by an empty line, so no empty line inside a command). Idempotent: it replaces its
 * functions and trigger and creates only the indexes that are missing.
 *
 * - `lienthong_gin_expr(table, expression)`: a GIN index `lt_gin_<md5>` on one `_jsonb -> 'field'` expression.
 * - `lienthong_gin_for(table)`: for a FerretDB table (a `_jsonb` column), GIN on `_id` and on every field of its
 *   btree indexes.
 * - the event trigger `lienthong_gin`: runs that for each table and btree index FerretDB creates.
 * - a last block: runs it for the tables that exist already.
 *
 * An index that cannot be made is a WARNING, never an error: FerretDB's own DDL, inside which the trigger runs,
 * must not fail because of an index it did not ask for.
 */
export const JSONB_GIN_INDEXES_SQL = String.raw`CREATE OR REPLACE FUNCTION lienthong_gin_expr(tbl regclass, expr text) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  bare text := regexp_replace(regexp_replace(expr, '^\(+', ''), '\)+$', '');
  name text := 'lt_gin_' || substr(md5(tbl::text || '|' || bare), 1, 16);
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.relname = name AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = tbl)) THEN
    EXECUTE format('CREATE INDEX %I ON %s USING gin ((%s))', name, tbl, bare);
  END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION lienthong_gin_for(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  r record;
  k int;
  expr text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = tbl AND attname = '_jsonb' AND NOT attisdropped) THEN
    RETURN;
  END IF;
  PERFORM lienthong_gin_expr(tbl, $e$(_jsonb -> '_id'::text)$e$);
  FOR r IN SELECT i.indexrelid, i.indnatts FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = tbl AND a.amname = 'btree' LOOP
    FOR k IN 1..r.indnatts LOOP
      expr := pg_get_indexdef(r.indexrelid, k, false);
      IF expr ~ $re$^\(*_jsonb -> '[^']+'::text\)*$$re$ THEN
        PERFORM lienthong_gin_expr(tbl, expr);
      END IF;
    END LOOP;
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION lienthong_gin_on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE
  obj record;
  t regclass;
BEGIN
  FOR obj IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag IN ('CREATE TABLE', 'CREATE INDEX') LOOP
    t := NULL;
    IF obj.command_tag = 'CREATE TABLE' THEN
      t := obj.objid::regclass;
    ELSIF EXISTS (SELECT 1 FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = obj.objid AND a.amname = 'btree') THEN
      SELECT indrelid::regclass INTO t FROM pg_index WHERE indexrelid = obj.objid;
    END IF;
    IF t IS NOT NULL THEN
      BEGIN
        PERFORM lienthong_gin_for(t);
      EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'lienthong: no GIN index for %: %', t, SQLERRM;
      END;
    END IF;
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS lienthong_gin;

CREATE EVENT TRIGGER lienthong_gin ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'CREATE INDEX') EXECUTE FUNCTION lienthong_gin_on_ddl();

DO $do$
DECLARE
  t regclass;
BEGIN
  FOR t IN SELECT c.oid::regclass FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = '_jsonb' AND NOT a.attisdropped WHERE c.relkind = 'r' LOOP
    BEGIN
      PERFORM lienthong_gin_for(t);
    EXCEPTION WHEN OTHERS THEN
      RAISE WARNING 'lienthong: no GIN index for %: %', t, SQLERRM;
    END;
  END LOOP;
END
$do$;

`;
