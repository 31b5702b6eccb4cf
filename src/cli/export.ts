// `madoguchi export csaf|cve CASE` (issue 12; docs/exports.md): the case as a CSAF 2.0
// security advisory, or as CVE JSON 5 records, printed as JSON on stdout. A case that is
// not there or has nothing to export is one line on stderr and exit 1; so is a document
// that fails its own validation (fail closed: nothing invalid is printed). Exporting reads
// case data, so it is logged like `cases show` (guideline §2): a `case-read` entry.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Publisher } from '../export/model.ts';
import { appendTimeline } from '../store/repo.ts';
import type { Db } from '../store/handle.ts';
import { storeRunner, type StoreCommandDeps } from './store-command.ts';

async function publisherFromConfig(): Promise<{ publisher: Publisher; cveOrgId: string; cveShortName: string }> {
  const { loadConfig } = await import('../config.ts');
  const cfg = loadConfig();
  const e = cfg.exports;
  return { publisher: { name: cfg.desk.name, namespace: e.csafNamespace, advisoryUrl: e.advisoryUrl === '' ? null : e.advisoryUrl }, cveOrgId: e.cveOrgId, cveShortName: e.cveShortName };
}

export function registerExportCommands(program: Command, deps: StoreCommandDeps): void {
  const { out, err } = deps;
  const withDb = storeRunner(deps, 'madoguchi export');
  const exp = program.command('export').description('machine-readable advisories of a case (CSAF 2.0, CVE JSON 5)');

  /** Runs one export; NotExportable and validation failures are one line and exit 1. */
  const run = async (db: Db, id: string, actor: string, kind: 'csaf' | 'cve', build: () => Promise<{ json: unknown; warnings: string[] }>): Promise<number> => {
    const { NotExportable } = await import('../export/model.ts');
    try {
      const { json, warnings } = await build();
      await appendTimeline(db, { caseId: id, actor, event: 'case-read', data: { via: 'cli', export: kind } });
      for (const w of warnings) err(`madoguchi export ${kind}: ${id}: ${w}`);
      out(JSON.stringify(json, null, 2));
      return 0;
    } catch (e) {
      if (e instanceof NotExportable) {
        err(`madoguchi export ${kind}: ${e.message}`);
        return 1;
      }
      throw e;
    }
  };

  exp
    .command('csaf')
    .argument('<case>', 'case id, e.g. VR-2026-0042')
    .option('--actor <name>', 'who is reading (logged)', `cli:${userInfo().username}`)
    .description('the case as a CSAF 2.0 csaf_security_advisory (TLP:AMBER and interim before publication, WHITE and final after)')
    .action(async (id: string, o: { actor: string }) =>
      withDb(async (db) => {
        const [{ loadExportCase }, { buildCsaf }, { validateCsaf }, { NotExportable }, { publisher }] = await Promise.all([
          import('../export/load.ts'),
          import('../export/csaf.ts'),
          import('../adapters/csaf-validator.ts'),
          import('../export/model.ts'),
          publisherFromConfig(),
        ]);
        return run(db, id, o.actor, 'csaf', async () => {
          const { document, warnings } = buildCsaf(await loadExportCase(db, id), publisher);
          const v = await validateCsaf(document);
          if (!v.valid) throw new NotExportable(`the CSAF document of ${id} fails validation: ${v.errors[0] ?? 'unknown error'}`);
          return { json: document, warnings };
        });
      }),
    );

  exp
    .command('cve')
    .argument('<case>', 'case id, e.g. VR-2026-0042')
    .option('--schema <file>', 'validate each record against this CVE record schema (CVE_Record_Format_bundled.json) before printing; default $MADOGUCHI_CVE_SCHEMA')
    .option('--actor <name>', 'who is reading (logged)', `cli:${userInfo().username}`)
    .description('a CVE JSON 5 record (CNA container) per vulnerability with a CVE id, as a JSON list')
    .action(async (id: string, o: { schema?: string; actor: string }) =>
      withDb(async (db) => {
        const [{ loadExportCase }, { buildCveRecords }, { NotExportable }, conf] = await Promise.all([
          import('../export/load.ts'),
          import('../export/cve.ts'),
          import('../export/model.ts'),
          publisherFromConfig(),
        ]);
        const schema = o.schema ?? process.env.MADOGUCHI_CVE_SCHEMA ?? '';
        return run(db, id, o.actor, 'cve', async () => {
          if (conf.cveOrgId === '') throw new NotExportable('no CNA orgId configured (exports.cveOrgId, MADOGUCHI_CVE_ORG_ID)');
          const { records, warnings } = buildCveRecords(await loadExportCase(db, id), conf.publisher, { orgId: conf.cveOrgId, shortName: conf.cveShortName === '' ? null : conf.cveShortName });
          if (schema !== '') {
            const { compileSchemaFile } = await import('../adapters/ajv.ts');
            const validate = await compileSchemaFile(schema).catch((e: unknown) => {
              throw new NotExportable(`cannot read the CVE schema ${schema}: ${e instanceof Error ? e.message : String(e)}`);
            });
            for (const r of records) {
              const v = validate(r);
              if (!v.valid) throw new NotExportable(`a CVE record of ${id} fails the schema: ${v.errors[0] ?? 'unknown error'}`);
            }
          }
          return { json: records, warnings };
        });
      }),
    );
}
