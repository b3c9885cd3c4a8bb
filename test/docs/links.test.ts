import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../helpers/startTestServer.js';

const DOCS_DIR = path.join(REPO_ROOT, 'docs');
const pages = readdirSync(DOCS_DIR)
  .filter((name) => name.endsWith('.md'))
  .sort();
const files = [path.join(REPO_ROOT, 'README.md'), ...pages.map((name) => path.join(DOCS_DIR, name))];

/** The text outside fenced code blocks, where links are links. */
function prose(file: string): string {
  return readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  return new Set([...prose(file).matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

/** Relative links `[text](target)` of a Markdown file: not URLs, not mail. */
function relativeLinks(file: string): string[] {
  return [...prose(file).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target));
}

describe("the README and the guide's pages (docs/)", () => {
  it('link only to files that exist, and to headings that exist in them', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const link of relativeLinks(file)) {
        const [target, anchor] = link.split('#') as [string, string | undefined];
        const resolved = target === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(target));
        const where = `${path.relative(REPO_ROOT, file)}: ${link}`;
        if (!existsSync(resolved)) broken.push(`${where} (no such file)`);
        else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${where} (no such heading)`);
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it("are all reachable from the README and from the guide's index", () => {
    const fromReadme = new Set(relativeLinks(path.join(REPO_ROOT, 'README.md')).map((link) => link.split('#')[0]));
    const fromIndex = new Set(relativeLinks(path.join(DOCS_DIR, 'README.md')).map((link) => link.split('#')[0]));
    for (const name of pages) {
      expect(fromReadme.has(`docs/${name}`), `README.md links docs/${name}`).to.equal(true);
      if (name !== 'README.md') expect(fromIndex.has(name), `docs/README.md links ${name}`).to.equal(true);
    }
  });
});
