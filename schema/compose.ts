import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

// Composes the subgraphs' schema.graphql files into schema/supergraph.graphql (checked in).
// `--check` fails if composition fails or the checked-in file is stale; CI runs it.
// Routing URLs are the local defaults; the gateway overrides them from its configuration.

export const SUBGRAPHS = [
  { name: 'users', port: 4001 },
  { name: 'catalog', port: 4002 },
  { name: 'interactions', port: 4003 },
  { name: 'recommendations', port: 4004 },
] as const;

const root = join(__dirname, '..');
const out = join(root, 'schema', 'supergraph.graphql');

export function compose(): string {
  const result = composeServices(
    SUBGRAPHS.map((s) => ({
      name: s.name,
      url: `http://127.0.0.1:${s.port}/graphql`,
      typeDefs: parse(readFileSync(join(root, 'subgraphs', s.name, 'schema.graphql'), 'utf8')),
    })),
  );
  if (result.errors?.length) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl!.trim()}\n`;
}

if (require.main === module) {
  try {
    const sdl = compose();
    if (process.argv.includes('--check')) {
      if (!existsSync(out) || readFileSync(out, 'utf8') !== sdl) {
        console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit it.');
        process.exit(1);
      }
      console.log('supergraph composes and is up to date');
    } else {
      writeFileSync(out, sdl);
      console.log(`wrote ${out}`);
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
