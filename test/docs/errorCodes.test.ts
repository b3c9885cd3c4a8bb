import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ERROR_CODES } from '../../src/errorCodes.js';
import { REPO_ROOT } from '../helpers/startTestServer.js';

/** One row of a table in docs/errors.md: `| \`CODE\` | status | when |`. */
interface DocumentedCode {
  code: string;
  status: number;
  when: string;
  line: number;
}

/** The codes docs/errors.md lists, read from its tables' rows as a reader sees them. */
function documentedCodes(): DocumentedCode[] {
  const text = readFileSync(path.join(REPO_ROOT, 'docs/errors.md'), 'utf8');
  const rows: DocumentedCode[] = [];
  text.split('\n').forEach((line, index) => {
    const row = /^\|\s*`([^`]+)`\s*\|\s*([^|]*?)\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (row) rows.push({ code: row[1]!, status: Number(row[2]), when: row[3]!, line: index + 1 });
  });
  return rows;
}

describe('the error documentation (docs/errors.md)', () => {
  const documented = documentedCodes();

  it('documents every code of the registry with the status the registry gives it', () => {
    const byCode = new Map(documented.map((d) => [d.code, d]));
    const missing = Object.keys(ERROR_CODES).filter((code) => !byCode.has(code));
    expect(missing, 'codes in src/errorCodes.ts that docs/errors.md does not list').to.deep.equal([]);
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(byCode.get(code)!.status, `${code}'s status in docs/errors.md:${byCode.get(code)!.line}`).to.equal(info.status);
    }
  });

  it('lists no code the registry lacks, and none twice', () => {
    const extra = documented.filter((d) => !Object.hasOwn(ERROR_CODES, d.code)).map((d) => `${d.code} (line ${d.line})`);
    expect(extra, 'codes in docs/errors.md that src/errorCodes.ts does not have').to.deep.equal([]);
    const seen = new Set<string>();
    const twice = documented.filter((d) => seen.size === seen.add(d.code).size).map((d) => `${d.code} (line ${d.line})`);
    expect(twice, 'codes listed more than once').to.deep.equal([]);
  });

  it('says when each code is answered', () => {
    for (const d of documented) expect(d.when.length, `${d.code}'s meaning (docs/errors.md:${d.line})`).to.be.greaterThan(10);
  });
});
