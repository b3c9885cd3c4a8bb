import type { IouType } from '../evaluation/evaluationTypes.js';
import { summaryLines } from '../evaluation/summaryLines.js';
import { type CommandIo, EXIT, followJobCommand } from './followJobCommand.js';
import type { ServiceClient } from './ServiceClient.js';

/** Options of `coco-ingest evaluate`. */
export interface EvaluateCommandOptions {
  datasetId: number;
  predictions: string;
  iouType: string;
  split?: string | undefined;
  name?: string | undefined;
  /** OKS sigmas, one per keypoint, for keypoints of another skeleton than COCO's 17; default COCO's. */
  sigmas?: number[] | undefined;
}

/**
 * Starts an evaluation on a running service, shows its progress, then prints
 * the summary in pycocotools' own twelve lines (ten for keypoints) and a table
 * of each category's figures. Ctrl-C cancels the job it started.
 */
export async function evaluateCommand(client: ServiceClient, options: EvaluateCommandOptions, io: CommandIo): Promise<number> {
  const body: Record<string, unknown> = { predictions: options.predictions, iou_type: options.iouType };
  if (options.split !== undefined) body.split = options.split;
  if (options.name !== undefined) body.name = options.name;
  if (options.sigmas !== undefined) body.sigmas = options.sigmas;
  const job = await client.post(`/datasets/${options.datasetId}/evaluations`, body);
  const code = await followJobCommand(client, job, io, undefined, { quiet: true });
  if (code !== EXIT.complete) return code;
  const evaluation = await client.get(`/datasets/${options.datasetId}/evaluations/${encodeURIComponent(String(job.evaluation))}`);
  io.stdout.write(`${evaluationReport(evaluation)}\n`);
  return code;
}

/** An evaluation as the command prints it: its name and time, pycocotools' summary lines, and the per-category table. */
export function evaluationReport(evaluation: Record<string, unknown>): string {
  const perCategory = (evaluation.per_category ?? []) as Record<string, unknown>[];
  const seconds = ((Number(evaluation.duration_ms) || 0) / 1000).toFixed(1);
  return [
    `evaluation ${String(evaluation.name)}: ${String(evaluation.predictions)} on ${String(evaluation.split)} (${String(evaluation.iou_type)}), ${seconds} s`,
    ...summaryLines(evaluation.iou_type as IouType, evaluation.summary as number[]),
    '',
    categoryTable(perCategory),
  ].join('\n');
}

const COLUMNS = ['AP', 'AP50', 'AP75', 'AR100', 'gt', 'predictions', 'tp', 'fp', 'fn'] as const;

/** Each category's figures in aligned columns, APs with three decimals (-1: no ground truth). */
function categoryTable(rows: Record<string, unknown>[]): string {
  const header = ['category', ...COLUMNS];
  const cells = rows.map((row) => [String(row.name), ...COLUMNS.map((c) => (c.startsWith('A') ? Number(row[c]).toFixed(3) : String(row[c])))]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}
