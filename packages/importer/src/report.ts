import { basename } from 'node:path';
import type { ImportReport } from './types';

/** The CLI's output: per file a summary line, then every rejection as `file:line: reason`. */
export function formatReport(report: ImportReport, options: { dryRun?: boolean } = {}): string {
  const lines: string[] = [];
  for (const f of report.files) {
    const name = basename(f.file);
    if (f.error) {
      lines.push(`${name}: not imported: ${f.error}`);
      continue;
    }
    const what = options.dryRun
      ? `${f.imported} valid`
      : `${f.imported} imported (${f.created} new, ${f.updated} updated, ${f.unchanged} unchanged)`;
    lines.push(`${name} (${f.kind}): ${f.rows} rows: ${what}, ${f.rejected.length} rejected`);
    for (const r of f.rejected) lines.push(`  ${r.file}:${r.line}: ${r.reason}`);
  }
  const rate = report.seconds > 0 ? Math.round(report.imported / report.seconds) : 0;
  lines.push(
    `total: ${report.imported} ${options.dryRun ? 'valid' : 'imported'}, ${report.rejected} rejected, ${report.failedFiles} file(s) unreadable` +
      ` in ${report.seconds.toFixed(1)} s (${rate} rows/s)${report.popularityRebuilt ? '; popularity rebuilt' : ''}`,
  );
  return lines.join('\n');
}
