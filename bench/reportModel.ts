import type { MachineInfo } from './machineInfo.js';

/** Units figures are reported in; MB are 10^6 bytes. */
export type Unit = 's' | 'ms' | 'MB' | 'bytes' | 'images/s' | 'req/s' | 'x' | '%' | 'count';

/** A measured figure: one value per run. */
export interface Figure {
  label: string;
  unit: Unit;
  values: number[];
}

/** A target checked against a measured value. */
export interface TargetResult {
  id: string;
  description: string;
  /** The median of `runs`. */
  measured: number;
  /** Each run's value, in run order (one for a single measurement). */
  runs: number[];
  unit: Unit;
  /** E.g. `>= 1.0`. */
  goal: string;
  /** Whether every run met the goal. */
  pass: boolean;
  /** The runs (1-based) that missed the goal. */
  failedRuns: number[];
  /** How each run's value was computed from the figures. */
  detail: string;
}

/** A free-form table. */
export interface ReportTable {
  title: string;
  header: string[];
  rows: string[][];
  /** A sentence under the table, e.g. how to read it. */
  note?: string;
}

/** What a section of the bench found. */
export interface SectionResult {
  title: string;
  /** What was run and how it was timed. */
  method: string;
  figures: Figure[];
  targets: TargetResult[];
  tables: ReportTable[];
}

/** A whole bench run. */
export interface BenchReport {
  startedAt: Date;
  durationMs: number;
  commandLine: string;
  machine: MachineInfo;
  /** Inputs and settings, as label/value rows. */
  settings: [string, string][];
  /** What makes some figures not what they claim to measure, said above the targets (e.g. photos generated, not real). */
  warnings: string[];
  sections: SectionResult[];
}
