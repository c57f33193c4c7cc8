import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CorpusFileSchema, type CorpusCase } from './corpus-case.schema';

/** Where the corpus YAML files live. */
export const CORPUS_DIR = resolve(__dirname, '..', '..', 'corpus');
/** Rows written by someone who never read the rules (issue 15): the validator is judged on them too. */
export const BLIND_CORPUS_DIR = resolve(__dirname, '..', '..', 'corpus-blind');

/** Every corpus case, by file, validated; throws on a malformed file or a duplicate id. */
export function loadCorpus(dir = CORPUS_DIR): { readonly file: string; readonly cases: CorpusCase[] }[] {
  const files = readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort();
  const seen = new Set<string>();
  return files.map((file) => {
    const parsed = CorpusFileSchema.parse(parse(readFileSync(join(dir, file), 'utf8')));
    for (const row of parsed.cases) {
      if (seen.has(row.id)) throw new Error(`duplicate corpus id '${row.id}' in ${file}`);
      seen.add(row.id);
    }
    return { file, cases: parsed.cases };
  });
}
