import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatValue, formatWithUnit } from './formatValue.js';
import type { BenchReport, Figure, ReportTable, SectionResult, TargetResult } from './reportModel.js';
import { summarize } from './stats.js';

/** Renders `report` as Markdown and writes it to `file`. */
export async function writeReport(file: string, report: BenchReport): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, renderReport(report));
}

/** The report as Markdown: targets first, then the machine, the settings and each section's figures. */
export function renderReport(report: BenchReport): string {
  const { machine } = report;
  const targets = report.sections.flatMap((section) => section.targets).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const lines = [
    '# Benchmarks',
    '',
    `Measured on ${report.startedAt.toISOString()} by \`${report.commandLine}\` in ${(report.durationMs / 60_000).toFixed(1)} min. ` +
      "Every figure below was measured in that run: each is the median of the runs, with min, max and every run's value. " +
      'A ratio of two alternated steps is computed per round (step A of round i against step B of round i) and reported as the ' +
      'median of those ratios; a target passes only if every run meets it (its runs are listed beside it). MB are 10^6 bytes. To reproduce: `npm run bench` (needs `vipsthumbnail`: ' +
      '`apt-get install libvips-tools`); `npm run bench -- --quick` for a smoke run; `--help` lists the options.',
    '',
    '## Targets',
    '',
    ...report.warnings.map((warning) => `**Warning:** ${warning}\n`),
    table(['#', 'Target', 'Median', 'Runs', 'Goal', 'Result'], targets.map(targetRow)),
    '',
    '## Machine and software',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${machine.cpuModel}, ${machine.cores} cores`],
        ['Memory', `${(machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`],
        ['OS', `${machine.os}; ${machine.kernel}`],
        ['Node', machine.node],
        ...Object.entries(machine.packages).map(([name, version]) => [name, version]),
        ['libvips (in sharp)', machine.sharpLibvips],
        ['vipsthumbnail', machine.vipsthumbnail ?? 'not installed'],
        ['Commit measured', machine.commit ?? 'unknown (not a git checkout)'],
      ],
    ),
    '',
    '## Inputs and settings',
    '',
    table(['Setting', 'Value'], report.settings),
    '',
    ...report.sections.flatMap(renderSection),
  ];
  return `${lines.join('\n')}\n`;
}

function renderSection(section: SectionResult): string[] {
  return [
    `## ${section.title}`,
    '',
    section.method,
    '',
    table(['Figure', 'Median', 'Min', 'Max', 'Unit', 'Runs'], section.figures.map(figureRow)),
    '',
    ...(section.targets.length === 0
      ? []
      : [
          table(
            ['#', 'Target', 'Median', 'Runs', 'Goal', 'Result', 'Each run computed as'],
            section.targets.map((t) => [...targetRow(t), t.detail]),
          ),
          '',
        ]),
    ...section.tables.flatMap(renderTable),
  ];
}

function renderTable(t: ReportTable): string[] {
  return [`### ${t.title}`, '', table(t.header, t.rows), '', ...(t.note === undefined ? [] : [t.note, ''])];
}

function figureRow(figure: Figure): string[] {
  const s = summarize(figure.values);
  const f = (v: number) => formatValue(v, figure.unit);
  return [figure.label, f(s.median), f(s.min), f(s.max), figure.unit, s.values.map(f).join(', ')];
}

function targetRow(t: TargetResult): string[] {
  const result = t.pass ? '**PASS**' : t.runs.length > 1 ? `**FAIL** (run ${t.failedRuns.join(', ')})` : '**FAIL**';
  return [t.id, t.description, formatWithUnit(t.measured, t.unit), t.runs.map((v) => formatValue(v, t.unit)).join(', '), t.goal, result];
}

function table(header: string[], rows: string[][]): string {
  const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.map(escapeCell).join(' | ')} |`).join('\n');
}
